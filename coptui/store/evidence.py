"""How strongly the report-backs on a practice say it works: the score practices are ranked by."""

from __future__ import annotations

import math
import sqlite3

# 95% confidence.
_Z = 1.96


def evidence_sql(worked: str, partly: str, did_not_work: str) -> str:
    """SQL for the Wilson lower bound (95%) of a practice's share of success, from 0 to 1.

    Each report-back of someone who tried it counts: worked as one success, partly as
    half of one, did not work as none ("not tried" says nothing of the practice and is
    left out). The bound is the share that the evidence makes likely at the least, so
    it rises with the share and with how many tried: 9 worked out of 10 (0.60) outranks
    1 out of 1 (0.21), and a practice nobody tried scores 0. The arguments are SQL
    expressions for the three counts; the triggers of migration 0011 store the result.
    """
    tried = f"({worked} + {partly} + {did_not_work})"
    share = f"(({worked} + 0.5 * {partly}) * 1.0 / {tried})"
    z2 = _Z * _Z
    centre = f"{share} + {z2} / (2.0 * {tried})"
    margin = f"{_Z} * sqrt({share} * (1 - {share}) / {tried} + {z2} / (4.0 * {tried} * {tried}))"
    return f"CASE WHEN {tried} = 0 THEN 0.0 ELSE max(0.0, ({centre} - {margin}) / (1 + {z2} / {tried})) END"


def ensure_sqrt(conn: sqlite3.Connection) -> None:
    """Give `conn` the `sqrt` that the evidence needs when its SQLite was built without math functions."""
    try:
        conn.execute("SELECT sqrt(4)")
    except sqlite3.OperationalError:
        conn.create_function("sqrt", 1, math.sqrt, deterministic=True)

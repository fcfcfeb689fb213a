"""Another program holding a repertoire's write lock, as a `sqlite3` shell in a transaction would."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def write_lock_held(db_path: Path) -> Iterator[sqlite3.Connection]:
    """`BEGIN IMMEDIATE` and a write kept open until the block ends (or the test rolls it back)."""
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO topics (slug, name, description) VALUES ('zz-held', 'Held', '')")
    try:
        yield other
    finally:
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()

"""Full-text search over everything members wrote, whatever they type into the box: its SQL, once.

Free of pydantic and sqlite-utils, so that `coptui search` from the shell runs it on a bare
sqlite3 connection; the browser's search (`Repertoire.browse_search`) runs the same
queries and makes models of the hits.
"""

from __future__ import annotations

import json
import re
import sqlite3
from enum import StrEnum
from typing import Any, NamedTuple, Protocol

from coptui.text import strip_controls

# Snippet markers: control characters, which stored text can never contain
# (see coptui.text), so a renderer can find the matched words without ambiguity.
MATCH_START = "\x02"
MATCH_END = "\x03"

_WORD = re.compile(r"\w+", re.UNICODE)
# Beyond this many words a query is a pasted paragraph: the first ones find it as well.
MAX_QUERY_WORDS = 12


def unmarked(snippet: str) -> str:
    """A snippet without its match markers."""
    return snippet.replace(MATCH_START, "").replace(MATCH_END, "")


class HitKind(StrEnum):
    CASE = "case"
    STRATEGY = "strategy"
    REPORT_BACK = "report_back"
    NOTE = "note"


def fts_query(text: str, *, prefix: bool = True) -> str | None:
    """An FTS5 query matching every word typed, each quoted so no operator or symbol is special.

    The last word also matches as a prefix, so results follow the typing, once it has
    two letters: a one-letter prefix matches nearly everything, so a lone letter is
    matched as a word. None if nothing searchable was typed (only punctuation, say).
    """
    # Cleaned as stored text is, so `del\x7fete` looks for the `delete` that was stored.
    text = strip_controls(text)
    # A repeated word narrows nothing, and makes FTS5's snippet() slow on long texts.
    words = list(dict.fromkeys(_WORD.findall(text)))[:MAX_QUERY_WORDS]
    if not words:
        return None
    quoted = [f'"{word}"' for word in words]
    if prefix and len(words) < MAX_QUERY_WORDS and len(words[-1]) > 1 and _WORD.fullmatch(text[-1]):
        quoted[-1] += "*"
    return " ".join(quoted)


class Narrowing(Protocol):
    """What narrows a search (the browser's `BrowseFilter`): SQL conditions for one kind of item,
    given the expressions that hold its case id, its author, its date and its own outcome
    condition; and the order, "date" for newest first."""

    @property
    def sort(self) -> str: ...

    def clauses(
        self, *, case: str | None, member: str | None, on: str | None, outcome: str | None = None
    ) -> tuple[list[str], dict[str, Any]]: ...


# A strategy's own outcomes: the report-backs on the actions taken to try it.
STRATEGY_OUTCOME = (
    "s.id IN (SELECT a.strategy_id FROM actions a JOIN report_backs r ON r.action_id = a.id "
    "WHERE r.outcome = :f_outcome)"
)

HIT_ORDER = (HitKind.CASE, HitKind.STRATEGY, HitKind.REPORT_BACK, HitKind.NOTE)
# How many of the newest matches of each kind a search scores for relevance.
SEARCH_WINDOW = 500

# Per kind: the FROM clause, the expressions naming its id, case, session, title, date,
# author and (when it has one) its own outcome condition.
_HIT_SOURCES: dict[HitKind, dict[str, str | None]] = {
    HitKind.CASE: {
        "fts": "cases_fts",
        "from": "cases_fts JOIN cases c ON c.id = cases_fts.rowid",
        "id": "c.id",
        "case": "c.id",
        "session": "c.session_id",
        "title": "c.title",
        "on": "c.opened_on",
        "author": "c.presenter",
        "outcome": None,
    },
    HitKind.STRATEGY: {
        "fts": "strategies_fts",
        "from": "strategies_fts JOIN strategies s ON s.id = strategies_fts.rowid "
        "JOIN cases c ON c.id = s.case_id",
        "id": "s.id",
        "case": "s.case_id",
        "session": "s.session_id",
        "title": "c.title",
        "on": "c.opened_on",
        "author": "s.proposer",
        "outcome": STRATEGY_OUTCOME,
    },
    HitKind.REPORT_BACK: {
        "fts": "report_backs_fts",
        "from": "report_backs_fts JOIN report_backs r ON r.id = report_backs_fts.rowid "
        "LEFT JOIN cases c ON c.id = r.case_id",
        "id": "r.id",
        "case": "r.case_id",
        "session": "r.session_id",
        "title": "coalesce(c.title, 'Report-back')",
        "on": "r.reported_on",
        "author": "r.member",
        "outcome": "r.outcome = :f_outcome",
    },
    HitKind.NOTE: {
        "fts": "notes_fts",
        "from": "notes_fts JOIN notes n ON n.id = notes_fts.rowid JOIN sessions ss ON ss.id = n.session_id",
        "id": "n.id",
        "case": "n.case_id",
        "session": "n.session_id",
        "title": "ss.title",
        "on": "ss.date",
        "author": "n.author",
        "outcome": None,
    },
}


def hit_sql(kind: HitKind, filter: Narrowing | None = None) -> tuple[str, dict[str, Any]]:
    """One kind's search, narrowed by `filter`: the newest :window matches, ordered by relevance
    or newest first.

    Ranking every match of a common word ("a", "alert") on a large repertoire means
    scoring hundreds of thousands of rows for each keystroke. FTS5 hands matches over
    newest first at no cost, so only the latest :window are scored and sorted.
    """
    source = _HIT_SOURCES[kind]
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if filter is not None:
        clauses, params = filter.clauses(
            case=source["case"], member=source["author"], on=source["on"], outcome=source["outcome"]
        )
    fts = source["fts"]
    order = "on_date DESC, rank, id" if filter is not None and filter.sort == "date" else "rank, id"
    sql = (
        f"SELECT * FROM ("
        f"SELECT {source['id']} AS id, {source['case']} AS case_id, {source['session']} AS session_id, "
        f"{source['title']} AS title, {fts}.rank AS rank, {source['on']} AS on_date, "
        f"{source['author']} AS author "
        f"FROM {source['from']} WHERE {fts} MATCH :query AND {' AND '.join(clauses) or '1'} "
        f"ORDER BY {fts}.rowid DESC LIMIT :window"
        f") ORDER BY {order} LIMIT :limit"
    )
    return sql, {**params, "window": SEARCH_WINDOW}


def snippet_sql(kind: HitKind) -> str:
    """The snippets of the hits chosen, in one pass over the matches between the lowest and highest id.

    Made once the best are chosen, never for every match of a common word; and in one
    query, since each MATCH of a long prefix ("alert*") merges every word it starts.
    The `+` keeps SQLite from handing FTS5 the ids one by one, a MATCH for each.
    """
    fts = _HIT_SOURCES[kind]["fts"]
    return (
        f"SELECT rowid AS id, snippet({fts}, -1, :start, :end, '…', 16) AS snippet FROM {fts} "
        f"WHERE {fts} MATCH :query AND rowid BETWEEN :low AND :high "
        "AND +rowid IN (SELECT value FROM json_each(:ids))"
    )


class SearchHit(NamedTuple):
    """One match: `on` is the date of what it found (ISO, or None), `author` who wrote it, and
    `snippet` the matched words between `MATCH_START` and `MATCH_END`."""

    kind: HitKind
    id: int
    case: int | None
    session: int | None
    title: str
    snippet: str
    rank: float
    on: str | None
    author: str | None

    def plain_snippet(self) -> str:
        return unmarked(self.snippet)


def find(
    conn: sqlite3.Connection, text: str, filter: Narrowing | None = None, *, limit: int = 50
) -> list[SearchHit]:
    """Up to `limit` matches of each kind under `filter`, grouped by kind (cases first).

    Nothing if nothing searchable was typed. SQLite's errors pass through as they are.
    """
    query = fts_query(text)
    if query is None:
        return []
    found: list[SearchHit] = []
    marks = {"query": query, "start": MATCH_START, "end": MATCH_END}
    for kind in HIT_ORDER:
        sql, params = hit_sql(kind, filter)
        rows = conn.execute(sql, {**params, **marks, "limit": limit}).fetchall()
        if not rows:
            continue
        ids = [row[0] for row in rows]
        snippets = dict(
            conn.execute(
                snippet_sql(kind), {**marks, "low": min(ids), "high": max(ids), "ids": json.dumps(ids)}
            ).fetchall()
        )
        for id, case, session, title, rank, on, author in rows:
            day = on[:10] if on else None
            found.append(SearchHit(kind, id, case, session, title, snippets.get(id, ""), rank, day, author))
    return found


def best(found: list[SearchHit], limit: int) -> list[SearchHit]:
    """The best `limit` matches across every kind, best first."""
    return sorted(found, key=lambda hit: hit.rank)[:limit]

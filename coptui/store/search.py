"""Full-text search over everything members wrote, whatever they type into the box."""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel

# Snippet markers: control characters, which stored text can never contain
# (see coptui.text), so a renderer can find the matched words without ambiguity.
MATCH_START = "\x02"
MATCH_END = "\x03"

_WORD = re.compile(r"\w+", re.UNICODE)
# Beyond this many words a query is a pasted paragraph: the first ones find it as well.
MAX_QUERY_WORDS = 12


class HitKind(StrEnum):
    CASE = "case"
    STRATEGY = "strategy"
    REPORT_BACK = "report_back"
    NOTE = "note"


class SearchHit(BaseModel):
    kind: HitKind
    id: int
    case: int | None
    session: int | None
    title: str
    snippet: str
    rank: float

    def plain_snippet(self) -> str:
        return self.snippet.replace(MATCH_START, "").replace(MATCH_END, "")


def fts_query(text: str, *, prefix: bool = True) -> str | None:
    """An FTS5 query matching every word typed, each quoted so no operator or symbol is special.

    The last word also matches as a prefix, so results follow the typing. None if
    nothing searchable was typed (only punctuation, say).
    """
    # A repeated word narrows nothing, and makes FTS5's snippet() slow on long texts.
    words = list(dict.fromkeys(_WORD.findall(text)))[:MAX_QUERY_WORDS]
    if not words:
        return None
    quoted = [f'"{word}"' for word in words]
    if prefix and len(words) < MAX_QUERY_WORDS and _WORD.fullmatch(text[-1]):
        quoted[-1] += "*"
    return " ".join(quoted)


# Per kind: the hit's id, case, session, a title to show it under, and a snippet
# from whichever indexed column matched best.
_KIND_SQL: dict[HitKind, str] = {
    HitKind.CASE: (
        "SELECT c.id, c.id AS case_id, c.session_id, c.title AS title, "
        "snippet(cases_fts, -1, :start, :end, '…', 16) AS snippet, cases_fts.rank AS rank "
        "FROM cases_fts JOIN cases c ON c.id = cases_fts.rowid "
        "WHERE cases_fts MATCH :query ORDER BY rank LIMIT :limit"
    ),
    HitKind.STRATEGY: (
        "SELECT s.id, s.case_id, s.session_id, c.title AS title, "
        "snippet(strategies_fts, -1, :start, :end, '…', 16) AS snippet, strategies_fts.rank AS rank "
        "FROM strategies_fts JOIN strategies s ON s.id = strategies_fts.rowid "
        "JOIN cases c ON c.id = s.case_id "
        "WHERE strategies_fts MATCH :query ORDER BY rank LIMIT :limit"
    ),
    HitKind.REPORT_BACK: (
        "SELECT r.id, r.case_id, r.session_id, coalesce(c.title, 'Report-back') AS title, "
        "snippet(report_backs_fts, -1, :start, :end, '…', 16) AS snippet, "
        "report_backs_fts.rank AS rank "
        "FROM report_backs_fts JOIN report_backs r ON r.id = report_backs_fts.rowid "
        "LEFT JOIN cases c ON c.id = r.case_id "
        "WHERE report_backs_fts MATCH :query ORDER BY rank LIMIT :limit"
    ),
    HitKind.NOTE: (
        "SELECT n.id, n.case_id, n.session_id, s.title AS title, "
        "snippet(notes_fts, -1, :start, :end, '…', 16) AS snippet, notes_fts.rank AS rank "
        "FROM notes_fts JOIN notes n ON n.id = notes_fts.rowid "
        "JOIN sessions s ON s.id = n.session_id "
        "WHERE notes_fts MATCH :query ORDER BY rank LIMIT :limit"
    ),
}


def search_sql(kind: HitKind) -> str:
    return _KIND_SQL[kind]

"""Full-text search over everything members wrote, whatever they type into the box."""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel

from coptui.text import strip_controls

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

"""User text on screen: always as `Text`, never as markup, and cleaned once more before drawing."""

from __future__ import annotations

from rich.text import Text

from coptui.store import MATCH_END, MATCH_START
from coptui.text import clean_text, one_line, strip_controls


def plain(value: object, *, width: int | None = None, style: str = "") -> Text:
    """User text as a one-line `Text`: brackets, stars and escapes show as typed and style nothing."""
    return Text(one_line(clean_text(str(value)), width), style=style, no_wrap=True, overflow="ellipsis")


def block(value: str, *, style: str = "") -> Text:
    """Multi-line user text, line breaks kept."""
    return Text(clean_text(value), style=style)


def highlighted(snippet: str, *, style: str = "reverse") -> Text:
    """A search snippet with its matched words styled, from the store's match markers."""
    text = Text(no_wrap=True, overflow="ellipsis")
    parts = snippet.replace("\n", " ").replace(MATCH_END, MATCH_START).split(MATCH_START)
    for i, part in enumerate(parts):
        text.append(strip_controls(part), style=style if i % 2 else "")
    return text

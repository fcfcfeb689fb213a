"""The one door through which stored text reaches the screen.

The store hands rows back as they are in the file, and another tool may have written
escape sequences or control bytes there, so every piece of members' text is cleaned
here as it becomes something drawable: `Text` for widgets, a cleaned `str` where a
widget takes a plain string (an input's value, a border title, a toast, a part of a
detail pane's story). No other UI module imports `coptui.text` or draws stored text raw;
`tests/test_drawing_door.py` checks it.
"""

from __future__ import annotations

import re

from rich.text import Text

from coptui.store import MATCH_END, MATCH_START
from coptui.text import clean_text, one_line, strip_controls


def plain(value: object, *, width: int | None = None, style: str = "") -> Text:
    """User text as a one-line `Text`: brackets, stars and escapes show as typed and style nothing."""
    return Text(plain_str(value, width), style=style, no_wrap=True, overflow="ellipsis")


def block(value: str, *, style: str = "") -> Text:
    """Multi-line user text, line breaks kept."""
    return Text(clean_text(value), style=style)


def plain_str(value: object, width: int | None = None) -> str:
    """User text as one cleaned line, for a widget that takes a plain string and never markup."""
    return one_line(str(value), width)


def block_str(value: object) -> str:
    """Multi-line user text, cleaned, line breaks kept: what a text area is given to edit."""
    return clean_text(str(value))


def input_text(value: str) -> str:
    """What a text area may hold as it is typed or pasted: what the store would keep, and as
    typed otherwise (not trimmed: the typist's spaces are theirs), so no control byte echoes."""
    return strip_controls(value.replace("\r\n", "\n").replace("\r", "\n"))


def input_line(value: str) -> str:
    """What a one-line input box may hold: `input_text` with its line breaks and tabs as spaces."""
    return re.sub(r"[\t\n]", " ", input_text(value))


def highlighted(snippet: str, *, style: str = "reverse") -> Text:
    """A search snippet with its matched words styled, from the store's match markers."""
    text = Text(no_wrap=True, overflow="ellipsis")
    parts = snippet.replace("\n", " ").replace(MATCH_END, MATCH_START).split(MATCH_START)
    for i, part in enumerate(parts):
        text.append(strip_controls(part), style=style if i % 2 else "")
    return text

"""User text at the boundary: what may be stored, and how one line of it is shown.

Members' words travel to other members' terminals and into Markdown, so text is
cleaned once on the way in (every model field passes through here) and treated
as data, never markup, on the way out.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional
# overrides/isolates that can make text display in an order other than typed.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# A whole escape sequence (CSI, OSC, DCS and friends) is dropped, not just its
# ESC byte, so that "\x1b]0;title\x07" leaves nothing behind but the text around it.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC, DCS, SOS, PM, APC
    r"|[@-Z\\-_])"  # two-byte sequences
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|\x9d[^\x07\x9c]*(?:\x07|\x9c)?"  # 8-bit OSC
)


def strip_controls(value: str) -> str:
    """Drop escape sequences, control characters but tab and newline, and bidi overrides."""
    if _UNSAFE.search(value) is None:
        return value  # most text: every escape sequence starts with a character `_UNSAFE` finds
    return _UNSAFE.sub("", _ESCAPE_SEQUENCE.sub("", value))


def clean_text(value: str) -> str:
    """Text as it may be stored: normalised newlines, no control or bidi-override characters."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return strip_controls(value).strip()


def clean_line(value: str) -> str:
    """A one-line field (a title, a name): cleaned text with its line breaks folded to spaces."""
    return " ".join(clean_text(value).split())


def one_line(value: str, width: int | None = None) -> str:
    """A short display form of possibly multi-line text, cleaned, cut with an ellipsis at `width`."""
    line = clean_line(value)
    if width is not None and len(line) > width:
        return line[: max(width - 1, 0)] + "…"
    return line

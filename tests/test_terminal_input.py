"""What the terminal sends becomes the same events however the reads split it, and a bracketed
paste arrives whole and cleaned, whatever escape bytes it holds (see coptui/ui/terminal_input.py)."""

from __future__ import annotations

import pytest
from textual import events
from textual._xterm_parser import XTermParser
from textual.message import Message

from coptui.ui.terminal_input import PasteSafeParser


def read(parser: XTermParser, data: str, chunk: int) -> list[tuple[str, str | None]]:
    """Feed `data` in reads of `chunk` characters, then end the input; the events, as (kind, text)."""
    found: list[Message] = []
    for i in range(0, len(data), chunk):
        found += parser.feed(data[i : i + chunk])
    found += parser.feed("")
    return [
        ("paste", e.text)
        if isinstance(e, events.Paste)
        else ("key", e.key)
        if isinstance(e, events.Key)
        else (type(e).__name__, None)
        for e in found
    ]


def pasted(text: str) -> str:
    return f"\x1b[200~{text}\x1b[201~"


PASTES = [
    ("ab" + pasted("#case @m03 Evil\x1b]0;PWNED\x07title") + "c", ["a", "b", "#case @m03 Eviltitle", "c"]),
    (pasted("x\x1b[2J\x1b[Hy\x9b31m\u202e z\x1b"), ["xy z"]),
    (pasted("line one\rline two\r\n") + pasted("🧑\u200d⚕️"), ["line one\nline two\n", "🧑\u200d⚕️"]),
    (pasted("\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\") + "\x1b[A", ["link", "up"]),
    (pasted("a\x1b" * 40), ["a" * 40]),  # more ESCs than Textual's 32-character sequence search
]


@pytest.mark.parametrize(("data", "expected"), PASTES)
@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 4096])
def test_a_paste_arrives_whole_and_cleaned_however_the_reads_split_it(
    data: str, expected: list[str], chunk: int
) -> None:
    assert [text for _, text in read(PasteSafeParser(), data, chunk)] == expected


KEYS = ["abc", "\x1b[A\x1b[B\x1b[1;5C", "\x1bOP\x1b[15~", "é🙂", "\x1b[<0;10;5M\x1b[<0;10;5m", "[200~"]


@pytest.mark.parametrize("data", KEYS)
@pytest.mark.parametrize("chunk", [1, 2, 3, 4096])
def test_keys_and_the_mouse_read_as_textual_reads_them(data: str, chunk: int) -> None:
    assert read(PasteSafeParser(), data, chunk) == read(XTermParser(), data, 4096)

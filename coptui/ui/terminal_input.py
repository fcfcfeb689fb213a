"""Reading the terminal: a bracketed paste arrives as one piece of text, whatever it holds.

Textual's input parser (textual/_xterm_parser.py, 8.x) reads an ESC inside a bracketed
paste as the start of an escape sequence: the characters after it are not added to the
paste but sent as key presses (the ESC itself as "^") once the sequence grows past 32
characters or meets the next ESC, ahead of the paste, and the paste loses its last
character. So `Evil\\x1b]0;PWNED\\x07title` pasted became the keys `^]0;PWNEDtitle` and
then the paste `Evil`. A pasted text is the member's words, never terminal input, so
coptui takes each paste whole from the bytes before Textual's parser sees them, cleans
it as typed text is cleaned (no ESC is left in it), and hands the parser that.
"""

from __future__ import annotations

from collections.abc import Iterable
from time import monotonic
from typing import Any

from textual._xterm_parser import XTermParser
from textual.message import Message

from coptui.ui.render import input_text

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"
# How long the first bytes of PASTE_START are held, waiting for the rest, before they are
# read as keys after all (alt+[ is "\x1b[").
HOLD_SECONDS = 0.1


def _marker_start(text: str, marker: str, shortest: int = 1) -> int:
    """Where a partial `marker` of at least `shortest` characters ends `text` (else len(text)):
    the characters to hold for the next read."""
    for size in range(min(len(marker) - 1, len(text)), shortest - 1, -1):
        if marker.startswith(text[-size:]):
            return len(text) - size
    return len(text)


class PasteSafeParser(XTermParser):
    """Textual's parser, given every bracketed paste whole, cleaned, with no ESC inside."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._paste: list[str] | None = None  # the paste under way, or None between pastes
        self._opening = PASTE_START  # what of PASTE_START the parser is still to be given
        self._held = ""  # characters that may be the start of a marker
        self._held_since = 0.0
        # The parser was last given a lone ESC: the next read may finish a split PASTE_START.
        self._esc_given = False

    def feed(self, data: str) -> Iterable[Message]:
        if not data:  # end of input: what was held is typed text after all
            if held := self._release():
                yield from super().feed(held)
            yield from super().feed(data)
            return
        skip = int(self._esc_given)  # leading characters of `text` the parser has already
        text, self._held = "\x1b" * skip + self._held + data, ""
        out: list[str] = []

        def give(chunk: str) -> None:
            nonlocal skip
            out.append(chunk[skip:])
            skip = max(skip - len(chunk), 0)

        while text:
            if self._paste is None:
                start = text.find(PASTE_START)
                if start < 0:
                    # A lone ESC is not held: it is the escape key far more often than a split marker.
                    keep = _marker_start(text, PASTE_START, shortest=2)
                    give(text[:keep])
                    self._hold(text[keep:])
                    break
                give(text[:start])
                self._paste, self._opening, skip = [], PASTE_START[skip:], 0
                text = text[start + len(PASTE_START) :]
            else:
                end = text.find(PASTE_END)
                if end < 0:
                    keep = _marker_start(text, PASTE_END)
                    self._paste.append(text[:keep])
                    self._hold(text[keep:])
                    break
                self._paste.append(text[:end])
                out.append(f"{self._opening}{input_text(''.join(self._paste))}{PASTE_END}")
                self._paste, text = None, text[end + len(PASTE_END) :]
        given = "".join(out)
        self._held = self._held[skip:]
        self._esc_given = bool(skip) or given.endswith("\x1b")
        if given:
            yield from super().feed(given)

    def tick(self) -> Iterable[Message]:
        if self._held and self._paste is None and monotonic() - self._held_since > HOLD_SECONDS:
            self._esc_given = False
            yield from super().feed(self._release())
        yield from super().tick()

    def _hold(self, text: str) -> None:
        if text:
            self._held, self._held_since = text, monotonic()

    def _release(self) -> str:
        held, self._held = self._held, ""
        return held


def read_pastes_whole() -> None:
    """Have Textual's terminal driver read its input through `PasteSafeParser`.

    The driver makes its parser inside its input thread from the module's name, so the
    name is what can be changed; this is the one place coptui reaches into Textual.
    """
    from textual.drivers import linux_driver

    linux_driver.XTermParser = PasteSafeParser  # type: ignore[misc]

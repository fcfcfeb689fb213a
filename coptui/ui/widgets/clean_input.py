"""Input boxes that hold only what the store would keep, however the text arrives, and that
carry out the keys typed into them in the order they were pressed.

What is typed, pasted or set is cleaned as it enters (`render.input_line`/`input_text`),
so the terminal never echoes an escape sequence, a C1 control, DEL or a bidi override
that the store would drop anyway. And a character Textual would drop when typed, because
`str.isprintable` calls it a format character, is kept when the store keeps it: a
zero-width joiner typed inside 🧑‍⚕️ files the same as one pasted.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from textual import events
from textual.binding import Binding
from textual.widgets import Input

from coptui.ui.render import input_line, input_text


def kept_format_character(character: str | None) -> bool:
    """A format character (ZWJ, ZWNJ, a word joiner) that text keeps, but `isprintable` denies."""
    return (
        character is not None
        and len(character) == 1
        and unicodedata.category(character) == "Cf"
        and input_text(character) == character
    )


# The keys that move focus from field to field, unless the field in focus binds them itself.
FOCUS_KEYS = ("tab", "shift+tab")


@cache
def editing_keys(box: type[Input]) -> dict[str, str]:
    """Each key an Input (or a box derived from it) binds, and its action; a subclass's first."""
    keys: dict[str, str] = {}
    for cls in reversed(box.__mro__[: box.__mro__.index(Input) + 1]):
        for binding in Binding.make_bindings(cls.__dict__.get("BINDINGS", [])):
            keys.update(dict.fromkeys(binding.key.split(","), binding.action))
    return keys


class CleanInput(Input):
    """A one-line input box: typed, pasted and set text cleaned; a multi-line paste joined by spaces.

    Textual resolves a focused Input's bindings (Backspace, Ctrl+U, the arrows, Enter…) only
    once the key has bubbled up to the App, behind the keys typed after it: in a burst of
    typing (a fast typist, a slow machine) a Backspace or Ctrl+U typed mid-word deleted what
    came after it. Every key the box binds is carried out here instead, in key order.
    """

    def validate_value(self, value: str) -> str:
        return input_line(value)

    def validate_placeholder(self, placeholder: str) -> str:
        # A placeholder may name a member ("ben's check-in"): stored text, drawn like any other.
        return input_line(placeholder)

    def replace(self, text: str, start: int, end: int) -> None:
        # Cleaned before it goes in, so the cursor lands after what was kept.
        super().replace(input_line(text), start, end)

    def check_consume_key(self, key: str, character: str | None) -> bool:
        # A box that binds Tab itself (the capture box takes a suggestion with it) keeps it:
        # the app's Tab, which moves focus, then leaves the box alone.
        return (
            super().check_consume_key(key, character)
            or kept_format_character(character)
            or (key in FOCUS_KEYS and key in editing_keys(type(self)))
        )

    async def _on_key(self, event: events.Key) -> None:
        if kept_format_character(event.character):
            event.stop()
            event.prevent_default()
            self.replace(event.character or "", *self.selection)
            return
        bound = editing_keys(type(self))
        action = next((bound[key] for key in event.aliases if key in bound), None)
        if action is not None:
            event.stop()
            event.prevent_default()
            await self.run_action(action)
            return
        await super()._on_key(event)

    def _on_paste(self, event: events.Paste) -> None:
        # Textual's Input keeps a paste's first line only; a one-line box keeps them all.
        event.stop()
        event.prevent_default()  # Input's own handler would paste the first line again
        if event.text:
            self.replace(" ".join(event.text.splitlines()), *self.selection)

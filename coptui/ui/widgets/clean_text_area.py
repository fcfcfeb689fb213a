"""The multi-line box of the edit forms, cleaned as `clean_input`'s one-line box is.

A module of its own so that only the forms load Textual's TextArea: the browser's first
screen has one-line boxes only.
"""

from __future__ import annotations

from textual import events
from textual.widgets import TextArea
from textual.widgets.text_area import EditResult, Location

from coptui.ui.render import input_text
from coptui.ui.widgets.clean_input import kept_format_character


class CleanTextArea(TextArea):
    """A text area whose typed and pasted text is cleaned as it enters, line breaks kept."""

    def _replace_via_keyboard(self, insert: str, start: Location, end: Location) -> EditResult | None:
        return super()._replace_via_keyboard(input_text(insert), start, end)

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        return super().check_consume_key(key, character) or (
            not self.read_only and kept_format_character(character)
        )

    async def _on_key(self, event: events.Key) -> None:
        if not self.read_only and kept_format_character(event.character):
            event.stop()
            event.prevent_default()
            self._replace_via_keyboard(event.character or "", *self.selection)
            return
        await super()._on_key(event)

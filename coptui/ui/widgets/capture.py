"""The capture box: one line where the facilitator types notes and tags, with completion of both."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.suggester import Suggester
from textual.widgets import Input, Static

from coptui.facilitation.tags import TAGS
from coptui.ui.render import block, input_text
from coptui.ui.widgets.clean_input import CleanInput


class TagSuggester(Suggester):
    """Completes the word being typed: `#st` to `#strategy`, `@be` to `@ben` (→ accepts)."""

    def __init__(self, handles: Iterable[str] = ()) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.handles = sorted(handles)

    async def get_suggestion(self, value: str) -> str | None:
        head, _, word = value.rpartition(" ")
        if len(word) < 2:
            return None
        if word.startswith("#") and not head:
            choices: Iterable[str] = ("#" + tag for tag in TAGS)
        elif word.startswith("@"):
            choices = ("@" + handle for handle in self.handles)
        else:
            return None
        for choice in choices:
            if choice.startswith(word.lower()) and choice != word:
                return f"{head} {choice}" if head else choice
        return None


class CaptureInput(CleanInput):
    """An Input that takes its line and empties itself the moment Enter arrives.

    Textual resolves a focused Input's Enter binding only after the key has bubbled up to
    the App, so in a burst of typing (a fast typist, a paste, a slow machine) the next
    line's first keys land in the box before it is submitted, and two entries run
    together. Handling Enter here, in key order, keeps every line whole.
    """

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            text, self.value = self.value, ""
            self.post_message(self.Submitted(self, text))
            return
        await super()._on_key(event)

    def _on_paste(self, event: events.Paste) -> None:
        """A paste of one line goes into the box; one of several lines is filed at once, whole.

        Lines that are all tags (`#strategy …`, `#vote …`) are filed one entry per line, in
        order; any other text is one entry with its line breaks kept: a note, or the text of
        the tag it starts with (`#context` and the lines after it). The box cannot show line
        breaks, so holding the paste for Enter would show something other than what is filed.
        """
        start, end = sorted(self.selection)
        # What is in the box around the cursor belongs to the paste, and is filed with it.
        text = f"{self.value[:start]}{input_text(event.text)}{self.value[end:]}".strip()
        lines = [line.strip() for line in text.split("\n") if line.strip()]
        if len(lines) < 2:
            super()._on_paste(event)
            return
        event.stop()
        event.prevent_default()
        self.value = ""
        if all(line.startswith("#") for line in lines):
            entries, how = lines, "all tags: filed one entry per line"
        else:
            entries, tag = [text], lines[0].split()[0]
            how = f"filed as one {tag + ' ' if tag.startswith('#') else ''}entry, line breaks kept"
        for entry in entries:
            self.post_message(self.Submitted(self, entry))
        self.notify(f"Pasted {len(lines)} lines, {how}.", title="Paste", markup=False)


class CaptureBox(Vertical):
    def compose(self) -> ComposeResult:
        yield CaptureInput(
            id="capture-input",
            placeholder="Type a note, or a tag: #case @who title (F1 lists the tags)",
            suggester=TagSuggester(),
        )
        yield Static(id="capture-message")

    def set_handles(self, handles: Iterable[str]) -> None:
        suggester = self.query_one(Input).suggester
        if isinstance(suggester, TagSuggester):
            suggester.handles = sorted(handles)

    def say(self, message: str, *, ok: bool) -> None:
        mark, style = ("✓ ", "green") if ok else ("✗ ", "bold red")
        self.query_one("#capture-message", Static).update(
            Text.assemble((mark, style), block(message, style=style))
        )

"""The capture box: one line where the facilitator types notes and tags, with completion of both."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.suggester import Suggester
from textual.widgets import Input, Static

from coptui.facilitation.tags import TAGS


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


class CaptureInput(Input):
    """An Input that takes its line and empties itself the moment Enter arrives.

    Textual resolves a focused Input's Enter binding only after the key has bubbled up to
    the App, so in a burst of typing (a fast typist, a paste, a slow machine) the next
    line's first keys land in the box before it is submitted, and two entries run
    together. Handling Enter here, in key order, keeps every line whole.
    """

    BINDINGS = [
        Binding("up", "recall(-1)", "Earlier line", id="capture.earlier", show=False),
        Binding("down", "recall(1)", "Later line", id="capture.later", show=False),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.history = LineHistory()

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            text, self.value = self.value, ""
            self.post_message(self.Submitted(self, text))
            return
        await super()._on_key(event)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.history.add(event.value)  # and the message goes on to the screen, which files it

    def action_recall(self, step: int) -> None:
        """↑/↓: an earlier (or later) line into the box, to fix and enter again."""
        line = self.history.recall(step, self.value)
        if line is not None:
            self.value = line
            self.cursor_position = len(line)


class LineHistory:
    """The lines entered so far, walked back and forth like a shell's; what was being typed is kept."""

    def __init__(self, limit: int = 200) -> None:
        self.lines: list[str] = []
        self.limit = limit
        self._at: int | None = None  # index into `lines` while walking; None when at the draft
        self._draft = ""

    def add(self, line: str) -> None:
        self._at = None
        if line.strip() and (not self.lines or self.lines[-1] != line):
            self.lines = [*self.lines, line][-self.limit :]

    def recall(self, step: int, current: str) -> str | None:
        """The line `step` away (-1 earlier, 1 later), or None when there is nowhere to go."""
        if self._at is None:
            if step > 0 or not self.lines:
                return None
            self._draft, self._at = current, len(self.lines)
        at = max(self._at + step, 0)
        if at >= len(self.lines):
            self._at = None
            return self._draft
        self._at = at
        return self.lines[at]


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
        self.query_one("#capture-message", Static).update(Text.assemble((mark, style), (message, style)))

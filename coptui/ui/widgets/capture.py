"""The capture box: one line where the facilitator types notes and tags, with completion of both."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input, Static
from textual.widgets.input import Selection

from coptui.counts import plural
from coptui.facilitation.recorder import Pending
from coptui.facilitation.tags import TAGS, reusing
from coptui.models import CommandKind
from coptui.ui.render import block, input_text, plain, plain_str
from coptui.ui.widgets.clean_input import CleanInput
from coptui.ui.widgets.practice_hints import PracticeHints

# How a key waiting to be filed is named in the pending line.
KEY_NAMES = {
    CommandKind.NEXT_PHASE: "F5",
    CommandKind.PREVIOUS_PHASE: "F4",
    CommandKind.JUMP: "F2",
    CommandKind.PAUSE: "F6",
    CommandKind.EXTEND: "F7",
    CommandKind.UNDO: "F8",
    CommandKind.SHUFFLE: "F3",
    CommandKind.END: "end",
    CommandKind.ABANDON: "F12",
    CommandKind.REVEAL_VOTES: "F10",
    CommandKind.TAKE_BACK: "F11",
}


class TagSuggester(Suggester):
    """Completes the word being typed: `#st` to `#strategy `, `@be` to `@ben ` (→ or Tab accepts),
    with the space after it, so the next word typed is not glued on."""

    def __init__(self, handles: Iterable[str] = ()) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.handles = sorted(handles)

    async def get_suggestion(self, value: str) -> str | None:
        return self.completed(value)

    def completed(self, value: str) -> str | None:
        """`value` with its last word completed, or None when there is nothing to complete."""
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
                return f"{head} {choice} " if head else f"{choice} "
        return None


class CaptureInput(CleanInput):
    """An Input that takes its line and empties itself the moment Enter arrives.

    Like every key the box binds (see `CleanInput`), Enter is carried out in key order, so in
    a burst of typing (a fast typist, a paste, a slow machine) the next line's first keys
    never land in the box before the line is taken, and a Tab takes its suggestion before an
    Enter typed straight after it.

    With `take_line` set, the line goes to it at once rather than in a `Submitted` message:
    a message would be handled after a key already queued behind Enter (F5), and the entry
    would land in the next phase.
    """

    take_line: Callable[[str], None] | None = None

    BINDINGS = [
        Binding("up", "recall(-1)", "Earlier line", id="capture.earlier", show=False),
        Binding("down", "recall(1)", "Later line", id="capture.later", show=False),
        Binding(
            "tab,right",
            "take_suggestion",
            "Take suggestion",
            id="capture.take",
            show=False,
            tooltip="at the end of the line: take the suggested #tag, @handle or practice (=N)",
        ),
    ]

    class SetAside(Message):
        """The refused lines out of the box and not filed changed (see `set_aside`)."""

    class Recalled(Message):
        """↑ or ↓ brought a refused line back into the box: why it was refused (None: ↑ ↓ went
        on from one to a line that was not refused, and why that one was is no longer news)."""

        def __init__(self, line: str, reason: str | None) -> None:
            super().__init__()
            self.line, self.reason = line, reason

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.history = LineHistory()
        self._given_back = ""  # the refused line last given back, while it is in the box untouched
        self._given_back_reason: str | None = None  # why; None for a line given back that was not refused
        # Refused lines not in the box: typed over, refused after typing went on, or walked past
        # with ↑ ↓. Listed under the box until filed, or cleared from the box on purpose (Ctrl+U),
        # so none goes unseen; ↑ brings them back first, each with why it was refused.
        self.set_aside: list[str] = []
        self.reasons: dict[str, str] = {}
        self._recalled: str | None = None  # a listed line ↑ ↓ brought into the box, not Entered yet

    def put_aside(self, line: str, reason: str = "") -> None:
        if reason:
            self.reasons[line] = reason
        if line.strip() and line not in self.set_aside:
            self.set_aside.append(line)
            self.post_message(self.SetAside())

    def take_from_aside(self, line: str) -> None:
        """`line` is filed: no longer listed."""
        self.reasons.pop(line, None)
        if line in self.set_aside:
            self.set_aside.remove(line)
            self.post_message(self.SetAside())

    def start_afresh(self, *, keep_line: bool) -> None:
        """A new session: no line of the one before is brought back (↑) or listed as not filed,
        and the box is emptied unless `keep_line` (typed for the new session while waiting)."""
        self.history = LineHistory()
        self._given_back = ""
        if not keep_line:
            self.value = ""
        if self.set_aside:
            self.set_aside = []
            self.post_message(self.SetAside())

    def replace(self, text: str, start: int, end: int) -> None:
        # A refused line given back and typed over (or cleared) leaves the box: set aside, in view.
        if (
            self.holding_given_back
            and self._given_back_reason is not None
            and sorted((start, end)) == [0, len(self.value)]
        ):
            self.put_aside(self.value, self._given_back_reason)
        super().replace(text, start, end)

    keystrokes = 0  # keys and pastes taken so far: whether anything was typed since a moment

    async def _on_key(self, event: events.Key) -> None:
        self.keystrokes += 1
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            text, self.value = self.value, ""
            self._submit(text)
            return
        await super()._on_key(event)

    async def type_key(self, key: str, character: str | None) -> None:
        """A key typed while a screen is open over the session (Ctrl+O's stories), as if typed here.

        Called in this box's queue (`call_later`), so it keeps its place among the keys before
        it. It must never be posted to the box as a Key event: a key the box leaves alone
        would bubble to the App as a new key, go to the screen on top, be handed back here, and
        so on without end.
        """
        await self._on_key(events.Key(key, character))

    def _submit(self, text: str) -> None:
        self._recalled = None  # Entered: what becomes of it is said, and listed if refused again
        self.history.add(text)
        if self.take_line is not None:
            self.take_line(text)
        else:
            self.post_message(self.Submitted(self, text))

    def _on_paste(self, event: events.Paste) -> None:
        """A paste of one line goes into the box; one of several lines is filed at once, whole.

        Lines that are all tags (`#strategy …`, `#vote …`) are filed one entry per line, in
        order; any other text is one entry with its line breaks kept: a note, or the text of
        the tag it starts with (`#context` and the lines after it). The box cannot show line
        breaks, so holding the paste for Enter would show something other than what is filed.
        """
        self.keystrokes += 1
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
            self._submit(entry)
        self.notify(f"Pasted {len(lines)} lines, {how}.", title="Paste", markup=False)

    def give_back(self, line: str, reason: str | None = None) -> None:
        """A line back into the box, selected: the next character typed starts a fresh line
        instead of being glued onto it, while ← → Home End Backspace start fixing it. A refused
        one (with its `reason`) is listed as not filed once typed over."""
        self.value = self._given_back = line
        self._given_back_reason = reason
        self.selection = Selection(0, len(line))

    @property
    def refused_listed(self) -> list[str]:
        """The refused lines not filed: listed under the box, and the one given back into it."""
        given_back = [self.value] if self.holding_given_back and self._given_back_reason is not None else []
        return [*self.set_aside, *(line for line in given_back if line not in self.set_aside)]

    @property
    def holding_given_back(self) -> bool:
        """The refused line is in the box, still whole and selected as it was given back."""
        return bool(self.value) and self.value == self._given_back and self.selection == (0, len(self.value))

    def action_delete_left(self) -> None:
        # Backspace on a given-back line fixes its end, as it would have before it was selected.
        if self.holding_given_back:
            self.cursor_position = len(self.value)
        super().action_delete_left()

    def action_delete_left_all(self) -> None:
        """Ctrl+U: readline's kill to the start of the line; at the start, where that kills
        nothing, the whole line, so Home then Ctrl+U empties the box."""
        if self.selection.is_empty and self.cursor_position == 0:
            self.value = ""
        else:
            super().action_delete_left_all()
        if not self.value and self._recalled is not None:  # a listed line cleared on purpose
            self.reasons.pop(self._recalled, None)
            self._recalled = None

    def action_take_suggestion(self) -> None:
        """Tab or → at the end of the line: the suggested #tag or @handle, else the practice offered."""
        if not self.selection.is_empty:  # a selection first goes: the cursor to its end
            self.action_cursor_right()
            return
        before = self.value
        self.action_cursor_right()
        if self.value != before or not self.cursor_at_end:
            return
        # Typed in a burst, Tab can come before the suggestion (worked out in a task) is shown.
        completed = self.suggester.completed(self.value) if isinstance(self.suggester, TagSuggester) else None
        if completed is not None:
            self.value = completed
            self.cursor_position = len(completed)
            return
        hints = self.screen.query(PracticeHints)
        offered = hints.first().offered if hints else None
        if offered is not None and offered.practice.id is not None:
            self.value = reusing(self.value, offered.practice.id)
            self.cursor_position = len(self.value)

    def action_recall(self, step: int) -> None:
        """↑/↓: an earlier (or later) line into the box, to fix and enter again; the refused
        lines listed under the box come first, newest first, each with why it was refused."""
        if not self.history.walking:
            for listed in self.set_aside:
                self.history.bring_forward(listed)
        line = self.history.recall(step, self.value)
        if line is None:
            return
        if self._recalled is not None:  # walked past without Entering it: listed again
            self.put_aside(self._recalled)
            self._recalled = None
            if line not in self.set_aside:
                self.post_message(self.Recalled(line, None))
        self.value = line
        self.cursor_position = len(line)
        if line in self.set_aside:  # in the box now, not under it, until it leaves unfiled
            self.set_aside.remove(line)
            self.post_message(self.SetAside())
            self._recalled = line
            self.post_message(self.Recalled(line, self.reasons.get(line, "")))


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

    @property
    def walking(self) -> bool:
        """↑ has left the line being typed for an earlier one."""
        return self._at is not None

    def bring_forward(self, line: str) -> None:
        """`line` becomes the latest, so ↑ brings it first: a refused line, entered before the
        lines filed since. Left where it is while the history is being walked."""
        if self._at is None and line.strip():
            self.lines = [*(kept for kept in self.lines if kept != line), line][-self.limit :]

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
        yield PracticeHints(id="capture-hints")
        yield Static(id="capture-pending")
        yield Static(id="capture-aside")
        yield Static(id="capture-message")

    @on(CaptureInput.SetAside)
    def _set_aside(self) -> None:
        aside = self.query_one(CaptureInput).set_aside
        line = self.query_one("#capture-aside", Static)
        line.display = bool(aside)
        if aside:
            them = "them" if len(aside) > 1 else "it"
            shown = Text(f"✗ {plural(len(aside), 'line')} not filed: ", style="bold red")
            shown.append_text(plain(" · ".join(f"“{plain_str(text, 50)}”" for text in aside[-3:])))
            shown.append(f" · ↑ brings {them} back", style="bold")
            line.update(shown)

    @on(CaptureInput.Recalled)
    def _recalled(self, message: CaptureInput.Recalled) -> None:
        if message.reason is None:
            self.query_one("#capture-message", Static).display = False
            return
        why = f"not filed: {message.reason}" if message.reason else "not filed"
        left = len(self.query_one(CaptureInput).set_aside)
        more = f" · ↑ the next of {plural(left, 'line')} not filed" if left else ""
        self.say(f"{why} · fix it and Enter, or Ctrl+U drops it{more}", ok=False)

    @on(Input.Changed, "#capture-input")
    def _typed(self, event: Input.Changed) -> None:
        self.query_one(PracticeHints).typed(event.value)

    def set_handles(self, handles: Iterable[str]) -> None:
        suggester = self.query_one(Input).suggester
        if isinstance(suggester, TagSuggester):
            suggester.handles = sorted(handles)

    def say(self, message: str, *, ok: bool) -> None:
        mark, style = ("✓ ", "green") if ok else ("✗ ", "bold red")
        said = self.query_one("#capture-message", Static)
        said.update(Text.assemble((mark, style), block(message, style=style)))
        said.display = True

    def show_pending(self, pending: Sequence[Pending], problem: str | None) -> None:
        """What was Entered (or pressed) and is not filed yet: shown while it is not on disk, or stuck.

        Once saved, an entry is filed within moments; the line appears only while something
        is not yet saved, or while the file cannot be written, so a facilitator sees exactly
        what is waiting and why.
        """
        line = self.query_one("#capture-pending", Static)
        if not pending or (problem is None and all(p.saved for p in pending)):
            if line.display:
                line.display = False
                self.query_one("#capture-message", Static).display = True
            return
        if not line.display:
            # What was said before the lines began to wait is about an earlier line: a "✓ filed"
            # under "not filed yet" would read as said of the last one. The next word shows again.
            self.query_one("#capture-message", Static).display = False
        waiting = Text()
        in_memory = sum(1 for p in pending if p.in_memory)
        if in_memory:  # said first, plainly: only these would be lost if coptui stopped now
            waiting.append(f"⚠ {plural(in_memory, 'line')} held in memory only", style="bold red")
            waiting.append(" (the disk is full, the room kept for lines used up): keep this screen open\n")
        waiting.append("⧗ not filed yet", style="bold yellow")
        waiting.append(": " if problem is None else " (retrying: ")
        if problem is not None:
            waiting.append_text(plain(problem, width=120))
            waiting.append("): ")
        for n, item in enumerate(pending):
            if n:
                waiting.append(" · ")
            command = item.command
            if command.kind is CommandKind.ENTRY:
                waiting.append_text(plain(f"“{plain_str(command.text, 60)}”"))
            else:
                waiting.append(KEY_NAMES[command.kind], style="bold")
        line.update(waiting)
        line.set_class(bool(in_memory), "-in-memory")
        line.display = True

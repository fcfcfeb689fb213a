"""Edits a member can make while browsing (writable mode only): a case, an action's status, a report-back.

Each form validates through the models before anything is written; the browser
commits the result at once in a worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any, Generic, TypeAlias, TypeVar

from pydantic import BaseModel, ValidationError
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea
from textual.worker import Worker

from coptui.models import (
    Action,
    ActionStatus,
    Case,
    CaseStatus,
    Member,
    Outcome,
    ReportBack,
    Topic,
    ValueCycle,
)
from coptui.store import EditConflict, RepertoireBusy, StoreError
from coptui.ui.render import block, block_str, plain, plain_str
from coptui.ui.screens.form_save import Leave, SaveState, Stage
from coptui.ui.screens.forms import form_problem, make_compact
from coptui.ui.widgets.clean_input import CleanInput
from coptui.ui.widgets.clean_text_area import CleanTextArea
from coptui.ui.worker_results import post_result

M = TypeVar("M", bound=BaseModel)

# One try to save waits this long for another program's write lock; the next try follows after
# `SAVE_RETRY_SECONDS`, so the screens behind read the file between tries.
SAVE_TRY_MS = 250
SAVE_RETRY_SECONDS = 1.0


@dataclass(frozen=True)
class Filled(Generic[M]):
    """A form's content, to save: the item it built, the fields it changed, and what those held
    in the file when the form opened (or when the user chose to save over a change made since)."""

    item: M
    changes: dict[str, Any]
    opened: dict[str, Any]


@dataclass(frozen=True)
class Added(Generic[M]):
    """What a new item's save did: said in a line, the item as filed, and how to save changes to it."""

    said: str
    item: M
    edit: Callable[[Filled[M]], str]


# Puts a form's content in the file, in a thread; returns what it did, said in a line (a new
# item's save returns it `Added`, so the form edits that item from then on).
Saver: TypeAlias = Callable[[Filled[M]], "str | Added[M]"]


@dataclass(eq=False)
class _Tried(Message, bubble=False):
    """A try to save ended: saved (`said`; `added`, a new item), or refused with `error`."""

    said: str = ""
    error: StoreError | None = None
    added: Added[Any] | None = None


class Form(ModalScreen[str | None], Generic[M]):
    """A modal form: F2 or the Save button validates, then saves with `save`; escape cancels.

    The form stays open until what was typed is in the file. While another program holds the
    write lock it says so and tries again by itself (F2 tries at once); a field changed in the
    file since the form opened is named, with what it holds now, and nothing is written until
    the user chooses (F2 saves theirs over it, F3 takes the file's in). It returns what the
    save said.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("f2", "save", "Save", id="form.save"),
        Binding("f3", "take_theirs", "Take the file's", id="form.take_theirs"),
    ]
    TITLE_TEXT = ""
    # Not the app's auto focus: it centres the first field in the scrolling fields, which at 80x24
    # scrolled a long case's form a line down from its top. The first field takes focus in place.
    AUTO_FOCUS = ""
    # The fields whose label is not their model field's name, so a problem names what is on screen.
    LABELS: dict[str, str] = {}
    # The fields an edit of an item may change (each shown in the widget of its name, or `WIDGETS`'s).
    EDITED: tuple[str, ...] = ()
    # A new item's form: the fields it edits once it has added the item (a save that returns `Added`).
    EDITED_ONCE_ADDED: tuple[str, ...] = ()
    WIDGETS: dict[str, str] = {}
    # The fields the model cleans before it checks them (a handle is lower-cased): a problem with
    # one quotes it as typed, so the user sees what they typed.
    QUOTED_AS_TYPED: tuple[str, ...] = ()

    def __init__(self, save: Saver[M], opened: BaseModel | None = None) -> None:
        super().__init__()
        self.save: Saver[M] = save
        self.opened = {field: getattr(opened, field) for field in self.EDITED} if opened else {}
        self._shown: dict[str, Any] = {}  # each edited field's widget value, as the form opened
        self.save_state = SaveState()
        # The try under way: what it saves, and the edited fields' widget values it was built from.
        self._trying: tuple[Filled[M], dict[str, Any]] | None = None
        self._said: str | None = None  # what a save said, once one did: what the form returns

    def form_fields(self) -> ComposeResult:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        # The fields scroll; the error and the buttons stay in view, even at 80x24.
        with Vertical(classes="form") as form:
            form.border_title = f"{self.TITLE_TEXT} · F2 saves · escape cancels"
            with VerticalScroll(classes="form-fields", can_focus=False):
                yield from self.form_fields()
            yield Label("", id="form-error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def build(self) -> M:
        raise NotImplementedError

    def on_mount(self) -> None:
        make_compact(self)
        self._shown = {field: self.value(self._widget(field)) for field in self.EDITED}
        if self.focused is None:
            self.query(".form-fields Input, .form-fields TextArea, .form-fields Select").first().focus(
                scroll_visible=False
            )

    def _widget(self, field: str) -> str:
        return self.WIDGETS.get(field, field)

    def value(self, widget_id: str) -> Any:
        widget = self.query_one(f"#{widget_id}")
        if isinstance(widget, Select):
            return None if widget.value is Select.NULL else widget.value
        if isinstance(widget, TextArea):
            return widget.text
        assert isinstance(widget, Input | Checkbox)
        return widget.value

    def put(self, field: str, value: Any) -> None:
        """Show `value` (what the file holds) in `field`'s widget."""
        widget = self.query_one(f"#{self._widget(field)}")
        if isinstance(widget, Select):
            widget.value = value.value if isinstance(value, Enum) else value
        elif isinstance(widget, TextArea):
            widget.text = block_str(value)
        elif isinstance(widget, Checkbox):
            widget.value = value is not None
        else:
            assert isinstance(widget, Input)
            widget.value = plain_str(", ".join(value) if isinstance(value, list) else value or "")

    def say(self, message: Text | str) -> None:
        self.query_one("#form-error", Label).update(message)
        # A message of a few lines takes room from the fields, so the buttons stay in view at 80x24.
        length = message.cell_len if isinstance(message, Text) else len(message)
        self.set_class(length > self.size.width - 14, "-long-message")

    @property
    def unfiled(self) -> int:
        """What quitting would drop (the app asks twice): a save that waits for the file."""
        return int(self.save_state.wanted)

    # -- saving ---------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.save_state.trying:
            return  # the try under way answers first; a busy file is tried again by itself
        if self._said is not None and not self.EDITED:
            self.say(
                Text.assemble(
                    plain(self._said, width=300),
                    " What you typed since is not saved: saving again would add a second one.",
                )
            )
            return
        if self._filled() is None:
            return
        over = self.save_state.save_asked()
        if over is not None:  # F2 again, on purpose: what was typed goes over the file's
            self.opened[over.field] = over.now
        self._try()

    def _filled(self) -> Filled[M] | None:
        """What the form holds now, and what it changed; None, with why said, when it cannot be saved."""
        try:
            item = self.build()
        except ValidationError as error:
            typed = {field: self.value(self._widget(field)) for field in self.QUOTED_AS_TYPED}
            self.say(form_problem(error, self.LABELS, typed))
            return None
        changes = {
            field: getattr(item, field)
            for field in self.EDITED
            if self.value(self._widget(field)) != self._shown[field]
        }
        return Filled(item, changes, dict(self.opened))

    def _try(self) -> None:
        if self.save_state.stage is not Stage.DUE:
            return  # a try under way, or nothing to save (saved, dropped or refused since)
        # Each try saves what the form holds then: typing goes on while a save waits for the file.
        filled = self._filled()
        if filled is None:
            self.save_state.not_valid()
            return
        self.save_state.try_started()
        edited = self.EDITED or self.EDITED_ONCE_ADDED
        self._trying = filled, {field: self.value(self._widget(field)) for field in edited}
        self._save(filled)

    @work(thread=True, group="form_save", exit_on_error=False)
    def _save(self, filled: Filled[M]) -> _Tried:
        try:
            with self.app.repertoire.waiting_at_most(SAVE_TRY_MS):  # type: ignore[attr-defined]
                done = self.save(filled)
        except StoreError as error:
            return _Tried(error=error)
        return _Tried(said=done.said, added=done) if isinstance(done, Added) else _Tried(said=done)

    @on(_Tried)
    def _tried(self, tried: _Tried) -> None:
        error, state = tried.error, self.save_state
        if error is None:
            self._said = tried.said
            if state.stage is Stage.DROPPING or not self._typed_since_try():
                state.saved()
                self.dismiss(tried.said)
            elif tried.added is not None:
                self._now_editing(tried.added)
            else:
                self._saved_in_part(tried.said)
        elif state.stage is Stage.DROPPING:  # the user dropped it while the last try ran
            self.dismiss(self._said)
        elif isinstance(error, RepertoireBusy):
            state.busy()
            if not state.leave_asked:  # the question stays until it is answered
                self.say(
                    Text.assemble(
                        ("⧗ Not saved yet: ", "bold"),
                        "another program is writing to the file. Saving by itself once it is free "
                        f"(tried {state.tries}×) · F2 tries now",
                    )
                )
            self.set_timer(SAVE_RETRY_SECONDS, self._try)
        else:
            state.refused(error)
            if isinstance(error, EditConflict):
                self.say(self._conflict_said(error))
            else:
                self.say(Text.assemble(("Not saved: ", "bold"), plain(str(error), width=300)))

    def _typed_since_try(self) -> bool:
        """Whether the form holds more than the try that just ended saved (typing goes on during a try)."""
        assert self._trying is not None
        try:
            return self.build() != self._trying[0].item
        except ValidationError:
            return True

    def _saved_in_part(self, said: str) -> None:
        """A try saved what the form held as it began, and more was typed since: the form stays open.
        An edit saves the rest at once, over what it has just saved; a new item is not added twice."""
        assert self._trying is not None
        saved, typed = self._trying
        if not self.EDITED:
            self.save_state.saved()
            self.say(
                Text.assemble(
                    plain(said, width=300),
                    (" What you typed since it began saving is not saved: ", "bold"),
                    "escape drops it",
                )
            )
            return
        for field in saved.changes:  # the file holds these now
            self.opened[field], self._shown[field] = saved.changes[field], typed[field]
        self.save_state.saved(rest_due=True)
        self.say(Text.assemble(("Saved in part: ", "bold"), "saving what you typed since it began saving…"))
        self._try()

    def _now_editing(self, added: Added[M]) -> None:
        """A new item was added as the form read when its save began, and more was typed since: the
        form stays open on the item it added, so F2 saves the rest to it rather than add another."""
        assert self._trying is not None
        typed = self._trying[1]
        self.save, self.EDITED = added.edit, self.EDITED_ONCE_ADDED
        self.opened = {field: getattr(added.item, field) for field in self.EDITED}
        self._shown = {field: typed[field] for field in self.EDITED}  # what the file holds now
        self.added(added.item)
        self.save_state.saved()
        self.say(
            Text.assemble(
                plain(added.said, width=300),
                (" What you typed since it began saving is not saved: ", "bold"),
                "F2 saves it to what was added · escape drops it",
            )
        )

    def added(self, item: M) -> None:
        """The form's new item is in the file as `item`: fields it may no longer change are shown fixed."""

    def _conflict_said(self, conflict: EditConflict) -> Text:
        field = conflict.field
        label = self.LABELS.get(field, field.replace("_", " ").capitalize())
        return Text.assemble(
            (f"{label} changed in the file meanwhile; nothing was saved. ", "bold"),
            ("F2 saves yours over it · F3 takes the file's in. ", "bold"),
            "It now reads: ",
            plain(changed_part(_shown(self.opened.get(field)), _shown(conflict.now)), width=CHANGE_SHOWN),
        )

    def action_take_theirs(self) -> None:
        conflict = self.save_state.conflict
        if conflict is None:
            return
        self.put(conflict.field, conflict.now)
        self.opened[conflict.field] = conflict.now
        self._shown[conflict.field] = self.value(self._widget(conflict.field))
        self.save_state.took_theirs()
        label = self.LABELS.get(conflict.field, conflict.field.replace("_", " "))
        self.say(f"Took in the file's {label}; F2 saves what the form holds now.")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        error = post_result(self, event)
        if error is not None:  # not the store's: say it, and keep what was typed
            self.save_state.refused(error)
            self.say(Text.assemble(("Not saved: ", "bold"), plain(str(error), width=300)))

    def action_cancel(self) -> None:
        leave = self.save_state.leave()
        if leave is Leave.ASK:
            self.say(
                Text.assemble(
                    ("Not saved yet: escape again drops what you typed; ", "bold"),
                    "F2 tries now, or wait: it saves by itself once the file is free",
                )
            )
        elif leave is Leave.CLOSE:
            self.dismiss(self._said)
        # Leave.AFTER_TRY: no more tries; the try under way closes the form when it ends

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()


# How much of a field changed meanwhile the form quotes: the message fits three lines at 80 columns.
CHANGE_SHOWN = 90
CHANGE_LEAD = 40


def _shown(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, Enum):
        return str(value.value)
    return "" if value is None else str(value)


def changed_part(before: str, now: str) -> str:
    """`now`, from a little before where it stops reading as `before` (a sentence filed at the end
    of a long context is what the user must see), or "(empty)"."""
    if not now:
        return "(empty)"
    pairs = enumerate(zip(before, now, strict=False))
    same = next((i for i, (a, b) in pairs if a != b), min(len(before), len(now)))
    if same <= CHANGE_LEAD:
        return now
    start = now.rfind(" ", 0, same - CHANGE_LEAD) + 1
    return "…" + now[start:]


def _validated(model: type[M], values: dict[str, Any]) -> M:
    return model.model_validate(values)


class EditCaseScreen(Form[Case]):
    TITLE_TEXT = "Edit case"
    EDITED = ("title", "context", "question", "topics", "status")

    def __init__(self, case: Case, topics: list[Topic], save: Saver[Case]) -> None:
        super().__init__(save, case)
        self.case = case
        self.topics = topics

    def form_fields(self) -> ComposeResult:
        yield Label("Title")
        yield CleanInput(plain_str(self.case.title), id="title")
        yield Label("Context")
        yield CleanTextArea(block_str(self.case.context), id="context", soft_wrap=True)
        yield Label("Question")
        yield CleanTextArea(block_str(self.case.question), id="question", soft_wrap=True)
        known = ", ".join(t.slug for t in self.topics)
        yield Static(block(f"Topics, separated by commas (known: {known})"), classes="form-label")
        yield CleanInput(plain_str(", ".join(self.case.topics)), id="topics")
        yield Label("Status")
        yield Select(
            [(s.label, s.value) for s in CaseStatus],
            value=self.case.status.value,
            allow_blank=False,
            id="status",
        )

    def build(self) -> Case:
        topics = [t.strip() for t in self.value("topics").split(",") if t.strip()]
        unknown = [t for t in topics if t.lstrip("#").lower() not in {k.slug for k in self.topics}]
        values = {
            **self.case.model_dump(),
            "title": self.value("title"),
            "context": self.value("context"),
            "question": self.value("question"),
            "topics": topics,
            "status": self.value("status"),
        }
        case = _validated(Case, values)
        if unknown:
            raise ValidationError.from_exception_data(
                "Case",
                [
                    {
                        "type": "value_error",
                        "loc": ("topics",),
                        "input": unknown,
                        "ctx": {"error": ValueError(f"{plain_str(unknown[0], 40)!r} is not a known topic")},
                    }
                ],
            )
        return case


class ActionStatusScreen(Form[Action]):
    TITLE_TEXT = "Action status"
    EDITED = ("status",)

    def __init__(self, action: Action, save: Saver[Action]) -> None:
        super().__init__(save, action)
        self.action_item = action

    def form_fields(self) -> ComposeResult:
        yield Static(block(f"@{self.action_item.owner}: {self.action_item.text}"), classes="form-text")
        yield Select(
            [(s.label, s.value) for s in ActionStatus],
            value=self.action_item.status.value,
            allow_blank=False,
            id="status",
        )

    def build(self) -> Action:
        return _validated(Action, {**self.action_item.model_dump(), "status": self.value("status")})


class ReportBackScreen(Form[ReportBack]):
    TITLE_TEXT = "Report back"
    LABELS = {"member": "Who reports", "story": "What happened", "value_cycle": "Value created"}
    EDITED_ONCE_ADDED = ("member", "outcome", "story", "lesson", "value_cycle", "reported_on")

    def __init__(
        self, members: list[Member], *, action: Action | None, case: int | None, save: Saver[ReportBack]
    ) -> None:
        super().__init__(save)
        self.members = members
        self.action_item = action
        self.case_id = case

    def form_fields(self) -> ComposeResult:
        if self.action_item is not None:
            on_action = Text(f"On action {self.action_item.id}: ")
            on_action.append_text(block(self.action_item.text))
            yield Static(on_action, classes="form-text")
        else:
            yield Label(f"On case {self.case_id}")
        yield Label("Who reports")
        owner = self.action_item.owner if self.action_item else Select.NULL
        yield Select(
            [(plain(f"@{m.handle} {m.name}"), m.handle) for m in self.members], value=owner, id="member"
        )
        yield from outcome_fields()
        yield Label("Reported on (YYYY-MM-DD)")
        yield CleanInput(date.today().isoformat(), id="reported_on")

    def build(self) -> ReportBack:
        return _validated(
            ReportBack,
            {
                "action": self.action_item.id if self.action_item else None,
                "case": self.case_id,
                "member": self.value("member"),
                "outcome": self.value("outcome"),
                "story": self.value("story"),
                "lesson": self.value("lesson"),
                "value_cycle": self.value("value_cycle"),
                "reported_on": self.value("reported_on"),
            },
        )


def outcome_fields() -> ComposeResult:
    """What a report-back says: the outcome, what happened, the lesson and the value created."""
    yield Label("Outcome")
    yield Select([(o.label, o.value) for o in Outcome], id="outcome")
    yield Label("What happened")
    yield CleanTextArea(id="story", soft_wrap=True)
    yield Label("Lesson")
    yield CleanInput(id="lesson")
    yield Label("Value created (optional)")
    yield Select([(v.value, v.value) for v in ValueCycle], id="value_cycle")

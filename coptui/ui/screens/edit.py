"""Edits a member can make while browsing (writable mode only): a case, an action's status, a report-back.

Each form validates through the models before anything is written; the browser
commits the result at once in a worker.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, TextArea

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
from coptui.ui.render import block, block_str, plain, plain_str
from coptui.ui.screens.forms import form_problem, make_compact
from coptui.ui.widgets.clean_input import CleanInput
from coptui.ui.widgets.clean_text_area import CleanTextArea

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


class Form(ModalScreen[T | None], Generic[T]):
    """A modal form: F2 or the Save button validates and returns the model, escape cancels."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("f2", "save", "Save", id="form.save"),
    ]
    TITLE_TEXT = ""
    # The fields whose label is not their model field's name, so a problem names what is on screen.
    LABELS: dict[str, str] = {}

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

    def build(self) -> T:
        raise NotImplementedError

    def on_mount(self) -> None:
        make_compact(self)

    def value(self, widget_id: str) -> Any:
        widget = self.query_one(f"#{widget_id}")
        if isinstance(widget, Select):
            return None if widget.value is Select.NULL else widget.value
        if isinstance(widget, TextArea):
            return widget.text
        assert isinstance(widget, Input)
        return widget.value

    def action_save(self) -> None:
        try:
            built = self.build()
        except ValidationError as error:
            message = form_problem(error, self.LABELS)
            self.query_one("#form-error", Label).update(message)
            return
        self.dismiss(built)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()


def _validated(model: type[M], values: dict[str, Any]) -> M:
    return model.model_validate(values)


class EditCaseScreen(Form[Case]):
    TITLE_TEXT = "Edit case"

    def __init__(self, case: Case, topics: list[Topic]) -> None:
        super().__init__()
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


class ActionStatusScreen(Form[tuple[Action, ActionStatus]]):
    TITLE_TEXT = "Action status"

    def __init__(self, action: Action) -> None:
        super().__init__()
        self.action_item = action

    def form_fields(self) -> ComposeResult:
        yield Static(block(f"@{self.action_item.owner}: {self.action_item.text}"), classes="form-text")
        yield Select(
            [(s.label, s.value) for s in ActionStatus],
            value=self.action_item.status.value,
            allow_blank=False,
            id="status",
        )

    def build(self) -> tuple[Action, ActionStatus]:
        changed = _validated(Action, {**self.action_item.model_dump(), "status": self.value("status")})
        return self.action_item, changed.status


class ReportBackScreen(Form[ReportBack]):
    TITLE_TEXT = "Report back"
    LABELS = {"member": "Who reports", "story": "What happened", "value_cycle": "Value created"}

    def __init__(self, members: list[Member], *, action: Action | None, case: int | None) -> None:
        super().__init__()
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

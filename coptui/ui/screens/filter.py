"""Choosing what narrows the lists and the search: topic, status, outcome, member, dates and order."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select

from coptui.models import CaseStatus, Member, Outcome, Topic
from coptui.store.browsing import BrowseFilter, SortOrder
from coptui.ui.render import plain
from coptui.ui.screens.forms import form_problem, make_compact
from coptui.ui.widgets.clean_input import CleanInput

# Fewer rows than this, and the form drops the space above each label.
SHORT = 30


class FilterScreen(ModalScreen[BrowseFilter | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="filter.cancel"),
        Binding("f2", "apply", "Apply", id="filter.apply"),
    ]

    def __init__(self, current: BrowseFilter, topics: list[Topic], members: list[Member]) -> None:
        super().__init__()
        self.current = current
        self.topics = topics
        self.members = members

    def compose(self) -> ComposeResult:
        f = self.current
        # The fields scroll; the error and the buttons stay in view, even at 80x24.
        with Vertical(id="filter-form", classes="form") as form:
            form.border_title = "Filter · F2 applies · escape cancels"
            with VerticalScroll(classes="form-fields", can_focus=False):
                statuses = [(s.label, s.value) for s in CaseStatus]
                outcomes = [(o.label, o.value) for o in Outcome]
                members = [(plain(f"@{m.handle} {m.name}"), m.handle) for m in self.members]
                yield from _choice("Topic", [(plain(t.name), t.slug) for t in self.topics], f.topic, "topic")
                yield from _choice("Case status", statuses, f.status and f.status.value, "status")
                yield from _choice("Outcome reported", outcomes, f.outcome and f.outcome.value, "outcome")
                yield from _choice(
                    "Member (who brought, proposed, owns or wrote it)", members, f.member, "member"
                )
                yield Label("From and to (YYYY-MM-DD)")
                with Horizontal(classes="dates"):
                    yield CleanInput(str(f.since or ""), placeholder="from", id="since")
                    yield CleanInput(str(f.until or ""), placeholder="to", id="until")
                yield Label("Search results in order of")
                yield Select(
                    [("relevance", SortOrder.RELEVANCE.value), ("date, newest first", SortOrder.DATE.value)],
                    value=f.sort.value,
                    allow_blank=False,
                    id="sort",
                )
            yield Label("", id="filter-error")
            with Horizontal(classes="buttons"):
                yield Button("Apply", variant="primary", id="apply")
                yield Button("Clear all", id="clear")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        make_compact(self)

    def on_resize(self) -> None:
        # On a short terminal (80x24) the labels sit on their fields: the whole form shows unscrolled.
        self.set_class(self.size.height < SHORT, "-short")

    def chosen(self) -> BrowseFilter | None:
        values: dict[str, object] = {}
        for name in ("topic", "status", "outcome", "member", "sort"):
            value = self.query_one(f"#{name}", Select).value
            values[name] = None if value is Select.NULL else value
        for name in ("since", "until"):
            values[name] = self.query_one(f"#{name}", Input).value.strip() or None
        try:
            return BrowseFilter.model_validate(values)
        except ValidationError as error:
            message = form_problem(error, {"since": "From", "until": "To"})
            self.query_one("#filter-error", Label).update(message)
            return None

    def action_apply(self) -> None:
        chosen = self.chosen()
        if chosen is not None:
            self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_apply()

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "apply":
            self.action_apply()
        elif event.button.id == "clear":
            self.dismiss(BrowseFilter())
        else:
            self.dismiss(None)


def _choice(label: str, options: list[tuple[Any, str]], value: str | None, name: str) -> ComposeResult:
    """A labelled choice that may be left empty: "any topic", "anyone"."""
    yield Label(label)
    yield Select(
        options, value=value or Select.NULL, id=name, prompt="anyone" if name == "member" else f"any {name}"
    )

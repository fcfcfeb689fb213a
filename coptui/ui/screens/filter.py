"""Choosing what narrows the lists and the search: topic, status, outcome, member, dates and order."""

from __future__ import annotations

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select

from coptui.models import CaseStatus, Member, Outcome, Topic
from coptui.store.browsing import BrowseFilter, SortOrder
from coptui.ui.render import plain
from coptui.ui.screens.forms import make_compact
from coptui.ui.widgets.clean_input import CleanInput


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
        with VerticalScroll(id="filter-form", classes="form", can_focus=False) as form:
            form.border_title = "Filter · F2 applies · escape cancels"
            yield Label("Topic")
            yield Select(
                [(plain(t.name), t.slug) for t in self.topics],
                value=f.topic or Select.NULL,
                id="topic",
                prompt="any topic",
            )
            yield Label("Case status")
            yield Select(
                [(s.value.replace("_", " "), s.value) for s in CaseStatus],
                value=f.status.value if f.status else Select.NULL,
                id="status",
                prompt="any status",
            )
            yield Label("Outcome reported")
            yield Select(
                [(o.value.replace("_", " "), o.value) for o in Outcome],
                value=f.outcome.value if f.outcome else Select.NULL,
                id="outcome",
                prompt="any outcome",
            )
            yield Label("Member (who brought, proposed, owns or wrote it)")
            yield Select(
                [(plain(f"@{m.handle} {m.name}"), m.handle) for m in self.members],
                value=f.member or Select.NULL,
                id="member",
                prompt="anyone",
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
            problem = error.errors()[0]
            where = ".".join(str(p) for p in problem["loc"])
            self.query_one("#filter-error", Label).update(plain(f"{where}: {problem['msg']}", width=200))
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

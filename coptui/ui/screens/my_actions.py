"""My actions: a member's own open actions, and a form to report back on one, in a session or between.

The list is read in a worker; a report-back is filed by `MemberActions` (which checks that the
action is the member's own and still open) on a writable connection of its own, in one
transaction, so it works from a read-only browser over `coptui serve --participants` too.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from coptui.facilitation.my_actions import MemberActions, MyAction
from coptui.models import ReportBack
from coptui.store import Repertoire, StoreError
from coptui.ui.render import block, plain
from coptui.ui.screens.edit import SAVE_TRY_MS, Added, Filled, Form, Saver, outcome_fields
from coptui.ui.widgets.participant_workspace import my_action_line

if TYPE_CHECKING:
    from coptui.ui.app import CoptuiApp


class OwnReportScreen(Form[ReportBack]):
    """What happened when the member tried one of their own actions."""

    TITLE_TEXT = "Report back"
    EDITED_ONCE_ADDED = ("outcome", "story", "lesson", "value_cycle")

    def __init__(self, mine: MyAction, member: str, save: Saver[ReportBack]) -> None:
        super().__init__(save)
        self.mine = mine
        self.member = member

    def form_fields(self) -> ComposeResult:
        yield Static(Text.assemble("On your action: ", block(self.mine.action.text)), classes="form-text")
        yield from outcome_fields()

    def build(self) -> ReportBack:
        return ReportBack.model_validate(
            {
                "action": self.mine.action.id,
                "member": self.member,
                "outcome": self.value("outcome"),
                "story": self.value("story"),
                "lesson": self.value("lesson"),
                "value_cycle": self.value("value_cycle"),
                "reported_on": date.today(),
            }
        )


class MyActionsScreen(Screen[None]):
    app: CoptuiApp

    AUTO_FOCUS = "#my-actions-list"
    BINDINGS = [
        # Priority, or the list's own Enter (not in the footer) hides it from the footer.
        Binding("enter", "report", "Report back", id="my_actions.report", key_display="enter", priority=True),
        Binding("escape", "back", "Back", id="my_actions.back"),
    ]

    class Read(Message):
        def __init__(self, actions: list[MyAction]) -> None:
            super().__init__()
            self.actions = actions

    def __init__(self, member: str) -> None:
        super().__init__()
        self.member = member
        self.actions: list[MyAction] = []

    def compose(self) -> ComposeResult:
        yield Static(id="session-masthead")
        yield OptionList(id="my-actions-list")
        yield Static(id="my-actions-message")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        masthead = Text.assemble(
            ("coptui · ", "bold"), "My actions · ", plain(f"@{self.member}", style="bold")
        )
        self.query_one("#session-masthead", Static).update(masthead)
        self.query_one("#my-actions-list").border_title = "Your open actions · enter reports back"
        self.read_actions()

    @work(thread=True, exclusive=True, group="my_actions", exit_on_error=False)
    def read_actions(self) -> None:
        self.post_message(self.Read(MemberActions(self.app.repertoire, self.member).my_actions()))

    @on(Read)
    def _read(self, message: Read) -> None:
        self.actions = message.actions
        listing = self.query_one("#my-actions-list", OptionList)
        highlighted = listing.highlighted
        listing.clear_options()
        today = self.app.clock.now().astimezone().date()
        listing.add_options(Option(my_action_line(mine, today)) for mine in self.actions)
        if self.actions:
            listing.highlighted = min(highlighted or 0, len(self.actions) - 1)
        else:
            listing.add_option(Option("You have no open actions.", disabled=True))

    def say(self, message: str, *, ok: bool) -> None:
        mark, style = ("✓ ", "green") if ok else ("✗ ", "bold red")
        self.query_one("#my-actions-message", Static).update(
            Text.assemble((mark, style), plain(message, width=300))
        )

    @on(OptionList.OptionSelected, "#my-actions-list")
    def action_report(self) -> None:
        at = self.query_one("#my-actions-list", OptionList).highlighted
        if at is None or not 0 <= at < len(self.actions):
            return
        screen = OwnReportScreen(self.actions[at], self.member, self.report_back)
        self.app.push_screen(screen, self._reported)

    def report_back(self, filled: Filled[ReportBack]) -> Added[ReportBack]:
        """File the report (in the form's thread); a refusal keeps the form open, saying why."""
        report = filled.item
        assert report.action is not None
        with self._own_file() as repertoire:
            result = MemberActions(repertoire, self.member, self.app.clock).report_back(
                report.action,
                report.outcome,
                report.story,
                lesson=report.lesson,
                value_cycle=report.value_cycle,
            )
            if not result.ok:
                raise StoreError(result.message)
            # The newest of this member's report-backs on the action: the one just filed.
            filed = [r for r in repertoire.action_report_backs(report.action) if r.member == self.member]
        mine = max(filed, key=lambda r: r.id or 0)
        return Added(result.message, mine, functools.partial(self._edit_report, mine.id or 0))

    def _edit_report(self, report_id: int, filled: Filled[ReportBack]) -> str:
        """Save what was typed after the report was filed over it (in the form's thread)."""
        with self._own_file() as repertoire:
            result = MemberActions(repertoire, self.member, self.app.clock).edit_report(
                report_id, filled.changes, filled.opened
            )
        if not result.ok:
            raise StoreError(result.message)
        return result.message

    @contextmanager
    def _own_file(self) -> Iterator[Repertoire]:
        # The browser's connection may be read-only (over SSH): the member's own writes go on one of theirs.
        with Repertoire.open(self.app.repertoire.path) as repertoire, repertoire.waiting_at_most(SAVE_TRY_MS):
            yield repertoire

    def _reported(self, said: str | None) -> None:
        if said is not None:
            self.say(said, ok=True)
            self.read_actions()

    def action_back(self) -> None:
        self.dismiss(None)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.say(str(event.worker.error), ok=False)

"""The home screen: the community at a glance — recent sessions, open actions, latest cases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static
from textual.worker import Worker, WorkerState

from coptui.models import Action, ActionStatus, Case, Community, Session
from coptui.store import CaseFilter
from coptui.ui.render import plain
from coptui.ui.screens.start_session import StartSessionScreen

if TYPE_CHECKING:
    from coptui.ui.app import CoptuiApp

STATUS_MARK = {
    "open": "● open",
    "in_trial": "◐ trying",
    "reported": "◑ reported",
    "resolved": "✓ resolved",
    "reopened": "○ reopened",
}


@dataclass(frozen=True)
class HomeSummary:
    community: Community
    sessions: list[Session]
    actions: list[Action]
    cases: list[Case]
    case_count: int
    live: Session | None = None


class HomeScreen(Screen[None]):
    app: CoptuiApp

    BINDINGS = [
        Binding("s", "start_session", "Start a session", id="home_start_session"),
        Binding("r", "resume_session", "Resume live session", id="home_resume_session"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(id="masthead")
        with Horizontal(id="home-top"):
            yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
            yield DataTable(id="actions", cursor_type="row", zebra_stripes=True)
        with Vertical(id="home-bottom"):
            yield DataTable(id="cases", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        for table_id, title, columns in (
            ("sessions", "Recent sessions", ("Date", "Session", "Facilitator")),
            ("actions", "Open actions", ("Who", "What", "Due")),
            ("cases", "Latest cases", ("Opened", "Case", "By", "Status")),
        ):
            table = self.query_one(f"#{table_id}", DataTable)
            table.border_title = title
            table.add_columns(*columns)
        self.load_summary()

    live: Session | None = None

    def on_screen_resume(self) -> None:
        self.load_summary()

    def action_start_session(self) -> None:
        if self.app.repertoire.read_only:
            self.notify("This repertoire is open read-only: sessions cannot be run from here.")
        elif self.live is not None:
            self.notify("A session is live already: press r to resume it.", markup=False)
        else:
            self.app.push_screen(StartSessionScreen())

    def action_resume_session(self) -> None:
        if self.live is None:
            self.notify("No session is live; press s to start one.")
        else:
            self.app.resume_session()

    @work(thread=True, exclusive=True, group="home")
    def load_summary(self) -> HomeSummary:
        repertoire = self.app.repertoire
        return HomeSummary(
            community=repertoire.community(),
            sessions=repertoire.sessions(limit=8),
            actions=repertoire.actions(status=ActionStatus.OPEN),
            cases=repertoire.cases(limit=20),
            case_count=repertoire.count_cases(CaseFilter()),
            live=repertoire.live_session(),
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.SUCCESS and isinstance(event.worker.result, HomeSummary):
            self.show_summary(event.worker.result)

    def show_summary(self, summary: HomeSummary) -> None:
        masthead = Text.assemble(("coptui · ", "bold"), plain(summary.community.name, style="bold"))
        if summary.live is not None:  # first line: a long domain statement must not hide it
            masthead.append("   ● Live now: ", style="bold green")
            masthead.append_text(plain(summary.live.title, width=40, style="bold"))
            masthead.append(" — press r to resume it", style="green")
        if summary.community.domain:
            masthead.append("\n")
            masthead.append_text(plain(summary.community.domain, width=300, style="dim"))
        self.live = summary.live
        self.query_one("#masthead", Static).update(masthead)

        sessions = self.query_one("#sessions", DataTable)
        sessions.clear()
        for s in summary.sessions:
            sessions.add_row(s.date.isoformat(), plain(s.title, width=40), plain(s.facilitator))

        actions = self.query_one("#actions", DataTable)
        actions.clear()
        actions.border_subtitle = f"{len(summary.actions)} open"
        for a in summary.actions:
            due = a.due.isoformat() if a.due else "—"
            actions.add_row(plain(a.owner), plain(a.text, width=36), due)

        cases = self.query_one("#cases", DataTable)
        cases.clear()
        cases.border_subtitle = f"{len(summary.cases)} of {summary.case_count}"
        for c in summary.cases:
            cases.add_row(
                c.opened_on.isoformat(), plain(c.title, width=44), plain(c.presenter), STATUS_MARK[c.status]
            )

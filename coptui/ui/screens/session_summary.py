"""The end of a session: what it produced and how each phase went against its timebox.

What it counts is read from the file again once it is up, and whenever another program writes
while it is, so that it shows what the minutes will: lines a member's gone screen left, filed
as the session ended, are counted whoever filed them and whenever.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import Worker

from coptui.counts import plural
from coptui.facilitation import SessionSummary, clock_face
from coptui.facilitation.dates import spoken
from coptui.store import Repertoire
from coptui.ui.render import block, plain
from coptui.ui.worker_results import post_result

if TYPE_CHECKING:
    from coptui.ui.app import CoptuiApp

# How often it looks for writes by other programs while it is up.
READ_AGAIN_SECONDS = 0.5


@dataclass(eq=False)
class SummaryRead(Message, bubble=False):
    """The summary as the file has it now, and the file's data version it was read at."""

    summary: SessionSummary
    version: int


class SessionSummaryScreen(Screen[None]):
    app: CoptuiApp

    BINDINGS = [
        Binding("enter", "close", "Done", id="summary_done"),
        Binding("escape", "close", "Done", id="summary_close", show=False),
    ]

    def __init__(
        self,
        summary: SessionSummary,
        read_again: Callable[[], SessionSummary] | None = None,
        repertoire: Repertoire | None = None,
        refused: tuple[str, ...] = (),
    ) -> None:
        """`read_again` reads the summary from `repertoire` as it stands (the ended session's engine);
        `refused`: the refused lines still listed under the capture box as it ended, in no file."""
        super().__init__()
        self.summary = summary
        self.refused = refused
        self.read_again = read_again
        self.repertoire = repertoire
        self._version: int | None = None  # the data version the summary on screen was read at

    def on_mount(self) -> None:
        if self.read_again is not None and self.repertoire is not None:
            self.read_summary(self.read_again, self.repertoire, None)
            self.set_interval(READ_AGAIN_SECONDS, self._look_again)

    def _look_again(self) -> None:
        if self.read_again is not None and self.repertoire is not None:
            self.read_summary(self.read_again, self.repertoire, self._version)

    @work(thread=True, exclusive=True, group="summary", exit_on_error=False)
    def read_summary(
        self, read_again: Callable[[], SessionSummary], repertoire: Repertoire, seen: int | None
    ) -> SummaryRead | None:
        version = repertoire.data_version()
        return None if version == seen else SummaryRead(read_again(), version)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if (error := post_result(self, event)) is not None:
            self.app.report_error(error)

    @on(SummaryRead)
    async def _summary_read(self, message: SummaryRead) -> None:
        self._version = message.version
        if message.summary != self.summary:
            self.summary = message.summary
            await self.recompose()

    def compose(self) -> ComposeResult:
        s = self.summary
        with VerticalScroll(id="summary"):
            heading = "Session abandoned: " if s.abandoned else "Session ended: "
            yield Static(Text.assemble((heading, "bold"), plain(s.title, style="bold")))
            if s.abandoned:
                yield Static(
                    "Everything filed in it is kept; a new session can start.", id="summary-abandoned"
                )
            counts = [
                (s.notes, "note"),
                (s.decisions, "decision"),
                (s.cases, "case"),
                (s.strategies, "strategy"),
                (s.actions, "action"),
                (s.report_backs, "report-back"),
            ]
            yield Static(
                ", ".join(f"{n} {word if n == 1 else _plural(word)}" for n, word in counts) + " filed.",
                id="summary-counts",
            )
            table = Table(expand=True, box=None, header_style="bold")
            table.add_column("Phase", ratio=1, overflow="ellipsis", no_wrap=True)
            table.add_column("Timebox", justify="right")
            table.add_column("Took", justify="right")
            table.add_column("Over", justify="right")
            for phase in s.phases:
                over = phase.over_seconds
                table.add_row(
                    plain(phase.title),
                    f"{phase.timebox_minutes}:00"
                    + (f" +{phase.extra_minutes}" if phase.extra_minutes else ""),
                    clock_face(phase.elapsed_seconds),
                    Text(clock_face(over), style="red") if over else Text("—", style="dim"),
                )
            table.add_row(
                Text("Total", style="bold"), f"{s.timebox_minutes}:00", clock_face(s.total_seconds), ""
            )
            if s.agreed or s.without_actions:
                yield Static(Text("Who does what by when", style="bold"), id="summary-recap-title")
                yield Static(_recap(s), id="summary-recap")
            yield Static(table, id="summary-phases")
            if s.participation:
                yield Static(Text("Participation", style="bold"), id="summary-participation-title")
                yield Static(_participation_table(s), id="summary-participation")
                unheard = [p.member for p in s.participation if not p.heard]
                if unheard:
                    yield Static(Text.assemble("Not heard: ", *_names(s, unheard)), id="summary-not-heard")
            if self.refused:
                yield Static(_refused(self.refused), id="summary-refused")
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)


def _participation_table(s: SessionSummary) -> Table:
    """Each attendee's contributions by kind, and how long they spoke where the speaking timer ran."""
    table = Table(expand=True, box=None, header_style="bold", pad_edge=False)
    table.add_column("Member", ratio=1, overflow="ellipsis", no_wrap=True)
    for heading in ("Check-in", "Cases", "Strategies", "Notes", "Votes", "Reports", "Spoke"):
        table.add_column(heading, justify="right")
    for p in s.participation:
        counts = (p.check_ins, p.cases, p.strategies, p.notes, p.votes, p.reports)
        spoke = "—" if p.speaking_seconds is None else clock_face(p.speaking_seconds)
        table.add_row(
            plain(s.member_names.get(p.member, p.member), style="" if p.heard else "dim"),
            *(str(n) for n in counts),
            spoke,
        )
    return table


def _recap(s: SessionSummary) -> Group:
    """Each action agreed in the session: who, what, for which case, by when; then each case shared
    in it that no action came of yet: what the facilitator reads out before everyone leaves."""
    table = Table(box=None, show_header=False, pad_edge=False)  # by when beside what, however wide
    table.add_column("Who", max_width=24, overflow="ellipsis", no_wrap=True)
    table.add_column("What", ratio=1, overflow="fold")
    table.add_column("By when", justify="right", no_wrap=True)
    for action in s.agreed:
        what = block(action.text)
        if action.case in s.case_titles:
            what.append_text(Text.assemble("\ncase: ", plain(s.case_titles[action.case]), style="dim"))
        table.add_row(
            plain(s.member_names.get(action.owner, action.owner), style="bold"),
            what,
            Text(spoken(action.due)) if action.due else Text("no due date", style="yellow"),
        )
    unacted = [
        Text.assemble(
            ("No action yet: ", "yellow"),
            plain(case.title),
            (" (brought by ", "dim"),
            plain(s.member_names.get(case.presenter, case.presenter), style="dim"),
            (")", "dim"),
        )
        for case in s.without_actions
    ]
    return Group(table, *unacted)


def _refused(lines: tuple[str, ...]) -> Text:
    """The refused lines the session ended with, whole: they were not filed, and this is where they
    can still be copied from (the command line prints them again as it says goodbye)."""
    listed = "was" if len(lines) == 1 else "were"
    heading = Text(f"{plural(len(lines), 'refused line')} listed under the box {listed} not filed:", "bold")
    return Text("\n").join([heading, *(Text.assemble("  ", block(line)) for line in lines)])


def _names(s: SessionSummary, handles: list[str]) -> list[Text]:
    names: list[Text] = []
    for i, handle in enumerate(handles):
        names.extend([Text(", ") if i else Text(""), plain(s.member_names.get(handle, handle))])
    return names


def _plural(word: str) -> str:
    return word[:-1] + "ies" if word.endswith("y") else word + "s"

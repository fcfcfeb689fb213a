"""The end of a session: what it produced and how each phase went against its timebox."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from coptui.facilitation import SessionSummary, clock_face
from coptui.ui.render import plain


class SessionSummaryScreen(Screen[None]):
    BINDINGS = [
        Binding("enter", "close", "Done", id="summary_done"),
        Binding("escape", "close", "Done", id="summary_close", show=False),
    ]

    def __init__(self, summary: SessionSummary) -> None:
        super().__init__()
        self.summary = summary

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
            yield Static(table, id="summary-phases")
            if s.participation:
                yield Static(Text("Participation", style="bold"), id="summary-participation-title")
                yield Static(_participation_table(s), id="summary-participation")
                unheard = [p.member for p in s.participation if not p.heard]
                if unheard:
                    yield Static(Text.assemble("Not heard: ", *_names(s, unheard)), id="summary-not-heard")
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


def _names(s: SessionSummary, handles: list[str]) -> list[Text]:
    names: list[Text] = []
    for i, handle in enumerate(handles):
        names.extend([Text(", ") if i else Text(""), plain(s.member_names.get(handle, handle))])
    return names


def _plural(word: str) -> str:
    return word[:-1] + "ies" if word.endswith("y") else word + "s"

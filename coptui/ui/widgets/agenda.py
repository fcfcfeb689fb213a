"""The agenda: each phase of the session with its timebox and whether it is done, running or to come."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from coptui.facilitation import Clock, PhaseTimer, clock_face
from coptui.models import PhaseRun
from coptui.ui.render import plain


class Agenda(Static):
    def show(self, phases: list[PhaseRun], current: int, clock: Clock) -> None:
        table = Table.grid(expand=True, padding=(0, 1, 0, 0))
        table.add_column(width=1)
        table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        table.add_column(justify="right", no_wrap=True)
        for phase in phases:
            timer = PhaseTimer(phase, clock)
            timebox = clock_face(timer.budget_seconds)
            if phase.position == current:
                mark, style, time = "▶", "bold", timebox
            elif timer.started:
                mark, style, time = "✓", "dim", clock_face(timer.elapsed_seconds)
            else:
                mark, style, time = " ", "", timebox
            table.add_row(Text(mark, style=style), plain(phase.title, style=style), Text(time, style=style))
        self.update(table)

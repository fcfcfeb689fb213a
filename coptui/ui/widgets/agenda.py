"""The agenda: each phase of the session with its timebox and whether it is done, running or to come."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from coptui.facilitation import Clock, PhaseTimer, clock_face
from coptui.models import PhaseRun
from coptui.ui.render import plain


def window(count: int, current: int, rows: int) -> tuple[int, int]:
    """Which phases to list when not all fit: `rows` of them, the current one kept in view."""
    if count <= rows:
        return 0, count
    start = min(max(current - rows // 2, 0), count - rows)
    return start, start + rows


class Agenda(Static):
    def show(self, phases: list[PhaseRun], current: int, clock: Clock, rows: int = 12) -> None:
        table = Table.grid(expand=True, padding=(0, 1, 0, 0))
        table.add_column(width=1)
        table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        table.add_column(justify="right", no_wrap=True)
        start, end = window(len(phases), current, rows)
        if start:
            table.add_row("", Text(f"↑ {start} earlier", style="dim"), "")
        for phase in phases[start:end]:
            timer = PhaseTimer(phase, clock)
            timebox = clock_face(timer.budget_seconds)
            if phase.position == current:
                mark, style, time = "▶", "bold", timebox
            elif timer.started:
                mark, style, time = "✓", "dim", clock_face(timer.elapsed_seconds)
            else:
                mark, style, time = " ", "", timebox
            table.add_row(Text(mark, style=style), plain(phase.title, style=style), Text(time, style=style))
        if end < len(phases):
            table.add_row("", Text(f"↓ {len(phases) - end} more", style="dim"), "")
        self.update(table)

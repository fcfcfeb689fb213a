"""The home screen shows the community at a glance, and user text exactly as typed."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Static

from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp


def cell_texts(table: DataTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_home_shows_sessions_actions_and_cases(db_path: Path) -> None:
    with Repertoire.open(db_path, read_only=True) as repertoire:
        app = CoptuiApp(repertoire)
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen = app.screen
            assert "SRE Guild" in str(screen.query_one("#masthead", Static).render())
            assert cell_texts(screen.query_one("#sessions", DataTable)) == [
                ["2026-11-05", "November clinic", "ana"],
                ["2026-10-01", "October clinic", "ana"],
            ]
            assert cell_texts(screen.query_one("#actions", DataTable)) == [
                ["ben", "Start a weekly alert review", "2026-12-01"]
            ]
            cases = cell_texts(screen.query_one("#cases", DataTable))
            assert [row[1] for row in cases] == ["Runbooks nobody reads", "Alert fatigue at night"]


async def test_markup_in_names_shows_as_typed(db_path: Path) -> None:
    with Repertoire.open(db_path) as repertoire:
        community = repertoire.community()
        repertoire.set_community(
            community.model_copy(update={"name": "[bold red]Guild[/] [@click=app.quit]q"})
        )
        app = CoptuiApp(repertoire)
        async with app.run_test(size=(80, 24)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            masthead = app.screen.query_one("#masthead", Static).render()
            assert "[bold red]Guild[/] [@click=app.quit]q" in str(masthead)
            assert app.is_running

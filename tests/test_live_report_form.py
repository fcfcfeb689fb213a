"""A member's report-back form opens showing which action it is about, whatever the terminal's size."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from ui_helpers import screen_lines, settle, words

from coptui.facilitation import ManualClock
from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.my_actions import OwnReportScreen
from coptui.ui.screens.participant import Joining

START = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_the_report_back_form_opens_on_its_on_your_action_line(
    db_path: Path, size: tuple[int, int]
) -> None:
    joining = Joining("ben", "local")
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, clock=ManualClock(START), launch=joining, participant=joining)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await pilot.press("f2")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, OwnReportScreen)
            shown = words(" ".join(screen_lines(app)))
            assert "On your action: Start a weekly alert review" in shown
            assert "Outcome" in shown and "Save" in shown
            assert app.screen.focused is app.screen.query_one("#outcome")  # ready to choose it

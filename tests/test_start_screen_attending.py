"""The start screen's "Attending" line says what the session will have: choosing another
facilitator ticks them among the attendees and names them, however fast the keys come."""

from __future__ import annotations

from pathlib import Path

from test_resume_after_kill import query
from ui_helpers import screen_lines, settle

from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.session import SessionScreen
from coptui.ui.screens.start_session import StartAnswers


async def test_choosing_another_facilitator_shows_them_attending_as_the_session_will_have_them(
    db_path: Path,
) -> None:
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, launch=StartAnswers())
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert "Attending (1): ana (facilitating)" in "\n".join(screen_lines(app))
            # Format, title, then the facilitator's menu: ana is chosen; one down is ben.
            await pilot.press("tab", "tab", "enter", "down", "enter")
            await settle(pilot)
            drawn = "\n".join(screen_lines(app))
            assert "Attending (2): ana, ben (facilitating)" in drawn, drawn
            # Unticked again, ben still facilitates, so attends: first, as the session puts him.
            await pilot.press("tab", "tab", "tab", "down", "space")
            await settle(pilot)
            drawn = "\n".join(screen_lines(app))
            assert "Attending (2): ben (facilitating), ana" in drawn, drawn
            await pilot.press("f5")
            await settle(pilot)
            assert isinstance(app.screen, SessionScreen)
    assert query(db_path, "SELECT facilitator FROM sessions WHERE status = 'live'") == [("ben",)]
    assert query(
        db_path,
        "SELECT member FROM attendance WHERE presence = 'attended' AND session_id = "
        "(SELECT id FROM sessions WHERE status = 'live') ORDER BY position",
    ) == [("ben",), ("ana",)]

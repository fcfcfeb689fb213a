"""The start screen's "Attending" line says what the session will have: choosing another
facilitator ticks them among the attendees and names them, however fast the keys come, and
unticks the one they replace if that one was ticked only for facilitating (not by hand)."""

from __future__ import annotations

from pathlib import Path

from test_resume_after_kill import query
from textual.pilot import Pilot
from ui_helpers import screen_lines, settle

from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.session import SessionScreen
from coptui.ui.screens.start_session import StartAnswers


async def drawn_after(pilot: Pilot[None], *keys: str) -> str:
    """The screen as drawn once `keys` are pressed and what they set off is done."""
    await pilot.press(*keys)
    await settle(pilot)
    return "\n".join(screen_lines(pilot.app))


def attended(db_path: Path) -> list[tuple[str]]:
    """Who attends the live session, in its speaking order."""
    return query(
        db_path,
        "SELECT member FROM attendance WHERE presence = 'attended' AND session_id = "
        "(SELECT id FROM sessions WHERE status = 'live') ORDER BY position",
    )


async def test_choosing_another_facilitator_shows_them_attending_as_the_session_will_have_them(
    db_path: Path,
) -> None:
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, launch=StartAnswers())
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert "Attending (1): ana (facilitating)" in "\n".join(screen_lines(app))
            # Format, title, then the facilitator's menu: ana is chosen; one down is ben.
            drawn = await drawn_after(pilot, "tab", "tab", "enter", "down", "enter")
            assert "Attending (1): ben (facilitating)" in drawn, drawn
            # Ana ticked again by hand: she attends.
            drawn = await drawn_after(pilot, "tab", "tab", "tab", "space")
            assert "Attending (2): ana, ben (facilitating)" in drawn, drawn
            # Unticked again, ben still facilitates, so attends: first, as the session puts him.
            drawn = await drawn_after(pilot, "down", "space")
            assert "Attending (2): ben (facilitating), ana" in drawn, drawn
            await pilot.press("f5")
            await settle(pilot)
            assert isinstance(app.screen, SessionScreen)
    assert query(db_path, "SELECT facilitator FROM sessions WHERE status = 'live'") == [("ben",)]
    assert attended(db_path) == [("ben",), ("ana",)]


async def test_a_facilitator_replaced_is_unticked_unless_ticked_by_hand_or_on_the_command_line(
    db_path: Path,
) -> None:
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, launch=StartAnswers(attendees=("cho",)))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert "Attending (2): ana (facilitating), cho" in "\n".join(screen_lines(app))
            # Ana, ticked only as the default facilitator, unticked and ticked again by hand.
            await pilot.press("tab", "tab", "tab", "tab", "tab", "space", "space")
            await settle(pilot)
            # The facilitator's menu: ben; ana stays, ticked by hand.
            drawn = await drawn_after(pilot, "shift+tab", "shift+tab", "shift+tab", "enter", "down", "enter")
            assert "Attending (3): ana, ben (facilitating), cho" in drawn, drawn
            # Cho, ticked on the command line: ben, ticked only for facilitating, is unticked.
            drawn = await drawn_after(pilot, "enter", "down", "enter")
            assert "Attending (2): ana, cho (facilitating)" in drawn, drawn
            # Ben again: cho stays, as the command line had him.
            drawn = await drawn_after(pilot, "enter", "up", "enter")
            assert "Attending (3): ana, ben (facilitating), cho" in drawn, drawn
            await pilot.press("f5")
            await settle(pilot)
            assert isinstance(app.screen, SessionScreen)
    assert attended(db_path) == [("ana",), ("ben",), ("cho",)]

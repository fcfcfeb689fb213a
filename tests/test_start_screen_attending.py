"""The start screen's "Attending" line says what the session will have: choosing another
facilitator ticks them among the attendees and names them, however fast the keys come, and
unticks the one they replace if that one was ticked only for facilitating (not by hand)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
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


@asynccontextmanager
async def start_screen(db_path: Path, answers: StartAnswers) -> AsyncIterator[Pilot[None]]:
    """The start screen at 80x24 on `db_path`, its choices loaded."""
    with Repertoire.open(db_path) as repertoire:
        async with CoptuiApp(repertoire, launch=answers).run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            yield pilot


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
    async with start_screen(db_path, StartAnswers()) as pilot:
        app = pilot.app
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
    async with start_screen(db_path, StartAnswers(attendees=("cho",))) as pilot:
        app = pilot.app
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


async def test_last_meetings_attendees_are_offered_in_one_key_and_the_screen_says_what_it_ticked(
    db_path: Path,
) -> None:
    async with start_screen(db_path, StartAnswers()) as pilot:
        drawn = await drawn_after(pilot)  # the last meeting is named, nobody ticked for it yet
        assert 'F3 ticks the 3 who attended the last meeting, "November clinic" (5 Nov)' in drawn
        assert "F3 Tick last meeting's" in drawn, drawn
        assert "Attending (1): ana (facilitating)" in drawn, drawn
        drawn = await drawn_after(pilot, "f3")
        assert 'ticked the 3 who attended "November clinic" (5 Nov): untick who is absent' in drawn
        assert "Attending (3): ana (facilitating), ben, cho" in drawn, drawn
        # Ana attended last time: she stays ticked when ben takes over facilitating.
        drawn = await drawn_after(pilot, "tab", "tab", "enter", "down", "enter")
        assert "Attending (3): ana, ben (facilitating), cho" in drawn, drawn
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SessionScreen)
    assert attended(db_path) == [("ana",), ("ben",), ("cho",)]

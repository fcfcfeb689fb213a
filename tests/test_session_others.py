"""The facilitator's screen and what others write: entries filed by other programs appear live."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input
from ui_helpers import screen_lines, settle, words

from coptui.facilitation import LiveSession, ManualClock, SessionPlan
from coptui.formats import find_format
from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.session import SessionScreen
from coptui.ui.widgets.workspace import PhaseWorkspace

START = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)


def session_screen(app: App[None]) -> SessionScreen:
    screen = app.screen
    assert isinstance(screen, SessionScreen)
    return screen


async def poll_until_shown(pilot: Pilot[None], text: str, *, polls: int = 20) -> None:
    """Run the screen's poll for others' writes, as its half-second interval would, until `text` shows."""
    for _ in range(polls):
        if text in words(" ".join(screen_lines(pilot.app))):
            return
        session_screen(pilot.app).poll_others()
        await settle(pilot)
    assert text in words(" ".join(screen_lines(pilot.app)))


@asynccontextmanager
async def facilitating(
    db_path: Path, size: tuple[int, int] = (80, 24)
) -> AsyncIterator[tuple[CoptuiApp, Pilot[None]]]:
    clock = ManualClock(START)
    with Repertoire.open(db_path) as repertoire:
        LiveSession.start(
            repertoire,
            SessionPlan(find_format("cop-meeting"), "ana", ["ben", "cho"], title="December clinic"),
            clock,
        )
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, clock=clock, launch="resume")
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            yield app, pilot


async def test_a_note_written_by_another_program_appears_without_touching_the_capture_box(
    db_path: Path,
) -> None:
    async with facilitating(db_path) as (app, pilot):
        await pilot.press(*"half typed")
        with Repertoire.open(db_path) as elsewhere:
            assert LiveSession.resume(elsewhere).enter("@cho written [elsewhere] *now*").ok
        await poll_until_shown(pilot, "written [elsewhere] *now*")
        box = app.screen.query_one("#capture-input", Input)
        assert box.value == "half typed" and box.has_focus
        assert any("half typed" in line for line in screen_lines(app)[-5:])
        await pilot.press("enter")
        await settle(pilot)
    with Repertoire.open(db_path) as repertoire:
        assert [n.text for n in repertoire.notes(session=3)] == ["written [elsewhere] *now*", "half typed"]


async def test_the_poll_reads_nothing_when_nobody_else_wrote(db_path: Path) -> None:
    async with facilitating(db_path) as (app, pilot):
        screen = session_screen(app)
        screen.poll_others()
        await settle(pilot)
        drawn = screen.view
        screen.poll_others()
        await settle(pilot)
        assert screen.view is drawn, "an unchanged file is not read again"


async def test_a_facilitator_reading_back_is_not_scrolled_away_by_others(db_path: Path) -> None:
    async with facilitating(db_path) as (app, pilot):
        with Repertoire.open(db_path) as elsewhere:
            live = LiveSession.resume(elsewhere)
            for n in range(30):
                assert live.enter(f"@ben early {n}").ok
        await poll_until_shown(pilot, "early 29")
        workspace = app.screen.query_one(PhaseWorkspace)
        workspace.scroll_home(animate=False)
        await pilot.pause()
        with Repertoire.open(db_path) as elsewhere:
            assert LiveSession.resume(elsewhere).enter("@cho late").ok
        session_screen(app).poll_others()
        await settle(pilot)
        assert workspace.scroll_y == 0
        assert "early 0" in words(" ".join(screen_lines(app)))

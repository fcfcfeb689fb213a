"""The home screen reads the file again when it comes back to the front after something was
written: a session just held, a report-back filed by a member, a write by another program."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from textual.pilot import Pilot
from ui_helpers import browsing, screen_lines, settle

from coptui.facilitation import ManualClock, SessionPlan
from coptui.formats import find_format
from coptui.models import ActionStatus
from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.help import HelpScreen
from coptui.ui.screens.home import HomeScreen
from coptui.ui.screens.session import SessionScreen
from coptui.ui.screens.session_summary import SessionSummaryScreen

START = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
CASE = "Pager storms [x] *at* night"


def drawn(app: CoptuiApp) -> str:
    return "\n".join(screen_lines(app))


async def enter_line(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*text, "enter")
    await settle(pilot)


async def key(pilot: Pilot[None], name: str) -> None:
    await pilot.press(name)
    await settle(pilot)


@asynccontextmanager
async def session_run_from_the_app(
    db_path: Path, size: tuple[int, int]
) -> AsyncIterator[tuple[CoptuiApp, Pilot[None]]]:
    """The app as `coptui run` opens it: a session started over the home screen."""
    plan = SessionPlan(find_format("cop-meeting"), "ana", ["ben", "cho"], title="December clinic")
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, clock=ManualClock(START), launch=plan)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, SessionScreen)
            yield app, pilot


async def test_after_a_session_the_overview_shows_it_its_case_and_the_action_reported(db_path: Path) -> None:
    async with session_run_from_the_app(db_path, (160, 45)) as (app, pilot):
        await key(pilot, "f5")  # problem sharing
        await enter_line(pilot, f"#case @ben {CASE}")
        await key(pilot, "f5")  # problem solving
        await key(pilot, "f5")  # report-back: ben's open action is matter arising 1
        await enter_line(pilot, "#report 1 worked We review alerts every Monday")
        await key(pilot, "f5")
        await key(pilot, "f5")  # F5 twice on the last phase ends the session
        assert isinstance(app.screen, SessionSummaryScreen)
        await key(pilot, "enter")
        assert isinstance(app.screen, HomeScreen)
        screen = drawn(app)
        assert "2026-12-03 #3 December clinic" in screen, screen  # the list's row: not marked ● live
        assert CASE in screen, screen
        assert "Latest cases (3)" in screen, screen
        assert "Open actions (0)" in screen, screen
        assert "Start a weekly alert review" not in screen, screen
        assert "LIVE" not in screen, screen


async def test_back_from_help_after_another_program_wrote_the_overview_shows_it(db_path: Path) -> None:
    async with browsing(db_path) as (app, pilot):
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert "Open actions (1)" in drawn(home.app)
        await key(pilot, "question_mark")
        assert isinstance(home.app.screen, HelpScreen)
        with Repertoire.open(db_path) as elsewhere:  # as `coptui` in another terminal
            elsewhere.set_action_status(2, ActionStatus.DROPPED)
        home.poll_live()  # the poll runs on behind the dialog, and sees the change first
        await settle(pilot)
        await key(pilot, "escape")
        assert home.app.screen is home
        screen = drawn(home.app)
        assert "Open actions (0)" in screen, screen


async def test_coming_back_to_the_front_with_nothing_written_reads_nothing_again(db_path: Path) -> None:
    async with browsing(db_path) as (app, pilot):
        home = app.screen
        assert isinstance(home, HomeScreen)
        read: list[object] = []
        home.show_place = read.append  # type: ignore[method-assign,assignment]
        await key(pilot, "question_mark")
        await key(pilot, "escape")
        assert home.app.screen is home and read == []


async def test_behind_a_live_session_the_home_screen_reads_nothing(db_path: Path) -> None:
    async with session_run_from_the_app(db_path, (80, 24)) as (app, pilot):
        home = app.screen_stack[0]
        assert isinstance(home, HomeScreen)
        await enter_line(pilot, "Slept well")
        home.poll_live()  # as its interval would, while the facilitator types
        assert [w.name for w in app.workers if w.name == "check_live"] == []
        await key(pilot, "f1")  # a dialog over the session: still covered
        home.poll_live()
        assert [w.name for w in app.workers if w.name == "check_live"] == []

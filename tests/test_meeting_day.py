"""What a facilitator sees on meeting day, read off the drawn screen: the countdown over time,
the home screen after a session ends, help, phase jumping, capture corrections, 80 columns."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from rich.color import Color
from rich.console import Console
from rich.style import Style
from textual.pilot import Pilot
from textual.renderables.digits import Digits as DigitsFont
from ui_helpers import screen_lines, settle, words

from coptui.facilitation import LiveSession, ManualClock, SessionPlan
from coptui.formats import find_format
from coptui.models import Action
from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp, Launch
from coptui.ui.screens.dialogs import JumpDialog
from coptui.ui.screens.help import HelpScreen
from coptui.ui.screens.home import HomeScreen
from coptui.ui.screens.session import SessionScreen
from coptui.ui.screens.session_summary import SessionSummaryScreen
from coptui.ui.widgets.countdown import big_clock
from coptui.ui.widgets.paged_list import Ref

START = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)


def start_live(db_path: Path, clock: ManualClock) -> None:
    with Repertoire.open(db_path) as repertoire:
        plan = SessionPlan(find_format("cop-meeting"), "ana", ["ben", "cho"], title="December clinic")
        LiveSession.start(repertoire, plan, clock)


@asynccontextmanager
async def session_app(
    repertoire: Repertoire,
    size: tuple[int, int] = (80, 24),
    clock: ManualClock | None = None,
    launch: Launch = "resume",
) -> AsyncIterator[tuple[CoptuiApp, Pilot[None]]]:
    """The app on `repertoire` (by default resuming its live session), settled and ready for keys."""
    app = CoptuiApp(repertoire, clock=clock or ManualClock(START), launch=launch)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        yield app, pilot


def digits_rows(face: str) -> list[str]:
    """`face` as Textual's Digits widget draws it: three rows of bold box-drawing characters."""
    lines = Console(width=40).render_lines(DigitsFont(face, style=Style(bold=True)), pad=False)
    return ["".join(segment.text for segment in line).rstrip() for line in lines]


def colours_of(app: CoptuiApp, widget_id: str, glyphs: str) -> list[tuple[int, int, int]]:
    """The foreground colours of the characters in `glyphs` drawn inside the widget."""
    region = app.screen.query_one(widget_id).region
    found: list[tuple[int, int, int]] = []
    for strip in app.screen._compositor.render_strips()[region.y : region.bottom]:
        for segment in strip.crop(region.x, region.right):
            if set(segment.text) & set(glyphs):
                colour = segment.style.color if segment.style else None
                found.append(tuple(colour.get_truecolor()) if colour else (-99, -99, -99))  # type: ignore[arg-type]
    return found


def near(colour: tuple[int, int, int], theme_colour: str) -> bool:
    """Within rounding of the theme's colour (Textual blends colours before drawing them)."""
    return all(
        abs(a - b) <= 2 for a, b in zip(colour, Color.parse(theme_colour).get_truecolor(), strict=True)
    )


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_over_time_the_overrun_shows_large_in_the_alarm_colour(
    db_path: Path, size: tuple[int, int]
) -> None:
    # 80x24 draws Textual's three-row digits; a projector-sized screen the five-row block font.
    rows = digits_rows("+01:05") if size[0] < 120 else big_clock("+01:05").split("\n")
    clock = ManualClock(START)
    start_live(db_path, clock)
    with Repertoire.open(db_path) as repertoire:
        async with session_app(repertoire, size=size, clock=clock) as (app, pilot):
            screen = app.screen
            assert isinstance(screen, SessionScreen)
            clock.advance(minutes=11, seconds=5)  # check-in has ten minutes
            screen.tick()
            await pilot.pause()
            drawn = screen_lines(app, screen.query_one("#countdown").region)
            text = "\n".join(drawn)
            assert "Over time" in drawn[0] and "OVER TIME" in text, text
            for row in rows:
                assert any(row.strip() in line for line in drawn), f"{row!r} not in\n{text}"
            glyphs = "".join(set("".join(rows)) - {" ", ":"})
            colours = colours_of(app, "#countdown", glyphs)
            assert colours and all(near(colour, app.current_theme.error or "") for colour in colours)


async def test_after_the_session_ends_home_shows_no_live_banner_and_r_says_so(db_path: Path) -> None:
    clock = ManualClock(START)
    start_live(db_path, clock)  # as `coptui run` resumes a session: the home screen sees it live
    with Repertoire.open(db_path) as repertoire:
        async with session_app(repertoire, clock=clock) as (app, pilot):
            assert isinstance(app.screen, SessionScreen)
            for _ in range(3):
                await pilot.press("f5")
                await settle(pilot)
            await pilot.press("f5")  # on the last phase: F5 again ends the session
            await settle(pilot)
            await pilot.press("f5")
            await settle(pilot)
            assert isinstance(app.screen, SessionSummaryScreen)
            await pilot.press("enter")  # done
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            drawn = "\n".join(screen_lines(app))
            assert "LIVE" not in drawn, drawn
            await pilot.press("r")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            assert [n.message for n in app._notifications][-1] == "No session is live; press s to start one."
        assert repertoire.live_session() is None


async def help_page(pilot: Pilot[None], key: str) -> str:
    await pilot.press(key)
    await pilot.pause()
    assert isinstance(pilot.app.screen, HelpScreen)
    return "\n".join(screen_lines(pilot.app, pilot.app.screen.query_one("#help").region))


def offers(page: str, keys: str, what: str) -> bool:
    """Whether the help page has a row that starts with `keys` and says `what`."""
    return any(line.strip(" │").startswith(keys) and what in line for line in page.splitlines())


async def test_help_on_home_lists_every_key_in_front_of_the_user(db_path: Path) -> None:
    with Repertoire.open(db_path) as repertoire:
        async with session_app(repertoire, size=(100, 50), launch=None) as (app, pilot):
            footer = screen_lines(app)[-1]
            assert "l Live" in footer and "? Help" in footer and "s Start" in footer, footer
            page = await help_page(pilot, "question_mark")
            for keys, what in [
                ("/", "Search"),
                ("f ", "Filter"),
                ("w ", "What worked"),
                ("g ", "Go to"),
                ("⌫ / [ / alt+←", "Back"),
                ("] / alt+→", "Forward"),
                ("l ", "Live"),
                ("? / f1", "Help"),
                ("s ", "Start a session"),
                ("r ", "Resume the live session"),
                ("↑ / k", "Up"),
                ("⏎", "Open"),
                ("^p", "Commands by name"),
            ]:
                assert offers(page, keys, what), f"{keys} {what} missing from\n{page}"
            assert "e edits a case, a changes an action's status and n adds a report-back" in words(page)
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)


async def test_read_only_browsing_offers_no_session_to_start_or_resume(db_path: Path) -> None:
    start_live(db_path, ManualClock(START))
    with Repertoire.open(db_path, read_only=True) as repertoire:
        async with session_app(repertoire, size=(100, 50), launch=None) as (app, pilot):
            footer = screen_lines(app)[-1]
            assert "s Start" not in footer and "r Resume" not in footer, footer
            assert "? Help" in footer
            page = await help_page(pilot, "question_mark")
            assert not offers(page, "s ", "Start") and not offers(page, "r ", "Resume"), page
            assert "edits a case" not in page
            await pilot.press("escape", "s", "r")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen) and not app._notifications


async def test_f1_on_the_start_screen_lists_its_keys(db_path: Path) -> None:
    with Repertoire.open(db_path) as repertoire:
        async with session_app(repertoire, size=(100, 50), launch=None) as (app, pilot):
            await pilot.press("s")
            await settle(pilot)
            assert "F1 Help" in screen_lines(app)[-1]
            page = await help_page(pilot, "f1")
            assert offers(page, "F5", "Start the session") and offers(page, "esc", "Back"), page


async def test_f1_in_a_session_lists_its_keys_and_the_tags(db_path: Path) -> None:
    start_live(db_path, ManualClock(START))
    with Repertoire.open(db_path) as repertoire:
        async with session_app(repertoire, size=(100, 60)) as (app, pilot):
            page = await help_page(pilot, "f1")
            for keys, what in [
                ("F1", "this page"),
                ("F2", "jump to a phase"),
                ("F5", "next phase"),
                ("F8", "undo the last entry"),
                ("F9", "save the minutes"),
                ("pgup", "scroll the workspace up"),
                ("^c", "the session stays live"),
                ("#case @who title", "a case that member brings"),
                ("#vote N [count]", "dot votes"),
            ]:
                assert offers(page, keys, what), f"{keys} {what} missing from\n{page}"
            assert not offers(page, "q ", "Quit"), "q is typed into the capture box"
            await pilot.press("q")  # closes the help, does not quit mid-meeting
            await pilot.pause()
            assert isinstance(app.screen, SessionScreen) and app.is_running


def drawn(app: CoptuiApp, selector: str) -> str:
    """What is drawn inside one widget, its lines joined by spaces, wrapping undone."""
    return words(" ".join(screen_lines(app, app.screen.query_one(selector).content_region)))


async def type_line(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*text, "enter")
    await settle(pilot)


async def test_correcting_mistakes_in_the_capture_box(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LC_ALL", "en_GB.UTF-8")
    start_live(db_path, ManualClock(START))
    with Repertoire.open(db_path) as repertoire:
        async with session_app(repertoire) as (app, pilot):
            # ↑/↓ walk back through the lines entered, and back down to what was being typed.
            await type_line(pilot, "Glad to be here")
            await type_line(pilot, "@bem Tired")
            assert "@bem is not a member; did you mean @ben?" in drawn(app, "#capture-message")
            await pilot.press("ctrl+u", *"half-typ")
            for key, shown in [("up", "@bem Tired"), ("up", "Glad to be here"), ("up", "Glad to be here")]:
                await pilot.press(key)
                assert shown in drawn(app, "#capture-input"), key
            await pilot.press("down")
            assert "@bem Tired" in drawn(app, "#capture-input")
            await pilot.press("down")
            assert "half-typ" in drawn(app, "#capture-input")
            await pilot.press("ctrl+u")
            # F8 takes back the last entry and gives its line back to fix.
            await type_line(pilot, "@cho Tried of pages")
            await pilot.press("f8")
            await settle(pilot)
            assert "undone: a check-in from @cho" in drawn(app, "#capture-message")
            assert "@cho Tried of pages" in drawn(app, "#capture-input")
            await pilot.press("ctrl+u")
            await type_line(pilot, "@cho Tired of pages")
            # A due date as people say it, read back with its weekday.
            await type_line(pilot, "#action @ben due:14 Dec try ticket routing")
            assert "filed an action for @ben, due Mon 14 Dec 2026" in drawn(app, "#capture-message")
            # A long message wraps inside 80 columns instead of being cut.
            await type_line(pilot, "#action @ben due:31/12/1999 try ticket routing")
            message = drawn(app, "#capture-message")
            assert "due Fri 31 Dec 1999 is in the past; give a date from today on" in message
            await pilot.press("ctrl+u")
            await type_line(pilot, "#action @ben due:14/13 try ticket routing")
            assert "due:14/13 is not a date; write it as 2026-12-14, 14 Dec or 14/12 (day first)" in drawn(
                app, "#capture-message"
            )
            await pilot.press("ctrl+u")
            await type_line(pilot, "#report 1")
            usage = (
                "type #report N outcome story (N from matters arising, or @handle); "
                "outcomes: worked, partly, did-not-work, not-tried"
            )
            assert usage in drawn(app, "#capture-message")
            # With how to go on from the refused line given back, it is all there, in three lines.
            lines = screen_lines(app, app.screen.query_one("#capture-message").region)
            assert len(lines) == 3 and words(" ".join(lines)).endswith("to fix it; ↑ brings it back")
        notes = repertoire.notes(session=3)
        assert [(n.author, n.text) for n in notes] == [("ana", "Glad to be here"), ("cho", "Tired of pages")]
        (action,) = [a for a in repertoire.actions() if a.session == 3]
        assert (action.owner, action.due, action.text) == ("ben", date(2026, 12, 14), "try ticket routing")


async def test_f2_lists_numbered_phases_and_a_digit_picks_one(db_path: Path) -> None:
    start_live(db_path, ManualClock(START))
    with Repertoire.open(db_path) as repertoire:
        async with session_app(repertoire) as (app, pilot):
            assert "▶ Check-in" in drawn(app, "#agenda")
            await pilot.press("f2")
            await pilot.pause()
            dialog = drawn(app, "JumpDialog .dialog")
            for line in ("▶ 1. Check-in (10 min)", "2. Problem sharing (15 min)", "4. Report-back (15 min)"):
                assert line in dialog, dialog
            await pilot.press("3")
            await settle(pilot)
            assert isinstance(app.screen, SessionScreen)
            assert "▶ Collaborative" in drawn(app, "#agenda")
            await pilot.press("f2")
            await pilot.pause()
            assert "▶ 3. Collaborative problem solving" in drawn(app, "JumpDialog .dialog")
            await pilot.press("9")  # no phase 9: stays open
            await pilot.pause()
            assert isinstance(app.screen, JumpDialog)
            await pilot.press("escape")
            await settle(pilot)
        assert repertoire.session(3).current_phase == 2


async def test_with_more_than_nine_phases_two_digits_pick_one(db_path: Path) -> None:
    clock = ManualClock(START)
    with Repertoire.open(db_path) as repertoire:
        plan = SessionPlan(find_format("troika-consulting"), "ana", ["ben", "cho"])
        async with session_app(repertoire, clock=clock, launch=plan) as (app, pilot):
            for keys, phase in [(("1", "2"), 11), (("4",), 3), (("1", "enter"), 0), (("1", "3"), 12)]:
                await pilot.press("f2")
                await pilot.pause()
                await pilot.press(*keys)
                await settle(pilot)
                assert isinstance(app.screen, SessionScreen)
                live = repertoire.live_session()
                assert live is not None and live.current_phase == phase, keys


async def test_a_case_filed_during_check_in_is_kept_with_a_warning(db_path: Path) -> None:
    start_live(db_path, ManualClock(START))
    with Repertoire.open(db_path) as repertoire:
        async with session_app(repertoire) as (app, pilot):
            await type_line(pilot, "#case @ben Flaky deploys")
            warning = "during check-in: F5 moves on to problem sharing, F8 undoes"
            assert f"filed case “Flaky deploys” by @ben, {warning}" in drawn(app, "#capture-message")
        assert [c.title for c in repertoire.session_cases(3)] == ["Flaky deploys"]


LONG_ACTION = (
    "Move every queue alert without clinical impact to the ServiceNow 'Integration' queue for two "
    "weeks; keep paging for the 14 feeds the clinical safety officer lists as critical."
)


async def test_forms_and_dialogs_fit_80x24(db_path: Path) -> None:
    with Repertoire.open(db_path) as repertoire:
        repertoire.add_action(Action(case=2, session=2, owner="cho", text=LONG_ACTION))
        async with session_app(repertoire, launch=None) as (app, pilot):
            browser = app.screen
            assert isinstance(browser, HomeScreen)
            for ref, key, buttons in [
                (Ref("case", 2), "e", "Save Cancel"),
                (Ref("action", 3), "a", "Save Cancel"),
                (Ref("action", 3), "n", "Save Cancel"),
                (None, "f", "Apply Clear all Cancel"),
            ]:
                if ref is not None:
                    browser.follow(ref)
                    await settle(pilot)
                await pilot.press(key)
                await settle(pilot)
                form = drawn(app, ".form")
                assert buttons in form, (key, form)
                if key == "a":
                    assert f"@cho: {LONG_ACTION}" in form
                await pilot.press("escape")
                await settle(pilot)


async def test_phase_guidance_and_a_long_agenda_fit_80x24(db_path: Path) -> None:
    with Repertoire.open(db_path) as repertoire:
        plan = SessionPlan(find_format("troika-consulting"), "ana", ["ben", "cho"])
        async with session_app(repertoire, launch=plan) as (app, pilot):
            await pilot.press("f5")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, SessionScreen) and screen.view is not None
            view = screen.view
            assert len(view.phase.prompt) > 70
            assert words(view.phase.prompt) in drawn(app, "#workspace")
            assert "F1 Help" in screen_lines(app)[-1]
            await pilot.press("f2")
            await pilot.pause()
            dialog = drawn(app, "JumpDialog .dialog")
            assert "Go to which phase?" in dialog and "Its number, or ↑↓ and Enter: go Escape: stay" in dialog

"""The session screens driven as a facilitator would: keystrokes in, then what reached the database."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from test_session_others import facilitating
from textual.command import CommandList
from textual.pilot import Pilot
from textual.widgets import Digits, Input, Static
from ui_helpers import screen_lines, settle, type_burst, words

from coptui.facilitation import EntryResult, LiveSession, ManualClock, SessionPlan
from coptui.formats import find_format
from coptui.models import ActionStatus, CaseStatus, NoteKind, Outcome, SessionStatus
from coptui.store import Repertoire
from coptui.store.side_journal import side_folder
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.home import HomeScreen
from coptui.ui.screens.session import SessionScreen
from coptui.ui.screens.session_help import SessionHelpScreen
from coptui.ui.screens.session_summary import SessionSummaryScreen
from coptui.ui.screens.start_session import StartSessionScreen
from coptui.ui.widgets.capture import TagSuggester
from coptui.ui.widgets.workspace import PhaseWorkspace

START = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)


async def type_line(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*text, "enter")
    await settle(pilot)


def message(app: CoptuiApp) -> str:
    return str(app.screen.query_one("#capture-message", Static).render())


async def test_a_whole_session_from_the_home_screen_by_keystrokes(db_path: Path) -> None:
    clock = ManualClock(START)
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, clock=clock)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("s")
            await settle(pilot)
            assert isinstance(app.screen, StartSessionScreen)
            # Format (default), title, facilitator (ana, the community's facilitator), new member.
            await pilot.press("tab", *"December clinic", "tab", "tab")
            await pilot.press(*"dev Dev Patel", "enter")
            await pilot.pause()
            await pilot.press("enter")  # yes, add @dev to the community
            await settle(pilot)
            # The button, then the attendees: ana is ticked already; tick ben and cho.
            await pilot.press("tab", "tab", "down", "space", "down", "space")
            await pilot.press("f5")
            await settle(pilot)
            assert isinstance(app.screen, SessionScreen), app.screen.query_one("#start-message").render()
            assert app.screen.query_one("#capture-input", Input).has_focus

            # Check-in: round the attendees in order.
            await pilot.press(*"Glad [really] *here* ")
            # Emoji arrive as pasted text: Pilot cannot press them as keys.
            app.screen.query_one("#capture-input", Input).insert_text_at_cursor("🎉")
            await type_line(pilot, "")
            assert "@ana" in message(app)
            clock.advance(minutes=4)
            await type_line(pilot, "@cho Tired")
            await type_line(pilot, "Fine")
            await type_line(pilot, "#absent @dev")
            await type_line(pilot, "#acton @ben x")
            assert "did you mean #action?" in message(app)
            assert app.screen.query_one("#capture-input", Input).value == "#acton @ben x"
            await pilot.press("ctrl+u")  # clear the bad entry
            await pilot.press("f6")  # pause
            await settle(pilot)
            clock.advance(minutes=2)
            await pilot.press("f6", "f7")
            await settle(pilot)
            await pilot.press("f5")
            await settle(pilot)

            # Problem sharing.
            await type_line(pilot, "#case @ben Flaky deploys")
            await type_line(pilot, "#context 1 in 5 fail")
            await type_line(pilot, "#question Why?")
            await type_line(pilot, "#topic on-call")
            await type_line(pilot, "Tried retries")
            await pilot.press("f5")
            await settle(pilot)

            # Problem solving.
            await type_line(pilot, "#strategy @cho Bisect")
            await type_line(pilot, "#strategy @ana Quarantine")
            await type_line(pilot, "#strategy @ana oops")
            await pilot.press("f8")
            await settle(pilot)
            assert "undone" in message(app)
            assert app.screen.query_one("#capture-input", Input).value == "#strategy @ana oops"
            await pilot.press("ctrl+u")  # the undone line came back to fix; not wanted here
            await type_line(pilot, "#vote 2 3")
            await type_line(pilot, "#pick 2")
            await type_line(pilot, "#action @ben due:2026-12-17 quarantine ten")
            await type_line(pilot, "#decision Revisit")
            await pilot.press("f5")
            await settle(pilot)

            # Report-back: ben's open action from October is matter 1.
            await type_line(pilot, "#report 1 partly Ran twice lesson: short value:applied")
            await type_line(pilot, "#report @cho worked Owners")
            await pilot.press("f5")
            await settle(pilot)
            assert "F5 again ends the session" in message(app)
            assert isinstance(app.screen, SessionScreen)
            await pilot.press("f5")
            await settle(pilot)
            assert isinstance(app.screen, SessionSummaryScreen)
            counts = str(app.screen.query_one("#summary-counts", Static).render())
            assert "4 notes, 1 decision, 1 case, 2 strategies, 1 action, 2 report-backs" in counts
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)

        session = repertoire.sessions(limit=1)[0]
        assert (session.title, session.status, session.facilitator) == (
            "December clinic",
            SessionStatus.CLOSED,
            "ana",
        )
        assert (session.attendees, session.absent) == (["ana", "ben", "cho"], ["dev"])
        assert repertoire.member("dev").name == "Dev Patel"
        check_in = session.phases[0]
        assert (check_in.paused_seconds, check_in.extra_minutes) == (120, 5)
        notes = repertoire.notes(session=session.id)
        assert [(n.author, n.kind, n.text) for n in notes] == [
            ("ana", NoteKind.CHECK_IN, "Glad [really] *here* 🎉"),
            ("cho", NoteKind.CHECK_IN, "Tired"),
            ("ben", NoteKind.CHECK_IN, "Fine"),
            (None, NoteKind.NOTE, "Tried retries"),
            (None, NoteKind.DECISION, "Revisit"),
        ]
        assert session.id is not None
        (case,) = repertoire.session_cases(session.id)
        assert (case.presenter, case.title, case.context, case.question, case.topics) == (
            "ben",
            "Flaky deploys",
            "1 in 5 fail",
            "Why?",
            ["on-call"],
        )
        assert case.status is CaseStatus.IN_TRIAL
        strategies = repertoire.strategies(case=case.id)
        assert [(s.proposer, s.text, s.votes, s.picked) for s in strategies] == [
            ("cho", "Bisect", 0, False),
            ("ana", "Quarantine", 3, True),
        ]
        (action,) = [a for a in repertoire.actions() if a.session == session.id]
        assert (action.owner, action.due, action.strategy, action.text) == (
            "ben",
            date(2026, 12, 17),
            strategies[1].id,
            "quarantine ten",
        )
        reports = repertoire.report_backs(session=session.id)
        assert [(r.member, r.action, r.outcome, r.lesson) for r in reports] == [
            ("ben", 2, Outcome.PARTLY, "short"),
            ("cho", None, Outcome.WORKED, ""),
        ]
        assert repertoire.action(2).status is ActionStatus.DONE
        assert repertoire.live_session() is None


def start_live(db_path: Path, clock: ManualClock, format_name: str = "cop-meeting") -> None:
    with Repertoire.open(db_path) as repertoire:
        LiveSession.start(
            repertoire,
            SessionPlan(find_format(format_name), "ana", ["ben", "cho"], title="December clinic"),
            clock,
        )


async def test_the_home_screen_resumes_the_live_session(db_path: Path) -> None:
    clock = ManualClock(START)
    start_live(db_path, clock)
    clock.advance(minutes=3)
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, clock=clock)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert "● LIVE  December clinic" in str(app.screen.query_one("#live-banner", Static).render())
            await pilot.press("s")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen), "a second session cannot start"
            await pilot.press("r")
            await settle(pilot)
            assert isinstance(app.screen, SessionScreen)
            assert app.screen.query_one("#countdown-digits", Digits).value == "07:00"
            assert "resumed at Check-in" in message(app)
            await type_line(pilot, "Back again")
        assert [n.text for n in repertoire.notes(session=3)] == ["Back again"]


async def test_jump_back_and_the_timer_warnings(db_path: Path) -> None:
    clock = ManualClock(START)
    start_live(db_path, clock)
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, clock=clock, launch="resume")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, SessionScreen)
            countdown = screen.query_one("#countdown")
            clock.advance(minutes=6)
            screen.tick()  # what the one-second interval does
            await pilot.pause()
            assert countdown.has_class("-five") and not countdown.has_class("-over")
            assert [n.message for n in app._notifications] == ["Check-in: 5 minutes left"]
            clock.advance(minutes=5)
            screen.tick()
            await pilot.pause()
            assert countdown.has_class("-over")
            assert app.screen.query_one("#countdown-digits", Digits).value == "+01:00"
            assert [n.message for n in app._notifications][-1] == "Check-in: over time (F7 adds 5 minutes)"
            await pilot.press("f2")
            await pilot.pause()
            await pilot.press("down", "down", "enter")
            await settle(pilot)
            assert str(app.screen.query_one(PhaseWorkspace).border_title).startswith("Collaborative")
            await pilot.press("f4")
            await settle(pilot)
            assert str(app.screen.query_one(PhaseWorkspace).border_title) == "Problem sharing"
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, SessionHelpScreen)
            await pilot.press("q")  # closes the help, does not quit mid-meeting
            await pilot.pause()
            assert isinstance(app.screen, SessionScreen) and app.is_running
        assert repertoire.session(3).current_phase == 1


async def test_run_with_every_answer_starts_at_once(db_path: Path) -> None:
    clock = ManualClock(START)
    with Repertoire.open(db_path) as repertoire:
        plan = SessionPlan(find_format("troika-consulting"), "ana", ["ben", "cho"])
        app = CoptuiApp(repertoire, clock=clock, launch=plan)
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, SessionScreen)
            assert str(app.screen.query_one(PhaseWorkspace).border_title) == "Prepare questions"
            await type_line(pilot, "Ready")
            for _ in range(12):
                await pilot.press("f5")
                await settle(pilot)
            assert str(app.screen.query_one(PhaseWorkspace).border_title).startswith("Client 3: reflect")
            await pilot.press("f5")
            await pilot.pause()
            await pilot.press("escape")  # not yet
            await settle(pilot)
            assert isinstance(app.screen, SessionScreen)
        session = repertoire.live_session()
        assert session is not None and session.format == "troika-consulting"
        assert (session.title, session.current_phase) == ("Session of 3 December 2026", 12)


async def palette_found(pilot: Pilot[None], expected: str) -> None:
    """Wait until the command palette's best hit is `expected` (it searches in the background)."""
    for _ in range(200):
        await pilot.pause()
        found = pilot.app.screen.query(CommandList)
        if found and found.first().option_count:
            best = str(found.first().get_option_at_index(0).prompt)
            if expected in best:
                return
    raise AssertionError(f"the command palette did not offer {expected!r}")


async def test_the_command_palette_marks_absent_and_goes_to_a_phase(db_path: Path) -> None:
    clock = ManualClock(START)
    start_live(db_path, clock)
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, clock=clock, launch="resume")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+p", *"cho absent")
            await palette_found(pilot, "Mark @cho absent")
            await pilot.press("enter")
            await settle(pilot)
            assert "@cho as absent" in message(app)
            await pilot.press("ctrl+p", *"phase 4")
            await palette_found(pilot, "Go to phase 4: Report-back")
            await pilot.press("enter")
            await settle(pilot)
            assert str(app.screen.query_one(PhaseWorkspace).border_title) == "Report-back"
        session = repertoire.session(3)
        assert (session.absent, session.current_phase) == (["cho"], 3)


async def test_refused_text_comes_back_unless_typing_went_on(db_path: Path) -> None:
    clock = ManualClock(START)
    start_live(db_path, clock)
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, clock=clock, launch="resume")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, SessionScreen)
            box = screen.query_one("#capture-input", Input)
            refused = EntryResult(False, "#vote needs a case")
            screen.report(refused, typed="#vote 1")
            assert box.value == "#vote 1"
            box.value = "next words"
            screen.report(refused, typed="#vote 1")
            await pilot.pause()
            assert box.value == "next words"
            assert "not filed: #vote 1" in message(app)


async def test_the_capture_box_completes_tags_and_handles() -> None:
    suggester = TagSuggester(["ben", "bea", "cho"])
    assert await suggester.get_suggestion("#st") == "#strategy "
    assert await suggester.get_suggestion("#strategy @be") == "#strategy @bea "
    assert await suggester.get_suggestion("#case @cho Runbooks #st") is None, "a tag only leads"
    assert await suggester.get_suggestion("plain words") is None


async def test_tab_completes_a_tag_and_a_handle_with_the_space_after_them(db_path: Path) -> None:
    async with facilitating(db_path) as (app, pilot):
        # In one burst: Tab comes before the suggestion could be shown.
        type_burst(app, [*"#ca", "tab", *"@b", "tab", *"Fast typed title", "enter"])
        await settle(pilot)
        assert "Fast typed title" in words("\n".join(screen_lines(app)))
    with Repertoire.open(db_path) as repertoire:
        [case] = [c for c in repertoire.dump().cases if c.session == 3]
    assert (case.presenter, case.title) == ("ben", "Fast typed title")


async def test_f9_saves_interim_minutes_and_says_where(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = ManualClock(START)
    start_live(db_path, clock)
    monkeypatch.chdir(tmp_path)
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, clock=clock, launch="resume")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await type_line(pilot, "Feeling [bold]great[/] *today*")
            await pilot.press("f9")
            await settle(pilot)
            saved = tmp_path / "2026-12-03-december-clinic-minutes.md"
            assert [n.message for n in app._notifications][-1] == f"Minutes saved to {saved}"
        minutes = saved.read_text(encoding="utf-8")
        assert minutes.startswith("# December clinic\n")
        assert "Interim" in minutes or "interim" in minutes
        assert "Feeling \\[bold\\]great\\[/\\] \\*today\\*" in minutes


async def test_a_burst_of_lines_is_filed_whole_and_in_order(db_path: Path) -> None:
    clock = ManualClock(START)
    start_live(db_path, clock)
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, clock=clock, launch="resume")
        async with app.run_test(size=(80, 24)) as pilot:
            # Typed before the session has even opened, and without waiting between lines.
            await pilot.press(*"first", "enter", *"second", "enter", *"third", "enter")
            await settle(pilot)
            assert app.screen.query_one("#capture-input", Input).value == ""
        assert [n.text for n in repertoire.notes(session=3)] == ["first", "second", "third"]


@asynccontextmanager
async def resumed_session(db_path: Path) -> AsyncIterator[tuple[CoptuiApp, Pilot[None], Repertoire]]:
    """A live session started at START, resumed in the app at 80x24 and settled."""
    clock = ManualClock(START)
    start_live(db_path, clock)
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, clock=clock, launch="resume")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            yield app, pilot, repertoire


async def test_keys_act_in_the_order_pressed_however_fast(db_path: Path) -> None:
    """Enter then F5 files in the phase typed in; Enter then F8 undoes that entry; typing right
    after F5 is filed in the new phase. No pause between any of the keys."""
    async with resumed_session(db_path) as (app, pilot, repertoire):
        await pilot.press(*"@ben in check-in", "enter", "f5", *"right after F5", "enter")
        # F8 gives the undone line back to fix unless typing has gone on; here it is cleared.
        await pilot.press(*"a mistake", "enter", "f8", "ctrl+u", "f5", *"in solving", "enter")
        await settle(pilot)
        assert "✓ filed a note" in screen_lines(app)[-2]
        assert str(app.screen.query_one(PhaseWorkspace).border_title).startswith("Collaborative")
        notes = [(n.text, n.phase) for n in repertoire.notes(session=3)]
        assert notes == [("in check-in", 0), ("right after F5", 1), ("in solving", 2)]


async def test_editing_keys_in_a_burst_act_where_they_were_pressed(db_path: Path) -> None:
    """Backspace, Ctrl+U, ← and Ctrl+W are Input bindings, which Textual resolves after the key
    has bubbled up to the app, behind the keys typed after it; the capture box carries them
    out in key order, so a correction typed at speed corrects what was typed before it."""
    async with resumed_session(db_path) as (app, pilot, repertoire):
        type_burst(app, [*"a typo", "ctrl+u", *"@ben fixd", "backspace", *"ed", "enter"])
        type_burst(app, [*"@ana one two", "ctrl+w", *"three", "left", "left", *"XY", "enter"])
        await settle(pilot)
        assert [n.text for n in repertoire.notes(session=3)] == ["fixed", "one thrXYee"]
        assert "✓ filed a check-in from @ana" in words(" ".join(screen_lines(app)))


async def test_entries_wait_in_view_while_another_program_holds_the_lock(db_path: Path) -> None:
    async with resumed_session(db_path) as (app, pilot, repertoire):
        await pilot.press(*"@cho before the lock", "enter")
        await settle(pilot)
        assert "✓ filed a check-in from @cho" in words(" ".join(screen_lines(app)))
        holder = sqlite3.connect(db_path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            await press_while_locked(app, pilot, repertoire)
            assert "✓ filed" not in words(" ".join(screen_lines(app))), "said of a line before: not shown"
            await pilot.press("ctrl+c")
            await pilot.pause()
            assert not app.is_running, (
                "what waits is safe beside the file: quitting drops nothing, and asks nothing"
            )
        finally:
            holder.execute("COMMIT")
            holder.close()
        assert [n.text for n in repertoire.notes(session=3)] == ["before the lock"]
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, clock=ManualClock(START), launch="resume")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            # Filed by this resume ("2 lines Entered before it closed, carried out now"), or, in
            # this one test process, by the quit app's recorder threads once the lock went: a
            # process of its own ends with its threads.
            assert not any("not filed yet" in line for line in screen_lines(app))
        assert [n.text for n in repertoire.notes(session=3)] == ["before the lock", "held [lock]", "second"]


@pytest.mark.parametrize("over_it", [None, "f1"], ids=["session in front", "help over the session"])
async def test_entries_that_nothing_could_keep_are_filed_when_the_lock_goes_and_quitting_asks_first(
    db_path: Path, over_it: str | None
) -> None:
    side_folder(db_path).write_text("a file where the side journal's folder would go")
    async with resumed_session(db_path) as (app, pilot, repertoire):
        holder = sqlite3.connect(db_path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            await press_while_locked(app, pilot, repertoire)
            if over_it is not None:  # what waits is the session's, under another screen
                await pilot.press(over_it)
                await pilot.pause()
                assert not isinstance(app.screen, SessionScreen)
            await pilot.press("ctrl+c")
            await pilot.pause()
            assert app.is_running, "quitting would drop what is not filed: it asks first"
            said = [n.message for n in app._notifications]
            assert said[-1].startswith("2 not filed yet: quitting now drops them")
        finally:
            holder.execute("COMMIT")
            holder.close()
        if over_it is not None:  # back to the session, whose filing settle() waits for
            await pilot.press("escape")
        await settle(pilot)
        assert not any("not filed yet" in line for line in screen_lines(app))
        assert [n.text for n in repertoire.notes(session=3)] == ["held [lock]", "second"]


async def press_while_locked(app: CoptuiApp, pilot: Pilot[None], repertoire: Repertoire) -> None:
    """Enter two lines while another program holds the lock; they wait in view, not filed."""
    await pilot.press(*"held [lock]", "enter", *"second", "enter")
    assert isinstance(app.screen, SessionScreen)
    for _ in range(6000):  # the journal gives up on the lock after a second and says so
        if any("another program is writing" in line for line in screen_lines(app)):
            break
        await pilot.pause(0.01)
    pending = words(" ".join(screen_lines(app)))
    assert "⧗ not filed yet" in pending and "“held [lock]” · “second”" in pending
    assert not {"held [lock]", "second"} & {n.text for n in repertoire.notes(session=3)}


async def test_hostile_text_typed_into_the_capture_box_is_filed_and_shown_as_typed(db_path: Path) -> None:
    from hostile import HOSTILE_TEXT

    typable = [text for _, text in HOSTILE_TEXT if "\n" not in text and len(text) < 120]
    clock = ManualClock(START)
    start_live(db_path, clock)
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, clock=clock, launch="resume")
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(pilot)
            for text in typable:
                app.screen.query_one("#capture-input", Input).insert_text_at_cursor(f"@ben {text}")
                await pilot.press("enter")
                await settle(pilot)
            drawn = "\n".join(
                line.text
                for line in app.screen.query_one("#workspace-body", Static).render_lines(
                    app.screen.query_one("#workspace-body", Static).region.reset_offset
                )
            )
            for text in typable[:4]:  # the ones short enough to stay on one line of the table
                assert text[:30] in drawn, text
            assert app.is_running
        filed = [n.text for n in repertoire.notes(session=3)]
    assert filed == [text.strip() for text in typable]


async def test_a_long_phase_shows_its_latest_entries_and_counts_the_earlier(db_path: Path) -> None:
    clock = ManualClock(START)
    start_live(db_path, clock)
    with Repertoire.open(db_path) as repertoire:
        live = LiveSession.resume(repertoire, clock)
        for n in range(45):
            assert live.enter(f"@ben entry {n}").ok
        app = CoptuiApp(repertoire, clock=clock, launch="resume")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            app.screen.query_one(PhaseWorkspace).scroll_home(animate=False)
            await pilot.pause()
            shown = words(" ".join(screen_lines(app)))
            assert "5 earlier entries: in the minutes (F9)" in shown
            assert "entry 5 " in shown and "entry 4 " not in shown

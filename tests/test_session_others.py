"""The facilitator's screen and what others write: entries filed by other programs appear live."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, Static
from ui_helpers import actions_on_screen, polled_until, screen_lines, settle, words

from coptui.facilitation import LiveSession, ManualClock, SessionPlan
from coptui.facilitation.participant import Participant
from coptui.formats import find_format
from coptui.models import Member
from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.participant import Joining
from coptui.ui.screens.session import SessionScreen
from coptui.ui.widgets.attendance import Attendance
from coptui.ui.widgets.workspace import PhaseWorkspace

START = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)


def session_screen(app: App[None]) -> SessionScreen:
    screen = app.screen
    assert isinstance(screen, SessionScreen)
    return screen


def drawn(app: App[None]) -> str:
    """The screen's words, with the attendees panel read on its own (its lines wrap beside the workspace)."""
    attendees = screen_lines(app, app.screen.query_one(Attendance).content_region)
    return words(" ".join(screen_lines(app))) + " | attendees: " + words(" ".join(attendees))


async def poll_until_shown(pilot: Pilot[None], text: str, *, polls: int = 20) -> None:
    """Run the screen's poll for others' writes (every quarter second in the app) until `text` shows."""
    await polled_until(
        pilot, lambda: session_screen(pilot.app).poll_others(), lambda: text in drawn(pilot.app), polls=polls
    )


def started(db_path: Path) -> ManualClock:
    """A live session with ben and cho, started at START by ana; its clock."""
    clock = ManualClock(START)
    with Repertoire.open(db_path) as repertoire:
        LiveSession.start(
            repertoire,
            SessionPlan(find_format("cop-meeting"), "ana", ["ben", "cho"], title="December clinic"),
            clock,
        )
    return clock


@asynccontextmanager
async def facilitating(
    db_path: Path, size: tuple[int, int] = (80, 24)
) -> AsyncIterator[tuple[CoptuiApp, Pilot[None]]]:
    clock = started(db_path)
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
        for _ in range(50):  # the scroll to the end that drew "early 29" may still be on its way
            workspace.scroll_home(animate=False)
            await pilot.pause()
            if workspace.scroll_y == 0 and workspace.max_scroll_y > 0:
                break
        assert workspace.scroll_y == 0 and workspace.max_scroll_y > 0
        with Repertoire.open(db_path) as elsewhere:
            assert LiveSession.resume(elsewhere).enter("@cho late").ok
        session_screen(app).poll_others()
        await settle(pilot)
        assert workspace.scroll_y == 0
        assert "early 0" in words(" ".join(screen_lines(app)))


def joined(db_path: Path, member: str, via: str = "ssh") -> tuple[Repertoire, Participant]:
    """A participant's own process: its own connection, joined as `member`."""
    repertoire = Repertoire.open(db_path)
    return repertoire, Participant.join(repertoire, member, via=via)


async def test_arrivals_show_as_they_happen_and_the_attendees_say_who_is_not_yet_heard(
    db_path: Path,
) -> None:
    async with facilitating(db_path, size=(100, 30)) as (app, pilot):
        participant_file, ben = joined(db_path, "ben")
        with participant_file:
            await poll_until_shown(pilot, "joined over ssh: ben")
            assert "@ben joined over ssh" in [n.message for n in app._notifications]
            assert "checked in: nobody yet not heard today: ana ben cho" in drawn(app)
            assert ben.enter("Fine, thanks").ok
            await poll_until_shown(pilot, "checked in: ben")
            assert "not heard today: ana cho" in drawn(app)


async def test_a_member_joining_a_second_time_is_named_as_joining_again(db_path: Path) -> None:
    """QA's L10: the same handle from two terminals both file; the facilitator and the member are told."""
    async with facilitating(db_path, size=(100, 30)) as (app, pilot):
        first_file, first = joined(db_path, "ben")
        second_file, second = joined(db_path, "ben", via="local")
        with first_file, second_file:
            assert first.joined_before is None
            assert second.joined_before is not None and second.joined_before.via == "ssh"
            screen = session_screen(app)
            await polled_until(pilot, screen.poll_others, lambda: len(app._notifications) >= 2, polls=20)
            toasts = [n.message for n in app._notifications]
            assert "@ben joined over ssh" in toasts
            again = [t for t in toasts if t.startswith("@ben joined again")]
            assert len(again) == 1, toasts
            assert re.fullmatch(
                r"@ben joined again, at a terminal here \(first at \d\d:\d\d, over ssh\)", again[0]
            )


async def a_strategy_to_vote_on(pilot: Pilot[None]) -> None:
    """Cho's case “Runbooks rot” in focus, in problem solving, with Ana's strategy 1."""
    for line in ("#case @cho Runbooks rot", "#focus 1"):
        await pilot.press(*line, "enter")
    await pilot.press("f5", "f5")
    await pilot.press(*"#strategy @ana Review monthly", "enter")
    await settle(pilot)


async def test_private_dots_stay_hidden_until_f10_and_f8_hides_them_again(db_path: Path) -> None:
    async with facilitating(db_path, size=(100, 30)) as (app, pilot):
        await a_strategy_to_vote_on(pilot)
        participant_file, ben = joined(db_path, "ben")
        with participant_file:
            assert ben.enter("#vote 1 2").ok
            await poll_until_shown(pilot, "● 2 private dots hidden · F10 reveals")
            assert "●●" not in words(" ".join(screen_lines(app)))
            await pilot.press("f10")
            await settle(pilot)
            assert "votes on “Runbooks rot” revealed: 2 private dots counted" in words(
                " ".join(screen_lines(app))
            )
            assert "private dots hidden" not in drawn(app)
            # The strategy, its practice's record (new: untried), who proposed it and its dots.
            assert re.search(r"Review monthly =\d+ untried \(ana\) ●●", drawn(app)), drawn(app)
            await pilot.press("f8")
            await settle(pilot)
            await poll_until_shown(pilot, "● 2 private dots hidden · F10 reveals")


async def test_f11_takes_back_a_participants_last_entry_and_f8_puts_it_back(db_path: Path) -> None:
    async with facilitating(db_path, size=(100, 30)) as (app, pilot):
        await pilot.press("f11")
        await settle(pilot)
        assert "nothing a participant filed is left to take back" in words(" ".join(screen_lines(app)))
        participant_file, ben = joined(db_path, "ben")
        with participant_file:
            assert ben.enter("Out of place [here]").ok
            await poll_until_shown(pilot, "Out of place [here]")
            await pilot.press("f11")
            await settle(pilot)
            shown = words(" ".join(screen_lines(app)))
            assert "taken back: a check-in from @ben" in shown and "Out of place [here]" not in shown
            with Repertoire.open(db_path) as repertoire:
                assert repertoire.notes(session=3) == []
            await pilot.press("f8")
            await settle(pilot)
            await poll_until_shown(pilot, "Out of place [here]")
    with Repertoire.open(db_path) as repertoire:
        assert [n.text for n in repertoire.notes(session=3)] == ["Out of place [here]"]


async def test_hostile_text_typed_by_a_participant_reads_as_typed_on_the_facilitators_screen(
    db_path: Path,
) -> None:
    from hostile import HOSTILE_TEXT

    typable = [text for _, text in HOSTILE_TEXT if "\n" not in text and len(text) < 120]
    clock = started(db_path)
    joining = Joining("ben", "ssh")
    with Repertoire.open(db_path, read_only=True) as repertoire:
        app = CoptuiApp(repertoire, clock=clock, launch=joining, participant=joining)
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(pilot)
            for text in typable:
                app.screen.query_one("#capture-input", Input).insert_text_at_cursor(text)
                await pilot.press("enter")
                await settle(pilot)
    with Repertoire.open(db_path) as repertoire:
        assert [n.text for n in repertoire.notes(session=3)] == [text.strip() for text in typable]
        app = CoptuiApp(repertoire, clock=clock, launch="resume")
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(pilot)
            body = app.screen.query_one("#workspace-body", Static)
            drawn = "\n".join(line.text for line in body.render_lines(body.region.reset_offset))
            for text in typable[:4]:  # short enough to stay on one line of the table
                assert text[:30] in drawn, text
            # The footer's keys are the only click actions: none came from what was typed.
            assert {a for a in actions_on_screen(app) if not a.startswith("app.simulate_key")} == set()


async def test_who_is_not_yet_heard_is_counted_where_the_panel_has_no_room_for_them(db_path: Path) -> None:
    long_handles = ["dev", "eli"]
    clock = ManualClock(START)
    with Repertoire.open(db_path) as repertoire:
        for handle in long_handles:
            repertoire.add_member(Member(handle=handle, name=handle.title()))
        LiveSession.start(
            repertoire,
            SessionPlan(find_format("cop-meeting"), "ana", ["ben", "cho", *long_handles], title="Full room"),
            clock,
        )
        app = CoptuiApp(repertoire, clock=clock, launch="resume")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("f5")  # problem sharing: no round, so the panel says who is not yet heard
            await settle(pilot)
            panel = app.screen.query_one(Attendance)
            attendees = screen_lines(app, panel.content_region)
            [line] = [line.strip() for line in attendees if line.strip().startswith("unheard this phase:")]
            named = line.removeprefix("unheard this phase:").split()
            assert named[-1].startswith("+"), line
            # Everyone waiting is named or counted, on a line the panel shows whole.
            assert (
                len(named) - 1 + int(named[-1]) == 5
                and named[:-1] == ["ana", "ben", "cho", *long_handles][: len(named) - 1]
            )
            assert len(line) <= panel.content_region.width

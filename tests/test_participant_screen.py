"""A member's own screen in the live session, driven by keystrokes: what they file, what is refused,
what they see of others, and their own actions between meetings."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Select, Static, TextArea
from ui_helpers import polled_until, screen_lines, settle, words

from coptui.facilitation import LiveSession, ManualClock, SessionPlan
from coptui.formats import find_format
from coptui.models import ActionStatus, NoteKind, Outcome
from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.browser import BrowserScreen
from coptui.ui.screens.my_actions import MyActionsScreen, OwnReportScreen
from coptui.ui.screens.participant import Joining, ParticipantScreen
from coptui.ui.widgets.capture import CaptureInput

START = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)


def start_live(db_path: Path, clock: ManualClock) -> None:
    with Repertoire.open(db_path) as repertoire:
        LiveSession.start(
            repertoire,
            SessionPlan(find_format("cop-meeting"), "ana", ["ben", "cho"], title="December clinic"),
            clock,
        )


def drawn(app: App[None]) -> str:
    return words(" ".join(screen_lines(app)))


def message(app: App[None]) -> str:
    return str(app.screen.query_one("#capture-message", Static).render())


def participant_screen(app: App[None]) -> ParticipantScreen:
    screen = app.screen
    assert isinstance(screen, ParticipantScreen)
    return screen


async def type_line(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*text, "enter")
    await settle(pilot)


@asynccontextmanager
async def joined(
    db_path: Path, member: str = "ben", *, live: bool = True, size: tuple[int, int] = (80, 24)
) -> AsyncIterator[tuple[CoptuiApp, Pilot[None], ManualClock]]:
    """`coptui join MEMBER` on a repertoire with (or without) a live session, settled."""
    clock = ManualClock(START)
    if live:
        start_live(db_path, clock)
    joining = Joining(member, "local")
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, clock=clock, launch=joining, participant=joining)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            yield app, pilot, clock


async def test_a_member_joins_and_files_their_check_in_through_the_journal(db_path: Path) -> None:
    async with joined(db_path) as (app, pilot, _):
        assert "you are @ben" in drawn(app)
        assert "joined “December clinic” as @ben" in message(app)
        assert "Check-in" in drawn(app) and "Go round the room" in drawn(app)
        await type_line(pilot, "Glad to be here [really] *now*")
        assert "filed a check-in from @ben" in message(app)
        assert "ben Glad to be here [really] *now*" in drawn(app)
    with Repertoire.open(db_path) as repertoire:
        notes = repertoire.notes(session=3)
        assert [(n.author, n.kind, n.text) for n in notes] == [
            ("ben", NoteKind.CHECK_IN, "Glad to be here [really] *now*")
        ]
        journalled = repertoire.db.execute("SELECT member, text FROM capture_journal").fetchall()
        assert journalled == [("ben", "Glad to be here [really] *now*")]
        assert [a.member for a in repertoire.arrivals(3)] == ["ben"]


async def test_every_refusal_is_one_line_under_the_box_and_files_nothing(db_path: Path) -> None:
    async with joined(db_path) as (app, pilot, _):
        refusals = {
            "@cho I am cho today": "you file as yourself (@ben) only, not as @cho",
            "#case A case too early": "cases are brought in problem sharing; this is Check-in",
            "#strategy Too early": "strategies are proposed and voted on in problem solving",
            "#decision We decide": "only the facilitator records decisions",
            "#absent @cho": "only the facilitator keeps the attendance",
            "#action @ben due:fri x": "only the facilitator records the actions agreed",
        }
        for typed, said in refusals.items():
            await type_line(pilot, typed)
            assert said in message(app), typed
            assert message(app).startswith("✗") and "\n" not in message(app).strip()
            await pilot.press("ctrl+u")  # the refused line came back to be fixed: clear it
        await pilot.press("f5", "f4", "f6", "f7")  # the facilitator's keys do nothing here
        await settle(pilot)
    with Repertoire.open(db_path) as repertoire:
        session = repertoire.session(3)
        assert session.current_phase == 0 and session.absent == []
        assert repertoire.notes(session=3) == [] and repertoire.session_cases(3) == []
        assert session.phases[0].paused_at is None and session.phases[0].extra_minutes == 0


async def test_a_refused_line_comes_back_to_be_fixed(db_path: Path) -> None:
    async with joined(db_path) as (app, pilot, _):
        await type_line(pilot, "@cho not me")
        assert participant_screen(app).query_one("#capture-input", CaptureInput).value == "@cho not me"


async def test_what_others_file_appears_and_the_phase_follows_the_facilitator(db_path: Path) -> None:
    async with joined(db_path) as (app, pilot, clock):
        with Repertoire.open(db_path) as facilitator:
            live = LiveSession.resume(facilitator, clock)
            assert live.enter("@cho Tired but here").ok
            await poll_until(pilot, lambda: "cho Tired but here" in drawn(app))
            assert live.next_phase()
        await poll_until(pilot, lambda: "Problem sharing" in drawn(app))
        assert "#case title" in drawn(app)  # the box says what a participant may type here
        await type_line(pilot, "#case Pager storms after deploys")
        assert "filed case “Pager storms after deploys” by @ben" in message(app)
        assert "Pager storms after deploys" in drawn(app)
    with Repertoire.open(db_path) as repertoire:
        assert [(c.presenter, c.title) for c in repertoire.session_cases(3)] == [
            ("ben", "Pager storms after deploys")
        ]


async def poll_until(pilot: Pilot[None], condition: Callable[[], object], *, polls: int = 20) -> None:
    """Run the screen's poll for others' writes (every quarter second in the app) until `condition()`."""
    await polled_until(pilot, lambda: participant_screen(pilot.app).poll_others(), condition, polls=polls)


async def test_votes_are_the_members_own_dots_until_revealed(db_path: Path) -> None:
    clock = ManualClock(START)
    start_live(db_path, clock)
    with Repertoire.open(db_path) as facilitator:
        live = LiveSession.resume(facilitator, clock)
        assert live.jump_to(1)
        assert live.enter("#case @cho Runbooks rot").ok
        assert live.jump_to(2)
        assert live.enter("#strategy @ana Review runbooks monthly").ok
        assert live.enter("#strategy @cho Delete stale runbooks").ok
    async with joined(db_path, live=False) as (app, pilot, _):
        assert "3 dots of 3 left" in drawn(app)
        await type_line(pilot, "#vote 2 2")
        assert "hidden until the facilitator reveals the votes" in message(app)
        assert "1 dot of 3 left" in drawn(app)
        await type_line(pilot, "#vote 1 2")
        assert "you have 1 dot left" in message(app)
        await type_line(pilot, "")
    with Repertoire.open(db_path) as repertoire:
        assert [s.votes for s in repertoire.strategies(case=3)] == [0, 0], "hidden until revealed"
        assert repertoire.own_votes(3, "ben") == {4: 2}


async def test_joining_after_the_session_ended_says_so_where_they_type(db_path: Path) -> None:
    clock = ManualClock(START)
    start_live(db_path, clock)
    with Repertoire.open(db_path) as facilitator:
        LiveSession.resume(facilitator, clock).end()
    async with joined(db_path, live=False) as (app, pilot, _):
        assert "The session ended at 17:00." in message(app)
        await type_line(pilot, "Am I late?")
        assert "not joined yet" in message(app) and "The session ended at 17:00." in drawn(app)
    with Repertoire.open(db_path) as repertoire:
        assert repertoire.notes(session=3) == []


async def test_a_member_not_on_the_attendance_list_is_told_how_to_get_on_it(db_path: Path) -> None:
    with Repertoire.open(db_path) as repertoire:
        from coptui.models import Member

        repertoire.add_member(Member(handle="dee", name="Dee"))
    async with joined(db_path, "dee") as (app, _, _):
        assert "not on today's attendance list" in message(app)
        assert "#arrived @dee" in message(app)


async def test_my_actions_between_meetings_report_back_through_the_form(db_path: Path) -> None:
    async with joined(db_path, live=False) as (app, pilot, _):
        assert "No session is live just now; you can still report back on your own actions." in message(app)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, MyActionsScreen)
        assert "Start a weekly alert review" in drawn(app)
        assert "due 01 Dec 2026" in drawn(app)
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, OwnReportScreen)
        form.query_one("#outcome", Select).value = "worked"
        form.query_one("#story", TextArea).text = "Two reviews [held] | cut pages by half"
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, MyActionsScreen)
        assert "filed a report-back from @ben" in drawn(app)
        assert "You have no open actions." in drawn(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ParticipantScreen)
    with Repertoire.open(db_path) as repertoire:
        (report,) = repertoire.action_report_backs(2)
        assert (report.member, report.outcome, report.story, report.session) == (
            "ben",
            Outcome.WORKED,
            "Two reviews [held] | cut pages by half",
            None,
        )
        assert repertoire.action(2).status is not ActionStatus.OPEN


async def test_the_browser_offers_joining_to_a_member_only(db_path: Path) -> None:
    clock = ManualClock(START)
    start_live(db_path, clock)
    with Repertoire.open(db_path, read_only=True) as repertoire:
        app = CoptuiApp(repertoire, clock=clock, viewer="ben", participant=Joining("ben", "ssh"))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            shown = drawn(app)
            # The offer first and short: at 80 columns the phase and its timer still show.
            assert "j joins · ● LIVE" in shown and "Check-in" in shown and "⏱" in shown
            await pilot.press("question_mark")
            await settle(pilot)
            assert "Join the live session as yourself" in drawn(app)
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("j")
            await settle(pilot)
            assert isinstance(app.screen, ParticipantScreen)
            await type_line(pilot, "Here from afar")
            assert "filed a check-in from @ben" in message(app)
            await pilot.press("f10")
            await settle(pilot)
            assert isinstance(app.screen, BrowserScreen)
        app = CoptuiApp(repertoire, clock=clock, viewer="ben")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert "j joins" not in drawn(app)
            await pilot.press("question_mark")
            await settle(pilot)
            assert "Join the live session" not in drawn(app)
            await pilot.press("escape", "j", "y")
            await settle(pilot)
            assert isinstance(app.screen, BrowserScreen)
    with Repertoire.open(db_path) as repertoire:
        assert [(a.member, a.via) for a in repertoire.arrivals(3)] == [("ben", "ssh")]
        assert [n.text for n in repertoire.notes(session=3)] == ["Here from afar"]


def run_join(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str
) -> tuple[int, list[object], str]:
    """`coptui join ARGV` on a terminal, the app replaced: the exit code, what it launched, what it said."""
    from coptui.cli import main

    launched: list[object] = []

    def fake_run(repertoire: Repertoire, launch: object = None, **options: object) -> None:
        launched.append(launch)
        assert options["participant"] == launch

    monkeypatch.setattr("coptui.cli.launch.run_app", fake_run)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    with pytest.raises(SystemExit) as done:
        main(["--db", str(db_path), "join", *argv])
    out, err = capsys.readouterr()
    return int(done.value.code or 0), launched, out + err


def test_coptui_join_asks_which_member_and_refuses_a_stranger(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_join(db_path, monkeypatch, capsys, "@Ben")[:2] == (0, [Joining("ben", "local")])
    monkeypatch.setattr("click.prompt", lambda *args, **kwargs: "cho")
    code, launched, said = run_join(db_path, monkeypatch, capsys)
    assert (code, launched) == (0, [Joining("cho", "local")])
    assert "Members: ana, ben, cho" in said
    code, launched, said = run_join(db_path, monkeypatch, capsys, "zed")
    assert (code, launched, said) == (1, [], "coptui: @zed is not a member of this community\n")


def test_coptui_join_needs_a_terminal(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from coptui.cli import main

    with pytest.raises(SystemExit) as done:
        main(["--db", str(db_path), "join", "ben"])
    assert done.value.code == 1
    assert capsys.readouterr().err == (
        "coptui: join needs a terminal: run it in one, without redirecting its input or output\n"
    )


async def taken_back(app: CoptuiApp, pilot: Pilot[None], live: LiveSession) -> None:
    """Ben files "ben out of place [x]"; the facilitator takes it back (F11), and ben's screen says so."""
    await type_line(pilot, "ben out of place [x]")
    (entry,) = live.participant_entries_since()
    assert live.take_back(entry.id).ok
    await poll_until(pilot, lambda: "took back" in message(app))


async def test_a_member_is_told_when_the_facilitator_takes_back_their_entry_and_gets_it_back(
    db_path: Path,
) -> None:
    async with joined(db_path) as (app, pilot, clock):
        with Repertoire.open(db_path) as facilitator:
            await taken_back(app, pilot, LiveSession.resume(facilitator, clock))
        assert message(app).startswith("✗ @ana took back a check-in from @ben · it is back in your box")
        box = app.screen.query_one("#capture-input")
        assert screen_lines(app, box.content_region)[0].strip() == "ben out of place [x]"
        assert "ben out of place" not in words(
            " ".join(screen_lines(app, app.screen.query_one("#workspace").region))
        )
        # The member's own undo says so itself: no word of the facilitator.
        await pilot.press("ctrl+u")
        await type_line(pilot, "mine to undo")
        await pilot.press("f8")
        await settle(pilot)
        await poll_until(pilot, lambda: "undone" in message(app))
        participant_screen(app).poll_others()
        await settle(pilot)
        assert message(app).startswith("✓ undone: a check-in from @ben"), message(app)


async def test_a_member_is_told_when_the_facilitator_puts_back_what_was_taken_back(db_path: Path) -> None:
    async with joined(db_path) as (app, pilot, clock):
        with Repertoire.open(db_path) as facilitator:
            live = LiveSession.resume(facilitator, clock)
            await taken_back(app, pilot, live)
            assert live.undo().ok  # the facilitator's F8: it was in the right place after all
        await poll_until(pilot, lambda: "put back" in message(app))
        assert message(app) == "✓ @ana put back a check-in from @ben: it is filed"
        box = app.screen.query_one("#capture-input")
        assert "ben out of place" not in " ".join(screen_lines(app, box.content_region))
        await pilot.press("enter")  # nothing in the box to file twice
        await settle(pilot)
    with Repertoire.open(db_path) as repertoire:
        assert [n.text for n in repertoire.notes(session=3)].count("ben out of place [x]") == 1


def test_coptui_join_asks_again_after_a_mistyped_handle(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """At a shared laptop, a typo must not throw the member out."""
    monkeypatch.setattr("sys.stdin", io.StringIO("zed\n@Cho\n"))
    code, launched, said = run_join(db_path, monkeypatch, capsys)
    assert (code, launched) == (0, [Joining("cho", "local")])
    assert said.count("Which member are you? @") == 2
    assert "Error: @zed is not a member of this community; type one of the handles above" in said


def test_coptui_join_never_echoes_a_control_sequence_typed_as_a_handle(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("ze\x1b]0;PWNED\x07d\nben\n"))
    code, launched, said = run_join(db_path, monkeypatch, capsys)
    assert (code, launched) == (0, [Joining("ben", "local")])
    assert "\x1b" not in said and "\x07" not in said
    assert "Error: @zed is not a member" in said  # the sequence is dropped whole
    code, _, said = run_join(db_path, monkeypatch, capsys, "ze\x1b[2Jd")
    assert (code, said) == (1, "coptui: @zed is not a member of this community\n")


async def test_my_actions_wrap_under_their_text_not_under_their_number(db_path: Path) -> None:
    text = "Chart change failure rate against batch size for Q3 and bring the chart [draft] *back*"
    with Repertoire.open(db_path) as repertoire:
        repertoire.db.execute(
            "INSERT INTO actions (case_id, owner, text, due, status) "
            "VALUES (1, 'ben', ?, '2026-12-15', 'open')",
            [text],
        )
    async with joined(db_path, live=False) as (app, pilot, _):
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, MyActionsScreen)
        lines = screen_lines(app)
        at = next(i for i, line in enumerate(lines) if "Chart change failure" in line)
        indent = lines[at].index("Chart")
        wrapped = lines[at + 1 : at + 3]
        assert "due 15 Dec 2026" in " ".join(wrapped) and "case: Alert fatigue at night" in " ".join(wrapped)
        for line in wrapped:  # each wrapped line starts where the text does, right of the number
            assert line[:indent].strip("│ ") == "" and line[indent] != " ", (indent, lines[at : at + 3])

"""A line is filed in the phase it was Entered in, however long it waits for the file: a member's
check-in Entered before the facilitator's F5 is their check-in in Check-in, whichever reaches the
file first, and on a resume the lines of every journal are carried out in the order pressed.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from locks import write_lock_held
from test_check_in_turns import POLLS, start_session
from test_kill_under_lock import kept_beside
from test_left_behind import coptui, drawn_until
from test_participant_screen import drawn as member_drawn
from test_participant_screen import joined, message, type_line
from test_resume_after_kill import F5, TerminalRun, query
from test_session_others import facilitating
from ui_helpers import screen_lines, settle, words

from coptui.facilitation import EntryResult, LiveSession, SessionPlan
from coptui.facilitation.participant import Participant
from coptui.formats import find_format
from coptui.models import Command, CommandKind
from coptui.store import Repertoire
from coptui.store.journal import CaptureJournal
from coptui.store.schema import MIGRATION_NAMES, SCHEMA_VERSION
from coptui.ui.app import CoptuiApp

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def notes(db: Path, session_id: int) -> list[tuple[int, str | None, str, str]]:
    return query(
        db, "SELECT phase, author, kind, text FROM notes WHERE session_id = ? ORDER BY id", session_id
    )


def on_screen(run: TerminalRun) -> bytes:
    """What a process has drawn, its escape sequences left out."""
    return ANSI.sub(b"", run.output)


async def test_a_members_check_in_entered_before_the_f5_stays_their_check_in_when_the_f5_is_filed_first(
    db_path: Path,
) -> None:
    """Ben Enters his check-in while another program holds the lock; the facilitator presses F5.
    The F5 reaches the file first (Ben's process is stopped until it has): Ben's line is still
    his check-in, in Check-in, and both screens say where it went."""
    db = db_path
    async with facilitating(db) as (_, pilot):
        ((session_id,),) = query(db, "SELECT id FROM sessions WHERE status = 'live'")
        ben = TerminalRun("--db", str(db), "join", "ben")
        try:
            ben.wait_for("Ben to join", lambda: b"joined" in ben.output)
            with write_lock_held(db):
                ben.type("ben checks in [x]\r")
                ben.wait_for("Ben's line kept beside the file", lambda: kept_beside(db) == 1)
                os.killpg(ben.process.pid, signal.SIGSTOP)
                await pilot.press("f5")
                await drawn_until(pilot, "not filed yet", "F5")
            await drawn_until(pilot, "phase 2 of 4: Problem sharing", gone="not filed yet")
            assert notes(db, session_id) == []
            os.killpg(ben.process.pid, signal.SIGCONT)
            ben.wait_for("Ben's line filed", lambda: notes(db, session_id))
            ben.wait_for("Ben told where", lambda: b"where it was Entered" in on_screen(ben))
        finally:
            if ben.process.poll() is None:
                os.killpg(ben.process.pid, signal.SIGCONT)
                ben.kill()
        assert notes(db, session_id) == [(0, "ben", "check_in", "ben checks in [x]")]
        assert b"filed a check-in from @ben in Check-in, where it was Entered" in on_screen(ben)
        await pilot.press("f4")  # back to Check-in: Ben's check-in is there
        await drawn_until(pilot, "ben ben checks in [x]")
    assert query(db, "SELECT member, phase FROM capture_journal WHERE text = 'ben checks in [x]'") == [
        ("ben", 0)
    ]


def both_killed_under_a_lock(db: Path) -> int:
    """The facilitator and Ben, each at a screen of their own, Enter lines while another program
    holds the lock: Ana's check-in, Ben's, then the facilitator's F5 and a note, and a note of Ben's
    last; both screens are killed with them kept beside the file. The session's id."""
    session_id = start_session(db)
    run = TerminalRun("--db", str(db), "run", "--resume")
    ben = TerminalRun("--db", str(db), "join", "ben")
    try:
        run.wait_for("the resumed screen", lambda: b"resumed at" in run.output)
        ben.wait_for("Ben to join", lambda: b"joined" in ben.output)
        with write_lock_held(db):
            run.type("Ana fine\r")
            run.wait_for("Ana's line kept", lambda: kept_beside(db) == 1)
            ben.type("ben here |p|\r")
            ben.wait_for("Ben's line kept", lambda: kept_beside(db) == 2)
            run.type(F5)
            run.type("after the F5\r")
            run.wait_for("the facilitator's keys kept", lambda: kept_beside(db) == 4)
            ben.type("ben after |q|\r")
            ben.wait_for("Ben's last line kept", lambda: kept_beside(db) == 5)
            run.kill()
            ben.kill()
    finally:
        for process in (run, ben):
            if process.process.poll() is None:
                process.kill()
    return session_id


async def test_on_a_resume_the_lines_of_every_journal_are_carried_out_in_the_order_pressed(
    db_path: Path,
) -> None:
    """The facilitator and Ben are both killed while another program holds the lock, each with
    lines kept beside the file: Ana's check-in, Ben's, then the facilitator's F5 and a note, and
    Ben's note. The resume files them in the order they were pressed, Ben's check-in before the F5,
    each in its phase, and says so in one line: Ben's two lines, filed in two batches, counted once."""
    db = db_path
    session_id = both_killed_under_a_lock(db)
    with Repertoire.open(db) as repertoire:
        app = CoptuiApp(repertoire, launch="resume")
        async with app.run_test(size=(80, 24)) as pilot:
            for _ in range(POLLS):
                if len(notes(db, session_id)) == 4:
                    break
                await pilot.pause(0.01)
            await settle(pilot)
            await drawn_until(pilot, "· after the F5")
            left = (
                "2 lines Entered and 1 key pressed before it closed, carried out now; "
                "filed 2 lines that @ben Entered before their screen went away; "
                "resumed at Problem sharing"
            )
            for _ in range(POLLS):  # the line may wrap, and waits for the layout
                if left in (said := words(" ".join(screen_lines(app)))):
                    break
                await pilot.pause(0.01)
            assert left in said, said
            assert notes(db, session_id) == [
                (0, "ana", "check_in", "Ana fine"),
                (0, "ben", "check_in", "ben here |p|"),
                (1, None, "note", "after the F5"),
                (0, "ben", "note", "ben after |q|"),
            ]
            await pilot.press("f4")  # back to Check-in: both check-ins are there
            await drawn_until(pilot, "ana Ana fine", "ben ben here |p|", gone="after the F5")


def test_abandon_files_the_lines_of_every_journal_in_the_order_pressed(db_path: Path) -> None:
    session_id = both_killed_under_a_lock(db_path)
    abandoned = coptui(db_path, "abandon", "--yes")
    assert abandoned.returncode == 0, abandoned.stderr
    assert "after filing 5 lines Entered in it and not filed before" in abandoned.stderr
    assert notes(db_path, session_id) == [
        (0, "ana", "check_in", "Ana fine"),
        (0, "ben", "check_in", "ben here |p|"),
        (1, None, "note", "after the F5"),
        (0, "ben", "note", "ben after |q|"),
    ]


def test_the_phase_a_line_was_entered_in_is_a_column_added_by_migration_0015(db_path: Path) -> None:
    """A file journalled before 0015 opens with the column added, its rows with no phase (filed in
    the phase current when they are carried out, as before)."""
    assert MIGRATION_NAMES.index("0015_capture_journal_phase") == 14
    session_id = start_session(db_path)
    connection = sqlite3.connect(db_path)
    with connection:
        connection.execute(
            "INSERT INTO capture_journal (session_id, command, text, pressed_at, journalled_at) "
            "VALUES (?, 'entry', 'old row', '2026-12-01T08:00:00+00:00', '2026-12-01T08:00:00+00:00')",
            [session_id],
        )
        connection.execute("ALTER TABLE capture_journal DROP COLUMN phase")
        connection.execute("DELETE FROM _sqlite_migrations WHERE name = '0015_capture_journal_phase'")
        connection.execute(f"PRAGMA user_version = {MIGRATION_NAMES.index('0015_capture_journal_phase')}")
    connection.close()
    with Repertoire.open(db_path) as repertoire:
        (old,) = repertoire.unsettled_commands(session_id)
        assert old.text == "old row" and old.phase is None
    assert query(db_path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]


async def test_a_member_whose_check_in_the_facilitator_filed_is_told_why_their_line_is_a_note(
    db_path: Path,
) -> None:
    """The facilitator filed Ben's check-in for him; the line Ben then Enters at his own screen is
    a note, and his screen says why, as the facilitator's does in that case."""
    async with joined(db_path) as (app, pilot, _):
        with Repertoire.open(db_path) as elsewhere:
            assert LiveSession.resume(elsewhere).enter("@ben words for ben").ok
        await type_line(pilot, "ben's own [x]")
        assert "filed a note from @ben (the facilitator had filed your check-in)" in message(app)
        assert "ben's own [x]" in member_drawn(app)
    with Repertoire.open(db_path) as repertoire:
        assert [(n.author, n.kind.value, n.text) for n in repertoire.notes(session=3)] == [
            ("ben", "check_in", "words for ben"),
            ("ben", "note", "ben's own [x]"),
        ]


def test_a_vote_entered_in_problem_solving_that_reaches_the_file_after_it_is_refused_with_why(
    db_path: Path,
) -> None:
    """Leaving problem solving counts the hidden dots: a vote that gets there after that is not
    filed hidden for ever, but refused, saying why; a strategy from then is still filed there."""
    with Repertoire.open(db_path) as repertoire:
        plan = SessionPlan(find_format("cop-meeting"), "ana", ["ben", "cho"], title="Vote clinic")
        live = LiveSession.start(repertoire, plan)
        live.jump_to(1)
        assert live.enter("#case @cho Alert fatigue").ok
        live.jump_to(2)
        assert live.enter("#strategy @ana Route alerts to tickets").ok
        ben = Participant.join(repertoire, "ben", via="local")
        journal = CaptureJournal(repertoire.path, member="ben")
        now = datetime.now(UTC)
        lines = [
            Command(kind=CommandKind.ENTRY, text=t, pressed_at=now, phase=2)
            for t in ("#vote 1 2", "#strategy pair on it")
        ]
        vote, strategy = journal.append(live.session_id, lines)
        journal.close()
        live.jump_to(3)
        assert ben.perform(vote) == EntryResult(
            False, "not counted: problem solving had ended when your vote reached the file"
        )
        filed = ben.perform(strategy)
        assert filed.ok and filed.message.endswith("in Collaborative problem solving, where it was Entered")
        assert repertoire.dots_cast(repertoire.session_cases(live.session_id)[0].id or 0) == 0

"""A member's line goes to the case in focus on their screen as they Entered it.

Ben looks at cho's case and Enters `#vote 1`; before his line reaches the file (another program
holds the lock, say) the facilitator puts ana's case in focus. Ben's dots go on strategy 1 of
cho's case, the one he saw, never on strategy 1 of ana's; his reply names the case.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

from locks import write_lock_held
from test_kill_under_lock import kept_beside
from test_left_behind import drawn_until
from test_line_keeps_its_phase import on_screen
from test_report_numbers import journal
from test_resume_after_kill import TerminalRun, query
from test_session_others import facilitating, started
from ui_helpers import settle

from coptui.facilitation import LiveSession
from coptui.facilitation.participant import Participant
from coptui.models import Command, CommandKind
from coptui.store import Repertoire
from coptui.store.journal import CaptureJournal

SHARING, SOLVING = 1, 2


def two_cases(db: Path) -> tuple[int, int]:
    """In the session started: problem solving with cho's case (strategy 1 "cho one") and ana's
    (strategy 1 "ana one"), cho's in focus; the two case ids."""
    with Repertoire.open(db) as repertoire:
        live = LiveSession.resume(repertoire)
        live.jump_to(SHARING)
        assert live.enter("#case @cho Cho's |pager| [x]").ok
        assert live.enter("#case @ana Ana's deploys").ok
        live.jump_to(SOLVING)
        assert live.enter("#strategy @ana ana one").ok
        assert live.enter("#focus 1").ok
        assert live.enter("#strategy @ana cho one").ok
        cho, dan = (case.id or 0 for case in repertoire.session_cases(live.session_id))
    return cho, dan


def dots(db: Path) -> list[tuple[str, str, str, int]]:
    return query(
        db,
        "SELECT c.title, s.text, v.member, v.dots FROM private_votes v "
        "JOIN strategies s ON s.id = v.strategy_id JOIN cases c ON c.id = v.case_id ORDER BY v.id",
    )


async def test_a_vote_entered_before_the_facilitator_changes_focus_goes_to_the_case_the_member_saw(
    db_path: Path,
) -> None:
    db = db_path
    async with facilitating(db, size=(160, 45)) as (_, pilot):
        cho_case, _ = two_cases(db)
        ben = TerminalRun("--db", str(db), "join", "ben")
        try:
            ben.wait_for("Ben to join", lambda: b"Cho's |pager| [x]" in on_screen(ben))
            with write_lock_held(db):
                ben.type("#vote 1\r")
                ben.wait_for("Ben's vote kept beside the file", lambda: kept_beside(db) == 1)
                os.killpg(ben.process.pid, signal.SIGSTOP)  # his line reaches the file last
                await pilot.press(*"#focus 2", "enter")
                await drawn_until(pilot, "not filed yet")
            await drawn_until(pilot, "Ana's deploys", gone="not filed yet")
            assert query(db, "SELECT focus_case_id FROM sessions WHERE status = 'live'") != [(cho_case,)]
            os.killpg(ben.process.pid, signal.SIGCONT)
            ben.wait_for("Ben's vote filed", lambda: dots(db))
            ben.wait_for("Ben told which case", lambda: b"in focus as you Entered it" in on_screen(ben))
        finally:
            if ben.process.poll() is None:
                os.killpg(ben.process.pid, signal.SIGCONT)
                ben.kill()
        await settle(pilot)
    assert dots(db) == [("Cho's |pager| [x]", "cho one", "ben", 1)]
    assert b"(on \xe2\x80\x9cCho's |pager| [x]\xe2\x80\x9d, in focus as you Entered it)" in on_screen(ben)
    assert query(db, "SELECT member, focus FROM capture_journal WHERE text = '#vote 1'") == [
        ("ben", cho_case)
    ]


def test_a_line_whose_case_was_taken_back_before_it_was_filed_is_refused_and_files_nothing(
    db_path: Path,
) -> None:
    """Ben's note was Entered on a case the facilitator then undid: it is not filed on another."""
    started(db_path)
    with Repertoire.open(db_path) as repertoire:
        live = LiveSession.resume(repertoire)
        live.jump_to(SHARING)
        assert live.enter("#case @cho Brought by mistake").ok
        (case,) = repertoire.session_cases(live.session_id)
        ben = Participant.join(repertoire, "ben", via="ssh", clock=live.clock)
        capture = CaptureJournal(repertoire.path, member="ben")
        try:
            typed = Command(
                kind=CommandKind.ENTRY, text="about that [case]", pressed_at=live.clock.now(), focus=case.id
            )
            (line,) = capture.append(live.session_id, [typed])
        finally:
            capture.close()
        assert live.undo().ok
        assert live.enter("#case @ben Brought instead").ok
        (instead,) = repertoire.session_cases(live.session_id)
        assert instead.id != case.id  # the id taken back is given to no other case
        result = ben.perform(line)
        assert (
            not result.ok
            and result.message == "not filed: the case in focus as you Entered it has been taken back"
        )
        assert [n.text for n in repertoire.notes(session=live.session_id)] == []


def test_a_line_entered_on_the_case_still_in_focus_is_filed_as_before(db_path: Path) -> None:
    started(db_path)
    cho_case, _ = two_cases(db_path)
    with Repertoire.open(db_path) as repertoire:
        ben = Participant.join(repertoire, "ben", via="ssh")
        line = journal(repertoire, "ben", "#vote 1 2", at=ben.clock.now())
        line = line.model_copy(update={"focus": cho_case})
        result = ben.perform(line)
    assert result.ok and "in focus as you Entered it" not in result.message
    assert dots(db_path) == [("Cho's |pager| [x]", "cho one", "ben", 2)]

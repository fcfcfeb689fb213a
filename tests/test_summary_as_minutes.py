"""The summary at the end of a session shows the same participation as the minutes: lines a
member's killed screen left under a held lock, filed as the session ends, are counted, and so
is anything written to the file while the summary is up."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from locks import write_lock_held
from test_check_in_turns import live_session
from test_kill_under_lock import kept_beside
from test_left_behind import drawn_until
from test_resume_after_kill import TerminalRun
from test_session_others import facilitating
from textual.pilot import Pilot
from ui_helpers import screen_lines, settle

from coptui.store import Repertoire
from coptui.store.participants import Participation
from coptui.ui.screens.session_summary import SessionSummaryScreen

POLLS = 6000  # a bound on waiting for the summary to be read again, with every core busy


def drawn_row(pilot: Pilot[None], name: str) -> list[str]:
    """The participation table's numbers for the member named `name`, as drawn."""
    rows = [line.split() for line in screen_lines(pilot.app) if line.strip().startswith(name)]
    return rows[-1][len(name.split()) :][:6] if rows else []  # [] while it is drawn again


def counted(participation: Participation) -> list[str]:
    p = participation
    return [str(n) for n in (p.check_ins, p.cases, p.strategies, p.notes, p.votes, p.reports)]


def as_the_minutes_have_it(db: Path, session_id: int, member: str) -> list[str]:
    with Repertoire.open(db) as repertoire:
        return counted(next(p for p in repertoire.participation(session_id) if p.member == member))


async def test_lines_a_killed_member_left_under_the_lock_count_in_the_summary_of_the_session_they_end(
    db_path: Path,
) -> None:
    db = db_path
    async with facilitating(db, size=(160, 45)) as (app, pilot):
        session_id = live_session(db)
        ben = TerminalRun("--db", str(db), "join", "ben")
        try:
            ben.wait_for("Ben to join", lambda: b"joined" in ben.output)
            with write_lock_held(db):
                ben.type("end orphan A\r")
                ben.type("end orphan B [x]\r")
                ben.wait_for("Ben's lines kept", lambda: kept_beside(db) == 2)
                ben.kill()
                await pilot.press("f2", "4", "f5", "f5")
                await drawn_until(pilot, "F2 · F5 · F5")
        finally:
            if ben.process.poll() is None:
                ben.kill()
        for _ in range(POLLS):
            if isinstance(app.screen, SessionSummaryScreen):
                break
            await pilot.pause(0.01)
        await settle(pilot)
        await drawn_until(pilot, "Session ended")
        minutes = as_the_minutes_have_it(db, session_id, "ben")
        assert sum(int(n) for n in minutes) == 2, minutes
        assert drawn_row(pilot, "Ben Okafor") == minutes


async def test_the_summary_reads_again_what_another_program_writes_while_it_is_up(db_path: Path) -> None:
    db = db_path
    async with facilitating(db, size=(160, 45)) as (app, pilot):
        session_id = live_session(db)
        await pilot.press(*"Ana fine", "enter", "f2", "4", "f5", "f5")
        await settle(pilot)
        assert isinstance(app.screen, SessionSummaryScreen)
        assert drawn_row(pilot, "Cho [lead] *ops*") == ["0"] * 6
        other = sqlite3.connect(db)
        with other:
            other.execute(
                "INSERT INTO notes (session_id, phase, author, kind, text, created_at) "
                "VALUES (?, 3, 'cho', 'note', 'filed late', '2026-12-01T10:00:00Z')",
                [session_id],
            )
        other.close()
        minutes = as_the_minutes_have_it(db, session_id, "cho")
        assert minutes == ["0", "0", "0", "1", "0", "0"]
        for _ in range(POLLS):
            if drawn_row(pilot, "Cho [lead] *ops*") == minutes:
                break
            await pilot.pause(0.01)
        assert drawn_row(pilot, "Cho [lead] *ops*") == minutes
        assert "2 notes, 0 decisions" in "\n".join(screen_lines(app))

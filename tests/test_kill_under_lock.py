"""SIGKILL a real `coptui run` while another program holds the file's write lock, and run one
session from two terminals.

Lines Entered while the capture journal cannot be written are kept beside the file; a resume
journals and files them, once each, in order. A live session has one facilitator screen at a
time: a second `coptui run` is refused, and once the first process is gone a resume works.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from test_resume_after_kill import F5, TerminalRun, query
from ui_helpers import settle

from coptui.facilitation import LiveSession, ManualClock, SessionPlan
from coptui.formats import find_format
from coptui.store import Repertoire
from coptui.store.side_journal import side_folder
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.home import HomeScreen

DEADLINE_SECONDS = 120
START = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)


def kept_beside(db: Path) -> int:
    """How many commands the side journals beside `db` hold (each ends where its room, zeros, begins)."""
    folder = side_folder(db)
    files = folder.glob("*.jsonl") if folder.is_dir() else []
    return sum(len(p.read_bytes().partition(b"\0")[0].splitlines()) for p in files)


def start(db: Path) -> tuple[TerminalRun, int]:
    run = TerminalRun(
        "--db", str(db), "run", "--title", "Lock clinic", "--facilitator", "ana", "--attendee", "ben"
    )
    (session_id,) = run.wait_for(
        "the live session", lambda: query(db, "SELECT id FROM sessions WHERE status = 'live'")
    )[0]
    run.wait_for("the check-in on screen", lambda: b"Check-in" in run.output)
    return run, session_id


def test_lines_entered_under_a_held_lock_outlive_a_kill_and_are_filed_once_in_order(db_path: Path) -> None:
    db = db_path
    run, session_id = start(db)
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        run.type("before the lock\r")
        run.wait_for(
            "the first note", lambda: query(db, "SELECT 1 FROM notes WHERE session_id = ?", session_id)
        )
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("INSERT INTO topics (slug, name, description) VALUES ('zz-lock', 'Z', '')")
        run.type("locked one\r")
        run.type(F5)
        run.type("locked two\r")
        run.wait_for("three keys kept beside the file", lambda: kept_beside(db) == 3)
        run.wait_for("the pending line", lambda: b"not filed yet" in run.output)
    finally:
        run.kill()
    holder.execute("ROLLBACK")
    holder.close()
    assert query(db, "SELECT count(*) FROM capture_journal WHERE session_id = ?", session_id) == [(1,)]

    resumed = TerminalRun("--db", str(db), "run", "--resume")
    try:
        resumed.wait_for(
            "the kept lines filed",
            lambda: len(query(db, "SELECT 1 FROM notes WHERE session_id = ?", session_id)) == 3,
        )
        resumed.wait_for("the resumed screen", lambda: b"carried out now" in resumed.output)
        resumed.wait_for("the note after the kill on screen", lambda: b"locked two" in resumed.output)
    finally:
        resumed.kill()
    assert query(db, "SELECT text, phase FROM notes WHERE session_id = ? ORDER BY id", session_id) == [
        ("before the lock", 0),
        ("locked one", 0),
        ("locked two", 1),
    ]
    assert query(
        db,
        "SELECT command, text FROM capture_journal "
        "WHERE session_id = ? AND settled_at IS NOT NULL ORDER BY id",
        session_id,
    ) == [("entry", "before the lock"), ("entry", "locked one"), ("next_phase", ""), ("entry", "locked two")]
    assert kept_beside(db) == 0, "what is journalled is no longer kept beside the file"


def coptui(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coptui", "--db", str(db), *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=DEADLINE_SECONDS,
    )


def test_a_second_run_of_a_live_session_is_refused_until_the_first_is_gone(db_path: Path) -> None:
    db = db_path
    run, session_id = start(db)
    try:
        run.type("on the first screen\r")
        run.wait_for("the note", lambda: query(db, "SELECT 1 FROM notes WHERE session_id = ?", session_id))
        before = query(db, "SELECT * FROM phase_runs WHERE session_id = ? ORDER BY position", session_id)
        for args in (("run", "--resume"), ("run",), ("abandon", "--yes")):
            refused = coptui(db, *args)
            assert refused.returncode != 0, args
            (line,) = refused.stderr.splitlines()
            assert "“Lock clinic” is being run in another coptui (pid " in line, line
            assert f"pid {run.process.pid})" in line
        assert (
            query(db, "SELECT * FROM phase_runs WHERE session_id = ? ORDER BY position", session_id) == before
        )
        assert query(db, "SELECT status FROM sessions WHERE id = ?", session_id) == [("live",)]
    finally:
        run.kill()

    resumed = TerminalRun("--db", str(db), "run", "--resume")
    try:
        resumed.wait_for("the resumed screen", lambda: b"resumed at" in resumed.output)
        resumed.type("on the second screen\r")
        resumed.wait_for(
            "the note after resuming",
            lambda: query(db, "SELECT 1 FROM notes WHERE text = 'on the second screen'"),
        )
    finally:
        resumed.kill()


async def test_the_home_screen_will_not_resume_a_session_another_coptui_runs(db_path: Path) -> None:
    """`r` on the home screen while another process runs the session: it says who, and stays home."""
    with Repertoire.open(db_path) as repertoire:
        LiveSession.start(
            repertoire,
            SessionPlan(find_format("cop-meeting"), "ana", ["ben"], title="Lock clinic"),
            ManualClock(START),
        )
    other = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_SESSION, str(db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert other.stdout is not None and other.stdout.readline() == "held\n"
        with Repertoire.open(db_path) as repertoire:
            before = repertoire.live_session()
            app = CoptuiApp(repertoire, clock=ManualClock(START))
            async with app.run_test(size=(80, 24)) as pilot:
                await settle(pilot)
                await pilot.press("r")
                refusal = f"this session is being run in another coptui (pid {other.pid})"
                for _ in range(2000):  # the recorder's thread opens the session, and is refused
                    said = [(n.title, n.message) for n in app._notifications]
                    if said:
                        break
                    await pilot.pause()
                assert len(said) == 1 and said[0][1].startswith(refusal), said
                assert said[0][0] == "Open in another coptui", "a refusal, not a fault"
                await settle(pilot)
                assert isinstance(app.screen, HomeScreen)
            assert repertoire.live_session() == before
    finally:
        other.kill()
        other.wait(timeout=DEADLINE_SECONDS)


HOLD_THE_SESSION = """
import sys
from pathlib import Path
from coptui.store import Repertoire
from coptui.store.session_claim import SessionClaim

path = Path(sys.argv[1])
with Repertoire.open(path, read_only=True) as repertoire:
    live = repertoire.live_session()
claim = SessionClaim(path, live.id)
print("held", flush=True)
sys.stdin.read()
"""

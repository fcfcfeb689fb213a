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
from pathlib import Path

from test_resume_after_kill import F5, TerminalRun, query

from coptui.store.side_journal import side_folder

DEADLINE_SECONDS = 120


def kept_beside(db: Path) -> int:
    """How many commands the side journals beside `db` hold."""
    folder = side_folder(db)
    return sum(len(p.read_bytes().splitlines()) for p in folder.glob("*.jsonl")) if folder.is_dir() else 0


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

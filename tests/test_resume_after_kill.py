"""SIGKILL a real `coptui run` mid-session: every entry is already filed, and a new run resumes it.

The app runs on a pseudo-terminal, as in a facilitator's terminal; the test types into it and
reads the database, never the screen, to know when something has happened.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

F5 = "\x1b[15~"
F6 = "\x1b[17~"
DEADLINE_SECONDS = 120  # a bound on waiting for a process on its terminal, for a machine with every core busy


class TerminalRun:
    """A coptui process on its own pseudo-terminal of 80x24."""

    def __init__(self, *args: str) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "coptui", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.output = b""

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def wait_for(self, what: str, condition: Callable[..., Any]) -> Any:
        """Read the terminal (so the app never blocks writing to it) until `condition()` holds."""
        deadline = time.monotonic() + DEADLINE_SECONDS
        while time.monotonic() < deadline:
            result = condition()
            if result:
                return result
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                with contextlib.suppress(OSError):  # the process has gone and closed its side
                    self.output += os.read(self.master, 65536)
            if self.process.poll() is not None and not condition():
                tail = self.output[-2000:].decode(errors="replace")
                raise AssertionError(f"coptui exited ({self.process.returncode}) waiting for {what}: {tail}")
        raise AssertionError(f"timed out waiting for {what}")

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=DEADLINE_SECONDS)
        os.close(self.master)


def query(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return connection.execute(sql, params).fetchall()
    except sqlite3.OperationalError:  # the schema is being written, or a writer holds a lock
        return []
    finally:
        connection.close()


def timer_rows(db: Path) -> list[tuple[Any, ...]]:
    return query(
        db,
        "SELECT position, started_at, ended_at, paused_at, paused_seconds, extra_minutes "
        "FROM phase_runs WHERE session_id = (SELECT id FROM sessions WHERE status = 'live') "
        "ORDER BY position",
    )


def test_sigkill_loses_nothing_and_a_new_run_resumes_the_same_phase_and_timer(db_path: Path) -> None:
    db = db_path
    run = TerminalRun(
        "--db", str(db), "run", "--title", "Pty clinic", "--facilitator", "ana", "--attendee", "ben"
    )
    try:
        (session_id,) = run.wait_for(
            "the live session", lambda: query(db, "SELECT id FROM sessions WHERE status = 'live'")
        )[0]
        run.type("Glad to be here [really] *stars*\r")
        run.wait_for(
            "the check-in", lambda: query(db, "SELECT 1 FROM notes WHERE session_id = ?", session_id)
        )
        run.type(F5)
        run.wait_for(
            "problem sharing",
            lambda: query(db, "SELECT 1 FROM sessions WHERE id = ? AND current_phase = 1", session_id),
        )
        run.type("#case @ben Flaky deploys\r")
        run.wait_for("the case", lambda: query(db, "SELECT 1 FROM cases WHERE session_id = ?", session_id))
        run.type("#context One deploy in five fails\r")
        run.wait_for(
            "the context",
            lambda: query(db, "SELECT 1 FROM cases WHERE session_id = ? AND context <> ''", session_id),
        )
        run.type(F6)
        run.wait_for("the pause", lambda: any(row[3] for row in timer_rows(db)))
    finally:
        run.kill()

    timers = timer_rows(db)
    assert query(db, "SELECT author, kind, text, phase FROM notes WHERE session_id = ?", session_id) == [
        ("ana", "check_in", "Glad to be here [really] *stars*", 0)
    ]
    assert query(db, "SELECT presenter, title, context FROM cases WHERE session_id = ?", session_id) == [
        ("ben", "Flaky deploys", "One deploy in five fails")
    ]
    assert [(row[0], row[1] is not None, row[2] is not None, row[3] is not None) for row in timers] == [
        (0, True, True, False),
        (1, True, False, True),
        (2, False, False, False),
        (3, False, False, False),
    ]

    resumed = TerminalRun("--db", str(db), "run")
    try:
        resumed.wait_for("the offer to resume", lambda: b"Resume it?" in resumed.output)
        resumed.type("y\r")
        resumed.wait_for("the paused session on screen", lambda: b"PAUSED" in resumed.output)
        resumed.type("Ben tried retries\r")
        resumed.wait_for(
            "the note after resuming",
            lambda: query(db, "SELECT 1 FROM notes WHERE text = 'Ben tried retries' AND phase = 1"),
        )
        assert query(db, "SELECT id, current_phase FROM sessions WHERE status = 'live'") == [(session_id, 1)]
        assert timer_rows(db) == timers, "resuming neither restarts nor moves a timer"
        assert query(db, "SELECT case_id FROM notes WHERE text = 'Ben tried retries'") == [
            query(db, "SELECT id FROM cases WHERE session_id = ?", session_id)[0]
        ], "the case in focus is the one being shared"
    finally:
        resumed.kill()

"""SIGKILL a real facilitator process at random moments, twenty times: nothing filed is lost."""

from __future__ import annotations

import contextlib
import os
import random
import select
import time
from pathlib import Path

from test_resume_after_kill import TerminalRun, query, timer_rows

KILLS = 20


def read_for(run: TerminalRun, seconds: float) -> None:
    """Keep reading the terminal for `seconds` (the app must never block on its output): the kill moment."""
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        ready, _, _ = select.select([run.master], [], [], min(left, 0.05))
        if ready:
            with contextlib.suppress(OSError):
                run.output += os.read(run.master, 65536)


def filed_notes(db: Path, session_id: int) -> list[str]:
    return [
        row[0] for row in query(db, "SELECT text FROM notes WHERE session_id = ? ORDER BY id", session_id)
    ]


def test_twenty_kills_at_random_moments_lose_nothing_and_always_resume(db_path: Path) -> None:
    db = db_path
    rng = random.Random(20261129)
    first = TerminalRun(
        "--db", str(db), "run", "--title", "Kill clinic", "--facilitator", "ana", "--attendee", "ben"
    )
    try:
        (session_id,) = first.wait_for(
            "the live session", lambda: query(db, "SELECT id FROM sessions WHERE status = 'live'")
        )[0]
    finally:
        first.kill()

    survived: list[str] = []
    for kill in range(KILLS):
        timers = timer_rows(db)
        run = TerminalRun("--db", str(db), "run", "--resume")
        try:
            run.wait_for(f"resume #{kill}", lambda run=run: b"resumed at" in run.output)
            assert timer_rows(db) == timers, "resuming neither restarts nor moves a timer"
            typed = [f"kill {kill} entry {n} [x] *y*" for n in range(rng.randint(1, 5))]
            for text in typed:
                run.type(text + "\r")
                if rng.random() < 0.3:
                    run.type("\x1b[17~")  # F6: pause or resume the timer between entries
            read_for(run, rng.uniform(0.0, 1.5))
        finally:
            run.kill()
        assert query(db, "PRAGMA integrity_check") == [("ok",)]
        notes = filed_notes(db, session_id)
        # Entries are filed whole and in order; only what had not reached the app yet may be missing.
        assert notes[: len(survived)] == survived, f"kill #{kill} lost an entry filed before it"
        assert notes[len(survived) :] == typed[: len(notes) - len(survived)], f"kill #{kill} garbled an entry"
        survived = notes

    assert query(db, "SELECT id FROM sessions WHERE status = 'live'") == [(session_id,)]
    assert len(survived) > KILLS // 2, "most kills came after at least one entry was filed"

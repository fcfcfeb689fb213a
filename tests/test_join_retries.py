"""A member whose join cannot be written just now (another program holds the file's lock, or the
disk is full) is told so, and the screen tries again by itself, as a pending line is: once the
file can be written, they are in, without leaving and joining again."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from locks import write_lock_held
from test_left_behind import drawn_until
from test_participant_screen import START, start_live, type_line
from test_resume_after_kill import query
from ui_helpers import screen_lines

from coptui.facilitation import ManualClock
from coptui.store import Repertoire
from coptui.store.connection import describe_sqlite_error
from coptui.store.journal import CaptureJournal
from coptui.store.participants import Arrival
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.participant import Joining


async def test_a_join_that_cannot_be_written_is_retried_and_said_so_until_it_is(db_path: Path) -> None:
    clock = ManualClock(START)
    start_live(db_path, clock)
    joining = Joining("ben", "local")
    with write_lock_held(db_path) as holder, Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, clock=clock, launch=joining, participant=joining)
        async with app.run_test(size=(80, 24)) as pilot:
            await drawn_until(pilot, "retrying: another program is writing to the file", "Not joined yet")
            await drawn_until(pilot, "This screen joins by itself when it can")
            assert query(db_path, "SELECT member FROM participant_arrivals") == []
            holder.execute("ROLLBACK")
            await drawn_until(pilot, "joined “December clinic” as @ben", gone="retrying")
            await type_line(pilot, "ben in at last [x]")
            await drawn_until(pilot, "filed a check-in from @ben")
    assert query(db_path, "SELECT member FROM participant_arrivals") == [("ben",)]
    assert query(db_path, "SELECT author, kind, text FROM notes WHERE author = 'ben' AND session_id = 3") == [
        ("ben", "check_in", "ben in at last [x]")
    ]


async def test_a_join_on_a_full_disk_says_it_retries_and_joins_once_there_is_room(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The arrival cannot be written while the disk is full (as SQLite says it, through the store)."""
    clock = ManualClock(START)
    start_live(db_path, clock)
    full = True
    record_arrival = Repertoire.record_arrival

    def arrival(self: Repertoire, *args: Any) -> Arrival:
        if full:
            raise describe_sqlite_error(sqlite3.OperationalError("database or disk is full"), self.path)
        return record_arrival(self, *args)

    monkeypatch.setattr(Repertoire, "record_arrival", arrival)
    joining = Joining("ben", "local")
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, clock=clock, launch=joining, participant=joining)
        async with app.run_test(size=(80, 24)) as pilot:
            await drawn_until(pilot, "the disk is full; nothing was changed", "retrying: the disk is full")
            full = False
            await drawn_until(pilot, "joined “December clinic” as @ben", gone="retrying")
    assert query(db_path, "SELECT member FROM participant_arrivals") == [("ben",)]


async def test_a_join_retried_after_a_failure_past_its_arrival_files_one_arrival(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """QA's Y5: the arrival was written, then the disk filled before the screen was ready; the
    retry files no second arrival, and says no word of joining before (a second terminal)."""
    clock = ManualClock(START)
    start_live(db_path, clock)
    failures = [describe_sqlite_error(sqlite3.OperationalError("database or disk is full"), db_path)]
    claim = CaptureJournal.claim

    def claimed(self: CaptureJournal, session_id: int) -> None:
        if failures:
            raise failures.pop()
        claim(self, session_id)

    monkeypatch.setattr(CaptureJournal, "claim", claimed)
    joining = Joining("ben", "local")
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, clock=clock, launch=joining, participant=joining)
        async with app.run_test(size=(80, 24)) as pilot:
            await drawn_until(pilot, "joined “December clinic” as @ben", gone="retrying")
            assert "joined before" not in "\n".join(screen_lines(app))
    assert failures == []
    assert query(db_path, "SELECT member FROM participant_arrivals") == [("ben",)]

"""Writers share one file: each waits for the other's lock instead of failing "busy"."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from coptui.models import Note
from coptui.store import Repertoire, RepertoireBusy

WRITES = 300

WRITER = """
import sys
from datetime import UTC, datetime
from pathlib import Path
from coptui.models import Note
from coptui.store import Repertoire

path, who, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
with Repertoire.open(path) as repertoire:
    for n in range(count):
        repertoire.add_note(
            Note(session=1, phase=0, text=f"{who} {n}", created_at=datetime.now(UTC))
        )
"""


def note_texts(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [row[0] for row in conn.execute("SELECT text FROM notes WHERE session_id = 1 ORDER BY id")]


def test_two_processes_writing_at_once_file_every_note(db_path: Path) -> None:
    before = note_texts(db_path)
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db_path), who, str(WRITES)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for who in ("first", "second")
    ]
    errors = [writer.communicate()[1] for writer in writers]

    assert [writer.returncode for writer in writers] == [0, 0], errors
    filed = note_texts(db_path)[len(before) :]
    assert len(filed) == 2 * WRITES
    for who in ("first", "second"):
        # Each writer's notes are all there, in the order it wrote them.
        assert [t for t in filed if t.startswith(who)] == [f"{who} {n}" for n in range(WRITES)]


def test_a_write_waits_for_a_lock_held_by_another_connection(db_path: Path) -> None:
    holder = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    with Repertoire.open(db_path) as repertoire:
        done = threading.Event()

        def write() -> None:
            repertoire.add_note(Note(session=1, phase=0, text="after the lock", created_at=datetime.now(UTC)))
            done.set()

        writer = threading.Thread(target=write)
        writer.start()
        # The writer is queued behind the lock: nothing is filed while it is held.
        assert not done.wait(0.2)
        holder.execute("COMMIT")
        holder.close()
        writer.join()
    assert note_texts(db_path)[-1] == "after the lock"


def test_a_lock_held_past_the_busy_timeout_is_reported_and_changes_nothing(db_path: Path) -> None:
    before = note_texts(db_path)
    with Repertoire.open(db_path) as repertoire:
        repertoire.db.execute("PRAGMA busy_timeout = 50")
        holder = sqlite3.connect(db_path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            with pytest.raises(RepertoireBusy, match="busy"):
                repertoire.add_note(Note(session=1, phase=0, text="refused", created_at=datetime.now(UTC)))
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        # The connection is usable again once the lock is gone.
        repertoire.add_note(Note(session=1, phase=0, text="filed", created_at=datetime.now(UTC)))
    assert note_texts(db_path) == [*before, "filed"]

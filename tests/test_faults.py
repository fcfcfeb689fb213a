"""Faults from outside: another writer holding the file, a full disk. Clear messages, nothing lost."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hostile import BIG_NOTE

from coptui.models import Member, Note
from coptui.store import Repertoire, RepertoireBusy, StoreError
from coptui.store import connection as store_connection


def test_a_file_held_by_another_writer_gets_a_wait_and_retry_message(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_connection, "BUSY_TIMEOUT_MS", 100)
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # holds the write lock, as a long import would
    try:
        with Repertoire.open(db_path) as repertoire:
            with pytest.raises(
                RepertoireBusy, match="another coptui is writing to it; wait a moment and try again"
            ):
                repertoire.add_member(Member(handle="zoe", name="Zoe"))
            other.execute("ROLLBACK")
            repertoire.add_member(Member(handle="zoe", name="Zoe"))  # the retry goes through
            assert repertoire.member("zoe").name == "Zoe"
    finally:
        other.close()


def test_a_reader_keeps_reading_while_a_writer_writes(db_path: Path) -> None:
    with Repertoire.open(db_path) as writer, Repertoire.open(db_path, read_only=True) as reader:
        writer.db.execute("BEGIN IMMEDIATE")
        writer.db.execute("INSERT INTO members (handle, name, role) VALUES ('zoe', 'Zoe', 'member')")
        assert [m.handle for m in reader.members()] == ["ana", "ben", "cho"]
        writer.db.execute("COMMIT")
        assert [m.handle for m in reader.members()] == ["ana", "ben", "cho", "zoe"]


def test_a_full_disk_gets_a_clear_message_and_changes_nothing(repertoire: Repertoire) -> None:
    pages = repertoire.db.execute("PRAGMA page_count").fetchone()[0]
    repertoire.db.execute(f"PRAGMA max_page_count = {pages + 2}")  # the disk fills up after two more pages
    before = repertoire.dump()
    with pytest.raises(StoreError, match="the disk is full; nothing was changed"):
        repertoire.add_note(Note(session=1, text=BIG_NOTE, created_at=datetime(2026, 11, 20, tzinfo=UTC)))
    assert repertoire.dump() == before

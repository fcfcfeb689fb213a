"""`coptui backup FILE`: a checked copy of a live repertoire, whole or not at all."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import pytest

from coptui.cli import main
from coptui.models import Member
from coptui.store import Repertoire


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def writers_members(path: Path) -> int:
    """How many of the writer's members a file holds, read as any SQLite tool would."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        return int(conn.execute("SELECT count(*) FROM members WHERE handle LIKE 'writer%'").fetchone()[0])


class Facilitator(threading.Thread):
    """Adds members one transaction at a time, as a live session files entries, until told to stop."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.written = 0
        self.started_writing = threading.Event()
        self.stop = threading.Event()

    def run(self) -> None:
        with Repertoire.open(self.path) as repertoire:
            while not self.stop.is_set():
                repertoire.add_member(Member(handle=f"writer{self.written:05}", name="A writer"))
                self.written += 1
                self.started_writing.set()


def test_a_backup_taken_while_a_facilitator_writes_is_one_consistent_moment(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    facilitator = Facilitator(db_path)
    facilitator.start()
    taken: list[tuple[int, Path, int]] = []
    try:
        assert facilitator.started_writing.wait(30)
        for number in range(3):
            copy = tmp_path / f"backup-{number}.db"
            before = facilitator.written
            code, out, err = run(capsys, "--db", str(db_path), "backup", str(copy))
            assert (code, err) == (0, "")
            assert out.startswith(f"Backed up {db_path} to {copy} (")
            taken.append((before, copy, facilitator.written))
    finally:
        facilitator.stop.set()
        facilitator.join(30)
    for before, copy, after in taken:
        # Every write committed before the backup began is in it; none committed after it ended.
        assert before <= writers_members(copy) <= after
        with Repertoire.open(copy, read_only=True) as restored:
            assert restored.community().name == "SRE Guild"
    assert sorted(tmp_path.glob(".backup-*")) == []  # no temporary file left behind


def test_a_backup_replaces_the_last_one_whole(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "nightly.db"
    copy.write_bytes(b"yesterday's backup")
    assert run(capsys, "--db", str(db_path), "backup", str(copy))[0] == 0
    assert writers_members(copy) == 0
    with Repertoire.open(copy, read_only=True) as restored, Repertoire.open(db_path, read_only=True) as live:
        assert restored.members() == live.members()


def test_a_backup_that_cannot_be_written_says_why_and_leaves_nothing(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    missing = tmp_path / "no-such-folder" / "backup.db"
    code, out, err = run(capsys, "--db", str(db_path), "backup", str(missing))
    assert (code, out) == (1, "")
    assert err == f"coptui: cannot write {missing}: there is no folder {missing.parent}\n"
    code, out, err = run(capsys, "--db", str(db_path), "backup", str(db_path))
    assert (code, out) == (1, "")
    assert err == f"coptui: {db_path} is the repertoire itself; back it up to another file\n"
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before
    assert not missing.parent.exists()
    assert list(db_path.parent.glob(".*.tmp")) == []

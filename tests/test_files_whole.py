"""Files complete or absent: a kill or a full disk while writing leaves the old file as it was."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from killing import kill_when_it_says

from coptui.cli import main
from coptui.export import save_minutes
from coptui.files import FileNotWritten, replace_file
from coptui.store import Repertoire

OLD = "the earlier, complete file\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


@pytest.fixture
def disk_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """Flushing to disk fails as a full disk does (with delayed allocation, the write itself succeeds)."""

    def full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_new_file_replaces_the_old_whole_and_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "minutes.md"
    target.write_text(OLD, encoding="utf-8")
    target.chmod(0o640)
    replace_file(target, b"new minutes\n")
    assert target.read_bytes() == b"new minutes\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert leftovers(tmp_path) == []


def test_a_link_at_the_path_is_replaced_not_written_through(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text(OLD, encoding="utf-8")
    link = tmp_path / "page.md"
    link.symlink_to(outside)
    replace_file(link, b"page\n")
    assert outside.read_text(encoding="utf-8") == OLD
    assert not link.is_symlink() and link.read_bytes() == b"page\n"


@pytest.mark.usefixtures("disk_full")
def test_a_full_disk_leaves_the_old_file_and_says_so(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text(OLD, encoding="utf-8")
    with pytest.raises(FileNotWritten) as refused:
        replace_file(target, b"x" * 100_000)
    assert str(refused.value) == f"cannot write {target}: the disk is full; {target} is as it was"
    assert target.read_text(encoding="utf-8") == OLD
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("command", "name"),
    [
        (("export", "json"), "repertoire.json"),
        (("export", "minutes", "1"), "minutes.md"),
        (("export", "minutes", "1"), "minutes.html"),
    ],
)
@pytest.mark.usefixtures("disk_full")
def test_exports_on_a_full_disk_say_so_in_one_line_and_leave_the_old_file(
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: tuple[str, ...],
    name: str,
) -> None:
    target = tmp_path / name
    target.write_text(OLD, encoding="utf-8")
    code, out, err = run(capsys, "--db", str(db_path), *command, "-o", str(target))
    assert (code, out) == (1, "")
    assert err == f"coptui: cannot write {target}: the disk is full; {target} is as it was\n"
    assert target.read_text(encoding="utf-8") == OLD


def test_minutes_saved_on_a_full_disk_keep_the_earlier_minutes(
    repertoire: Repertoire, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """F9's save: the screen shows the error's message, so it must say what happened."""
    saved = save_minutes(repertoire, 2, tmp_path)
    earlier = saved.read_bytes()

    def full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(FileNotWritten, match=r"the disk is full; .* is as it was$"):
        save_minutes(repertoire, 2, tmp_path)
    assert saved.read_bytes() == earlier


KILLED_WHILE_WRITING = """
import os, sys
from coptui import files
from coptui.cli import main

def stop_here(descriptor):
    print("written, not yet renamed", flush=True)
    sys.stdin.read()  # the test kills this process here

files.os.fsync = stop_here
main(sys.argv[1:])
"""


@pytest.mark.parametrize(
    "command", [("export", "json"), ("export", "minutes", "1"), ("export", "minutes", "latest")]
)
def test_an_export_killed_while_writing_leaves_the_old_file(
    db_path: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    target = tmp_path / ("out.html" if command[-1] == "latest" else "out.txt")
    target.write_text(OLD, encoding="utf-8")
    kill_when_it_says(
        "written, not yet renamed", KILLED_WHILE_WRITING, "--db", str(db_path), *command, "-o", str(target)
    )
    assert target.read_text(encoding="utf-8") == OLD

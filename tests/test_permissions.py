"""A repertoire that cannot be written: the message names the folder or the file, and `run` stops at once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from coptui.cli import launch, main


@pytest.fixture
def no_writing(monkeypatch: pytest.MonkeyPatch) -> set[Path]:
    """Paths this user may not write: modes do not bind root (CI runs as root), so access is simulated."""
    denied: set[Path] = set()
    real_access = os.access

    def access(path: str | Path, mode: int, **kwargs: object) -> bool:
        if mode & os.W_OK and Path(path).resolve() in denied:
            return False
        return real_access(path, mode)

    monkeypatch.setattr(os, "access", access)

    def never_opened(*args: object, **kwargs: object) -> None:
        raise AssertionError("the app must not open on a repertoire that cannot be written")

    monkeypatch.setattr(launch, "run_app", never_opened)
    return denied


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


RUN = ("run", "--facilitator", "ana", "--attendee", "ben")


def test_a_read_only_file_stops_run_with_one_line(
    db_path: Path, no_writing: set[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    no_writing.add(db_path.resolve())
    code, out, err = run(capsys, "--db", str(db_path), *RUN)
    assert (code, out) == (1, "")
    assert err == (
        f"coptui: {db_path} is read-only for this user (its permissions), so nothing can be changed; "
        "`coptui browse --read-only` opens it for reading\n"
    )


@pytest.mark.parametrize("command", [RUN, ("init", "--name", "Guild")])
def test_a_read_only_folder_is_named_as_the_cause(
    db_path: Path, no_writing: set[Path], capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    no_writing.add(db_path.parent.resolve())
    target = db_path if command[0] != "init" else db_path.with_name("new.db")
    code, _, err = run(capsys, "--db", str(target), *command)
    assert code == 1
    assert err.startswith(f"coptui: cannot write {target}: its folder {target.parent} is read-only")
    assert not db_path.with_name("new.db").exists()


def test_reading_needs_no_write_permission_on_the_file(
    db_path: Path, no_writing: set[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    no_writing.add(db_path.resolve())
    code, out, _ = run(capsys, "--db", str(db_path), "search", "fatigue")
    assert code == 0 and "Alert fatigue at night" in out

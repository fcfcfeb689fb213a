"""`coptui export minutes` and `coptui export repertoire`: what they write, and their one-line errors."""

from __future__ import annotations

import os
import runpy
import sqlite3
from pathlib import Path

import pytest
from markdown_check import parse

from coptui.cli import main
from coptui.export import api
from coptui.export.folder import JOURNAL
from coptui.store import Repertoire


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def test_minutes_of_the_latest_session_to_stdout(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", str(db_path), "export", "minutes", "latest")
    assert (code, err) == (0, "")
    assert parse(out).headings[0] == (1, "November clinic")


def test_minutes_by_id_to_a_file_and_as_html(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "october.md"
    code, out, err = run(capsys, "--db", str(db_path), "export", "minutes", "1", "-o", str(target))
    assert (code, out, err) == (0, "", f"Wrote {target}\n")
    assert target.read_text(encoding="utf-8").startswith("# October clinic\n")

    page = tmp_path / "october.html"
    code, _, _ = run(capsys, "--db", str(db_path), "export", "minutes", "1", "-o", str(page))
    assert code == 0 and page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    code, out, _ = run(capsys, "--db", str(db_path), "export", "minutes", "1", "--format", "html")
    assert code == 0 and "<h1>October clinic</h1>" in out


def test_minutes_into_a_folder_are_named_by_date_and_title(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--db", str(db_path), "export", "minutes", "2", "-o", str(tmp_path))
    saved = tmp_path / "2026-11-05-november-clinic-minutes.md"
    assert (code, err) == (0, f"Wrote {saved}\n") and saved.is_file()


def test_minutes_of_two_sessions_sharing_a_day_and_title_never_replace_each_other(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite3.connect(db_path) as conn:  # session 1 held the same day as 2, under the same title
        conn.execute("UPDATE sessions SET date = '2026-11-05', title = 'November clinic' WHERE id = 1")
    folder = tmp_path / "minutes"
    written = {}
    for session in ("1", "2", "1"):
        code, _, err = run(capsys, "--db", str(db_path), "export", "minutes", session, "-o", f"{folder}/")
        assert code == 0
        written[session] = Path(err.removeprefix("Wrote ").rstrip("\n"))
    assert written == {
        "1": folder / "2026-11-05-november-clinic-minutes.md",
        "2": folder / "2026-11-05-november-clinic-session-2-minutes.md",
    }
    assert sorted(folder.iterdir()) == sorted(written.values())
    assert "November clinic" in written["2"].read_text(encoding="utf-8")


def test_a_name_ending_in_a_slash_is_a_folder_made_for_the_minutes(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--db", str(db_path), "export", "minutes", "2", "-o", f"{tmp_path / 'new'}/")
    saved = tmp_path / "new" / "2026-11-05-november-clinic-minutes.md"
    assert (code, err) == (0, f"Wrote {saved}\n") and saved.is_file()


@pytest.mark.parametrize(
    ("session", "code", "message"),
    [
        ("7", 1, "coptui: there is no session 7\n"),
        ("live", 1, "coptui: no session is live\n"),
        (
            "yesterday",
            2,
            "coptui: Invalid value for SESSION: 'yesterday' is not a session id, 'latest' or 'live' "
            "(see `coptui export minutes --help`)\n",
        ),
    ],
)
def test_minutes_of_a_session_that_is_not_there(
    db_path: Path, capsys: pytest.CaptureFixture[str], session: str, code: int, message: str
) -> None:
    assert run(capsys, "--db", str(db_path), "export", "minutes", session) == (code, "", message)


def test_latest_with_no_sessions_held(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "new.db")
    run(capsys, "--db", db, "init", "--name", "Night Nurses")
    assert run(capsys, "--db", db, "export", "minutes", "latest") == (
        1,
        "",
        "coptui: no session has been held yet\n",
    )


def test_minutes_to_an_unwritable_path(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing" / "minutes.md"
    code, out, err = run(capsys, "--db", str(db_path), "export", "minutes", "1", "-o", str(target))
    assert (code, out, err) == (1, "", f"coptui: cannot write {target}: there is no folder {target.parent}\n")


def test_repertoire_folder_and_again(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "wiki"
    code, out, _ = run(capsys, "--db", str(db_path), "export", "repertoire", str(folder))
    # index, 2 sessions, 2 cases, 2 topics, 3 members and 2 practices
    assert (code, out) == (0, f"Exported 12 pages to {folder} (12 written)\n")
    assert (folder / "index.md").is_file() and (folder / "members" / "cho.md").is_file()
    code, out, _ = run(capsys, "--db", str(db_path), "export", "repertoire", str(folder))
    assert (code, out) == (0, f"Exported 12 pages to {folder} (0 written)\n")


def test_repertoire_into_a_file_or_a_read_only_folder(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "taken"
    a_file.write_text("", encoding="utf-8")
    code, _, err = run(capsys, "--db", str(db_path), "export", "repertoire", str(a_file / "wiki"))
    assert code == 1 and err.startswith(f"coptui: cannot write {a_file / 'wiki'}: ")


def test_repertoire_into_a_read_only_folder(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    real_open = os.open

    def refuse(path: str | Path, flags: int, mode: int = 0o777, **kwargs: object) -> int:
        if flags & os.O_CREAT:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, mode)

    # Folder modes do not bind root (CI runs as root), so the refusal is simulated.
    monkeypatch.setattr(os, "open", refuse)
    code, _, err = run(capsys, "--db", str(db_path), "export", "repertoire", str(locked))
    assert (code, err) == (1, f"coptui: cannot write in the folder {locked}: Permission denied\n")


def test_export_with_nothing_to_export_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "export")
    assert (code, out) == (2, "")
    assert err == (
        "coptui: export what? json, minutes SESSION or repertoire DIR (see `coptui export --help`)\n"
    )


def test_what_stops_the_second_process_of_an_export_is_said_as_from_the_first(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    wiki = tmp_path / "wiki"
    assert run(capsys, "--db", str(db_path), "export", "repertoire", str(wiki))[0] == 0
    # A folder where the second process (practices) would write a page; the index says nothing new.
    index = (wiki / "index.md").read_bytes()
    [page] = sorted((wiki / "practices").glob("*.md"))[:1]
    page.unlink()
    page.mkdir()
    with Repertoire.open(db_path) as repertoire:
        repertoire.set_community(repertoire.community().model_copy(update={"name": "Platform Guild"}))
    monkeypatch.setattr(api, "TWO_PROCESSES_FROM", 0)
    code, _, err = run(capsys, "--db", str(db_path), "export", "repertoire", str(wiki))
    assert (code, err) == (
        1,
        f"coptui: cannot write {page}: Is a directory; "
        "the export stopped there (index.md is as it was; export again to complete the folder)\n",
    )
    assert (wiki / "index.md").read_bytes() == index and (wiki / JOURNAL).exists()
    assert not list(wiki.glob(".*.tmp")), "the new index, made while the second process wrote, is gone"


def test_a_second_process_importing_coptui_as_its_main_module_runs_nothing() -> None:
    # A spawned process of an export started with `python -m coptui` imports it under this name.
    runpy.run_module("coptui.__main__", run_name="__mp_main__")

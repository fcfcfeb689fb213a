"""The command line: what each subcommand prints, its exit codes, and bad input that changes nothing."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coptui.cli import main
from coptui.interchange import to_json
from coptui.models import RepertoireDocument
from coptui.store import Repertoire


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_init_then_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "guild.db")
    code, out, _ = run(capsys, "--db", db, "init", "--name", "Night Nurses", "--domain", "Handovers")
    assert code == 0 and "Created the repertoire of Night Nurses" in out
    code, out, _ = run(capsys, "--db", db, "export", "json")
    assert code == 0
    assert json.loads(out)["community"] == {"name": "Night Nurses", "domain": "Handovers"}


def test_lists_of_a_new_repertoire_say_it_is_empty_and_how_to_fill_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "guild.db")
    run(capsys, "--db", db, "init", "--name", "Night Nurses")
    assert run(capsys, "--db", db, "members", "list") == (
        0,
        "",
        "No members yet; add one with `coptui members add HANDLE NAME`.\n",
    )
    assert run(capsys, "--db", db, "sessions") == (0, "", "No sessions yet; start one with `coptui run`.\n")


def test_init_refuses_an_empty_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--db", str(tmp_path / "g.db"), "init", "--name", "  ")
    assert code == 1
    assert err == "coptui: --name: must not be empty\n"
    assert not (tmp_path / "g.db").exists()


def test_import_search_export_round_trip(
    tmp_path: Path, document: RepertoireDocument, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.json"
    source.write_text(to_json(document), encoding="utf-8")
    db = str(tmp_path / "guild.db")
    code, out, _ = run(capsys, "--db", db, "import", str(source))
    assert (code, out) == (0, f"Imported 3 members, 2 sessions and 2 cases into {db}\n")
    code, out, _ = run(capsys, "--db", db, "search", "fatigue")
    assert code == 0 and "Alert fatigue at night" in out and out.startswith("case")
    code, out, _ = run(capsys, "--db", db, "search", "tickets", "--json")
    hit = json.loads(out.splitlines()[0])
    assert hit["kind"] == "strategy" and hit["snippet"] == "Route low-urgency alerts to tickets"
    code, out, _ = run(capsys, "--db", db, "export", "json", "-o", str(tmp_path / "out.json"))
    assert (tmp_path / "out.json").read_text(encoding="utf-8") == source.read_text(encoding="utf-8")


def test_default_database_lives_in_the_data_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, _ = run(capsys, "init", "--name", "Guild")
    assert code == 0
    assert (tmp_path / "data" / "repertoire.db").exists()


def test_a_bad_import_names_the_problem_and_changes_nothing(
    db_path: Path, tmp_path: Path, document: RepertoireDocument, capsys: pytest.CaptureFixture[str]
) -> None:
    data = document.model_dump(mode="json")
    data["cases"][0]["presenter"] = "zed"
    data["cases"][1]["topics"] = ["knitting"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    before = digest(db_path)
    code, _, err = run(capsys, "--db", str(db_path), "import", str(bad))
    assert code == 1
    assert err == (
        f"coptui: {bad} was not imported: 2 problems: cases[0].presenter: 'zed' is not a known member; "
        "cases[1].topics[0]: 'knitting' is not a known topic\n"
    )
    assert digest(db_path) == before


def test_a_bad_import_into_a_new_file_leaves_no_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{oops")
    code, _, err = run(capsys, "--db", str(tmp_path / "new.db"), "import", str(bad))
    assert code == 1 and "not valid JSON" in err
    assert not (tmp_path / "new.db").exists()


def test_importing_into_a_full_repertoire_is_refused(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.json"
    code, _, _ = run(capsys, "--db", str(db_path), "export", "json", "-o", str(source))
    before = digest(db_path)
    code, _, err = run(capsys, "--db", str(db_path), "import", str(source))
    assert (code, err) == (
        1,
        f"coptui: {db_path} exists already; import makes a new repertoire file and changes no other: "
        "name a new one with --db\n",
    )
    assert digest(db_path) == before


@pytest.mark.parametrize(
    ("argv", "code", "expected"),
    [
        (["frobnicate"], 2, "coptui: No such command 'frobnicate'."),
        (["--colour"], 2, "coptui: No such option '--colour'"),
        (["search"], 2, "coptui: Missing argument 'QUERY'."),
        (["search", "x", "--limit", "0"], 2, "coptui: Invalid value for '--limit'"),
        (["search", "x"], 1, "coptui: no repertoire at"),
        (["export", "json"], 1, "coptui: no repertoire at"),
    ],
)
def test_errors_are_one_line(
    argv: list[str], code: int, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    got, _out, err = run(capsys, *argv)
    assert got == code
    assert err.startswith(expected)
    assert err.count("\n") == 1 and "Traceback" not in err


def test_foreign_and_newer_files_are_refused(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text_file = tmp_path / "notes.txt"
    text_file.write_text("hello")
    code, _, err = run(capsys, "--db", str(text_file), "search", "x")
    assert (code, err) == (1, f"coptui: {text_file} is not a coptui repertoire (not a SQLite database)\n")
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA user_version = 99")
    code, _, err = run(capsys, "--db", str(db_path), "search", "x")
    assert code == 1 and "written by a newer coptui" in err


def test_export_to_an_unwritable_place(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys, "--db", str(db_path), "export", "json", "-o", str(tmp_path / "no" / "such" / "x.json")
    )
    assert code == 1 and err.startswith("coptui: cannot write ") and "there is no folder" in err


def test_schema_is_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema")
    assert code == 0 and json.loads(out)["properties"]["format"]["const"] == "coptui-repertoire"


def test_the_real_command_exits_cleanly_on_bad_input(tmp_path: Path) -> None:
    """Through a real process: exit codes and stderr as a shell sees them, never a traceback."""
    env = {**os.environ, "COPTUI_DATA_DIR": str(tmp_path), "COPTUI_CONFIG_DIR": str(tmp_path)}
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "coptui-repertoire", "community": {"name": ""}}')
    for argv, code in ((["import", str(bad)], 1), (["--bogus"], 2), (["search", "x"], 1)):
        done = subprocess.run(
            [sys.executable, "-m", "coptui", *argv], capture_output=True, text=True, env=env, timeout=60
        )
        assert done.returncode == code, done.stderr
        assert done.stderr.startswith("coptui: ") and "Traceback" not in done.stderr


def test_the_sample_community_imports_and_round_trips(
    tmp_path: Path, sample_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "demo.db")
    code, _, err = run(capsys, "--db", db, "import", str(sample_file))
    assert code == 0, err
    code, out, _ = run(capsys, "--db", db, "export", "json")
    assert out == sample_file.read_text(encoding="utf-8")


def test_formats_lists_every_format_with_its_phases(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "formats")
    assert code == 0
    assert out.startswith("cop-meeting — Community of practice meeting, 70 min  (default)\n")
    assert "   30 min  Collaborative problem solving  [problem_solving]" in out
    for name in ("peer-assist", "troika-consulting", "lean-coffee", "case-clinic", "action-learning"):
        assert f"\n{name} — " in out


def test_a_bad_format_file_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "retro.toml"
    bad.write_text('title = "Retro"\n[[phases]]\nkind = "chat"\ntitle = "Talk"\ntimebox_minutes = 5\n')
    code, _, err = run(capsys, "formats", str(bad))
    assert code == 1
    assert err.startswith(f"coptui: {bad}: phases[0].kind: must be one of check_in")


def browse_as(db_path: Path, monkeypatch: pytest.MonkeyPatch, *argv: str) -> tuple[bool, str | None]:
    """`coptui browse ARGV` with the app replaced: was the file read-only, and who is shown looking."""
    opened: list[tuple[bool, str | None]] = []

    def fake_run(
        repertoire: Repertoire,
        *,
        theme: str | None = None,
        viewer: str | None = None,
        participant: object = None,
    ) -> None:
        opened.append((repertoire.read_only, viewer))
        assert theme == "high-contrast"
        assert participant is None, "joining is for --participant only"

    monkeypatch.setattr("coptui.cli.launch.run_app", fake_run)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)  # browse wants a terminal; pytest gives none
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    with pytest.raises(SystemExit) as done:
        main(["--db", str(db_path), "browse", *argv, "--theme", "high-contrast"])
    assert done.value.code == 0
    (seen,) = opened
    return seen


def test_browse_opens_the_app_read_only(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COPTUI_MEMBER", raising=False)
    assert browse_as(db_path, monkeypatch, "--read-only") == (True, None)


def test_browse_names_only_a_member_handle_as_the_one_looking(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """sshd's environment= option passes COPTUI_MEMBER on unchecked; only a handle is shown."""
    monkeypatch.setenv("COPTUI_MEMBER", "ana")
    assert browse_as(db_path, monkeypatch, "--read-only") == (True, "ana")
    for forged in ("Ana;rm -rf", "ana\x1b]0;pwned\x07", "a" * 40, ""):
        monkeypatch.setenv("COPTUI_MEMBER", forged)
        assert browse_as(db_path, monkeypatch, "--read-only") == (True, None)

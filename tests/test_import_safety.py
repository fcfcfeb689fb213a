"""`coptui import`: a new file complete or absent; bad input refused in one line, leaving no file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from killing import kill_when_it_says

from coptui.cli import main
from coptui.interchange import IMPORT_LIMIT_BYTES, to_json
from coptui.models import RepertoireDocument
from coptui.store import Repertoire, RepertoireMissing


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def refused(capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes | Path) -> str:
    """Import `content` into a new file; it must fail in one line and leave nothing in the folder."""
    source = content if isinstance(content, Path) else tmp_path / "in.json"
    if not isinstance(content, Path):
        source.write_bytes(content)
    folder = tmp_path / "db"
    folder.mkdir()
    code, out, err = run(capsys, "--db", str(folder / "guild.db"), "import", str(source))
    assert (code, out) == (1, "")
    assert err.startswith("coptui: ") and err.count("\n") == 1, err
    assert list(folder.iterdir()) == []
    return err


def changed(document: RepertoireDocument, change: Any) -> bytes:
    data = document.model_dump(mode="json")
    change(data)
    return json.dumps(data).encode()


def test_an_id_too_large_to_store_is_refused(
    document: RepertoireDocument, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def huge_ids(data: dict[str, Any]) -> None:
        data["cases"][0]["id"] = 2**63
        data["notes"][0]["phase"] = 2**64

    err = refused(capsys, tmp_path, changed(document, huge_ids))
    assert "cases[0].id: must be less than or equal to 9223372036854775807" in err
    assert "notes[0].phase: must be less than or equal to 9223372036854775807" in err


@pytest.mark.parametrize("depth", [600, 100_000])
def test_deeply_nested_json_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], depth: int
) -> None:
    nested = "[" * depth + "]" * depth
    content = f'{{"format": "coptui-repertoire", "community": {{"name": {nested}}}}}'.encode()
    err = refused(capsys, tmp_path, content)
    assert "community.name: must be a valid string" in err or "nested too deeply" in err


def test_an_endless_input_is_refused_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = refused(capsys, tmp_path, Path("/dev/zero"))
    assert err == "coptui: /dev/zero: not a coptui repertoire file (not a JSON object)\n"


def test_a_file_over_the_limit_is_refused_without_reading_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = tmp_path / "huge.json"
    with huge.open("wb") as file:
        file.truncate(IMPORT_LIMIT_BYTES + 1)  # sparse: no disk, and reading it would take a while
    err = refused(capsys, tmp_path, huge)
    assert err == f"coptui: {huge}: too big to import (the limit is 1,024 MiB)\n"


def test_a_number_where_a_time_belongs_is_refused(
    document: RepertoireDocument, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def number(data: dict[str, Any]) -> None:
        data["notes"][0]["created_at"] = 12345

    err = refused(capsys, tmp_path, changed(document, number))
    assert "notes[0].created_at: must be written as a date or time" in err and "not the number 12345" in err


def test_two_live_sessions_are_refused_by_name(
    document: RepertoireDocument, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def both_live(data: dict[str, Any]) -> None:
        for session in data["sessions"]:
            session["status"] = "live"
            session["ended_at"] = None

    err = refused(capsys, tmp_path, changed(document, both_live))
    assert "sessions[1].status: sessions[0] is live already; one session is live at a time" in err
    assert "UNIQUE" not in err


def test_every_problem_is_reported_up_to_ten(
    document: RepertoireDocument, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def twelve_problems(data: dict[str, Any]) -> None:
        # Every member keeps its handle, so that nothing refers to one the file lacks.
        extra = [dict(data["members"][0], handle=f"m{i}") for i in range(12 - len(data["members"]))]
        data["members"] = [dict(member, bogus=1) for member in data["members"] + extra]

    err = refused(capsys, tmp_path, changed(document, twelve_problems))
    assert "in.json was not imported: 12 problems: members[0].bogus: is not a field of the format; " in err
    assert err.count("is not a field of the format") == 10
    assert "members[9].bogus" in err and "members[10]" not in err
    assert err.endswith("; and 2 more problems\n")


KILLED_WHILE_IMPORTING = """
import sys
from coptui.cli import main
from coptui.store import repertoire

load = repertoire.Repertoire.load

def load_then_stop(self, document):
    load(self, document)
    print("loaded, not yet renamed", flush=True)
    sys.stdin.read()  # the test kills this process here

repertoire.Repertoire.load = load_then_stop
main(sys.argv[1:])
"""


@pytest.fixture
def source(document: RepertoireDocument, tmp_path: Path) -> Path:
    path = tmp_path / "in.json"
    path.write_text(to_json(document), encoding="utf-8")
    return path


def test_importing_into_an_initialised_file_keeps_its_community(
    source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "guild.db"
    run(capsys, "--db", str(db), "init", "--name", "Nursing Circle")
    code, _, err = run(capsys, "--db", str(db), "import", str(source))
    assert code == 1 and err.startswith(f"coptui: {db} exists already; import makes a new repertoire file")
    code, out, _ = run(capsys, "--db", str(db), "export", "json")
    assert json.loads(out)["community"]["name"] == "Nursing Circle"


def test_a_killed_import_leaves_no_repertoire_behind(
    document: RepertoireDocument, source: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "guild.db"
    kill_when_it_says(
        "loaded, not yet renamed", KILLED_WHILE_IMPORTING, "--db", str(target), "import", str(source)
    )
    assert not target.exists()
    with pytest.raises(RepertoireMissing):
        Repertoire.open(target)
    # What the killed one left under its temporary name does not hold up the next import.
    code, out, _ = run(capsys, "--db", str(target), "import", str(source))
    assert (code, out) == (0, f"Imported 3 members, 2 sessions and 2 cases into {target}\n")
    with Repertoire.open(target) as imported:
        assert imported.dump() == document

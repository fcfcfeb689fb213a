"""The JSON interchange: lossless round trips, and bad files that change nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from coptui.interchange import json_schema, read_document, to_json
from coptui.models import RepertoireDocument
from coptui.store import InvalidInput, Repertoire, StoreError


def test_export_import_export_is_byte_identical(repertoire: Repertoire, tmp_path: Path) -> None:
    first = to_json(repertoire.dump())
    file = tmp_path / "export.json"
    file.write_text(first, encoding="utf-8")
    document = read_document(file)
    with Repertoire.create(tmp_path / "copy.db", document.community) as copy:
        copy.load(document)
        assert to_json(copy.dump()) == first


def version_1(document: RepertoireDocument) -> dict[str, Any]:
    """The document as a coptui before practices wrote it."""
    data = document.model_dump(mode="json")
    data["version"] = 1
    del data["practices"]
    for strategy in data["strategies"]:
        del strategy["practice"]
    return data


def exported_after_import(file: Path, tmp_path: Path) -> str:
    document = read_document(file)
    target = tmp_path / f"{file.stem}.db"
    with Repertoire.create(target, document.community) as copy:
        copy.load(document)
        return to_json(copy.dump())


def test_a_version_1_file_imports_each_strategy_as_its_own_practice(
    document: RepertoireDocument, tmp_path: Path
) -> None:
    old = write(tmp_path, version_1(document))
    first = exported_after_import(old, tmp_path)
    data = json.loads(first)
    assert data["version"] == 2
    assert [(s["id"], s["practice"]) for s in data["strategies"]] == [(1, 1), (2, 2)]
    assert [p["name"] for p in data["practices"]] == [s.text for s in document.strategies]
    # Exported again after importing that, it is the same, byte for byte.
    again = tmp_path / "again.json"
    again.write_text(first, encoding="utf-8")
    assert exported_after_import(again, tmp_path) == first


def test_a_strategy_naming_no_practice_gets_one_of_its_own_after_the_rest(
    document: RepertoireDocument, tmp_path: Path
) -> None:
    data = document.model_dump(mode="json")
    data["practices"][0]["name"] = "Tickets [for] *what* can wait 🎫"
    data["strategies"][1]["practice"] = 1
    data["practices"].pop(1)
    data["strategies"].append({**data["strategies"][1], "id": 3, "practice": None, "text": "Ask the owners"})
    exported = json.loads(exported_after_import(write(tmp_path, data), tmp_path))
    assert [(s["id"], s["practice"]) for s in exported["strategies"]] == [(1, 1), (2, 1), (3, 4)]
    assert [(p["id"], p["name"]) for p in exported["practices"]] == [
        (1, "Tickets [for] *what* can wait 🎫"),
        (4, "Ask the owners"),
    ]


def test_practices_are_checked_like_every_reference(document: RepertoireDocument, tmp_path: Path) -> None:
    data = document.model_dump(mode="json")
    data["strategies"][1]["practice"] = 9
    data["practices"][1]["id"] = 1
    data["practices"].append({"id": 3, "name": " ", "created_on": "2026-10-01"})
    assert refused(tmp_path, data)[0] == [
        "practices[1].id: 1 is used twice",
        "practices[2].name: must not be empty",
        "strategies[1].practice: 9 is not a known practice",
    ]


def test_schema_describes_the_format() -> None:
    schema = json.loads(json_schema())
    assert schema["title"] == "RepertoireDocument"
    assert {"community", "members", "cases", "report_backs"} <= set(schema["properties"])


def write(tmp_path: Path, data: object) -> Path:
    file = tmp_path / "in.json"
    file.write_text(json.dumps(data), encoding="utf-8")
    return file


def refused(tmp_path: Path, data: object) -> tuple[list[str], str]:
    """Each problem that refuses `data` as a file to import, and the one line that says them."""
    with pytest.raises(InvalidInput) as raised:
        read_document(write(tmp_path, data))
    return [str(p) for p in raised.value.problems], str(raised.value)


def test_problems_are_located_by_json_path_and_counted(document: RepertoireDocument, tmp_path: Path) -> None:
    data = document.model_dump(mode="json")
    data["cases"][1]["opened_on"] = "2026-02-30"
    data["members"][0]["handle"] = "has space"
    data["strategies"][0]["bogus"] = 1
    with pytest.raises(InvalidInput) as raised:
        read_document(write(tmp_path, data))
    message = str(raised.value)
    assert "in.json was not imported: 3 problems: members[0].handle:" in message
    assert "; cases[1].opened_on:" in message and "; strategies[0].bogus:" in message
    assert {p.path for p in raised.value.problems} == {
        "members[0].handle",
        "cases[1].opened_on",
        "strategies[0].bogus",
    }


def test_broken_references_are_each_reported(document: RepertoireDocument, tmp_path: Path) -> None:
    data = document.model_dump(mode="json")
    data["cases"][0]["presenter"] = "zed"
    data["actions"][1]["owner"] = "yan"
    assert refused(tmp_path, data)[0] == [
        "cases[0].presenter: 'zed' is not a known member",
        "actions[1].owner: 'yan' is not a known member",
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"{not json", "not valid JSON (line 1, column 2"),
        (b"\xff\xfe\x00", "not UTF-8 text"),
        (b"[1, 2]", "not a coptui repertoire file"),
        (b'{"format": "something-else"}', "not a coptui repertoire file"),
        (b'{"format": "coptui-repertoire"}', "community: is required"),
        (b'{"format": "coptui-repertoire", "version": 9, "community": {"name": "x"}}', "from a newer coptui"),
        (b'{"format": "coptui-repertoire", "version": 0, "community": {"name": "x"}}', "version:"),
    ],
)
def test_unreadable_files_get_a_clear_message(tmp_path: Path, content: bytes, expected: str) -> None:
    file = tmp_path / "in.json"
    file.write_bytes(content)
    with pytest.raises(StoreError, match=r"in\.json") as raised:
        read_document(file)
    assert expected in str(raised.value)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"nope\.json: no such file"):
        read_document(tmp_path / "nope.json")


def test_a_file_with_wrong_fields_and_broken_references_names_both_in_one_go(
    sample_file: Path, tmp_path: Path
) -> None:
    data = json.loads(sample_file.read_text(encoding="utf-8"))
    data["notes"][0]["created_at"] = 12345  # the README's example
    data["cases"][3]["presenter"] = "zed"
    data["members"][0]["role"] = "boss"  # ana's record is wrong, but ana is still a member
    data["cases"][5]["presenter"] = 12  # wrong as a field: said once, not again as a reference
    problems, message = refused(tmp_path, data)
    assert problems == [
        "members[0].role: must be 'facilitator' or 'member'",
        "cases[3].presenter: 'zed' is not a known member",
        "cases[5].presenter: must be a valid string",
        "notes[0].created_at: must be written as a date or time (like 2026-11-05T17:40:00Z), "
        "not the number 12345",
    ]
    assert message.startswith(f"{tmp_path / 'in.json'} was not imported: 4 problems: members[0]")

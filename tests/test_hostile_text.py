"""Hostile text goes in through import and the store and comes out through search, JSON and the screen."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hostile import BIG_NOTE, HOSTILE_TEXT, UNSAFE_TEXT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ui_helpers import browser, rows, settle

from coptui.interchange import read_document, to_json
from coptui.models import Case, Member, Note, RepertoireDocument
from coptui.store import Repertoire
from coptui.text import clean_text
from coptui.ui.app import CoptuiApp
from coptui.ui.sources import Section

IDS = [name for name, _ in HOSTILE_TEXT]


@pytest.mark.parametrize("text", [t for _, t in HOSTILE_TEXT], ids=IDS)
def test_hostile_text_is_stored_searched_and_exported_as_typed(repertoire: Repertoire, text: str) -> None:
    case = repertoire.add_case(
        Case(presenter="ana", title="Hostile", context=text, opened_on=date(2026, 11, 20))
    )
    note = repertoire.add_note(Note(session=1, text=text, created_at=datetime(2026, 11, 20, tzinfo=UTC)))
    assert repertoire.case(case.id or 0).context == text.strip()
    assert repertoire.notes(session=1)[-1] == note
    exported = json.loads(to_json(repertoire.dump()))
    assert exported["notes"][-1]["text"] == text.strip()
    assert isinstance(repertoire.search(text), list)


@pytest.mark.parametrize(
    ("text", "stored"), [(t, s) for _, t, s in UNSAFE_TEXT], ids=[n for n, _, _ in UNSAFE_TEXT]
)
def test_escape_sequences_and_controls_never_reach_the_store(
    repertoire: Repertoire, text: str, stored: str
) -> None:
    member = repertoire.add_member(Member(handle="zed", name=text))
    assert member.name == stored.replace("\n", " ")
    note = repertoire.add_note(Note(session=1, text=text, created_at=datetime(2026, 11, 20, tzinfo=UTC)))
    assert repertoire.notes(session=1)[-1].text == note.text == stored


def test_a_100_kb_note_round_trips(repertoire: Repertoire, tmp_path: Path) -> None:
    repertoire.add_note(Note(session=1, text=BIG_NOTE, created_at=datetime(2026, 11, 20, tzinfo=UTC)))
    file = tmp_path / "out.json"
    file.write_text(to_json(repertoire.dump()), encoding="utf-8")
    document = read_document(file)
    assert document.notes[-1].text == BIG_NOTE.strip()


async def test_hostile_titles_show_as_typed_in_the_case_list(db_path: Path) -> None:
    with Repertoire.open(db_path) as repertoire:
        for i, (_, text) in enumerate(HOSTILE_TEXT[:8]):
            repertoire.add_case(Case(presenter="ana", title=text, opened_on=date(2026, 12, 1 + i)))
        app = CoptuiApp(repertoire)
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(pilot)
            browser(app).go_section(Section.CASES)
            await settle(pilot)
            shown = rows(app)
            for i, (_, text) in enumerate(reversed(HOSTILE_TEXT[:8])):
                row = shown[i].removeprefix(f"2026-12-0{8 - i} ")
                expected = " ".join(text.split())
                assert expected.startswith(row.rstrip("…").split("  ")[0].rstrip("…")), (row, expected)
            assert app.is_running


# -- properties ------------------------------------------------------------------

handles = st.from_regex(r"[a-z][a-z0-9]{0,5}", fullmatch=True)
texts = st.text(max_size=40)


@st.composite
def repertoires(draw: st.DrawFn) -> RepertoireDocument:
    """Any small repertoire the models accept, built from arbitrary text."""
    members = draw(st.lists(handles, min_size=1, max_size=4, unique=True))
    data = {
        "community": {"name": draw(texts.filter(lambda t: clean_text(t) != "")), "domain": draw(texts)},
        "members": [{"handle": h, "name": draw(texts) or "x", "organisation": draw(texts)} for h in members],
        "sessions": [
            {"id": 1, "title": "s", "date": "2026-01-01", "facilitator": members[0], "attendees": members}
        ],
        "cases": [
            {
                "id": i + 1,
                "session": 1,
                "presenter": draw(st.sampled_from(members)),
                "title": draw(texts) or "t",
                "context": draw(texts),
                "question": draw(texts),
                "opened_on": "2026-01-01",
            }
            for i in range(draw(st.integers(0, 3)))
        ],
        "notes": [
            {"id": i + 1, "session": 1, "text": draw(texts) or "n", "created_at": "2026-01-01T10:00:00Z"}
            for i in range(draw(st.integers(0, 3)))
        ],
    }
    try:
        return RepertoireDocument.model_validate(data)
    except ValueError:
        from hypothesis import reject

        reject()


def fresh(path: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(document=repertoires())
def test_any_accepted_repertoire_survives_export_import_export(
    document: RepertoireDocument, tmp_path: Path
) -> None:
    with Repertoire.create(fresh(tmp_path / "first.db"), document.community) as first:
        first.load(document)
        exported = to_json(first.dump())
    file = tmp_path / "round.json"
    file.write_text(exported, encoding="utf-8")
    with Repertoire.create(fresh(tmp_path / "second.db"), document.community) as second:
        second.load(read_document(file))
        assert to_json(second.dump()) == exported


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=st.text(max_size=30))
def test_no_typed_query_makes_search_raise(repertoire: Repertoire, query: str) -> None:
    assert isinstance(repertoire.search(query), list)


@given(text=st.text())
def test_cleaning_text_is_idempotent(text: str) -> None:
    assert clean_text(clean_text(text)) == clean_text(text)

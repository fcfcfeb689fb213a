"""The light rows a folder export reads hold what the models of the same items hold.

The export reads rows (`coptui.store.export_rows`), not models; the pages take either.
Each field a row carries must equal the model's field of the same name, for every item
of every slice, or a page made from a slice would differ from one made from models.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from repertoire_templates import RepertoireTemplates, sample_document
from test_export import hostile_document as hostile_fields
from test_hostile_screen import hostile_document as hostile_corpus

from coptui.store import Repertoire
from coptui.store.export_rows import ExportSlice

KINDS = ("sessions", "cases", "strategies", "actions", "report_backs", "notes", "practices")


ATTENDANCE = ("attendees", "apologies", "absent", "arrived", "left")
# Read for the pages that show them (a case's own, minutes); other slices leave them empty.
SHOWN_ONLY = ("context", "question", "topics", "started_at", "ended_at")


def _only(expected: Any, part: Any) -> Any:
    """What `expected` (a list or a dict) holds of `part`, in `expected`'s order."""
    if isinstance(expected, dict):
        return {k: v for k, v in expected.items() if k in part}
    return [item for item in expected if item in part]


def assert_same_fields(row: Any, model: Any, where: str) -> None:
    for field in dataclasses.fields(row):
        value, expected = getattr(row, field.name), getattr(model, field.name)
        if field.name == "phases":
            if value:  # read for minutes only
                assert len(value) == len(expected), where
                for phase_row, phase in zip(value, expected, strict=True):
                    assert_same_fields(phase_row, phase, f"{where}.phases[{phase.position}]")
            continue
        if field.name in SHOWN_ONLY and not value:
            continue
        if field.name in ATTENDANCE:
            # Read in full for minutes; other pages read none of it, or some members' (theirs).
            assert value == _only(expected, value), f"{where}.{field.name}: {value!r} not in {expected!r}"
            continue
        assert value == expected, f"{where}.{field.name}: {value!r} != {expected!r}"
        assert type(value) is type(expected), f"{where}.{field.name}: {type(value)} != {type(expected)}"


@pytest.mark.parametrize("document", [sample_document, hostile_fields, hostile_corpus])
def test_every_row_of_every_slice_equals_its_model(
    document: Any, tmp_path: Path, repertoire_templates: RepertoireTemplates
) -> None:
    path = repertoire_templates.copy(tmp_path / "repertoire.db", document)
    with Repertoire.open(path, read_only=True) as repertoire:
        whole, reads = repertoire.dump(), repertoire.export_reads()
        models = {kind: {item.id: item for item in getattr(whole, kind)} for kind in KINDS}
        slices: list[ExportSlice] = [
            *reads.practice_slices(),
            *(run.part for run in reads.session_slices()),
            # For the register only: another process takes every run.
            *(run.part for run in reads.session_slices(take=lambda: -1)),
            *reads.case_slices(),
            *(part for _, part in reads.topic_slices()),
            *(part for _, part in reads.member_slices()),
        ]
        slices = [*slices, *(reads.with_practices(part)[0] for part in slices)]
    checked = 0
    for part in slices:
        for kind in KINDS:
            for row in getattr(part, kind):
                assert_same_fields(row, models[kind][row.id], f"{kind}[{row.id}]")
                checked += 1
    assert checked > len(models["cases"])
    assert any(session.phases for part in slices for session in part.sessions)
    assert any(session.attendees for part in slices for session in part.sessions)
    assert any(case.context and case.topics for part in slices for case in part.cases)
    started = any(session.started_at for session in models["sessions"].values())
    assert started == any(session.started_at for part in slices for session in part.sessions)

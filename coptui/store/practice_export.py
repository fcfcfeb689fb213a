"""Practices read for the exports: those a slice's strategies use, with their track records.

A page that names a strategy's practice shows its track record across the whole
repertoire, which a slice of it does not hold: the record comes from the practice's
row. A practice's own page is made from a slice that holds all its uses and report-backs.
"""

from __future__ import annotations

import json
from typing import Any

from coptui.models import Practice, RepertoireDocument
from coptui.store.base import guarded
from coptui.store.browsing import TrackRecord
from coptui.store.practices import PracticeStore
from coptui.store.rows import COLUMNS, reader

# Practices per slice of a folder export.
PRACTICES_PER_SLICE = 500


class PracticeExportReads(PracticeStore):
    """Practices for the pages of minutes and of a folder export."""

    @guarded
    def with_practice_records(
        self, document: RepertoireDocument
    ) -> tuple[RepertoireDocument, dict[int, TrackRecord]]:
        """The (partial) document with the practices its strategies use, and their track records."""
        ids = sorted({s.practice for s in document.strategies if s.practice is not None})
        read = reader(Practice, tuple(COLUMNS[Practice].split(", ")))
        found = self._practice_records(ids)
        practices = [read(columns) for columns, _ in found]
        return document.model_copy(update={"practices": practices}), {c[0]: r for c, r in found}

    def _practice_records(self, ids: list[int]) -> list[tuple[list[Any], TrackRecord]]:
        """Practices `ids`, in id order: each one's columns (as `COLUMNS[Practice]`), and its track record."""
        return [
            (
                practice,
                TrackRecord(worked=worked, partly=partly, did_not_work=did_not_work, not_tried=untried),
            )
            for *practice, worked, partly, did_not_work, untried in self.conn.execute(
                f"SELECT {COLUMNS[Practice]}, worked, partly, did_not_work, not_tried FROM practices "
                "WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
                [json.dumps(ids)],
            )
        ]

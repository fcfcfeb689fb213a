"""Practices read for the exports: those a slice's strategies use, and the practices a run at a time.

A page that names a strategy's practice shows its track record across the whole
repertoire, which a slice of it does not hold: the record comes from the practice's
row. A practice's own page is made from a slice that holds all its uses and report-backs.
"""

from __future__ import annotations

import json

from coptui.models import Action, Case, Practice, RepertoireDocument, ReportBack, Strategy
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
        ids = json.dumps(sorted({s.practice for s in document.strategies if s.practice is not None}))
        cursor = self.db.execute(
            f"SELECT {COLUMNS[Practice]}, worked, partly, did_not_work, not_tried FROM practices "
            "WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
            [ids],
        )
        read = reader(Practice, tuple(COLUMNS[Practice].split(", ")))
        practices, records = [], {}
        for *practice, worked, partly, did_not_work, not_tried in cursor.fetchall():
            practices.append(read(practice))
            records[practice[0]] = TrackRecord(
                worked=worked, partly=partly, did_not_work=did_not_work, not_tried=not_tried
            )
        return document.model_copy(update={"practices": practices}), records

    @guarded
    def _practice_ids(self, after: int, limit: int) -> list[int]:
        return [
            r[0]
            for r in self.db.execute(
                "SELECT id FROM practices WHERE id > ? ORDER BY id LIMIT ?", [after, limit]
            )
        ]

    @guarded
    def _practice_slice(self, common: RepertoireDocument, first: int, last: int) -> RepertoireDocument:
        """Practices `first` to `last`, every use of them, the cases those answer, and what was reported."""
        span = {"first": first, "last": last}
        uses = "SELECT id FROM strategies WHERE practice_id BETWEEN :first AND :last"
        tried = f"SELECT id FROM actions WHERE strategy_id IN ({uses})"
        return common.model_copy(
            update={
                "practices": self._items(
                    Practice,
                    f"SELECT {COLUMNS[Practice]} FROM practices "
                    "WHERE id BETWEEN :first AND :last ORDER BY id",
                    span,
                ),
                "strategies": self._items(
                    Strategy,
                    f"SELECT {COLUMNS[Strategy]} FROM strategies WHERE practice_id BETWEEN :first AND :last "
                    "ORDER BY id",
                    span,
                ),
                "cases": self._cases_from_rows(
                    self._rows(
                        f"SELECT {COLUMNS[Case]} FROM cases WHERE id IN "
                        f"(SELECT case_id FROM strategies WHERE id IN ({uses})) ORDER BY id",
                        span,
                    )
                ),
                "actions": self._items(
                    Action, f"SELECT {COLUMNS[Action]} FROM actions WHERE id IN ({tried}) ORDER BY id", span
                ),
                "report_backs": self._items(
                    ReportBack,
                    f"SELECT {COLUMNS[ReportBack]} FROM report_backs "
                    f"WHERE action_id IN ({tried}) ORDER BY id",
                    span,
                ),
            }
        )

"""What the browser reads about practices beyond their ranked list: the cases a practice was
tried on, and what has worked for one case, from the cases most like it."""

from __future__ import annotations

import json
from collections.abc import Iterable

from coptui.models import Case, Record
from coptui.store.base import guarded
from coptui.store.practice_records import PracticeRecord, SimilarCase
from coptui.store.practices import PracticeStore

# How many cases seen before a case's "what has worked" draws on.
SIMILAR_CONSULTED = 5


class WorkedForCase(Record):
    """What has worked for a case: the cases most like it, and the practices that helped there."""

    case: Case
    similar: list[SimilarCase]
    # Practices that worked or partly worked on a similar case or on a case sharing a topic,
    # best evidence first (their whole track record, across every case).
    practices: list[PracticeRecord]


class PracticeBrowseStore(PracticeStore):
    @guarded
    def cases_by_id(self, case_ids: Iterable[int]) -> dict[int, Case]:
        """The cases of `case_ids` that exist, by id: where a practice was tried, with their context."""
        return {case.id or 0: case for case in self._cases_by_id(json.dumps(sorted(set(case_ids))))}

    @guarded
    def what_worked_for_case(self, case_id: int, *, limit: int = 100) -> WorkedForCase:
        """The practices that helped the cases like case `case_id`: alike in words, or in topics."""
        case = self.case(case_id)
        similar = self.similar_cases(case_id, limit=SIMILAR_CONSULTED)
        helped = {record.practice.id or 0 for found in similar for record in found.practices}
        helped.update(
            row[0]
            for row in self.conn.execute(
                "SELECT DISTINCT s.practice_id FROM case_topics t "
                "JOIN report_backs r ON r.case_id = t.case_id AND r.outcome IN ('worked', 'partly') "
                "JOIN actions a ON a.id = r.action_id JOIN strategies s ON s.id = a.strategy_id "
                "WHERE t.topic IN (SELECT value FROM json_each(?)) AND t.case_id <> ?",
                [json.dumps(case.topics), case_id],
            )
        )
        records = self.practice_records(helped).values()
        ranked = sorted(
            records, key=lambda found: (-found.evidence, -found.record.tried, found.practice.id or 0)
        )
        return WorkedForCase(case=case, similar=similar, practices=ranked[:limit])

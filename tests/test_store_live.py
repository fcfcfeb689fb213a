"""The store's live-session section: a session's own cases, and the deletes behind undo."""

from __future__ import annotations

import pytest

from coptui.models import CaseStatus
from coptui.store import NotFound, Repertoire, StoreError


def test_session_cases_are_one_sessions_in_filing_order(repertoire: Repertoire) -> None:
    assert [c.id for c in repertoire.session_cases(1)] == [1]
    assert [c.id for c in repertoire.session_cases(2)] == [2]
    assert repertoire.session_cases(99) == []


def test_deletes_take_back_exactly_one_item(repertoire: Repertoire) -> None:
    repertoire.delete_note(1)
    assert [n.id for n in repertoire.notes()] == [2]
    repertoire.delete_report_back(1)
    assert repertoire.report_backs() == []
    repertoire.delete_action(2)
    assert [a.id for a in repertoire.actions()] == [1]
    assert repertoire.search("Tired after a noisy week") == [], "the search index follows"


def test_a_case_others_point_at_is_not_deleted(repertoire: Repertoire) -> None:
    with pytest.raises(StoreError):
        repertoire.delete_case(1)  # its strategies and actions point at it
    assert repertoire.case(1).title == "Alert fatigue at night"
    repertoire.delete_case(2)
    with pytest.raises(NotFound):
        repertoire.case(2)


def test_deleting_what_is_not_there_says_so(repertoire: Repertoire) -> None:
    for delete in (repertoire.delete_note, repertoire.delete_strategy, repertoire.delete_case):
        with pytest.raises(NotFound):
            delete(999)


def test_set_case_status(repertoire: Repertoire) -> None:
    repertoire.set_case_status(2, CaseStatus.REOPENED)
    assert repertoire.case(2).status is CaseStatus.REOPENED
    with pytest.raises(NotFound):
        repertoire.set_case_status(999, CaseStatus.OPEN)

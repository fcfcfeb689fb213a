"""A repertoire (or the slice of it one session needs) grouped once, so that pages are cheap to write.

Exporters read a `RepertoireDocument` (or an `ExportSlice` of rows) from the store in a few queries, then look
everything up here in memory: never a query per item.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

from coptui.models import Member, Topic
from coptui.store.browsing import TrackRecord
from coptui.store.export_rows import (
    ActionItem,
    CaseItem,
    Document,
    NoteItem,
    PracticeItem,
    ReportBackItem,
    SessionItem,
    StrategyItem,
)

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


def _group(items: Iterable[T], key: Callable[[T], K | None]) -> dict[K, list[T]]:
    groups: dict[K, list[T]] = defaultdict(list)
    for item in items:
        value = key(item)
        if value is not None:
            groups[value].append(item)
    return groups


class RepertoireIndex:
    """Items by id and grouped by what they belong to; each list keeps the document's order."""

    def __init__(self, document: Document, practice_records: dict[int, TrackRecord] | None = None) -> None:
        self.document = document
        self.community = document.community
        self.members: dict[str, Member] = {m.handle: m for m in document.members}
        self.topics: dict[str, Topic] = {t.slug: t for t in document.topics}
        self.sessions: dict[int, SessionItem] = {s.id: s for s in document.sessions if s.id is not None}
        self.cases: dict[int, CaseItem] = {c.id: c for c in document.cases if c.id is not None}
        self.strategies: dict[int, StrategyItem] = {s.id: s for s in document.strategies if s.id is not None}
        self.actions: dict[int, ActionItem] = {a.id: a for a in document.actions if a.id is not None}
        self.practices: dict[int, PracticeItem] = {p.id: p for p in document.practices if p.id is not None}
        # Given when the document is a slice of the repertoire (minutes), which holds only part of them.
        self._practice_records = practice_records

        self.cases_by_session = _group(document.cases, lambda c: c.session)
        self.cases_by_presenter = _group(document.cases, lambda c: c.presenter)
        self.cases_by_topic: dict[str, list[CaseItem]] = defaultdict(list)
        for case in document.cases:
            for slug in case.topics:
                self.cases_by_topic[slug].append(case)
        self.strategies_by_case = _group(document.strategies, lambda s: s.case)
        self.strategies_by_session = _group(document.strategies, lambda s: s.session)
        self.strategies_by_proposer = _group(document.strategies, lambda s: s.proposer)
        self.strategies_by_practice = _group(document.strategies, lambda s: s.practice)
        self.actions_by_case = _group(document.actions, lambda a: a.case)
        self.actions_by_strategy = _group(document.actions, lambda a: a.strategy)
        self.actions_by_session = _group(document.actions, lambda a: a.session)
        self.actions_by_owner = _group(document.actions, lambda a: a.owner)
        self.report_backs_by_case = _group(document.report_backs, lambda r: r.case)
        self.report_backs_by_action = _group(document.report_backs, lambda r: r.action)
        self.report_backs_by_session = _group(document.report_backs, lambda r: r.session)
        self.report_backs_by_member = _group(document.report_backs, lambda r: r.member)
        self.notes_by_session = _group(document.notes, lambda n: n.session)
        self.notes_by_case = _group(document.notes, lambda n: n.case)
        self._session_cases: dict[int, list[CaseItem]] = {}
        self.sessions_by_member: dict[str, list[SessionItem]] = defaultdict(list)
        for session in document.sessions:
            for handle in session.attendees:
                self.sessions_by_member[handle].append(session)

    def practice_record(self, practice_id: int) -> TrackRecord:
        """What was reported whenever a practice was tried, on any case."""
        if self._practice_records is None:
            self._practice_records = defaultdict(TrackRecord)
            for report in self.document.report_backs:
                action = self.actions.get(report.action or 0)
                strategy = self.strategies.get(action.strategy or 0) if action else None
                if strategy is not None and strategy.practice is not None:
                    record = self._practice_records[strategy.practice]
                    setattr(record, report.outcome.value, getattr(record, report.outcome.value) + 1)
        return self._practice_records.get(practice_id) or TrackRecord()

    def name(self, handle: str | None) -> str:
        """A member's name as people say it; the handle if the member is not known."""
        if handle is None:
            return "someone"
        member = self.members.get(handle)
        return member.name if member else f"@{handle}"

    def topic_name(self, slug: str) -> str:
        topic = self.topics.get(slug)
        return topic.name if topic else slug

    def session_cases(self, session_id: int) -> list[CaseItem]:
        """The cases a session's minutes cover: presented there, or worked on there again."""
        found = self._session_cases.get(session_id)
        if found is None:
            found = self._session_cases[session_id] = self._cases_of_session(session_id)
        return found

    def _cases_of_session(self, session_id: int) -> list[CaseItem]:
        ids: dict[int, None] = {}
        for case in self.cases_by_session.get(session_id, []):
            ids[case.id or 0] = None
        for items in (
            self.strategies_by_session.get(session_id, []),
            self.actions_by_session.get(session_id, []),
            self.notes_by_session.get(session_id, []),
        ):
            for item in items:
                if item.case is not None:
                    ids[item.case] = None
        return [self.cases[i] for i in ids if i in self.cases]

    def session_strategies(self, session_id: int, case: CaseItem) -> list[StrategyItem]:
        """The strategies for `case` the session heard: all of them where it was first presented."""
        if case.session == session_id:
            return [
                s for s in self.strategies_by_case.get(case.id or 0, []) if s.session in (session_id, None)
            ]
        return [s for s in self.strategies_by_case.get(case.id or 0, []) if s.session == session_id]

    def session_notes(self, session_id: int) -> list[NoteItem]:
        return self.notes_by_session.get(session_id, [])

    def session_report_backs(self, session_id: int) -> list[ReportBackItem]:
        return self.report_backs_by_session.get(session_id, [])

"""A repertoire (or the slice of it one session needs) grouped once, so that pages are cheap to write.

Exporters read a `RepertoireDocument` (or an `ExportSlice` of rows) from the store in a few queries, then look
everything up here in memory: never a query per item.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from functools import cached_property
from operator import attrgetter
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

    def __init__(
        self,
        document: Document,
        practice_records: dict[int, TrackRecord] | None = None,
        *,
        filed_before: Mapping[int, Sequence[int]] | None = None,
    ) -> None:
        """`filed_before` gives, for each session, the report-backs filed between meetings that its
        minutes list (see `report_backs_filed_before`)."""
        self.document = document
        self._filed_before = filed_before
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

        self._session_cases: dict[int, list[CaseItem]] = {}
        # Markdown the pages of this index repeat, each made once (see `strategy_practice`).
        self.fragments: dict[Hashable, str] = {}

    # Each grouping is made when a page first asks for it: a slice's pages use only some.

    @cached_property
    def cases_by_session(self) -> dict[int, list[CaseItem]]:
        return _group(self.document.cases, attrgetter("session"))

    @cached_property
    def cases_by_presenter(self) -> dict[str, list[CaseItem]]:
        return _group(self.document.cases, attrgetter("presenter"))

    @cached_property
    def strategies_by_case(self) -> dict[int, list[StrategyItem]]:
        return _group(self.document.strategies, attrgetter("case"))

    @cached_property
    def strategies_by_session(self) -> dict[int, list[StrategyItem]]:
        return _group(self.document.strategies, attrgetter("session"))

    @cached_property
    def strategies_by_proposer(self) -> dict[str, list[StrategyItem]]:
        return _group(self.document.strategies, attrgetter("proposer"))

    @cached_property
    def strategies_by_practice(self) -> dict[int, list[StrategyItem]]:
        return _group(self.document.strategies, attrgetter("practice"))

    @cached_property
    def actions_by_case(self) -> dict[int, list[ActionItem]]:
        return _group(self.document.actions, attrgetter("case"))

    @cached_property
    def actions_by_strategy(self) -> dict[int, list[ActionItem]]:
        return _group(self.document.actions, attrgetter("strategy"))

    @cached_property
    def actions_by_session(self) -> dict[int, list[ActionItem]]:
        return _group(self.document.actions, attrgetter("session"))

    @cached_property
    def actions_by_owner(self) -> dict[str, list[ActionItem]]:
        return _group(self.document.actions, attrgetter("owner"))

    @cached_property
    def report_backs_by_case(self) -> dict[int, list[ReportBackItem]]:
        return _group(self.document.report_backs, attrgetter("case"))

    @cached_property
    def report_backs_by_action(self) -> dict[int, list[ReportBackItem]]:
        return _group(self.document.report_backs, attrgetter("action"))

    @cached_property
    def report_backs_by_session(self) -> dict[int, list[ReportBackItem]]:
        return _group(self.document.report_backs, attrgetter("session"))

    def report_backs_filed_before(self, session_id: int) -> list[ReportBackItem]:
        """The report-backs members filed with no session live that the minutes of a session list:
        those `filed_before` gives for it (a folder export's run of sessions, whose slice also
        holds such report-backs for the pages of its cases), or else every one the document holds
        (a session's slice holds those filed before it: `Repertoire.session_slice`)."""
        if self._filed_before is None:
            return [r for r in self.document.report_backs if r.session is None]
        return [self.report_backs[i] for i in self._filed_before.get(session_id, ())]

    @cached_property
    def report_backs(self) -> dict[int, ReportBackItem]:
        return {r.id: r for r in self.document.report_backs if r.id is not None}

    @cached_property
    def report_backs_by_member(self) -> dict[str, list[ReportBackItem]]:
        return _group(self.document.report_backs, attrgetter("member"))

    @cached_property
    def notes_by_session(self) -> dict[int, list[NoteItem]]:
        return _group(self.document.notes, attrgetter("session"))

    @cached_property
    def notes_by_case(self) -> dict[int, list[NoteItem]]:
        return _group(self.document.notes, attrgetter("case"))

    @cached_property
    def cases_by_topic(self) -> dict[str, list[CaseItem]]:
        groups: dict[str, list[CaseItem]] = defaultdict(list)
        for case in self.document.cases:
            for slug in case.topics:
                groups[slug].append(case)
        return groups

    @cached_property
    def sessions_by_member(self) -> dict[str, list[SessionItem]]:
        groups: dict[str, list[SessionItem]] = defaultdict(list)
        for session in self.document.sessions:
            for handle in session.attendees:
                groups[handle].append(session)
        return groups

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

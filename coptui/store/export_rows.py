"""Light rows for the folder export: what its pages show, read from SQL without building models.

A folder export reads every item of the repertoire, most of them more than once (a case
for its own page, its session's minutes, its topics' and its presenter's pages), and a
pydantic model per row was most of its time. These rows are slotted dataclasses with
the models' field names and Python values (enums, dates, UTC datetimes), made
straight from a row's tuple: the pages read an item the same whichever it is, so the
minutes of one session and the tests, which hold models, make the same pages. Read
only: nothing here is written back, and a field no page shows is not read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Protocol

from coptui.models import (
    Action,
    ActionStatus,
    Case,
    CaseStatus,
    Community,
    Member,
    Note,
    NoteKind,
    Outcome,
    PhaseKind,
    PhaseRun,
    Practice,
    ReportBack,
    Session,
    SessionStatus,
    Strategy,
    Topic,
    ValueCycle,
)
from coptui.store.rows import timestamp, whole_number


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _moment(text: str | None) -> datetime | None:
    return None if text is None else timestamp(text)


_Day = date  # for a field named `date`

_CASE_STATUS = {s.value: s for s in CaseStatus}
_ACTION_STATUS = {s.value: s for s in ActionStatus}
_SESSION_STATUS = {s.value: s for s in SessionStatus}
_OUTCOME = {o.value: o for o in Outcome}
_VALUE_CYCLE = {v.value: v for v in ValueCycle}
_NOTE_KIND = {k.value: k for k in NoteKind}
_PHASE_KIND = {k.value: k for k in PhaseKind}


@dataclass(slots=True)
class PhaseRow:
    position: int
    kind: PhaseKind
    title: str
    timebox_minutes: int
    started_at: datetime | None
    ended_at: datetime | None
    paused_seconds: int
    extra_minutes: int

    COLUMNS = (
        "session_id, position, kind, title, timebox_minutes, started_at, ended_at, "
        "paused_seconds, extra_minutes"
    )

    @classmethod
    def read(cls, row: Sequence[Any]) -> PhaseRow:
        _, position, kind, title, timebox, started, ended, paused, extra = row
        started_at, ended_at = _moment(started), _moment(ended)
        timebox, paused, extra = whole_number(timebox), whole_number(paused), whole_number(extra)
        return cls(position, _PHASE_KIND[kind], title, timebox, started_at, ended_at, paused, extra)


@dataclass(slots=True)
class SessionRow:
    id: int
    title: str
    date: _Day
    format: str = ""
    facilitator: str = ""
    status: SessionStatus = SessionStatus.PLANNED
    started_at: datetime | None = None
    ended_at: datetime | None = None
    current_phase: int | None = None
    next_meeting: _Day | None = None
    attendees: list[str] = field(default_factory=list)
    apologies: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    arrived: dict[str, datetime] = field(default_factory=dict)
    left: dict[str, datetime] = field(default_factory=dict)
    phases: list[PhaseRow] = field(default_factory=list)

    COLUMNS = (
        "id, title, date, format, facilitator, status, started_at, ended_at, current_phase, next_meeting"
    )
    # For pages that link to a session and give its date: no times, which only its minutes show.
    BRIEF_COLUMNS = "id, title, date, format, facilitator, status, NULL, NULL, current_phase, next_meeting"

    @classmethod
    def read(cls, row: Sequence[Any]) -> SessionRow:
        i, title, day, fmt, facilitator, status, started, ended, current, next_meeting = row
        return cls(
            i,
            title,
            date.fromisoformat(day),
            fmt,
            facilitator,
            _SESSION_STATUS[status],
            _moment(started),
            _moment(ended),
            current,
            _day(next_meeting),
        )


@dataclass(slots=True)
class CaseRow:
    id: int
    title: str
    opened_on: date = date.min
    presenter: str = ""
    status: CaseStatus = CaseStatus.OPEN
    topics: list[str] = field(default_factory=list)
    session: int | None = None
    context: str = ""
    question: str = ""

    COLUMNS = "id, title, opened_on, presenter, status, session_id, context, question"
    # For pages that list cases without their text: an empty context and question.
    BRIEF_COLUMNS = "id, title, opened_on, presenter, status, session_id, '', ''"

    @classmethod
    def read(cls, row: Sequence[Any]) -> CaseRow:
        i, title, opened_on, presenter, status, session, context, question = row
        opened = date.fromisoformat(opened_on)
        return cls(i, title, opened, presenter, _CASE_STATUS[status], [], session, context, question)


@dataclass(slots=True)
class StrategyRow:
    id: int
    case: int
    session: int | None
    proposer: str
    text: str
    votes: int
    picked: bool
    practice: int | None

    COLUMNS = "id, case_id, session_id, proposer, text, votes, picked, practice_id"

    @classmethod
    def read(cls, row: Sequence[Any]) -> StrategyRow:
        i, case, session, proposer, text, votes, picked, practice = row
        return cls(i, case, session, proposer, text, votes, bool(picked), practice)


@dataclass(slots=True)
class ActionRow:
    id: int
    case: int | None
    strategy: int | None
    session: int | None
    owner: str
    text: str
    due: date | None
    status: ActionStatus

    COLUMNS = "id, case_id, strategy_id, session_id, owner, text, due, status"

    @classmethod
    def read(cls, row: Sequence[Any]) -> ActionRow:
        i, case, strategy, session, owner, text, due, status = row
        return cls(i, case, strategy, session, owner, text, _day(due), _ACTION_STATUS[status])

    def overdue_on(self, day: date) -> bool:
        """Still open on `day` with its due date gone by (as `Action.overdue_on`)."""
        return self.status is ActionStatus.OPEN and self.due is not None and self.due < day


@dataclass(slots=True)
class ReportBackRow:
    id: int
    action: int | None
    case: int | None
    session: int | None
    member: str
    outcome: Outcome
    story: str
    lesson: str
    value_cycle: ValueCycle | None
    reported_on: date

    COLUMNS = "id, action_id, case_id, session_id, member, outcome, story, lesson, value_cycle, reported_on"

    @classmethod
    def read(cls, row: Sequence[Any]) -> ReportBackRow:
        i, action, case, session, member, outcome, story, lesson, cycle, reported_on = row
        return cls(
            i,
            action,
            case,
            session,
            member,
            _OUTCOME[outcome],
            story,
            lesson,
            None if cycle is None else _VALUE_CYCLE[cycle],
            date.fromisoformat(reported_on),
        )


@dataclass(slots=True)
class NoteRow:
    id: int
    session: int
    phase: int | None
    author: str | None
    kind: NoteKind
    text: str
    case: int | None

    COLUMNS = "id, session_id, phase, author, kind, text, case_id"

    @classmethod
    def read(cls, row: Sequence[Any]) -> NoteRow:
        i, session, phase, author, kind, text, case = row
        return cls(i, session, phase, author, _NOTE_KIND[kind], text, case)


@dataclass(slots=True)
class PracticeRow:
    id: int
    name: str
    created_on: date

    COLUMNS = "id, name, created_on"

    @classmethod
    def read(cls, row: Sequence[Any]) -> PracticeRow:
        i, name, created_on = row
        return cls(i, name, date.fromisoformat(created_on))


# An item as the pages take it: a model (minutes of one session, a repertoire in memory) or a row.
SessionItem = Session | SessionRow
PhaseItem = PhaseRun | PhaseRow
CaseItem = Case | CaseRow
StrategyItem = Strategy | StrategyRow
ActionItem = Action | ActionRow
ReportBackItem = ReportBack | ReportBackRow
NoteItem = Note | NoteRow
PracticeItem = Practice | PracticeRow


class Document(Protocol):
    """What pages are made from: a `RepertoireDocument`, or an `ExportSlice` of the repertoire."""

    @property
    def community(self) -> Community: ...
    @property
    def topics(self) -> Sequence[Topic]: ...
    @property
    def members(self) -> Sequence[Member]: ...
    @property
    def sessions(self) -> Sequence[SessionItem]: ...
    @property
    def cases(self) -> Sequence[CaseItem]: ...
    @property
    def strategies(self) -> Sequence[StrategyItem]: ...
    @property
    def actions(self) -> Sequence[ActionItem]: ...
    @property
    def report_backs(self) -> Sequence[ReportBackItem]: ...
    @property
    def notes(self) -> Sequence[NoteItem]: ...
    @property
    def practices(self) -> Sequence[PracticeItem]: ...


@dataclass(slots=True)
class ExportSlice:
    """Part of the repertoire as rows: the community, topics and members, and the items of a run of pages."""

    community: Community
    topics: list[Topic]
    members: list[Member]
    sessions: list[SessionRow] = field(default_factory=list)
    cases: list[CaseRow] = field(default_factory=list)
    strategies: list[StrategyRow] = field(default_factory=list)
    actions: list[ActionRow] = field(default_factory=list)
    report_backs: list[ReportBackRow] = field(default_factory=list)
    notes: list[NoteRow] = field(default_factory=list)
    practices: list[PracticeRow] = field(default_factory=list)
    # Of a run of sessions: the report-backs filed between meetings that each one's minutes list.
    filed_before: dict[int, list[int]] = field(default_factory=dict)

    def but(self, **lists: Any) -> ExportSlice:
        """The same community, topics and members with other items."""
        return replace(self, **lists)

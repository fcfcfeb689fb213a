"""What a line in the capture box means, once read: one typed entry, or an error saying what to type."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coptui.models import Outcome, ValueCycle


@dataclass(frozen=True)
class NoteEntry:
    text: str
    author: str | None = None


@dataclass(frozen=True)
class DecisionEntry:
    text: str


@dataclass(frozen=True)
class CaseEntry:
    presenter: str
    title: str


@dataclass(frozen=True)
class CaseDetailEntry:
    field: str  # "context", "question" or "topics"
    text: str = ""
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class FocusEntry:
    case: int  # 1-based, among this session's cases


@dataclass(frozen=True)
class StrategyEntry:
    proposer: str
    text: str  # may be empty when reusing a practice: the practice's name is the text then
    practice: int | None = None  # `=N`: a use of practice N again; None: a new practice


@dataclass(frozen=True)
class VoteEntry:
    strategy: int  # 1-based, among the case in focus's strategies
    count: int = 1


@dataclass(frozen=True)
class DotEntry:
    topic: int  # 1-based, among this session's cases
    count: int = 1


@dataclass(frozen=True)
class NextTopicEntry:
    pass


@dataclass(frozen=True)
class ThumbsEntry:
    up: int
    down: int


@dataclass(frozen=True)
class PickEntry:
    strategy: int


@dataclass(frozen=True)
class ActionEntry:
    owner: str
    text: str
    due: date | None = None
    strategy: int | None = None
    due_relative: str | None = None  # a relative form (`+2w`, `fri`, `next`), read by the session


@dataclass(frozen=True)
class NextMeetingEntry:
    day: date | None = None
    relative: str | None = None  # a relative form (`+4w`, `thu`), read against today by the session


@dataclass(frozen=True)
class ReportEntry:
    outcome: Outcome
    matter: int | None = None  # 1-based, among the matters arising
    member: str | None = None  # for an attendee reporting with no open action
    story: str = ""
    lesson: str = ""
    value_cycle: ValueCycle | None = None
    resolves_case: bool = False  # the presenter says the case is resolved


@dataclass(frozen=True)
class ResolvedEntry:
    matter: int  # 1-based, among the matters arising


@dataclass(frozen=True)
class AbsentEntry:
    handle: str


@dataclass(frozen=True)
class ArrivedEntry:
    handle: str


@dataclass(frozen=True)
class LeftEntry:
    handle: str


@dataclass(frozen=True)
class NewcomerEntry:
    handle: str
    name: str


@dataclass(frozen=True)
class UndoEntry:
    pass


@dataclass(frozen=True)
class EntryError:
    message: str


Entry = (
    NoteEntry
    | DecisionEntry
    | CaseEntry
    | CaseDetailEntry
    | FocusEntry
    | StrategyEntry
    | VoteEntry
    | DotEntry
    | NextTopicEntry
    | ThumbsEntry
    | PickEntry
    | ActionEntry
    | ReportEntry
    | AbsentEntry
    | ArrivedEntry
    | LeftEntry
    | NewcomerEntry
    | NextMeetingEntry
    | ResolvedEntry
    | UndoEntry
)

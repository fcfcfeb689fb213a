"""The vocabulary every layer shares: a community's domain, its members and its practice.

Models validate one item on its own (a handle's form, an empty title, a date that
is not a date). Whether a reference points at something that exists is a question
about a whole repertoire, answered by `RepertoireDocument` and by the store's
foreign keys.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Final, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticCustomError

from coptui.text import clean_line, clean_text

Day = date  # inside Session, a field named `date` hides the type
FORMAT_NAME: Final = "coptui-repertoire"
# Version 2 added practices; a file of version 1 still reads (each strategy its own practice).
FORMAT_VERSION: Final = 2


def _as_str(clean: Any) -> Any:
    def validator(value: Any) -> Any:
        return clean(value) if isinstance(value, str) else value

    return validator


def in_utc(value: datetime) -> datetime:
    """Timestamps are kept in UTC; a naive one is taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


Handle = Annotated[
    str,
    BeforeValidator(lambda v: v.strip().lstrip("@").lower() if isinstance(v, str) else v),
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{0,31}$"),
    Field(description="A member's handle: lower-case letters, digits, '.', '_' or '-'."),
]
Slug = Annotated[
    str,
    BeforeValidator(lambda v: v.strip().lstrip("#").lower() if isinstance(v, str) else v),
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,47}$"),
    Field(description="A topic's slug: lower-case letters, digits and '-'."),
]
# Lengths come first so that pydantic checks them as a string's ("at most 300 characters",
# not "items"); the cleaning still runs before them, as every before-validator does.
Title = Annotated[str, StringConstraints(min_length=1, max_length=300), BeforeValidator(_as_str(clean_line))]
Line = Annotated[str, StringConstraints(max_length=300), BeforeValidator(_as_str(clean_line))]
Text = Annotated[str, StringConstraints(max_length=200_000), BeforeValidator(_as_str(clean_text))]
RequiredText = Annotated[
    str, StringConstraints(min_length=1, max_length=200_000), BeforeValidator(_as_str(clean_text))
]


def not_a_number(value: Any) -> Any:
    """A date or time must be written as one: pydantic would read 12345 as seconds since 1970."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(
            f"must be written as a date or time (like 2026-11-05T17:40:00Z), not the number {value}"
        )
    return value


# The largest integer SQLite stores: a larger id or count cannot be filed.
LARGEST: Final = 2**63 - 1
Timestamp = Annotated[datetime, BeforeValidator(not_a_number), AfterValidator(in_utc)]
ItemId = Annotated[int, Field(gt=0, le=LARGEST)]
Count = Annotated[int, Field(ge=0, le=LARGEST)]


class Role(StrEnum):
    FACILITATOR = "facilitator"
    MEMBER = "member"


class SessionStatus(StrEnum):
    PLANNED = "planned"
    LIVE = "live"
    CLOSED = "closed"
    ABANDONED = "abandoned"  # given up part-way: closed, with everything filed in it kept


class PhaseKind(StrEnum):
    CHECK_IN = "check_in"
    PROBLEM_SHARING = "problem_sharing"
    PROBLEM_SOLVING = "problem_solving"
    REPORT_BACK = "report_back"


class NoteKind(StrEnum):
    NOTE = "note"
    CHECK_IN = "check_in"
    DECISION = "decision"


class CaseStatus(StrEnum):
    OPEN = "open"
    IN_TRIAL = "in_trial"
    REPORTED = "reported"
    RESOLVED = "resolved"
    REOPENED = "reopened"

    @property
    def label(self) -> str:
        """How the screen, the minutes and the help say it: 'in trial'."""
        return self.value.replace("_", " ")

    @property
    def marked(self) -> str:
        """The label behind its mark, as the browser shows it: '◔ in trial'."""
        return f"{_CASE_STATUS_MARKS[self]} {self.label}"


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return self.value


class Outcome(StrEnum):
    WORKED = "worked"
    PARTLY = "partly"
    DID_NOT_WORK = "did_not_work"
    NOT_TRIED = "not_tried"

    @property
    def label(self) -> str:
        """How the screen and the minutes say it: 'partly worked'."""
        return "partly worked" if self is Outcome.PARTLY else self.value.replace("_", " ")

    @property
    def mark(self) -> str:
        """'◐': how a track record counts it."""
        return _OUTCOME_MARKS[self]

    @property
    def marked(self) -> str:
        """The label behind its mark: '◐ partly worked'."""
        return f"{self.mark} {self.label}"

    @property
    def typed(self) -> str:
        """The word a facilitator types for it after `#report`: 'did-not-work'."""
        return self.value.replace("_", "-")


# ◐ is an outcome's alone (partly worked): the track records shown beside cases count with it.
_CASE_STATUS_MARKS = {
    CaseStatus.OPEN: "●",
    CaseStatus.IN_TRIAL: "◔",
    CaseStatus.REPORTED: "◑",
    CaseStatus.RESOLVED: "✓",
    CaseStatus.REOPENED: "○",
}
_OUTCOME_MARKS = {Outcome.WORKED: "✓", Outcome.PARTLY: "◐", Outcome.DID_NOT_WORK: "✗", Outcome.NOT_TRIED: "…"}


class ValueCycle(StrEnum):
    """Wenger-Trayner's value-creation cycles, for what a report-back says was gained."""

    IMMEDIATE = "immediate"
    POTENTIAL = "potential"
    APPLIED = "applied"
    REALIZED = "realized"
    REFRAMING = "reframing"


class CommandKind(StrEnum):
    """What a facilitator can do in a live session: type an entry, or press one of the session keys."""

    ENTRY = "entry"  # a line typed and Entered
    NEXT_PHASE = "next_phase"
    PREVIOUS_PHASE = "previous_phase"
    JUMP = "jump"  # to the phase whose position is the command's text
    PAUSE = "pause"
    EXTEND = "extend"
    UNDO = "undo"
    SHUFFLE = "shuffle"
    END = "end"
    ABANDON = "abandon"  # after the facilitator said yes to giving the session up
    REVEAL_VOTES = "reveal_votes"  # participants' private dots on the case in focus
    TAKE_BACK = "take_back"  # a participant's entry, whose id is the command's text


class Record(BaseModel):
    """The base of coptui's pydantic models: each one's validator is built when first used, not
    on import, so a screen pays only for the models it validates (reading rows builds none)."""

    model_config = ConfigDict(defer_build=True)

    @classmethod
    def build_every_validator(cls) -> None:
        """Build now what `defer_build` leaves for first use, for this model and every one below it:
        the SSH fork server does it once, so each forked browser shares the validators."""
        cls.model_rebuild(force=True)
        for model in cls.__subclasses__():
            model.build_every_validator()


class Command(Record):
    """One thing the facilitator did, as it reached the app; `id` once it is in the capture journal."""

    model_config = ConfigDict(frozen=True)

    kind: CommandKind
    text: str = ""
    pressed_at: Timestamp
    id: ItemId | None = None
    record_key: str | None = None  # unique to this command: its copy beside the file is journalled once
    # For a plain check-in line: whose check-in the capture box named as Enter was pressed, so
    # that it is theirs however long the line waits to be filed. None: the next at filing (as before).
    speaker: str | None = None
    # The phase (its position) the screen showed as Enter was pressed: the line is filed there, as a
    # check-in or a note as that phase has it, however long it waits. None: the phase at filing.
    phase: int | None = None
    # The case in focus (its id) the screen showed as Enter was pressed: a member's vote, strategy
    # or note goes to that case even when the facilitator changes focus before it is filed.
    focus: int | None = None


class Model(Record):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, use_enum_values=False)


class NewFieldsModel(Model):
    """A model whose fields added after the format's first version are written only when set.

    Files written before those fields existed then export byte for byte as they were
    imported, and a file that sets them carries them.
    """

    WRITTEN_WHEN_SET: ClassVar[frozenset[str]] = frozenset()

    @model_serializer(mode="wrap")
    def _drop_unset_new_fields(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        for name in self.WRITTEN_WHEN_SET:
            if name in data and not data[name]:
                del data[name]
        return data


class Community(Model):
    name: Title
    domain: Text = ""


class Topic(Model):
    slug: Slug
    name: Title
    description: Text = ""


class Member(NewFieldsModel):
    WRITTEN_WHEN_SET = frozenset({"left_on"})

    handle: Handle
    name: Title
    role: Role = Role.MEMBER
    organisation: Line = ""
    left_on: date | None = Field(
        default=None, description="The day they left the community; what they filed stays theirs."
    )


class PhaseRun(Model):
    """One phase of a session as run: its timer is kept as timestamps so it survives a restart."""

    position: Count
    kind: PhaseKind
    title: Title
    timebox_minutes: Annotated[int, Field(ge=1, le=600)]
    prompt: Text = ""
    started_at: Timestamp | None = None
    ended_at: Timestamp | None = None
    paused_at: Timestamp | None = None
    paused_seconds: Count = 0
    extra_minutes: Annotated[int, Field(ge=0, le=600)] = 0


class Session(NewFieldsModel):
    WRITTEN_WHEN_SET = frozenset({"arrived", "left", "next_meeting"})

    id: ItemId | None = None
    title: Title
    date: date
    format: Line = "cop-meeting"
    facilitator: Handle
    attendees: list[Handle] = []
    apologies: list[Handle] = []
    absent: list[Handle] = Field(default=[], description="Expected, but not there on the day.")
    arrived: dict[Handle, Timestamp] = Field(
        default={}, description="Attendees who came after the session started, and when."
    )
    left: dict[Handle, Timestamp] = Field(
        default={}, description="Attendees who left before the session ended, and when."
    )
    status: SessionStatus = SessionStatus.PLANNED
    started_at: Timestamp | None = None
    ended_at: Timestamp | None = None
    current_phase: Count | None = None
    phases: list[PhaseRun] = []
    next_meeting: Day | None = Field(default=None, description="The date set for the next meeting.")

    @model_validator(mode="after")
    def _phases_in_order(self) -> Session:
        if [p.position for p in self.phases] != list(range(len(self.phases))):
            raise ValueError("phase positions must run 0, 1, 2, … in order")
        if self.current_phase is not None and self.current_phase >= len(self.phases):
            raise ValueError(f"current_phase {self.current_phase} is not one of the session's phases")
        seen: dict[str, str] = {}
        for field in ("attendees", "apologies", "absent"):
            for handle in getattr(self, field):
                if handle in seen:
                    where = (
                        "twice in " + field
                        if seen[handle] == field
                        else f"in both {seen[handle]} and {field}"
                    )
                    raise ValueError(f"{handle} is listed {where}")
                seen[handle] = field
        for field in ("arrived", "left"):
            strangers = [h for h in getattr(self, field) if h not in self.attendees]
            if strangers:
                raise ValueError(f"{strangers[0]} is in {field} but not among the attendees")
        return self


class Note(Model):
    id: ItemId | None = None
    session: ItemId
    phase: Count | None = None
    author: Handle | None = None
    kind: NoteKind = NoteKind.NOTE
    text: RequiredText
    case: ItemId | None = None
    created_at: Timestamp


class Case(NewFieldsModel):
    WRITTEN_WHEN_SET = frozenset({"dots", "discussed_at", "extra_minutes"})

    id: ItemId | None = None
    session: ItemId | None = None
    presenter: Handle
    title: Title
    context: Text = ""
    question: Text = ""
    topics: list[Slug] = []
    status: CaseStatus = CaseStatus.OPEN

    @model_validator(mode="after")
    def _topics_once(self) -> Case:
        if len(set(self.topics)) != len(self.topics):
            raise ValueError("a topic is listed twice")
        return self

    opened_on: date
    dots: Count = Field(default=0, description="Lean Coffee: the dots the group put on it as a topic.")
    discussed_at: Timestamp | None = Field(
        default=None,
        description="Lean Coffee: when the group began discussing it; its timebox runs from here.",
    )
    extra_minutes: Annotated[int, Field(ge=0, le=600)] = Field(
        default=0, description="Lean Coffee: minutes added to its timebox by thumbs up."
    )


class Practice(Model):
    """A way of addressing a problem that the community can try more than once.

    Each strategy proposed for a case is one use of a practice; its track record is every
    report-back on the actions taken under any of its strategies.
    """

    id: ItemId | None = None
    name: RequiredText
    created_on: date = Field(description="The day of its first use.")


class Strategy(NewFieldsModel):
    WRITTEN_WHEN_SET = frozenset({"practice"})

    id: ItemId | None = None
    case: ItemId
    session: ItemId | None = None
    proposer: Handle
    text: RequiredText
    votes: Count = 0
    picked: bool = False
    practice: ItemId | None = Field(
        default=None, description="The practice this strategy is a use of; a new one of its own if left out."
    )


class Action(Model):
    id: ItemId | None = None
    case: ItemId | None = None
    strategy: ItemId | None = None
    session: ItemId | None = None
    owner: Handle
    text: RequiredText
    due: date | None = None
    status: ActionStatus = ActionStatus.OPEN

    def overdue_on(self, day: date) -> bool:
        """Still open on `day` with its due date gone by."""
        return self.status is ActionStatus.OPEN and self.due is not None and self.due < day


class ReportBack(Model):
    id: ItemId | None = None
    action: ItemId | None = None
    case: ItemId | None = None
    session: ItemId | None = None
    member: Handle
    outcome: Outcome
    story: Text = ""
    lesson: Text = ""
    value_cycle: ValueCycle | None = None
    reported_on: date


class Problem(Record):
    """One thing wrong with an input, located by its path (`cases[3].presenter`)."""

    path: str
    message: str

    @staticmethod
    def path_of(loc: tuple[int | str, ...]) -> str:
        """A pydantic error location as a path a person reads: `cases[3].presenter`."""
        path = ""
        for part in loc:
            path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
        return path

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class RepertoireDocument(Model):
    """The interchange format: a whole repertoire, members by handle, items by stable id."""

    format: Literal["coptui-repertoire"] = FORMAT_NAME
    version: Literal[1, 2] = FORMAT_VERSION
    community: Community
    topics: list[Topic] = []
    members: list[Member] = []
    sessions: list[Session] = []
    cases: list[Case] = []
    practices: list[Practice] = Field(
        default=[], description="Since version 2. A strategy that names none is a practice of its own."
    )
    strategies: list[Strategy] = []
    actions: list[Action] = []
    report_backs: list[ReportBack] = []
    notes: list[Note] = []

    @model_validator(mode="after")
    def _references_resolve(self) -> RepertoireDocument:
        problems = self.reference_problems()
        if problems:
            raise PydanticCustomError(
                "broken_reference",
                "{first}",
                {"first": str(problems[0]), "problems": [p.model_dump() for p in problems]},
            )
        return self

    def reference_problems(self) -> list[Problem]:
        """Every reference that points at nothing, and every id that is missing or used twice."""
        problems: list[Problem] = []

        def unique(section: str, keys: list[Any], field: str) -> set[Any]:
            seen: set[Any] = set()
            for i, key in enumerate(keys):
                if key is None:
                    problems.append(Problem(path=f"{section}[{i}].{field}", message="an id is required"))
                elif key in seen:
                    problems.append(Problem(path=f"{section}[{i}].{field}", message=f"{key!r} is used twice"))
                seen.add(key)
            return seen

        handles = unique("members", [m.handle for m in self.members], "handle")
        slugs = unique("topics", [t.slug for t in self.topics], "slug")
        session_ids = unique("sessions", [s.id for s in self.sessions], "id")
        case_ids = unique("cases", [c.id for c in self.cases], "id")
        practice_ids = unique("practices", [p.id for p in self.practices], "id")
        strategy_ids = unique("strategies", [s.id for s in self.strategies], "id")
        action_ids = unique("actions", [a.id for a in self.actions], "id")
        unique("report_backs", [r.id for r in self.report_backs], "id")
        unique("notes", [n.id for n in self.notes], "id")
        live = [i for i, s in enumerate(self.sessions) if s.status is SessionStatus.LIVE]
        problems.extend(
            Problem(
                path=f"sessions[{i}].status",
                message=f"sessions[{live[0]}] is live already; one session is live at a time",
            )
            for i in live[1:]
        )
        strategy_case = {s.id: s.case for s in self.strategies}
        action_case = {a.id: a.case for a in self.actions}
        phase_counts = {s.id: len(s.phases) for s in self.sessions}

        def check(path: str, value: Any, known: set[Any], what: str) -> None:
            if value is not None and value not in known:
                problems.append(Problem(path=path, message=f"{value!r} is not a known {what}"))

        for i, s in enumerate(self.sessions):
            check(f"sessions[{i}].facilitator", s.facilitator, handles, "member")
            for field in ("attendees", "apologies", "absent"):
                for j, handle in enumerate(getattr(s, field)):
                    check(f"sessions[{i}].{field}[{j}]", handle, handles, "member")
        for i, c in enumerate(self.cases):
            check(f"cases[{i}].presenter", c.presenter, handles, "member")
            check(f"cases[{i}].session", c.session, session_ids, "session")
            for j, slug in enumerate(c.topics):
                check(f"cases[{i}].topics[{j}]", slug, slugs, "topic")
        for i, st in enumerate(self.strategies):
            check(f"strategies[{i}].case", st.case, case_ids, "case")
            check(f"strategies[{i}].proposer", st.proposer, handles, "member")
            check(f"strategies[{i}].session", st.session, session_ids, "session")
            check(f"strategies[{i}].practice", st.practice, practice_ids, "practice")
        for i, a in enumerate(self.actions):
            check(f"actions[{i}].owner", a.owner, handles, "member")
            check(f"actions[{i}].case", a.case, case_ids, "case")
            check(f"actions[{i}].strategy", a.strategy, strategy_ids, "strategy")
            check(f"actions[{i}].session", a.session, session_ids, "session")
            if a.strategy in strategy_case and a.case is not None and strategy_case[a.strategy] != a.case:
                problems.append(
                    Problem(
                        path=f"actions[{i}].strategy",
                        message=f"strategy {a.strategy} belongs to case {strategy_case[a.strategy]}, "
                        f"not case {a.case}",
                    )
                )
        for i, r in enumerate(self.report_backs):
            check(f"report_backs[{i}].member", r.member, handles, "member")
            check(f"report_backs[{i}].action", r.action, action_ids, "action")
            check(f"report_backs[{i}].case", r.case, case_ids, "case")
            check(f"report_backs[{i}].session", r.session, session_ids, "session")
            owning_case = action_case.get(r.action)
            if r.case is not None and owning_case not in (None, r.case):
                problems.append(
                    Problem(
                        path=f"report_backs[{i}].case",
                        message=f"action {r.action} belongs to case {owning_case}, not case {r.case}",
                    )
                )
        for i, n in enumerate(self.notes):
            check(f"notes[{i}].session", n.session, session_ids, "session")
            check(f"notes[{i}].author", n.author, handles, "member")
            check(f"notes[{i}].case", n.case, case_ids, "case")
            count = phase_counts.get(n.session)
            if n.phase is not None and count is not None and n.phase >= count:
                problems.append(
                    Problem(path=f"notes[{i}].phase", message=f"session {n.session} has no phase {n.phase}")
                )
        return problems

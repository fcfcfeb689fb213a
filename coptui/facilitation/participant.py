"""A participant: a member taking part in the live session from their own terminal.

The API the participant screen, `coptui join` and `coptui serve --participants` build on:

    participant = Participant.join(repertoire, "sam", via="ssh")   # or raises ParticipationRefused
    Participant.may_join(repertoire, "sam")   # -> None, or the ParticipationRefused join would raise now
    participant.enter("#strategy route low-urgency alerts to tickets")     # -> EntryResult
    participant.perform(command)    # a journalled Command: the `Recorder` path, nothing lost
    participant.view()              # -> ParticipantView: phase, prompt, timer, what is filed, dots left
    participant.my_actions()        # -> list[MyAction]: their own open actions
    participant.report_back(action_id, "worked", "story")                  # -> EntryResult
    MemberActions(repertoire, "sam").report_back(...)                      # between meetings

The keys of a participant go through `coptui.facilitation.recorder.Recorder` with a
`CaptureJournal(path, member="sam")`: the journal rows carry the member, so the facilitator's
resume never replays them and a participant's replays only theirs.

What a participant may write, and nothing else; the rights are checked here, inside the
transaction that files, against the session as it is in the file at that moment:

- their own check-in (plain text in a check-in phase);
- a case they present (`#case title`, in problem sharing), and its context, question, topics;
- strategies for the case in focus, proposed by themselves (`#strategy text`, in problem solving);
- their own dot votes (`#vote N [dots]`): private, `dots_per_case` a case (the session format's),
  hidden from everyone, the facilitator included, until `LiveSession.reveal_votes()`;
- notes authored by themselves (plain text in any phase);
- report-backs on their own open actions: in a live session `#report N outcome story`, N their
  matter arising as the facilitator's screen numbers it (`view().my_matters`), and at any time,
  also between meetings, `report_back(action_id, ...)`;
- `#undo` of the last thing they filed.

Everything else (phases, timers, attendance, the case in focus, filing as `@someone-else`,
taking back what is not theirs, anything once the session is over) is refused with one line,
and nothing is written. Every refusal and every entry is an `EntryResult`.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from coptui.counts import plural
from coptui.facilitation.clock import Clock, SystemClock
from coptui.facilitation.focus import case_in_focus, own_case
from coptui.facilitation.joining import (
    VIAS,
    ParticipationRefused,
    closed_said,
    handle_of,
    not_attending,
    session_to_join,
)
from coptui.facilitation.matters import MatterArising, MattersReader, reported_already
from coptui.facilitation.my_actions import MemberActions, MyAction
from coptui.facilitation.practice_reuse import reuse_said, strategy_for
from coptui.facilitation.speaking import has_checked_in, where_entered
from coptui.facilitation.strategy_numbers import NumberedView, StrategyNumbers
from coptui.facilitation.tags import (
    CaseDetailEntry,
    CaseEntry,
    Entry,
    EntryError,
    NoteEntry,
    ReportEntry,
    StrategyEntry,
    UndoEntry,
    VoteEntry,
    parse_entry,
    tag_of,
)
from coptui.facilitation.taking_back import take_back
from coptui.facilitation.timer import PhaseTimer, TimerAlert
from coptui.facilitation.view import EntryResult
from coptui.formats import SessionFormat, format_settings
from coptui.models import (
    Action,
    Case,
    Command,
    CommandKind,
    Note,
    NoteKind,
    PhaseKind,
    PhaseRun,
    ReportBack,
    Session,
    SessionStatus,
    Topic,
)
from coptui.store import InvalidInput, Repertoire, StoreError
from coptui.store.participants import Arrival, ParticipantEntry

DEFAULT_DOTS_PER_CASE: int = SessionFormat.model_fields["dots_per_case"].default

# What only the facilitator does, by tag, as a participant is told when they try: before the
# rest of the line is read, so they are not taught how to write a line they may not file.
_FACILITATOR_TAGS: dict[str, str] = {
    "decision": "records decisions",
    "focus": "chooses the case in focus",
    "pick": "records the presenter's pick",
    "action": "records the actions agreed",
    "dot": "records the dots on Lean Coffee topics",
    "next-topic": "moves on to the next topic",
    "thumbs": "records the thumbs vote",
    "resolved": "records a case as resolved",
    "absent": "keeps the attendance",
    "arrived": "keeps the attendance",
    "left": "keeps the attendance",
    "newcomer": "adds new members",
    "next": "sets the next meeting",
}
_FACILITATOR_COMMANDS: dict[CommandKind, str] = {
    CommandKind.NEXT_PHASE: "moves through the phases",
    CommandKind.PREVIOUS_PHASE: "moves through the phases",
    CommandKind.JUMP: "moves through the phases",
    CommandKind.PAUSE: "runs the timer",
    CommandKind.EXTEND: "runs the timer",
    CommandKind.SHUFFLE: "sets the speaking order",
    CommandKind.END: "ends the session",
    CommandKind.ABANDON: "ends the session",
}
# Tags whose first word is a member: a participant may leave it out, and means themselves.
_SELF_TAG = re.compile(r"^#(case|strategy)(\s+)(?!@)", re.IGNORECASE)


class _FocusGone(Exception):
    """The case in focus as a line was Entered is no longer in the session: the line is not filed."""


@dataclass(frozen=True)
class ParticipantView(NumberedView):
    """What a participant's screen shows, read in one go."""

    member: str
    member_names: dict[str, str]
    session: Session
    remaining_seconds: int  # the phase timer, read-only for a participant
    paused: bool
    alert: TimerAlert
    cases: tuple[Case, ...]  # brought this session
    focus: Case | None
    numbers: StrategyNumbers  # the case in focus's strategies; votes count private dots once revealed
    votes_revealed: bool
    my_votes: dict[int, int]  # strategy id: this member's dots on it
    dots_per_case: int
    notes: tuple[Note, ...]  # of the current phase
    reports: tuple[ReportBack, ...]  # given this session
    my_actions: tuple[MyAction, ...]
    closed: bool
    taken_back: tuple[ParticipantEntry, ...] = ()  # this member's entries taken back, by anyone
    # In report-back: this member's matters arising, numbered as the facilitator's screen numbers
    # them (the numbers `#report N` takes); those reported on stay, with their report.
    my_matters: tuple[MatterArising, ...] = ()
    actions: tuple[Action, ...] = ()  # in problem solving: agreed this session, for every case

    @staticmethod
    def typed(entry: ParticipantEntry) -> str:
        """The line that filed a taken-back entry, to give back to its member."""
        return str(entry.undo.get("typed", ""))

    @property
    def phase(self) -> PhaseRun:
        return self.session.phases[self.session.current_phase or 0]

    @property
    def prompt(self) -> str:
        return self.phase.prompt

    @property
    def dots_left(self) -> int:
        return max(0, self.dots_per_case - sum(self.my_votes.values())) if self.focus else 0


class Participant:
    """One member's side of the live session: what they may file, checked below any screen."""

    def __init__(
        self, repertoire: Repertoire, session: Session, member: str, clock: Clock | None = None
    ) -> None:
        assert session.id is not None
        self.repertoire = repertoire
        self.session_id: int = session.id
        self.member = member
        self.clock: Clock = clock or SystemClock()
        self.member_names = {m.handle: m.name for m in repertoire.members()}
        self.dots_per_case = dots_per_case(session)
        self.actions = MemberActions(repertoire, member, self.clock)
        self.matters = MattersReader(repertoire)
        self._lock = threading.RLock()
        self._typed = ""  # the line being filed, kept with its entry so that an undo gives it back
        self.joined_before: Arrival | None = None  # this member's last arrival before this join
        self.arrival: Arrival | None = None  # this join's own
        self._pressed_at: datetime | None = None  # when the line being filed was Entered; None: now
        self._focus_at_enter: int | None = None  # the case in focus as it was Entered; None: now
        self._focus_said = ""  # how a reply names that case when it is no longer in focus

    @classmethod
    def join(
        cls,
        repertoire: Repertoire,
        handle: str,
        *,
        via: str,
        clock: Clock | None = None,
        arrived: Arrival | None = None,
    ) -> Participant:
        """Join the live session as `handle`; the arrival is filed for the facilitator to see.
        `arrived`: the arrival an earlier try of this same join filed before it failed (a full
        disk, say): retried, the join files no second one, which would read as a second terminal."""
        clock = clock or SystemClock()
        if via not in VIAS:
            raise ParticipationRefused(f"joining is over {' or '.join(VIAS)}, not {via!r}")
        member = handle_of(handle)
        session = session_to_join(repertoire, member, clock)
        assert session.id is not None
        before = [a for a in repertoire.arrivals(session.id) if a.member == member]
        if arrived is not None and arrived.id in {a.id for a in before}:
            before = [a for a in before if a.id != arrived.id]
        else:
            arrived = repertoire.record_arrival(session.id, member, via, clock.now())
        participant = cls(repertoire, session, member, clock)
        participant.joined_before = before[-1] if before else None
        participant.arrival = arrived
        return participant

    @staticmethod
    def may_join(
        repertoire: Repertoire, handle: str, clock: Clock | None = None
    ) -> ParticipationRefused | None:
        """Why `handle` could not join just now, or None when they could; it only reads."""
        try:
            session_to_join(repertoire, handle_of(handle), clock or SystemClock())
        except ParticipationRefused as refused:
            return refused
        return None

    # -- filing, as typed or as journalled -------------------------------------------------

    def perform(self, command: Command) -> EntryResult:
        """Carry out one journalled command and settle its journal row, in one transaction."""
        if command.id is None:
            raise ValueError("a command is carried out only once it is journalled")
        with self._lock, self.repertoire.settling_transaction():
            settled = self.repertoire.settled_result(command.id)
            if settled is not None:  # carried out by another process (the facilitator's, for one gone)
                return EntryResult(*settled)
            result = self._carry_out(command)
            self.repertoire.settle_command(
                command.id, filed=result.ok, message=result.message, at=self.clock.now()
            )
            return result

    def _carry_out(self, command: Command) -> EntryResult:
        match command.kind:
            case CommandKind.ENTRY:
                return self._enter(command.text, command.pressed_at, command.phase, command.focus)
            case CommandKind.UNDO:
                return self._undo()
            case kind:
                return EntryResult(
                    False, f"only the facilitator {_FACILITATOR_COMMANDS.get(kind, 'does that')}"
                )

    def enter(self, text: str) -> EntryResult:
        """File what was typed, or say why not; all of it in one transaction, nothing on a refusal."""
        with self._lock, self.repertoire.transaction():
            return self._enter(text)

    def _enter(
        self,
        text: str,
        pressed_at: datetime | None = None,
        phase: int | None = None,
        focus: int | None = None,
    ) -> EntryResult:
        """`phase` and `focus`: the phase and the case in focus the member's screen showed as they
        Entered it; the line is filed there."""
        session = self._session()
        if isinstance(session, EntryResult):
            return session
        where = ""
        if phase is not None and 0 <= phase < len(session.phases):
            where = where_entered(session, phase)
            session = session.model_copy(update={"current_phase": phase})  # as the member saw it
        self._typed = text.strip()
        tag = tag_of(text)
        if tag in _FACILITATOR_TAGS:
            return EntryResult(False, f"only the facilitator {_FACILITATOR_TAGS[tag]}")
        text = _SELF_TAG.sub(lambda m: f"#{m.group(1)}{m.group(2)}@{self.member} ", text.strip(), count=1)
        entry = parse_entry(text, self.member_names, self._today())
        if isinstance(entry, EntryError):
            return EntryResult(False, entry.message)
        if isinstance(entry, UndoEntry):
            return self._undo()
        refusal = self._refusal(entry, session)
        if isinstance(entry, VoteEntry) and where:  # the dots are counted as problem solving ends
            refusal = "not counted: problem solving had ended when your vote reached the file"
        if refusal is not None:
            return EntryResult(False, refusal)
        self._pressed_at = pressed_at
        self._focus_at_enter, self._focus_said = focus, ""
        try:
            with self.repertoire.transaction():  # a savepoint: a refusal part-way leaves nothing behind
                filed = self._file(entry, session)
        except _FocusGone:
            return EntryResult(False, "not filed: the case in focus as you Entered it has been taken back")
        except InvalidInput as error:
            return EntryResult(False, f"not filed: {error.problems[0]}")
        except ValidationError as error:
            return EntryResult(False, f"not filed: {error.errors()[0]['msg']}")
        return replace(filed, message=f"{filed.message}{self._focus_said}{where}") if filed.ok else filed

    def _session(self) -> Session | EntryResult:
        """The session as it stands in the file, or why this participant can file nothing in it."""
        session = self.repertoire.session(self.session_id)
        if session.status is not SessionStatus.LIVE:
            return EntryResult(False, closed_said(session))
        refusal = not_attending(session, self.member)
        return session if refusal is None else EntryResult(False, refusal)

    def _refusal(self, entry: Entry, session: Session) -> str | None:
        """Why this participant may not file `entry` now; None when they may."""
        someone = _named(entry)
        if someone is not None and someone != self.member:
            return f"you file as yourself (@{self.member}) only, not as @{someone}"
        phase = session.phases[session.current_phase or 0]
        match entry:
            case CaseEntry() if phase.kind is not PhaseKind.PROBLEM_SHARING:
                return f"cases are brought in problem sharing; this is {phase.title}"
            case StrategyEntry() | VoteEntry() if phase.kind is not PhaseKind.PROBLEM_SOLVING:
                return f"strategies are proposed and voted on in problem solving; this is {phase.title}"
            case CaseDetailEntry() if own_case(self.repertoire, session, self.member) is None:
                return "you add context, a question or topics to a case you bring: #case title brings one"
            case ReportEntry() if entry.matter is None:
                return "report on one of your own actions: #report N outcome story (N from My actions)"
            case ReportEntry() if entry.resolves_case:
                return "only the facilitator records a case as resolved"
        return None

    def _file(self, entry: Entry, session: Session) -> EntryResult:
        match entry:
            case NoteEntry():
                return self._file_note(entry, session)
            case CaseEntry():
                return self._file_case(entry, session)
            case CaseDetailEntry():
                return self._file_case_detail(entry, session)
            case StrategyEntry():
                return self._file_strategy(entry, session)
            case VoteEntry():
                return self._file_vote(entry, session)
            case ReportEntry():
                return self._file_report(entry, session)
        return EntryResult(False, "a participant cannot file that")

    def _filed(
        self, kind: str, item_id: int | None, description: str, undo: dict[str, Any] | None = None
    ) -> EntryResult:
        undo = {**(undo or {}), "typed": self._typed}
        self.repertoire.add_participant_entry(
            self.session_id, self.member, kind, item_id or 0, description, self.clock.now(), undo
        )
        return EntryResult(True, f"filed {description}")

    def _focus(self, session: Session) -> Case | None:
        """The case in focus on the member's screen as they Entered the line being filed (one of
        this session's), else the one in focus now."""
        case_id = case_in_focus(self.repertoire, session)
        if self._focus_at_enter not in (None, case_id):
            assert session.id is not None
            cases = {case.id: case for case in self.repertoire.session_cases(session.id)}
            if self._focus_at_enter not in cases:
                raise _FocusGone
            case = cases[self._focus_at_enter]
            self._focus_said = f" (on “{case.title}”, in focus as you Entered it)"
            return case
        return None if case_id is None else self.repertoire.case(case_id)

    def _file_note(self, entry: NoteEntry, session: Session) -> EntryResult:
        kind = session.phases[session.current_phase or 0].kind
        phase = session.current_phase or 0
        # One check-in each: what a member adds once they have checked in is a note.
        notes = self.repertoire.notes(session=self.session_id)
        check_in = kind is PhaseKind.CHECK_IN and not has_checked_in(notes, self.member, phase)
        focus = (
            self._focus(session) if kind in (PhaseKind.PROBLEM_SHARING, PhaseKind.PROBLEM_SOLVING) else None
        )
        note = self.repertoire.add_note(
            Note(
                session=self.session_id,
                phase=phase,
                author=self.member,
                kind=NoteKind.CHECK_IN if check_in else NoteKind.NOTE,
                text=entry.text,
                case=None if focus is None else focus.id,
                created_at=self.clock.now(),
            )
        )
        what = "a check-in" if check_in else "a note"
        filed = self._filed("check_in" if check_in else "note", note.id, f"{what} from @{self.member}")
        if kind is PhaseKind.CHECK_IN and not check_in and not self._checked_in_here(notes, phase):
            # The facilitator filed their check-in meanwhile: said, as the facilitator's screen says it.
            return replace(filed, message=f"{filed.message} (the facilitator had filed your check-in)")
        return filed

    def _checked_in_here(self, notes: list[Note], phase: int) -> bool:
        """Whether this member's check-in in `phase` was filed from their own screen."""
        entries = self.repertoire.participant_entries(self.session_id, member=self.member)
        own = {e.item_id for e in entries if e.kind == "check_in"}
        return any(n.id in own for n in notes if n.author == self.member and n.phase == phase)

    def _file_case(self, entry: CaseEntry, session: Session) -> EntryResult:
        case = self.repertoire.add_case(
            Case(session=self.session_id, presenter=self.member, title=entry.title, opened_on=self._today())
        )
        return self._filed("case", case.id, f"case “{entry.title}” by @{self.member}", {"title": case.title})

    def _file_case_detail(self, entry: CaseDetailEntry, session: Session) -> EntryResult:
        case = own_case(self.repertoire, session, self.member)
        assert case is not None
        field = entry.field
        before = list(case.topics) if field == "topics" else getattr(case, field)
        if field == "topics":
            known = {t.slug for t in self.repertoire.topics()}
            for slug in entry.topics:
                if slug not in known:
                    self.repertoire.add_topic(Topic(slug=slug, name=slug.replace("-", " ").capitalize()))
            after: object = list(dict.fromkeys([*case.topics, *entry.topics]))
        else:
            after = f"{before}\n\n{entry.text}" if before else entry.text
        # That field alone, unless another screen changed it since it was read: the rest stays.
        self.repertoire.edit_case(case.id or 0, {field: after}, {field: before})
        what = "the topics" if field == "topics" else f"the {field}"
        return self._filed(
            "case_detail",
            case.id,
            f"{what} of “{case.title}”",
            {"field": field, "before": before, "after": after},
        )

    def _file_strategy(self, entry: StrategyEntry, session: Session) -> EntryResult:
        case = self._focus(session)
        if case is None:
            return EntryResult(False, "no case is in focus yet; the facilitator brings one into focus")
        proposed = strategy_for(self.repertoire, entry, case.id or 0, self.session_id)
        if isinstance(proposed, str):
            return EntryResult(False, proposed)
        strategy = self.repertoire.add_strategy(proposed)
        said = reuse_said(self.repertoire, strategy)
        return self._filed(
            "strategy", strategy.id, f"a strategy from @{self.member} for “{case.title}”{said}"
        )

    def _file_vote(self, entry: VoteEntry, session: Session) -> EntryResult:
        case = self._focus(session)
        if case is None or case.id is None:
            return EntryResult(False, "no case is in focus yet; the facilitator brings one into focus")
        numbers = StrategyNumbers.read(self.repertoire, case.id, self.session_id)
        numbered = numbers.pick(case, entry.strategy, none_yet="#strategy text proposes one")
        if isinstance(numbered, str):
            return EntryResult(False, numbered)
        left = self.dots_per_case - self.repertoire.dots_cast(case.id, self.member)
        if entry.count > left:
            return EntryResult(False, f"you have {plural(left, 'dot')} left for “{case.title}”")
        strategy = numbered.strategy
        assert strategy.id is not None
        now = self.clock.now()
        vote_id = self.repertoire.add_private_vote(
            self.session_id, case.id, strategy.id, self.member, entry.count, now
        )
        undo = {
            "session_id": self.session_id,
            "case_id": case.id,
            "strategy_id": strategy.id,
            "dots": entry.count,
        }
        filed = self._filed("vote", vote_id, f"{plural(entry.count, 'dot')} on {numbered.named}", undo)
        hidden = (
            ""
            if self.repertoire.votes_revealed(case.id)
            else ", hidden until the facilitator reveals the votes"
        )
        return EntryResult(True, f"{filed.message}{hidden}; {plural(left - entry.count, 'dot')} left")

    def _file_report(self, entry: ReportEntry, session: Session) -> EntryResult:
        """On the matter numbered N as the member's screen (and the facilitator's) numbers it: the
        numbers hold all session, so a line filed after others (or after a wait) means what it did."""
        number = entry.matter or 0
        mine = self.matters.owners(session, self.member, self._pressed_at)
        matter = next((m for m in mine if m.number == number), None)
        if matter is None:
            return EntryResult(False, self.matters.not_of(session, number, mine, self._pressed_at))
        if matter.report is not None:
            return EntryResult(False, f"{reported_already(matter)}; F2 lists what you have open")
        assert matter.action.id is not None
        action = self.repertoire.action(matter.action.id)  # as it is in the file now
        refusal = self.actions.refusal(action)
        if refusal is not None:
            return EntryResult(False, refusal)
        return self.actions.file_report(
            action, entry.outcome, entry.story, entry.lesson, entry.value_cycle, self.session_id, self._typed
        )

    def _undo(self) -> EntryResult:
        session = self._session()
        if isinstance(session, EntryResult):
            return session
        mine = self.repertoire.participant_entries(self.session_id, member=self.member)
        if not mine:
            return EntryResult(False, "nothing of yours to undo")
        try:
            with self.repertoire.transaction():
                entry, _ = take_back(self.repertoire, mine[-1].id, self.clock.now())
        except StoreError as error:
            return EntryResult(False, f"could not undo {mine[-1].description}: {error}")
        return EntryResult(True, f"undone: {entry.description}", undone_text=mine[-1].undo.get("typed", ""))

    # -- own actions, in a session or between meetings -------------------------------------

    def my_actions(self) -> list[MyAction]:
        return self.actions.my_actions()

    def report_back(self, action_id: int, outcome: str, text: str, *, lesson: str = "") -> EntryResult:
        with self._lock:
            return self.actions.report_back(action_id, outcome, text, lesson=lesson)

    # -- reading ---------------------------------------------------------------------------

    def view(self) -> ParticipantView:
        with self._lock:
            session = self.repertoire.session(self.session_id)
            phase = session.phases[session.current_phase or 0]
            timer = PhaseTimer(phase, self.clock)
            cases = tuple(self.repertoire.session_cases(self.session_id))
            focus_id = case_in_focus(self.repertoire, session)
            focus = next((c for c in cases if c.id == focus_id), None)
            return ParticipantView(
                member=self.member,
                member_names=dict(self.member_names),
                session=session,
                remaining_seconds=timer.remaining_seconds,
                paused=timer.paused,
                alert=timer.alert,
                cases=cases,
                focus=focus,
                numbers=StrategyNumbers.read(self.repertoire, focus_id, self.session_id),
                votes_revealed=bool(focus_id and self.repertoire.votes_revealed(focus_id)),
                my_votes=self.repertoire.own_votes(focus_id, self.member) if focus_id else {},
                dots_per_case=self.dots_per_case,
                notes=tuple(
                    n
                    for n in self.repertoire.notes(session=self.session_id)
                    if n.phase == session.current_phase
                ),
                reports=tuple(self.repertoire.report_backs(session=self.session_id)),
                my_actions=tuple(self.actions.my_actions()),
                closed=session.status is not SessionStatus.LIVE,
                taken_back=tuple(self.repertoire.taken_back_entries(self.session_id, self.member)),
                actions=tuple(self.repertoire.actions(session=self.session_id))
                if phase.kind is PhaseKind.PROBLEM_SOLVING
                else (),
                my_matters=tuple(self.matters.owners(session, self.member))
                if phase.kind is PhaseKind.REPORT_BACK
                else (),
            )

    def _today(self) -> date:
        return self.clock.now().astimezone().date()


def _named(entry: Entry) -> str | None:
    """The member an entry is filed as, when it names one."""
    match entry:
        case NoteEntry(author=who) | CaseEntry(presenter=who) | StrategyEntry(proposer=who):
            return who
        case ReportEntry(member=who):
            return who
    return None


def dots_per_case(session: Session) -> int:
    found = format_settings(session.format)
    return DEFAULT_DOTS_PER_CASE if found is None else found.dots_per_case

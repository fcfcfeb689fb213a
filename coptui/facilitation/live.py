"""A live session: moving through the phases, filing what is said, undo, the end, and resume.

Every entry is written to the repertoire the moment it is entered, and the timers live in the
session's `PhaseRun` timestamps, so a killed process loses nothing and resumes the same clock.
Methods may be called from worker threads; a lock keeps one change at a time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from pydantic import ValidationError

from coptui.counts import plural, there_are
from coptui.facilitation import lean_coffee
from coptui.facilitation.clock import Clock, SystemClock
from coptui.facilitation.dates import spoken
from coptui.facilitation.hosting import ParticipantsHost
from coptui.facilitation.matters import MatterArising, matters_arising
from coptui.facilitation.speaking import SpeakingOrder, shuffled
from coptui.facilitation.summary import PhaseSummary, SessionSummary
from coptui.facilitation.tags import (
    AbsentEntry,
    ActionEntry,
    ArrivedEntry,
    CaseDetailEntry,
    CaseEntry,
    DecisionEntry,
    DotEntry,
    Entry,
    EntryError,
    FocusEntry,
    LeftEntry,
    NewcomerEntry,
    NextMeetingEntry,
    NextTopicEntry,
    NoteEntry,
    PickEntry,
    ReportEntry,
    ResolvedEntry,
    StrategyEntry,
    ThumbsEntry,
    UndoEntry,
    VoteEntry,
    parse_entry,
    relative_date,
)
from coptui.facilitation.timer import PhaseTimer
from coptui.facilitation.view import EntryResult, SessionView
from coptui.formats import SessionFormat
from coptui.models import (
    Action,
    Case,
    CaseStatus,
    Command,
    CommandKind,
    Member,
    Note,
    NoteKind,
    Outcome,
    PhaseKind,
    PhaseRun,
    ReportBack,
    Session,
    SessionStatus,
    Strategy,
    Topic,
)
from coptui.store import InvalidInput, Repertoire, StoreError

EXTEND_MINUTES = 5
_CASE_PHASES = (PhaseKind.PROBLEM_SHARING, PhaseKind.PROBLEM_SOLVING)


class FacilitationError(Exception):
    """A session cannot be started or resumed; the message says why, for the user as it is."""


def default_title(day: date) -> str:
    return f"Session of {day.day} {day:%B %Y}"


@dataclass(frozen=True)
class SessionPlan:
    """The answers to the start screen's questions."""

    session_format: SessionFormat
    facilitator: str
    attendees: Sequence[str]
    title: str = ""
    apologies: Sequence[str] = ()


@dataclass
class _Undo:
    description: str
    revert: Callable[[], None]
    typed: str = ""  # the line that filed it: undo hands it back to be fixed and entered again


@dataclass
class _State:
    undo: list[_Undo] = field(default_factory=list)
    focus: int | None = None  # a case id
    end_asked: bool = False  # the last command was F5 on the last phase
    typed: str = ""  # the line `enter` is filing now

    def copy(self) -> _State:
        return replace(self, undo=list(self.undo))


class LiveSession(ParticipantsHost):
    """The engine behind the session screen: one live session of one repertoire."""

    member: str | None = None  # the facilitator's journal rows name no member

    def __init__(self, repertoire: Repertoire, session: Session, clock: Clock | None = None) -> None:
        if session.id is None or session.current_phase is None:
            raise FacilitationError("a live session must be filed and have a current phase")
        self.repertoire = repertoire
        self.session = session
        self.session_id: int = session.id
        self.clock: Clock = clock or SystemClock()
        self._lock = threading.RLock()
        self._state = _State()
        self._revision = 0
        self.member_names = {m.handle: m.name for m in repertoire.members()}
        self.community_name = repertoire.community().name  # read once, off the screen's thread
        cases = repertoire.session_cases(self.session_id)
        self._state.focus = cases[-1].id if cases else None
        topic = lean_coffee.current_topic(cases) if lean_coffee.is_lean_coffee(session) else None
        if topic is not None:  # resumed mid-discussion: the topic the group was on
            self._state.focus = topic.case.id

    # -- starting and resuming ----------------------------------------------------

    @classmethod
    def start(cls, repertoire: Repertoire, plan: SessionPlan, clock: Clock | None = None) -> LiveSession:
        clock = clock or SystemClock()
        live = repertoire.live_session()
        if live is not None:
            raise FacilitationError(
                f"“{live.title}” is already live (since {live.date}); resume it, or end it first"
            )
        now = clock.now()
        day = now.astimezone().date()
        attendees = list(dict.fromkeys(plan.attendees))
        if plan.facilitator not in attendees:
            attendees.insert(0, plan.facilitator)
        apologies = [h for h in dict.fromkeys(plan.apologies) if h not in attendees]
        phases = plan.session_format.phase_runs()
        PhaseTimer(phases[0], clock).start()
        try:
            session = Session(
                title=plan.title.strip() or default_title(day),
                date=day,
                format=plan.session_format.name,
                facilitator=plan.facilitator,
                attendees=attendees,
                apologies=apologies,
                status=SessionStatus.LIVE,
                started_at=now,
                current_phase=0,
                phases=phases,
            )
            filed = repertoire.add_session(session)
        except ValidationError as error:
            raise FacilitationError(_first_problem(error)) from error
        except InvalidInput as error:
            raise FacilitationError(str(error.problems[0])) from error
        return cls(repertoire, filed, clock)

    @classmethod
    def resume(cls, repertoire: Repertoire, clock: Clock | None = None) -> LiveSession:
        """The session left live by a closed terminal or a killed process, timers as they were."""
        session = repertoire.live_session()
        if session is None:
            raise FacilitationError("no session is live; start one with `coptui run`")
        if session.current_phase is None:
            session.current_phase = 0
        return cls(repertoire, session, clock)

    # -- where the meeting is ---------------------------------------------------------

    @property
    def position(self) -> int:
        return self.session.current_phase or 0

    @property
    def phase(self) -> PhaseRun:
        return self.session.phases[self.position]

    @property
    def timer(self) -> PhaseTimer:
        return PhaseTimer(self.phase, self.clock)

    @property
    def is_last_phase(self) -> bool:
        return self.position == len(self.session.phases) - 1

    @property
    def closed(self) -> bool:
        return self.session.status in (SessionStatus.CLOSED, SessionStatus.ABANDONED)

    # -- moving through the meeting ------------------------------------------------------

    def next_phase(self) -> bool:
        return self.jump_to(self.position + 1)

    def previous_phase(self) -> bool:
        return self.jump_to(self.position - 1)

    def jump_to(self, position: int) -> bool:
        """Stop this phase's timer and start (or carry on) that one's; False if there is no such phase."""
        with self._lock:
            if self.closed or not 0 <= position < len(self.session.phases) or position == self.position:
                return False
            PhaseTimer(self.phase, self.clock).stop()
            self.session.current_phase = position
            PhaseTimer(self.phase, self.clock).start()
            self.repertoire.update_session(self.session)
            return True

    def toggle_pause(self) -> bool:
        """Pause or resume the phase timer; returns True when it is now paused."""
        with self._lock:
            self.timer.toggle_pause()
            self.repertoire.update_phase(self.session_id, self.phase)
            return self.timer.paused

    def extend(self, minutes: int = EXTEND_MINUTES) -> None:
        with self._lock:
            self.timer.extend(minutes)
            self.repertoire.update_phase(self.session_id, self.phase)

    def shuffle_order(self) -> list[str]:
        """Go round in a new random order; the order is kept with the attendance, so it survives resume."""
        with self._lock:
            self.session.attendees = shuffled(self.session.attendees)
            self.repertoire.update_session(self.session)
            return list(self.session.attendees)

    def end(self) -> SessionSummary:
        """Close the session: the current phase's timer stops and the summary is read back."""
        return self._close(SessionStatus.CLOSED)

    def abandon(self) -> SessionSummary:
        """Give the session up: closed as abandoned, all that was filed kept, the next one free to start."""
        return self._close(SessionStatus.ABANDONED)

    def _close(self, status: SessionStatus) -> SessionSummary:
        with self._lock:
            if not self.closed:
                PhaseTimer(self.phase, self.clock).stop()
                self.session.status = status
                self.session.ended_at = self.clock.now()
                self.repertoire.update_session(self.session)
                self._state.undo.clear()
            return self.summary()

    # -- what the facilitator does, in the order they did it ----------------------------

    def perform(self, command: Command) -> EntryResult | SessionSummary:
        """Carry out one journalled command and settle its journal row, in one transaction.

        If the transaction fails (a lock held too long, a full disk), the file and this engine
        are both as they were, and the command stays unsettled to be tried again.
        """
        if command.id is None:
            raise FacilitationError("a command is carried out only once it is journalled")
        with self._lock:
            saved = self.session.model_copy(deep=True), self._state.copy()
            try:
                with self.repertoire.transaction():
                    result = self._carry_out(command)
                    filed = result.ok if isinstance(result, EntryResult) else True
                    message = result.message if isinstance(result, EntryResult) else "the session closed"
                    self.repertoire.settle_command(
                        command.id, filed=filed, message=message, at=self.clock.now()
                    )
            except BaseException:
                self.session, self._state = saved
                raise
            return result

    def _carry_out(self, command: Command) -> EntryResult | SessionSummary:
        end_asked, self._state.end_asked = self._state.end_asked, False
        if self.closed and command.kind not in (CommandKind.END, CommandKind.ABANDON):
            return EntryResult(False, "the session has ended; nothing more can be filed")
        match command.kind:
            case CommandKind.ENTRY:
                return self.enter(command.text)
            case CommandKind.NEXT_PHASE if self.is_last_phase:
                if end_asked:
                    return self.end()
                self._state.end_asked = True
                return EntryResult(True, "this is the last phase: F5 again ends the session")
            case CommandKind.NEXT_PHASE:
                return self._moved(self.next_phase())
            case CommandKind.PREVIOUS_PHASE:
                return self._moved(self.previous_phase(), "this is the first phase")
            case CommandKind.JUMP:
                return self._moved(self.jump_to(int(command.text)), "already there")
            case CommandKind.PAUSE:
                paused = self.toggle_pause()
                return EntryResult(True, "timer paused (F6 runs it again)" if paused else "timer running")
            case CommandKind.EXTEND:
                self.extend()
                return EntryResult(True, f"{EXTEND_MINUTES} more minutes for {self.phase.title}")
            case CommandKind.UNDO:
                return self.undo()
            case CommandKind.SHUFFLE:
                return EntryResult(True, "speaking order: " + ", ".join(self.shuffle_order()))
            case CommandKind.END:
                return self.end()
            case CommandKind.ABANDON:
                return self.abandon()
            case CommandKind.REVEAL_VOTES | CommandKind.TAKE_BACK:
                return self._host(command)

    def _moved(self, moved: bool, otherwise: str = "") -> EntryResult:
        if not moved:
            return EntryResult(False, otherwise)
        return EntryResult(
            True, f"phase {self.position + 1} of {len(self.session.phases)}: {self.phase.title}"
        )

    # -- capture -------------------------------------------------------------------

    def enter(self, text: str) -> EntryResult:
        """File what was typed in the capture box, or say why not; nothing is filed on an error."""
        with self._lock:
            if self.closed:
                return EntryResult(False, "the session has ended; nothing more can be filed")
            self._state.typed = text
            entry = parse_entry(text, self.member_names, self._today())
            if isinstance(entry, EntryError):
                return EntryResult(False, entry.message)
            try:
                return self._file(entry)
            except InvalidInput as error:
                return EntryResult(False, f"not filed: {error.problems[0]}")
            except ValidationError as error:
                return EntryResult(False, f"not filed: {_first_problem(error)}")

    def undo(self) -> EntryResult:
        with self._lock:
            if not self._state.undo:
                return EntryResult(False, "nothing to undo")
            last = self._state.undo[-1]
            try:
                last.revert()
            except StoreError as error:
                return EntryResult(False, f"could not undo {last.description}: {error}")
            self._state.undo.pop()
            return EntryResult(True, f"undone: {last.description}", undone_text=last.typed)

    def _remember(self, description: str, revert: Callable[[], None]) -> EntryResult:
        self._state.undo.append(_Undo(description, revert, self._state.typed))
        return EntryResult(True, f"filed {description}")

    def _file(self, entry: Entry) -> EntryResult:
        match entry:
            case NoteEntry() | DecisionEntry():
                return self._file_note(entry)
            case CaseEntry():
                return self._file_case(entry)
            case CaseDetailEntry():
                return self._file_case_detail(entry)
            case FocusEntry():
                return self._focus(entry)
            case StrategyEntry():
                return self._file_strategy(entry)
            case VoteEntry() | PickEntry():
                return self._file_vote(entry)
            case DotEntry():
                return self._file_dots(entry)
            case NextTopicEntry():
                return self._next_topic()
            case ThumbsEntry():
                return self._file_thumbs(entry)
            case ActionEntry():
                return self._file_action(entry)
            case ReportEntry():
                return self._file_report(entry)
            case AbsentEntry():
                return self._file_absent(entry)
            case ArrivedEntry():
                return self._file_arrived(entry)
            case LeftEntry():
                return self._file_left(entry)
            case NewcomerEntry():
                return self._file_newcomer(entry)
            case NextMeetingEntry():
                return self._file_next_meeting(entry)
            case ResolvedEntry():
                return self._file_resolved(entry)
            case UndoEntry():
                return self.undo()

    def _today(self) -> date:
        return self.clock.now().astimezone().date()

    def _focused_case(self) -> Case | EntryResult:
        if self._state.focus is None:
            return EntryResult(False, "no case in focus: file one with #case @handle title, or #focus N")
        return self.repertoire.case(self._state.focus)

    def _file_note(self, entry: NoteEntry | DecisionEntry) -> EntryResult:
        kind = self.phase.kind
        author: str | None = None
        if isinstance(entry, DecisionEntry):
            note_kind = NoteKind.DECISION
        else:
            note_kind = NoteKind.CHECK_IN if kind is PhaseKind.CHECK_IN else NoteKind.NOTE
            author = entry.author
            if author is None and kind is PhaseKind.CHECK_IN:
                author = self._speaking().next_speaker
        note = self.repertoire.add_note(
            Note(
                session=self.session_id,
                phase=self.position,
                author=author,
                kind=note_kind,
                text=entry.text,
                case=self._state.focus if kind in _CASE_PHASES else None,
                created_at=self.clock.now(),
            )
        )
        assert note.id is not None
        note_id = note.id
        what = {NoteKind.DECISION: "a decision", NoteKind.CHECK_IN: "a check-in"}.get(note_kind, "a note")
        by = f" from @{author}" if author else ""
        return self._remember(f"{what}{by}", lambda: self.repertoire.delete_note(note_id))

    def _file_case(self, entry: CaseEntry) -> EntryResult:
        case = self.repertoire.add_case(
            Case(
                session=self.session_id,
                presenter=entry.presenter,
                title=entry.title,
                opened_on=self._today(),
            )
        )
        assert case.id is not None
        case_id, before = case.id, self._state.focus
        self._state.focus = case_id

        def revert() -> None:
            self.repertoire.delete_case(case_id)
            self._state.focus = before

        filed = self._remember(f"case “{entry.title}” by @{entry.presenter}", revert)
        if lean_coffee.is_lean_coffee(self.session):
            return replace(filed, message=f"{filed.message} as topic {len(self._cases())}")
        if self.phase.kind is PhaseKind.CHECK_IN:
            # Filed all the same (nothing typed is lost); the warning says how to move it on.
            return replace(
                filed, message=f"{filed.message}, during check-in: F5 moves on to problem sharing, F8 undoes"
            )
        return filed

    def _file_case_detail(self, entry: CaseDetailEntry) -> EntryResult:
        case = self._focused_case()
        if isinstance(case, EntryResult):
            return case
        before = case.model_copy()
        if entry.field == "topics":
            known = {t.slug for t in self.repertoire.topics()}
            for slug in entry.topics:
                if slug not in known:
                    self.repertoire.add_topic(Topic(slug=slug, name=slug.replace("-", " ").capitalize()))
            case.topics = list(dict.fromkeys([*case.topics, *entry.topics]))
            what = "topics " + " ".join("#" + t for t in entry.topics)
        else:
            current = getattr(case, entry.field)
            setattr(case, entry.field, f"{current}\n\n{entry.text}" if current else entry.text)
            what = "the " + entry.field
        self.repertoire.update_case(case)
        return self._remember(f"{what} of “{case.title}”", lambda: self._restore_case(before))

    def _restore_case(self, case: Case) -> None:
        self.repertoire.update_case(case)

    def _focus(self, entry: FocusEntry) -> EntryResult:
        cases = self.repertoire.session_cases(self.session_id)
        if not cases:
            return EntryResult(False, "no case has been shared yet: file one with #case @handle title")
        if entry.case > len(cases):
            return EntryResult(False, f"{there_are(len(cases), 'case')}; pick one from 1 to {len(cases)}")
        case = cases[entry.case - 1]
        self._state.focus = case.id
        return EntryResult(True, f"case {entry.case} in focus: “{case.title}”")

    def _file_strategy(self, entry: StrategyEntry) -> EntryResult:
        case = self._focused_case()
        if isinstance(case, EntryResult):
            return case
        assert case.id is not None
        strategy = self.repertoire.add_strategy(
            Strategy(case=case.id, session=self.session_id, proposer=entry.proposer, text=entry.text)
        )
        assert strategy.id is not None
        strategy_id = strategy.id
        return self._remember(
            f"a strategy from @{entry.proposer} for “{case.title}”",
            lambda: self.repertoire.delete_strategy(strategy_id),
        )

    def _strategy_number(self, case: Case, number: int) -> Strategy | EntryResult:
        assert case.id is not None
        strategies = self.repertoire.strategies(case=case.id)
        if not strategies:
            return EntryResult(False, f"“{case.title}” has no strategies yet: add one with #strategy @handle")
        if number > len(strategies):
            count = len(strategies)
            return EntryResult(
                False,
                f"“{case.title}” has {plural(count, 'strategy', 'strategies')}; pick one from 1 to {count}",
            )
        return strategies[number - 1]

    def _file_vote(self, entry: VoteEntry | PickEntry) -> EntryResult:
        case = self._focused_case()
        if isinstance(case, EntryResult):
            return case
        strategy = self._strategy_number(case, entry.strategy)
        if isinstance(strategy, EntryResult):
            return strategy
        before = strategy.model_copy()
        if isinstance(entry, VoteEntry):
            strategy.votes += entry.count
            what = f"{entry.count} vote{'s' if entry.count > 1 else ''} for strategy {entry.strategy}"
        else:
            strategy.picked = not strategy.picked
            what = f"{'the pick of' if strategy.picked else 'no pick for'} strategy {entry.strategy}"
        self.repertoire.update_strategy(strategy)
        return self._remember(what, lambda: self._restore_strategy(before))

    def _restore_strategy(self, strategy: Strategy) -> None:
        self.repertoire.update_strategy(strategy)

    def _file_action(self, entry: ActionEntry) -> EntryResult:
        due = entry.due
        if entry.due_relative is not None:
            resolved = relative_date(entry.due_relative, self._today(), self.session.next_meeting)
            if isinstance(resolved, str):
                return EntryResult(False, resolved)
            due = resolved
        if due is not None and due < self._today():
            return EntryResult(False, f"due {spoken(due)} is in the past; give a date from today on")
        case = None if self._state.focus is None else self.repertoire.case(self._state.focus)
        strategy_id: int | None = None
        if entry.strategy is not None:
            if case is None:
                return EntryResult(False, "strategy:N needs a case in focus: #focus N first")
            strategy = self._strategy_number(case, entry.strategy)
            if isinstance(strategy, EntryResult):
                return strategy
            strategy_id = strategy.id
        elif case is not None and case.id is not None:
            picked = [s for s in self.repertoire.strategies(case=case.id) if s.picked]
            strategy_id = picked[0].id if len(picked) == 1 else None
        action = self.repertoire.add_action(
            Action(
                case=None if case is None else case.id,
                strategy=strategy_id,
                session=self.session_id,
                owner=entry.owner,
                text=entry.text,
                due=due,
            )
        )
        assert action.id is not None
        action_id = action.id

        def revert() -> None:
            self.repertoire.delete_action(action_id)
            if case is not None and case.id is not None:
                self.repertoire.set_case_status(case.id, case.status)

        said = f", due {spoken(due)}" if due else ""
        return self._remember(f"an action for @{entry.owner}{said}", revert)

    def _file_report(self, entry: ReportEntry) -> EntryResult:
        action: Action | None = None
        if entry.matter is not None:
            matters = self._matters()
            if not matters:
                return EntryResult(
                    False, "there are no matters arising; report with #report @handle outcome story"
                )
            if entry.matter > len(matters):
                return EntryResult(
                    False, f"{there_are(len(matters), 'matter')} arising; pick one from 1 to {len(matters)}"
                )
            matter = matters[entry.matter - 1]
            if matter.report is not None:
                return EntryResult(False, f"matter {entry.matter} was reported already; #undo to change it")
            action = matter.action
        member = action.owner if action is not None else entry.member
        assert member is not None
        case = None if action is None or action.case is None else self.repertoire.case(action.case)
        if entry.resolves_case and (case is None or entry.outcome is not Outcome.WORKED):
            return EntryResult(
                False, "case:resolved needs a matter arising with a case, and the outcome worked"
            )
        report = self.repertoire.add_report_back(
            ReportBack(
                action=None if action is None else action.id,
                case=None if case is None else case.id,
                session=self.session_id,
                member=member,
                outcome=entry.outcome,
                story=entry.story,
                lesson=entry.lesson,
                value_cycle=entry.value_cycle,
                reported_on=self._today(),
            )
        )
        assert report.id is not None
        report_id = report.id

        def revert() -> None:
            self.repertoire.delete_report_back(report_id)
            if action is not None and action.id is not None:
                self.repertoire.set_action_status(action.id, action.status)
            if case is not None and case.id is not None:
                self.repertoire.set_case_status(case.id, case.status)

        if entry.resolves_case and case is not None and case.id is not None:
            self.repertoire.set_case_status(case.id, CaseStatus.RESOLVED)
        what = "a report-back" if action is None else f"the report-back on matter {entry.matter}"
        if entry.resolves_case:
            what += ", the case resolved"
        return self._remember(f"{what} from @{member} ({entry.outcome.value.replace('_', ' ')})", revert)

    def _file_absent(self, entry: AbsentEntry) -> EntryResult:
        session = self.session
        if entry.handle not in session.attendees:
            return EntryResult(False, f"@{entry.handle} is not on today's attendance list")
        before = (list(session.attendees), list(session.absent))
        session.attendees = [h for h in session.attendees if h != entry.handle]
        session.absent = [*session.absent, entry.handle]
        self.repertoire.update_session(session)

        def revert() -> None:
            # Absent first: for a moment a member may be in neither list, never in both.
            # `self.session`, not `session`: a failed transaction puts back a copy of it.
            self.session.absent = before[1]
            self.session.attendees = before[0]
            self.repertoire.update_session(self.session)

        return self._remember(f"@{entry.handle} as absent", revert)

    def _attendance_undo(self) -> Callable[[], None]:
        """What puts today's attendance back as it is now."""
        session = self.session
        before = session.model_copy(deep=True)

        def revert() -> None:
            # Cleared first, so that for a moment a member may be on no list, never on two.
            session.arrived, session.left = {}, {}
            session.attendees, session.apologies, session.absent = [], [], []
            session.attendees, session.apologies = before.attendees, before.apologies
            session.absent, session.arrived, session.left = before.absent, before.arrived, before.left
            self.repertoire.update_session(session)

        return revert

    def _file_arrived(self, entry: ArrivedEntry) -> EntryResult:
        session, handle = self.session, entry.handle
        if handle in session.attendees:
            if handle in session.left:
                return EntryResult(False, f"@{handle} left earlier; #undo that if they never went")
            return EntryResult(False, f"@{handle} is here already")
        revert = self._attendance_undo()
        was = "apologies" if handle in session.apologies else "absent" if handle in session.absent else ""
        session.apologies = [h for h in session.apologies if h != handle]
        session.absent = [h for h in session.absent if h != handle]
        session.attendees = [*session.attendees, handle]
        session.arrived = {**session.arrived, handle: self.clock.now()}
        self.repertoire.update_session(session)
        note = f" (no longer under {was})" if was else ""
        return self._remember(f"@{handle} as arrived late{note}", revert)

    def _file_left(self, entry: LeftEntry) -> EntryResult:
        session, handle = self.session, entry.handle
        if handle not in session.attendees:
            return EntryResult(False, f"@{handle} is not on today's attendance list")
        if handle in session.left:
            return EntryResult(False, f"@{handle} has left already")
        revert = self._attendance_undo()
        session.left = {**session.left, handle: self.clock.now()}
        self.repertoire.update_session(session)
        return self._remember(f"@{handle} as having left", revert)

    def _file_newcomer(self, entry: NewcomerEntry) -> EntryResult:
        member = self.repertoire.add_member(Member(handle=entry.handle, name=entry.name))
        self.member_names[member.handle] = member.name
        revert_attendance = self._attendance_undo()
        session = self.session
        session.attendees = [*session.attendees, member.handle]
        self.repertoire.update_session(session)

        def revert() -> None:
            revert_attendance()
            self.repertoire.delete_member(member.handle)
            self.member_names.pop(member.handle, None)

        return self._remember(f"@{member.handle} ({member.name}) as a new member, here today", revert)

    def _file_resolved(self, entry: ResolvedEntry) -> EntryResult:
        matters = self._matters()
        if entry.matter > len(matters):
            return EntryResult(
                False, f"there are {len(matters)} matters arising; pick one from 1 to {len(matters)}"
            )
        matter = matters[entry.matter - 1]
        if matter.action.case is None:
            return EntryResult(False, f"matter {entry.matter} is about no case; there is nothing to resolve")
        case = self.repertoire.case(matter.action.case)
        assert case.id is not None
        if case.status is CaseStatus.RESOLVED:
            return EntryResult(False, f"“{case.title}” is resolved already")
        worked = [r for r in self.repertoire.report_backs(case=case.id) if r.outcome is Outcome.WORKED]
        if not worked:
            return EntryResult(
                False, f"nothing tried for “{case.title}” has worked yet; #report {entry.matter} worked first"
            )
        case_id, before = case.id, case.status
        self.repertoire.set_case_status(case_id, CaseStatus.RESOLVED)
        return self._remember(
            f"“{case.title}” as resolved", lambda: self.repertoire.set_case_status(case_id, before)
        )

    def _file_next_meeting(self, entry: NextMeetingEntry) -> EntryResult:
        today = self._today()
        day = entry.day or relative_date(entry.relative or "", today, None)
        if isinstance(day, str):
            return EntryResult(False, day)
        if day <= today:
            return EntryResult(False, f"{day} is not after today; the next meeting is a later day")
        session = self.session
        before = session.next_meeting
        session.next_meeting = day
        self.repertoire.update_session(session)

        def revert() -> None:
            session.next_meeting = before
            self.repertoire.update_session(session)

        return self._remember(f"the next meeting on {day:%A} {day.day} {day:%B %Y}", revert)

    # -- Lean Coffee: the cases brought are topics, dotted and taken in dot order ----------

    def _cases(self) -> list[Case]:
        return self.repertoire.session_cases(self.session_id)

    def _lean_coffee_only(self, tag: str) -> EntryResult | None:
        if lean_coffee.is_lean_coffee(self.session):
            return None
        return EntryResult(
            False, f"#{tag} is for Lean Coffee sessions; this one runs “{self.session.format}”"
        )

    def _file_dots(self, entry: DotEntry) -> EntryResult:
        refused = self._lean_coffee_only("dot")
        if refused is not None:
            return refused
        cases = self._cases()
        if not cases:
            return EntryResult(False, "no topic yet: bring one with #case @who title")
        if entry.topic > len(cases):
            return EntryResult(False, f"{there_are(len(cases), 'topic')}; pick one from 1 to {len(cases)}")
        case = cases[entry.topic - 1]
        before = case.model_copy()
        case.dots += entry.count
        self.repertoire.update_case(case)
        return self._remember(
            f"{plural(entry.count, 'dot')} on topic {entry.topic} “{case.title}” ({case.dots} in all)",
            lambda: self._restore_case(before),
        )

    def _next_topic(self) -> EntryResult:
        refused = self._lean_coffee_only("next-topic")
        if refused is not None:
            return refused
        cases = self._cases()
        topic = lean_coffee.next_topic(cases)
        if topic is None:
            said = (
                "no topic yet: bring one with #case @who title" if not cases else "every topic is discussed"
            )
            return EntryResult(False, said)
        case, focus = topic.case, self._state.focus
        before = case.model_copy()
        case.discussed_at = self.clock.now()
        self.repertoire.update_case(case)
        self._state.focus = case.id

        def revert() -> None:
            self._restore_case(before)
            self._state.focus = focus

        self._remember(f"the start of topic {topic.number}", revert)
        dots = plural(case.dots, "dot")
        return EntryResult(
            True,
            f"topic {topic.number} “{case.title}” ({dots}): {lean_coffee.TOPIC_MINUTES} minutes from now",
        )

    def _file_thumbs(self, entry: ThumbsEntry) -> EntryResult:
        refused = self._lean_coffee_only("thumbs")
        if refused is not None:
            return refused
        topic = lean_coffee.current_topic(self._cases())
        if topic is None:
            return EntryResult(
                False, "no topic under discussion: #next-topic brings up the one with most dots"
            )
        case = topic.case
        said = f"thumbs {entry.up} up, {entry.down} down"
        if entry.up <= entry.down:
            following = lean_coffee.next_topic(self._cases())
            then = (
                f": #next-topic brings up “{following.case.title}”"
                if following
                else "; that was the last topic"
            )
            return EntryResult(True, f"{said}: move on from “{case.title}”{then}")
        before = case.model_copy()
        case.extra_minutes += lean_coffee.THUMBS_MINUTES
        self.repertoire.update_case(case)
        self._remember(f"the extension of topic {topic.number}", lambda: self._restore_case(before))
        return EntryResult(True, f"{said}: {lean_coffee.THUMBS_MINUTES} more minutes on “{case.title}”")

    # -- reading ------------------------------------------------------------------------

    def _matters(self) -> list[MatterArising]:
        return matters_arising(self.repertoire, self.session)

    def matters_arising(self) -> list[MatterArising]:
        with self._lock:
            return self._matters()

    def _speaking(self) -> SpeakingOrder:
        phase = self.phase
        notes = [n for n in self.repertoire.notes(session=self.session_id) if n.phase == self.position]
        spoken = {n.author for n in notes if n.author}
        if phase.kind is PhaseKind.PROBLEM_SHARING:
            spoken |= {c.presenter for c in self.repertoire.session_cases(self.session_id)}
        elif phase.kind is PhaseKind.PROBLEM_SOLVING:
            spoken |= {
                s.proposer
                for c in self.repertoire.session_cases(self.session_id)
                if c.id is not None
                for s in self.repertoire.strategies(case=c.id)
            }
        elif phase.kind is PhaseKind.REPORT_BACK:
            spoken |= {r.member for r in self.repertoire.report_backs(session=self.session_id)}
        since = phase.started_at
        if phase.kind is PhaseKind.CHECK_IN and notes:
            since = max(filter(None, [since, *(n.created_at for n in notes)]))
        here = [h for h in self.session.attendees if h not in self.session.left]
        return SpeakingOrder.of(here, spoken, since)

    def speaking_order(self) -> SpeakingOrder:
        with self._lock:
            return self._speaking()

    def view(self) -> SessionView:
        with self._lock:
            self._revision += 1
            cases = tuple(self.repertoire.session_cases(self.session_id))
            ids = [c.id for c in cases]
            focus = ids.index(self._state.focus) if self._state.focus in ids else None
            strategies = (
                tuple(self.repertoire.strategies(case=ids[focus])) if focus is not None and ids[focus] else ()
            )
            notes = tuple(
                n for n in self.repertoire.notes(session=self.session_id) if n.phase == self.position
            )
            reports = tuple(
                r for r in self.repertoire.report_backs(session=self.session_id) if r.action is None
            )
            return SessionView(
                session=self.session.model_copy(deep=True),
                member_names=dict(self.member_names),
                cases=cases,
                focus=focus,
                strategies=strategies,
                actions=tuple(a for a in self.repertoire.actions() if a.session == self.session_id),
                notes=notes,
                matters=tuple(self._matters()),
                reports=reports,
                speaking=self._speaking(),
                revision=self._revision,
            )

    def summary(self) -> SessionSummary:
        with self._lock:
            notes = self.repertoire.notes(session=self.session_id)
            cases = self.repertoire.session_cases(self.session_id)
            strategies = [s for c in cases if c.id is not None for s in self.repertoire.strategies(case=c.id)]
            return SessionSummary(
                session_id=self.session_id,
                title=self.session.title,
                notes=sum(1 for n in notes if n.kind is not NoteKind.DECISION),
                decisions=sum(1 for n in notes if n.kind is NoteKind.DECISION),
                cases=len(cases),
                strategies=sum(1 for s in strategies if s.session == self.session_id),
                actions=sum(1 for a in self.repertoire.actions() if a.session == self.session_id),
                report_backs=len(self.repertoire.report_backs(session=self.session_id)),
                phases=tuple(
                    PhaseSummary(
                        title=p.title,
                        kind=p.kind,
                        timebox_minutes=p.timebox_minutes,
                        extra_minutes=p.extra_minutes,
                        elapsed_seconds=PhaseTimer(p, self.clock).elapsed_seconds,
                    )
                    for p in self.session.phases
                ),
                abandoned=self.session.status is SessionStatus.ABANDONED,
            )


def _first_problem(error: ValidationError) -> str:
    detail = error.errors()[0]
    where = ".".join(str(part) for part in detail["loc"])
    return f"{where}: {detail['msg']}" if where else detail["msg"]

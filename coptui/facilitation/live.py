"""A live session: moving through the phases, filing what is said, undo, the end, and resume.

Every entry is written to the repertoire the moment it is entered, and the timers live in the
session's `PhaseRun` timestamps, so a killed process loses nothing and resumes the same clock.
Methods may be called from worker threads; a lock keeps one change at a time.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from pydantic import ValidationError

from coptui.counts import plural
from coptui.facilitation.clock import Clock, SystemClock
from coptui.facilitation.engine_base import EngineState
from coptui.facilitation.filing import EntryFiling
from coptui.facilitation.hosting import ParticipantsHost
from coptui.facilitation.matters import MatterArising, MattersReader
from coptui.facilitation.speaking import SpeakingOrder, shuffled
from coptui.facilitation.summary import PhaseSummary, SessionSummary
from coptui.facilitation.tags import (
    EntryError,
    parse_entry,
)
from coptui.facilitation.timer import PhaseTimer
from coptui.facilitation.view import EntryResult, SessionView
from coptui.formats import SessionFormat, shows_participation
from coptui.models import (
    Command,
    CommandKind,
    NoteKind,
    PhaseKind,
    Session,
    SessionStatus,
)
from coptui.store import InvalidInput, Repertoire, StoreError

EXTEND_MINUTES = 5


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


class LiveSession(EntryFiling, ParticipantsHost):
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
        self._state = EngineState()
        self._revision = 0
        self._revealed_on_leaving = 0  # private dots counted as problem solving was left, to say so
        self.member_names = {m.handle: m.name for m in repertoire.members()}
        self.community_name = repertoire.community().name  # read once, off the screen's thread
        self.matters = MattersReader(repertoire)

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
            voting_over = self.phase.kind is PhaseKind.PROBLEM_SOLVING
            PhaseTimer(self.phase, self.clock).stop()
            self.session.current_phase = position
            if voting_over and self.phase.kind is not PhaseKind.PROBLEM_SOLVING:
                self._revealed_on_leaving = self.reveal_all_left_hidden()
            PhaseTimer(self.phase, self.clock).start()
            self.repertoire.update_session(self.session)
            self.matters.forget()  # a phase begun reads the matters afresh: others' edits show
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
        """Go round those still here in a new random order; the order is kept with the attendance,
        so it survives resume. Who has left keeps their place on the list, after everyone here."""
        with self._lock:
            gone = set(self.session.left)
            here = shuffled([h for h in self.session.attendees if h not in gone])
            self.session.attendees = here + [h for h in self.session.attendees if h in gone]
            self.repertoire.update_session(self.session)
            return here

    def end(self) -> SessionSummary:
        """Close the session: the current phase's timer stops and the summary is read back."""
        return self._close(SessionStatus.CLOSED)

    def abandon(self) -> SessionSummary:
        """Give the session up: closed as abandoned, all that was filed kept, the next one free to start."""
        return self._close(SessionStatus.ABANDONED)

    def _close(self, status: SessionStatus) -> SessionSummary:
        from coptui.facilitation.left_behind import file_for_members

        with self._lock:
            if not self.closed:
                # What participants Entered and nobody has filed yet (their screen gone after
                # journalling it) is filed in the session it was typed in, before it closes.
                members = self.repertoire.unsettled_members(self.session_id)
                file_for_members(self.repertoire, self.session_id, members, self.clock)
                self.reveal_all_left_hidden()
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
                with self.repertoire.settling_transaction():
                    settled = self.repertoire.settled_result(command.id)
                    if settled is not None:  # carried out already, by another process
                        return EntryResult(*settled)
                    result = self._carry_out(command)
                    filed = result.ok if isinstance(result, EntryResult) else True
                    message = result.message if isinstance(result, EntryResult) else "the session closed"
                    self.repertoire.settle_command(
                        command.id, filed=filed, message=message, at=self.clock.now()
                    )
            except BaseException:
                self.session, self._state = saved
                self.matters.forget()  # it may have been read inside the transaction undone
                raise
            return result

    def _carry_out(self, command: Command) -> EntryResult | SessionSummary:
        end_asked, self._state.end_asked = self._state.end_asked, False
        if self.closed and command.kind not in (CommandKind.END, CommandKind.ABANDON):
            return EntryResult(False, "the session has ended; nothing more can be filed")
        match command.kind:
            case CommandKind.ENTRY:
                return self.enter(command.text, command.speaker, pressed_at=command.pressed_at)
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
        revealed, self._revealed_on_leaving = self._revealed_on_leaving, 0
        counted = f" · {plural(revealed, 'private dot')} never revealed, counted now" if revealed else ""
        return EntryResult(
            True, f"phase {self.position + 1} of {len(self.session.phases)}: {self.phase.title}{counted}"
        )

    # -- capture -------------------------------------------------------------------

    def enter(
        self, text: str, speaker: str | None = None, *, pressed_at: datetime | None = None
    ) -> EntryResult:
        """File what was typed in the capture box, or say why not; nothing is filed on an error.

        `speaker`: whose check-in the box named as the line was Entered; a plain line in check-in
        is theirs (a note from them if they have checked in since), whoever is next by now.
        `pressed_at`: when it was Entered: `#report N` means the matter N numbered as then.
        """
        with self._lock:
            if self.closed:
                return EntryResult(False, "the session has ended; nothing more can be filed")
            self._state.typed, self._state.speaker = text, speaker
            self._state.pressed_at = pressed_at
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

    # -- reading ------------------------------------------------------------------------

    def matters_arising(self) -> list[MatterArising]:
        """The matters arising the session's screen lists (the first page of them), numbered."""
        with self._lock:
            return list(self.matters.shown(self.session).page)

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
            version = self.repertoire.data_version()
            listed = self.phase.kind is PhaseKind.REPORT_BACK  # where the matters arising are listed
            cases = tuple(self.repertoire.session_cases(self.session_id))
            ids = [c.id for c in cases]
            focus_id = self._focus_id
            focus = ids.index(focus_id) if focus_id in ids else None
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
                practices=self.repertoire.practice_records(s.practice for s in strategies if s.practice),
                actions=tuple(self.repertoire.actions(session=self.session_id)),
                notes=notes,
                matters=self.matters.shown(self.session) if listed else None,
                reports=reports,
                speaking=self._speaking(),
                revision=self._revision,
                hidden_dots=self.hidden_dots(),
                votes_revealed=focus_id is not None and self.repertoire.votes_revealed(focus_id),
                not_yet_heard=tuple(self.not_yet_heard()),
                data_version=version,
                community=self.community_name,
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
                actions=len(self.repertoire.actions(session=self.session_id)),
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
                participation=tuple(self.participation()) if shows_participation(self.session.format) else (),
                member_names=dict(self.member_names),
            )


def _first_problem(error: ValidationError) -> str:
    detail = error.errors()[0]
    where = ".".join(str(part) for part in detail["loc"])
    return f"{where}: {detail['msg']}" if where else detail["msg"]

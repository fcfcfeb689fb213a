"""Filing each kind of entry the capture box understands, with how to take it back.

The engine (`LiveSession` in live.py) parses what was typed and hands the entry here; each
method files it in the repertoire and remembers how undo reverts it exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from coptui.counts import plural, there_are
from coptui.facilitation import lean_coffee
from coptui.facilitation.dates import spoken
from coptui.facilitation.engine_base import EngineBase
from coptui.facilitation.matters import reported_already
from coptui.facilitation.practice_reuse import reuse_said, strategy_for
from coptui.facilitation.speaking import has_checked_in, where_entered
from coptui.facilitation.strategy_numbers import NumberedStrategy, StrategyNumbers, withdraw
from coptui.facilitation.tags import (
    AbsentEntry,
    ActionEntry,
    ArrivedEntry,
    CaseDetailEntry,
    CaseEntry,
    DecisionEntry,
    DotEntry,
    Entry,
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
    relative_date,
)
from coptui.facilitation.view import EntryResult
from coptui.models import (
    Action,
    Case,
    CaseStatus,
    Member,
    Note,
    NoteKind,
    Outcome,
    PhaseKind,
    ReportBack,
    Topic,
)

_CASE_PHASES = (PhaseKind.PROBLEM_SHARING, PhaseKind.PROBLEM_SOLVING)


class EntryFiling(EngineBase):
    """The filing half of the live session engine: one method per kind of entry."""

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

    def _focused_case(self) -> Case | EntryResult:
        if (focus := self._focus_id) is None:
            return EntryResult(False, "no case in focus: file one with #case @handle title, or #focus N")
        return self.repertoire.case(focus)

    def _file_note(self, entry: NoteEntry | DecisionEntry) -> EntryResult:
        position = self.entered_position
        kind = self.session.phases[position].kind
        author: str | None = None
        why = where_entered(self.session, position)
        if isinstance(entry, DecisionEntry):
            note_kind = NoteKind.DECISION
        elif kind is PhaseKind.CHECK_IN:
            author, note_kind, checked_in = self._check_in_or_note(entry.author, position)
            why = f"{why}{checked_in}"
        else:
            author, note_kind = entry.author, NoteKind.NOTE
        note = self.repertoire.add_note(
            Note(
                session=self.session_id,
                phase=position,
                author=author,
                kind=note_kind,
                text=entry.text,
                case=self._focus_id if kind in _CASE_PHASES else None,
                created_at=self.clock.now(),
            )
        )
        assert note.id is not None
        note_id = note.id
        what = {NoteKind.DECISION: "a decision", NoteKind.CHECK_IN: "a check-in"}.get(note_kind, "a note")
        by = f" from @{author}" if author else ""
        return self._remember(f"{what}{by}{why}", lambda: self.repertoire.delete_note(note_id))

    def _check_in_or_note(self, named: str | None, position: int) -> tuple[str | None, NoteKind, str]:
        """Whose a line in check-in is, and what: `@who text` is theirs, a plain line the check-in of
        whom the box named as it was Entered (else whoever is next). Someone who has checked in
        already gets a note, as does a plain line once everyone has: never a second check-in, and
        never someone else's words. The last part says why it is a note, when that may surprise."""
        author = named or self._state.speaker or self._speaking().next_speaker
        if author is None:
            return None, NoteKind.NOTE, ""
        if not has_checked_in(self.repertoire.notes(session=self.session_id), author, position):
            return author, NoteKind.CHECK_IN, ""
        return author, NoteKind.NOTE, f" (@{author} had checked in already)"

    def _file_case(self, entry: CaseEntry) -> EntryResult:
        before = self._focus_id  # read first: until it is set, the last case brought is in focus
        case = self.repertoire.add_case(
            Case(
                session=self.session_id,
                presenter=entry.presenter,
                title=entry.title,
                opened_on=self._today(),
            )
        )
        assert case.id is not None
        self._focus_id = case.id

        def revert() -> None:
            self.repertoire.take_back_case(case)  # refused if anyone has added to it since
            self._focus_id = before

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
        if entry.field == "topics":
            known = {t.slug for t in self.repertoire.topics()}
            for slug in entry.topics:
                if slug not in known:
                    self.repertoire.add_topic(Topic(slug=slug, name=slug.replace("-", " ").capitalize()))
            change: dict[str, object] = {"topics": list(dict.fromkeys([*case.topics, *entry.topics]))}
            what = "topics " + " ".join("#" + t for t in entry.topics)
        else:
            current = getattr(case, entry.field)
            change = {entry.field: f"{current}\n\n{entry.text}" if current else entry.text}
            what = "the " + entry.field
        return self._remember(f"{what} of “{case.title}”", self._change_case(case, change))

    def _change_case(self, case: Case, change: dict[str, object]) -> Callable[[], None]:
        """Write `change` to those fields of `case` alone, so that what another screen changed in
        the others stays; returns the undo, which puts back what they held unless someone has
        changed them since (`EditConflict`: the undo is refused, nothing is overwritten)."""
        case_id = case.id or 0
        held = {field: getattr(case, field) for field in change}
        self.repertoire.edit_case(case_id, change, held)

        def undo() -> None:
            self.repertoire.edit_case(case_id, held, change)

        return undo

    def _focus(self, entry: FocusEntry) -> EntryResult:
        cases = self.repertoire.session_cases(self.session_id)
        if not cases:
            return EntryResult(False, "no case has been shared yet: file one with #case @handle title")
        if entry.case > len(cases):
            return EntryResult(False, f"{there_are(len(cases), 'case')}; pick one from 1 to {len(cases)}")
        case = cases[entry.case - 1]
        self._focus_id = case.id
        return EntryResult(True, f"case {entry.case} in focus: “{case.title}”")

    def _file_strategy(self, entry: StrategyEntry) -> EntryResult:
        case = self._focused_case()
        if isinstance(case, EntryResult):
            return case
        assert case.id is not None
        proposed = strategy_for(self.repertoire, entry, case.id, self.session_id)
        if isinstance(proposed, str):
            return EntryResult(False, proposed)
        strategy = self.repertoire.add_strategy(proposed)
        assert strategy.id is not None
        strategy_id = strategy.id
        return self._remember(
            f"a strategy from @{entry.proposer} for “{case.title}”{reuse_said(self.repertoire, strategy)}",
            lambda: withdraw(self.repertoire, strategy_id),
        )

    def _strategy_number(self, case: Case, number: int) -> NumberedStrategy | EntryResult:
        """Strategy `number` as every screen numbers it this session (strategy_numbers.py)."""
        numbers = StrategyNumbers.read(self.repertoire, case.id, self.session_id)
        found = numbers.pick(case, number, none_yet="add one with #strategy @handle")
        return EntryResult(False, found) if isinstance(found, str) else found

    def _file_vote(self, entry: VoteEntry | PickEntry) -> EntryResult:
        case = self._focused_case()
        if isinstance(case, EntryResult):
            return case
        numbered = self._strategy_number(case, entry.strategy)
        if isinstance(numbered, EntryResult):
            return numbered
        strategy = numbered.strategy
        strategy_id = strategy.id or 0
        # Undo changes only what this entry changed: participants' dots, revealed meanwhile, stay.
        if isinstance(entry, VoteEntry):
            self.repertoire.add_votes(strategy_id, entry.count)
            what = f"{plural(entry.count, 'vote')} for {numbered.named}"
            return self._remember(what, lambda: self.repertoire.add_votes(strategy_id, -entry.count))
        self.repertoire.update_strategy(strategy.model_copy(update={"picked": not strategy.picked}))
        what = f"{'no pick for' if strategy.picked else 'the pick of'} {numbered.named}"
        return self._remember(what, lambda: self._set_picked(strategy_id, strategy.picked))

    def _set_picked(self, strategy_id: int, picked: bool) -> None:
        self.repertoire.update_strategy(
            self.repertoire.strategy(strategy_id).model_copy(update={"picked": picked})
        )

    def _file_action(self, entry: ActionEntry) -> EntryResult:
        due = entry.due
        if entry.due_relative is not None:
            resolved = relative_date(entry.due_relative, self._today(), self.session.next_meeting)
            if isinstance(resolved, str):
                return EntryResult(False, resolved)
            due = resolved
        if due is not None and due < self._today():
            return EntryResult(False, f"due {spoken(due)} is in the past; give a date from today on")
        case = None if (focus := self._focus_id) is None else self.repertoire.case(focus)
        strategy_id: int | None = None
        tries = ""
        if entry.strategy is not None:
            if case is None:
                return EntryResult(False, "strategy:N needs a case in focus: #focus N first")
            numbered = self._strategy_number(case, entry.strategy)
            if isinstance(numbered, EntryResult):
                return numbered
            strategy_id, tries = numbered.strategy.id, f", trying strategy {numbered.named}"
        elif case is not None and case.id is not None:
            numbers = StrategyNumbers.read(self.repertoire, case.id, self.session_id)
            picked = [n for n in numbers.numbered if not n.withdrawn and n.strategy.picked]
            if len(picked) > 1:  # which one it tries is the group's to say: a guess would miscount
                named = ", ".join(n.named for n in picked)
                return EntryResult(False, f"strategies {named} are picked: add strategy:N for the one tried")
            if picked:
                strategy_id, tries = picked[0].strategy.id, f", trying strategy {picked[0].named}"
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
        return self._remember(f"an action for @{entry.owner}{said}{tries}", revert)

    def _changed_how(self, report: ReportBack) -> str:
        """How the facilitator changes a report given already: their own with #undo, a member's
        from their own screen with F11; one filed before the meeting stands."""
        if report.session != self.session_id:
            return f"@{report.member} reported it before the meeting"
        entries = self.repertoire.participant_entries(self.session_id, member=report.member)
        if any(e.kind == "report_back" and e.item_id == report.id for e in entries):
            return f"F11 takes back @{report.member}'s to change it"
        return "#undo to change it"

    def _file_report(self, entry: ReportEntry) -> EntryResult:
        action: Action | None = None
        if entry.matter is not None:
            matter, total = self.matters.number(self.session, entry.matter, self._state.pressed_at)
            if not total:
                return EntryResult(
                    False, "there are no matters arising; report with #report @handle outcome story"
                )
            if matter is None:
                return EntryResult(False, f"{there_are(total, 'matter')} arising; pick one from 1 to {total}")
            if matter.report is not None:
                return EntryResult(False, f"{reported_already(matter)}; {self._changed_how(matter.report)}")
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

        resolved = self._resolve(case) if entry.resolves_case and case is not None else None

        def revert() -> None:
            if resolved is not None:
                self.repertoire.delete_note(resolved)
            self.repertoire.delete_report_back(report_id)
            if action is not None and action.id is not None:
                self.repertoire.set_action_status(action.id, action.status)
            if case is not None and case.id is not None:
                self.repertoire.set_case_status(case.id, case.status)

        what = "a report-back" if action is None else f"the report-back on matter {entry.matter}"
        what += f" from @{member} ({entry.outcome.label})"
        if entry.resolves_case:
            what += "; its case is resolved"
        return self._remember(what, revert)

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
        matter, total = self.matters.number(self.session, entry.matter, self._state.pressed_at)
        if matter is None:
            return EntryResult(False, f"there are {total} matters arising; pick one from 1 to {total}")
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
        note_id = self._resolve(case)

        def revert() -> None:
            self.repertoire.delete_note(note_id)
            self.repertoire.set_case_status(case_id, before)

        return self._remember(f"“{case.title}” as resolved", revert)

    def _resolve(self, case: Case) -> int:
        """Mark `case` resolved, with the group's decision filed in this phase, so the minutes of
        the meeting that agreed it say so; the decision note's id."""
        assert case.id is not None
        self.repertoire.set_case_status(case.id, CaseStatus.RESOLVED)
        note = self.repertoire.add_note(
            Note(
                session=self.session_id,
                phase=self.position,
                kind=NoteKind.DECISION,
                text=f"“{case.title}” is resolved: what was tried for it worked",
                case=case.id,
                created_at=self.clock.now(),
            )
        )
        assert note.id is not None
        return note.id

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
        dots = case.dots + entry.count
        undo = self._change_case(case, {"dots": dots})
        return self._remember(
            f"{plural(entry.count, 'dot')} on topic {entry.topic} “{case.title}” ({dots} in all)", undo
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
        case, focus = topic.case, self._focus_id
        undo_start = self._change_case(case, {"discussed_at": self.clock.now()})
        self._focus_id = case.id

        def revert() -> None:
            undo_start()
            self._focus_id = focus

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
        undo = self._change_case(case, {"extra_minutes": case.extra_minutes + lean_coffee.THUMBS_MINUTES})
        self._remember(f"the extension of topic {topic.number}", undo)
        return EntryResult(True, f"{said}: {lean_coffee.THUMBS_MINUTES} more minutes on “{case.title}”")

"""A member's own open actions, and their report-backs on them: in a live session or between meetings.

A report-back given with no session live is filed with no session; the next session's matters
arising list its action as reported already (see `matters.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from coptui.counts import plural
from coptui.facilitation.clock import Clock, SystemClock
from coptui.facilitation.view import EntryResult
from coptui.models import Action, ActionStatus, Case, Outcome, ReportBack, ValueCycle
from coptui.store import NotFound, Repertoire


@dataclass(frozen=True)
class MyAction:
    """One of a member's open actions; `number` is what `#report N` takes in their capture box."""

    number: int
    action: Action
    case_title: str | None
    strategy_text: str | None


class MemberActions:
    """What a member may do with their own actions, whether or not a session is live."""

    def __init__(self, repertoire: Repertoire, member: str, clock: Clock | None = None) -> None:
        self.repertoire = repertoire
        self.member = member
        self.clock: Clock = clock or SystemClock()

    def my_actions(self) -> list[MyAction]:
        """The member's open actions, soonest due first."""
        actions = self.repertoire.actions(status=ActionStatus.OPEN, owner=self.member)
        return [
            MyAction(
                number=number,
                action=action,
                case_title=None if action.case is None else self.repertoire.case(action.case).title,
                strategy_text=None
                if action.strategy is None
                else self.repertoire.strategy(action.strategy).text,
            )
            for number, action in enumerate(actions, start=1)
        ]

    def report_back(
        self,
        action_id: int,
        outcome: Outcome | str,
        text: str,
        *,
        lesson: str = "",
        value_cycle: ValueCycle | None = None,
    ) -> EntryResult:
        """Report what happened with one of the member's own open actions, in one transaction."""
        try:
            outcome = Outcome(outcome.replace("-", "_") if isinstance(outcome, str) else outcome)
        except ValueError:
            return EntryResult(
                False, f"{outcome!r} is not an outcome; say worked, partly, did-not-work or not-tried"
            )
        with self.repertoire.transaction():
            try:
                action = self.repertoire.action(action_id)
            except NotFound:
                return EntryResult(False, f"there is no action {action_id}")
            refusal = self.refusal(action)
            if refusal is not None:
                return EntryResult(False, refusal)
            live = self.repertoire.live_session()
            return self.file_report(
                action, outcome, text, lesson, value_cycle, None if live is None else live.id
            )

    def edit_report(self, report_id: int, changes: dict[str, Any], opened: dict[str, Any]) -> EntryResult:
        """Change a report-back of the member's own (what they typed after filing it), in one
        transaction; a field changed meanwhile raises `EditConflict`, as any edit does."""
        with self.repertoire.transaction():
            try:
                report = self.repertoire.report_back(report_id)
            except NotFound:
                return EntryResult(False, f"there is no report-back {report_id}")
            if report.member != self.member:
                return EntryResult(False, f"that report-back is @{report.member}'s; you change your own only")
            self.repertoire.edit_report_back(report_id, changes, opened)
        return EntryResult(True, f"saved the rest of your report-back {report_id}")

    def refusal(self, action: Action) -> str | None:
        if action.owner != self.member:
            return f"that action is @{action.owner}'s; you report on your own actions only"
        if action.status is not ActionStatus.OPEN:
            return f"“{action.text}” is {action.status.value} already"
        return None

    def file_report(
        self,
        action: Action,
        outcome: Outcome,
        story: str,
        lesson: str,
        value_cycle: ValueCycle | None,
        session_id: int | None,
        typed: str = "",
    ) -> EntryResult:
        """File the report-back and write it down as this member's entry; inside the caller's
        transaction. `typed`: the line it was Entered as, given back to the box if it is undone."""
        assert action.id is not None
        case = None if action.case is None else self.repertoire.case(action.case)
        now = self.clock.now()
        report = self.repertoire.add_report_back(
            ReportBack(
                action=action.id,
                case=None if case is None else case.id,
                session=session_id,
                member=self.member,
                outcome=outcome,
                story=story,
                lesson=lesson,
                value_cycle=value_cycle,
                reported_on=now.astimezone().date(),
            )
        )
        description = self.written_down(report, action, case, typed)
        left = len(self.repertoire.actions(status=ActionStatus.OPEN, owner=self.member))
        return EntryResult(True, f"filed {description}; {plural(left, 'open action')} left")

    def written_down(self, report: ReportBack, action: Action, case: Case | None, typed: str = "") -> str:
        """Write `report` down as this member's entry, with what taking it back needs (`action`
        and `case` as they were before it): filed with no session, it is how the next session's
        minutes know it came between meetings. Its description."""
        said = report.outcome.value.replace("_", " ")
        description = f"a report-back from @{self.member} on “{action.text}” ({said})"
        self.repertoire.add_participant_entry(
            report.session,
            self.member,
            "report_back",
            report.id or 0,
            description,
            self.clock.now(),
            {
                "action_status": action.status.value,
                "case_status": None if case is None else case.status.value,
                **({"typed": typed} if typed else {}),
            },
        )
        return description

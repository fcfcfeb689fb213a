"""Matters arising: the open actions from earlier sessions that the report-back goes through."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coptui.models import Action, ActionStatus, ReportBack, Session
from coptui.store import Repertoire


@dataclass(frozen=True)
class MatterArising:
    """An open action from an earlier session, to be reported on (or reported on this session)."""

    number: int
    action: Action
    case_title: str | None
    strategy_text: str | None
    report: ReportBack | None = None


def matters_arising(repertoire: Repertoire, session: Session) -> list[MatterArising]:
    """Open actions from before `session`, and those reported on in it or since the last meeting,
    numbered in a stable order. A member may report back between meetings: their action shows
    here as reported already."""
    assert session.id is not None
    reports = {r.action: r for r in repertoire.reports_between_meetings(session) if r.action}
    reports.update({r.action: r for r in repertoire.report_backs(session=session.id) if r.action})
    # The open ones read by status (an index), the few reported on one by one.
    found = {a.id: a for a in repertoire.actions(status=ActionStatus.OPEN)}
    found.update((i, repertoire.action(i)) for i in reports if i not in found)
    actions = [a for a in found.values() if a.session != session.id]
    # Those expected today first; marking someone absent must not renumber the list.
    expected = {*session.attendees, *session.absent}
    actions.sort(key=lambda a: (a.owner not in expected, a.owner, a.due or date.max, a.id or 0))
    case_titles: dict[int, str] = {}
    matters = []
    for number, action in enumerate(actions, start=1):
        if action.case is not None and action.case not in case_titles:
            case_titles[action.case] = repertoire.case(action.case).title
        strategy = None if action.strategy is None else repertoire.strategy(action.strategy).text
        matters.append(
            MatterArising(
                number=number,
                action=action,
                case_title=None if action.case is None else case_titles[action.case],
                strategy_text=strategy,
                report=None if action.id is None else reports.get(action.id),
            )
        )
    return matters

"""The case in focus, as every process reads it: the facilitator's engine and each participant's."""

from __future__ import annotations

from coptui.facilitation import lean_coffee
from coptui.models import Case, Session
from coptui.store import Repertoire


def case_in_focus(repertoire: Repertoire, session: Session) -> int | None:
    """The case the facilitator last put in focus; before they ever did, the last case brought
    (in Lean Coffee, the topic under discussion)."""
    assert session.id is not None
    stored = repertoire.focus_case(session.id)
    if stored is not None:
        return stored
    cases = repertoire.session_cases(session.id)
    topic = lean_coffee.current_topic(cases) if lean_coffee.is_lean_coffee(session) else None
    if topic is not None:
        return topic.case.id
    return cases[-1].id if cases else None


def own_case(repertoire: Repertoire, session: Session, member: str) -> Case | None:
    """The case `member`'s `#context`, `#question` and `#topic` go to: the case in focus when
    they present it, else the last case they brought this session (several members may bring
    cases at once, and only one is in focus)."""
    assert session.id is not None
    focus = case_in_focus(repertoire, session)
    theirs = [case for case in repertoire.session_cases(session.id) if case.presenter == member]
    for case in theirs:
        if case.id == focus:
            return case
    return theirs[-1] if theirs else None

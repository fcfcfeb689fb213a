"""The case in focus, as every process reads it: the facilitator's engine and each participant's."""

from __future__ import annotations

from coptui.facilitation import lean_coffee
from coptui.models import Session
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

"""Lean Coffee: the cases brought are the topics; dots order them, and each has its own timebox.

A topic's timebox runs from its `discussed_at` stamp for `TOPIC_MINUTES` plus the minutes
thumbs up added, so it is read from the store with the engine's clock and survives a resume.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from coptui.models import Case, Session

FORMAT = "lean-coffee"
TOPIC_MINUTES = 8
THUMBS_MINUTES = 4


@dataclass(frozen=True)
class Topic:
    number: int  # 1-based, in the order the topics were filed: what #dot N and the screen use
    case: Case


def is_lean_coffee(session: Session) -> bool:
    return session.format == FORMAT


def by_dots(cases: Sequence[Case]) -> list[Topic]:
    """The topics, most dots first; among equal dots, the one filed first."""
    topics = [Topic(number, case) for number, case in enumerate(cases, start=1)]
    return sorted(topics, key=lambda topic: (-topic.case.dots, topic.number))


def next_topic(cases: Sequence[Case]) -> Topic | None:
    """The topic with the most dots not yet discussed."""
    return next((t for t in by_dots(cases) if t.case.discussed_at is None), None)


def current_topic(cases: Sequence[Case]) -> Topic | None:
    """The topic the group took up last."""
    started = [t for t in by_dots(cases) if t.case.discussed_at is not None]
    return max(started, key=lambda t: t.case.discussed_at or datetime.min, default=None)


def seconds_left(case: Case, now: datetime) -> int:
    """Seconds until the topic's timebox ends (negative once over); its full length if not started."""
    total = timedelta(minutes=TOPIC_MINUTES + case.extra_minutes)
    if case.discussed_at is None:
        return int(total.total_seconds())
    return int((case.discussed_at + total - now).total_seconds())

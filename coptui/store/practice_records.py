"""What the store answers about practices: their records, their stories, and cases seen before."""

from __future__ import annotations

from datetime import date

from coptui.models import Case, CaseStatus, Practice, Record, ReportBack, Strategy
from coptui.store.browsing import TrackRecord


class PracticeRecord(Record):
    """A practice with its track record across every case it was used on, and its evidence score."""

    practice: Practice
    record: TrackRecord
    cases: int  # the cases it was tried on: a report-back said it worked, partly, or did not
    uses: int  # the strategies that are uses of it
    evidence: float  # see `coptui.store.evidence`


class PracticeUse(Record):
    """One strategy that used a practice: the case it answered, the session it was proposed in."""

    strategy: Strategy
    record: TrackRecord
    case_title: str
    case_opened_on: date
    case_status: CaseStatus
    session_title: str | None = None
    session_date: date | None = None


class PracticeStory(Record):
    """A practice: its record, each use of it, and what was reported whenever it was tried."""

    practice: PracticeRecord
    uses: list[PracticeUse]
    report_backs: list[ReportBack]


class SimilarCase(Record):
    """A case seen before that resembles another: what was tried on it and the practices that helped."""

    case: Case
    relevance: float  # larger is more alike: text likeness, plus a boost per shared topic
    shared_topics: int
    record: TrackRecord  # every report-back on the case
    practices: list[PracticeRecord]  # those that worked or partly worked for it, best evidence first

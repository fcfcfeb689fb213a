"""What the repertoire browser asks of the store: filters, track records, stories and their SQL.

The result types here are what the browser's panes show; the queries that fill
them are the `# -- browsing --` methods of `Repertoire`, which build on the SQL
fragments below so that every filter means the same thing in every list.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from coptui.models import (
    Action,
    Case,
    CaseStatus,
    Community,
    Member,
    Note,
    Outcome,
    Record,
    ReportBack,
    Session,
    Strategy,
    Topic,
)
from coptui.store.search import STRATEGY_OUTCOME

# How many items of each kind a member's story carries at most, newest first: a story is
# read by a person, and a member of a 100,000-case repertoire may have brought thousands
# (the lists, filtered by member, page through all of them).
STORY_LIMIT = 30


class SortOrder(StrEnum):
    DATE = "date"
    RELEVANCE = "relevance"


class BrowseFilter(Record):
    """What narrows a list or a search; every field left empty matches everything.

    `member` is whoever wrote the item: a case's presenter, a strategy's proposer,
    an action's owner, a report-back's member, a note's author. `outcome` keeps
    items whose case (or, for strategies and report-backs, the item itself) has
    a report-back with that outcome.
    """

    topic: str | None = None
    status: CaseStatus | None = None
    outcome: Outcome | None = None
    member: str | None = None
    since: date | None = None
    until: date | None = None
    sort: SortOrder = SortOrder.RELEVANCE

    def is_empty(self) -> bool:
        return not any((self.topic, self.status, self.outcome, self.member, self.since, self.until))

    def describe(self) -> str:
        """A short line saying what is filtered, for a pane's subtitle."""
        parts = []
        if self.topic:
            parts.append(f"#{self.topic}")
        if self.status:
            parts.append(self.status.label)
        if self.outcome:
            parts.append(self.outcome.label)
        if self.member:
            parts.append(f"@{self.member}")
        if self.since or self.until:
            parts.append(f"{self.since or '…'}–{self.until or '…'}")
        return " ".join(parts)

    def clauses(
        self,
        *,
        case: str | None,
        member: str | None,
        on: str | None,
        outcome: str | None = None,
    ) -> tuple[list[str], dict[str, Any]]:
        """SQL conditions for one kind of item, given the expressions that hold its case id,
        its author, its date, and (when it has one of its own) the condition on its outcome."""
        clauses: list[str] = []
        params: dict[str, Any] = {}
        if self.topic:
            clauses.append(f"{case} IN (SELECT case_id FROM case_topics WHERE topic = :f_topic)")
            params["f_topic"] = self.topic
        if self.status:
            clauses.append(f"{case} IN (SELECT id FROM cases WHERE status = :f_status)")
            params["f_status"] = self.status.value
        if self.outcome:
            clauses.append(
                outcome or f"{case} IN (SELECT case_id FROM report_backs WHERE outcome = :f_outcome)"
            )
            params["f_outcome"] = self.outcome.value
        if self.member:
            clauses.append(f"{member} = :f_member" if member else "0")
            params["f_member"] = self.member
        if self.since:
            clauses.append(f"{on} >= :f_since" if on else "0")
            params["f_since"] = self.since.isoformat()
        if self.until:
            clauses.append(f"{on} <= :f_until" if on else "0")
            params["f_until"] = self.until.isoformat()
        return clauses, params


def where(clauses: list[str]) -> str:
    return " AND ".join(clauses) or "1"


def strategy_filter(filter: BrowseFilter) -> tuple[list[str], dict[str, Any]]:
    """Conditions on strategies (alias `s`, their case `c`): dated by the case they answer."""
    return filter.clauses(case="s.case_id", member="s.proposer", on="c.opened_on", outcome=STRATEGY_OUTCOME)


# Outcome counts per strategy, for the strategies whose ids fill `{marks}`.
TRACK_RECORD_SQL = (
    "SELECT a.strategy_id, r.outcome, count(*) FROM actions a "
    "JOIN report_backs r ON r.action_id = a.id "
    "WHERE a.strategy_id IN ({marks}) GROUP BY a.strategy_id, r.outcome"
)

# Tried strategies (alias `s`) under the conditions in `{where}`, best record first: worked
# counts fully, partly half, and a failure takes half back; then the most tried, the most voted.
WHAT_HAS_WORKED_SQL = (
    "SELECT s.id, "
    "sum(r.outcome = 'worked') + 0.5 * sum(r.outcome = 'partly') - 0.5 * sum(r.outcome = 'did_not_work') "
    "AS score, sum(r.outcome <> 'not_tried') AS tried "
    "FROM strategies s JOIN actions a ON a.strategy_id = s.id JOIN report_backs r ON r.action_id = a.id "
    "WHERE {where} GROUP BY s.id ORDER BY score DESC, tried DESC, s.votes DESC, s.id LIMIT :limit"
)


class TrackRecord(Record):
    """What members reported when they tried a strategy."""

    worked: int = 0
    partly: int = 0
    did_not_work: int = 0
    not_tried: int = 0

    @property
    def tried(self) -> int:
        return self.worked + self.partly + self.did_not_work

    @property
    def score(self) -> float:
        """Worked counts fully, partly half, and a failure takes half back."""
        return self.worked + 0.5 * self.partly - 0.5 * self.did_not_work

    def summary(self) -> str:
        if not self.tried:
            return "not tried yet" if not self.not_tried else f"not tried yet ({self.not_tried}× not got to)"
        times = "once" if self.tried == 1 else f"{self.tried} times"
        return f"tried {times}: {self.worked} worked, {self.partly} partly, {self.did_not_work} did not work"

    def marks(self) -> str:
        """A compact form for a list row: ✓ worked ◐ partly ✗ did not work."""
        tried = {
            Outcome.WORKED: self.worked,
            Outcome.PARTLY: self.partly,
            Outcome.DID_NOT_WORK: self.did_not_work,
        }
        return " ".join(f"{outcome.mark}{count}" for outcome, count in tried.items())


class StrategyRecord(Record):
    """A strategy with the case it answered and its track record."""

    strategy: Strategy
    case_title: str
    record: TrackRecord


class TopicSummary(Record):
    topic: Topic
    cases: int


class Overview(Record):
    """The community at a glance: what the home screen showed before it became the browser."""

    community: Community
    case_count: int
    member_count: int
    session_count: int
    open_action_count: int
    sessions: list[Session]
    actions: list[Action]
    cases: list[Case]


class CaseStory(Record):
    """A case's whole story: who brought it, what was proposed, tried and reported, and where."""

    case: Case
    presenter: Member
    topics: list[Topic]
    strategies: list[StrategyRecord]
    actions: list[Action]
    report_backs: list[ReportBack]
    sessions: list[Session]
    notes: list[Note]


class MemberStory(Record):
    """What a member brought, proposed, committed to and reported."""

    member: Member
    cases: list[Case]
    strategies: list[StrategyRecord]
    actions: list[Action]
    report_backs: list[ReportBack]
    sessions_attended: int


class SessionStory(Record):
    """A session: its format, attendance and phases, and everything filed in it."""

    session: Session
    cases: list[Case]
    strategies: list[Strategy]
    actions: list[Action]
    report_backs: list[ReportBack]
    notes: list[Note]


class StrategyStory(Record):
    strategy: StrategyRecord
    case: Case
    session: Session | None = None
    actions: list[Action]
    report_backs: list[ReportBack]

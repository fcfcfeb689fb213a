"""Matters arising: the open actions from earlier sessions that the report-back goes through.

A repertoire may hold tens of thousands of them (every member's, not only today's): the session
shows a page, numbered as the whole list is, and `#report N` finds any number in the store.
What was read is kept until something that changes it is filed, so an entry in the report-back
phase does not read the matters again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from coptui.models import ReportBack, Session
from coptui.store import Repertoire
from coptui.store.matters import MatterArising

# The matters a session's screen lists: members expected today come first, and a community
# rarely brings more than this to one meeting; the rest are counted, and reachable by number.
MATTERS_PAGE = 60


@dataclass(frozen=True)
class MattersArising:
    """The first page of the matters arising, and how many there are in all."""

    page: tuple[MatterArising, ...]
    total: int
    expected: int  # of those, the matters of members expected today: numbered first

    @property
    def more(self) -> int:
        """How many are not on the page."""
        return self.total - len(self.page)


def expected_at(session: Session, at: datetime | None = None) -> tuple[str, ...]:
    """The members whose matters are numbered first: those attending, and those marked absent;
    as they were at `at` (when a line was Entered), if given. A member who arrived since is not
    yet among them, so a line means the numbers on the screen it was typed at, however long it
    waited to be filed."""
    if at is not None and (session.started_at is None or at < session.started_at):
        at = None  # stamped before the session began: no numbers were on screen to mean (or another clock)
    late = {m for m, when in session.arrived.items() if at is not None and when > at}
    return tuple(m for m in (*session.attendees, *session.absent) if m not in late)


def reported_already(matter: MatterArising) -> str:
    """Why a matter cannot be reported on again: said alike to the facilitator and its member."""
    report = matter.report
    said = "" if report is None else f" ({report.outcome.label})"
    return f"matter {matter.number}, “{matter.action.text}”, was reported already{said}"


def matters_reports(repertoire: Repertoire, session: Session) -> dict[int, ReportBack]:
    """By action: report-backs given at `session`, or by members since the last meeting."""
    assert session.id is not None
    reports = {r.action: r for r in repertoire.reports_between_meetings(session) if r.action}
    reports.update({r.action: r for r in repertoire.report_backs(session=session.id) if r.action})
    return reports


class MattersReader:
    """One live session's matters arising, read a page at a time and kept while they stand.

    They are read again when what numbers them changes (who is expected: an arrival, a
    newcomer, or the undoing of one) or when `forget` says something else may have (a phase
    begun, a transaction undone); what was reported on them is read each time, and is all
    that a report-back (or its undoing, or a take-back) changes.
    """

    def __init__(self, repertoire: Repertoire, page: int | None = None) -> None:
        self.repertoire = repertoire
        self.page_size = page or MATTERS_PAGE
        self._kept: tuple[object, MattersArising] | None = None

    def forget(self) -> None:
        self._kept = None

    def shown(self, session: Session, at: datetime | None = None) -> MattersArising:
        """The page the screen lists: matters 1 to `page_size` (numbered as at `at`, if given)."""
        assert session.id is not None
        reports = matters_reports(self.repertoire, session)
        expected = expected_at(session, at)
        key = (session.id, expected)
        if self._kept is None or self._kept[0] != key:
            read = self.repertoire.matters_page(session.id, expected, reports, limit=self.page_size)
            if len(read) < self.page_size:
                counted = len(read), sum(1 for m in read if m.action.owner in expected)
            else:
                counted = self.repertoire.matters_count(session.id, expected, reports)
            self._kept = key, MattersArising(tuple(read), *counted)
        kept = self._kept[1]
        # A report-back (or its undoing) keeps its action in the list, where it was: only
        # what the page says of it changes.
        page = tuple(replace(m, report=reports.get(m.action.id or 0)) for m in kept.page)
        if page != kept.page:
            self._kept = key, replace(kept, page=page)
        return self._kept[1]

    def number(
        self, session: Session, number: int, at: datetime | None = None
    ) -> tuple[MatterArising | None, int]:
        """Matter `number` as the screen numbers it (as it did at `at`, when the line was Entered,
        if given): None if there is no such; and how many there are."""
        shown = self.shown(session, at)
        if 1 <= number <= len(shown.page):
            return shown.page[number - 1], shown.total
        if number < 1 or number > shown.total:
            return None, shown.total
        assert session.id is not None
        expected = expected_at(session, at)
        reports = matters_reports(self.repertoire, session)
        found = self.repertoire.matters_page(session.id, expected, reports, first=number, limit=1)
        return (found[0] if found else None), shown.total

    def owners(self, session: Session, owner: str, at: datetime | None = None) -> list[MatterArising]:
        """`owner`'s matters arising, numbered as the screen numbers the whole list (as at `at`,
        if given); those reported on stay, with their report, so the numbers hold all session."""
        assert session.id is not None
        reports = matters_reports(self.repertoire, session)
        return self.repertoire.owners_matters(session.id, expected_at(session, at), reports, owner)

    def not_of(
        self, session: Session, number: int, theirs: list[MatterArising], at: datetime | None = None
    ) -> str:
        """Why `#report number` is none of `theirs` (a member's matters), and which are."""
        other, _ = self.number(session, number, at)
        said = f"matter {number} is @{other.action.owner}'s" if other else f"there is no matter {number}"
        open_ = [str(m.number) for m in theirs if m.report is None]
        if not open_:
            return f"{said}; you have no matters arising to report on (F2 lists your open actions)"
        return f"{said}; yours: {', '.join(open_)} (#report N outcome story)"


__all__ = ["MATTERS_PAGE", "MatterArising", "MattersArising", "MattersReader"]

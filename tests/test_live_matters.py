"""Matters arising on a big repertoire: numbered as a whole, listed a page at a time, read once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from ui_helpers import screen_lines, scrolled_lines, settle, words

from coptui.facilitation import LiveSession, ManualClock, MattersArising, SessionPlan, SessionView
from coptui.facilitation import matters as matters_module
from coptui.formats import DEFAULT_FORMAT, find_format
from coptui.models import Action, ActionStatus, Member, Note, Outcome, ReportBack
from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp
from coptui.ui.screens import recording
from coptui.ui.screens.session import SessionScreen

START = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
REPORT_BACK = 3


def open_actions(repertoire: Repertoire) -> list[Action]:
    """Open actions of ben (expected), dee and eve (not), filed at the November clinic."""
    for handle in ("dee", "eve"):
        repertoire.add_member(Member(handle=handle, name=handle.title()))
    filed = []
    for owner, day in (("eve", 3), ("dee", 9), ("ben", 20), ("dee", 1), ("eve", None), ("ben", 2)):
        due = None if day is None else date(2026, 12, day)
        filed.append(
            repertoire.add_action(Action(case=2, session=2, owner=owner, text=f"{owner} {day}", due=due))
        )
    return filed


def in_meeting_order(repertoire: Repertoire, expected: set[str]) -> list[int]:
    """The numbering, worked out from every action: those expected first, by owner, due, id."""
    listed = [a for a in repertoire.actions(status=ActionStatus.OPEN) if a.session != 3]
    listed.sort(key=lambda a: (a.owner not in expected, a.owner, a.due or date.max, a.id or 0))
    return [a.id or 0 for a in listed]


def listed(live: LiveSession, matters: MattersArising | None = None) -> list[tuple[int, int, str | None]]:
    """What the screen lists of each matter (of the session's, unless given): its number, its
    action, and the story reported on it."""
    matters = matters or live.view().matters
    assert matters is not None
    return [(m.number, m.action.id or 0, m.report.story if m.report else None) for m in matters.page]


def start(repertoire: Repertoire) -> LiveSession:
    plan = SessionPlan(find_format(DEFAULT_FORMAT), "ana", ["ben", "cho"])
    live = LiveSession.start(repertoire, plan, ManualClock(START))
    live.jump_to(REPORT_BACK)
    return live


@pytest.fixture
def paged(repertoire: Repertoire, monkeypatch: pytest.MonkeyPatch) -> LiveSession:
    """A session in its report-back phase with seven matters arising, listed three to a page."""
    monkeypatch.setattr(matters_module, "MATTERS_PAGE", 3)
    open_actions(repertoire)
    return start(repertoire)


def test_a_page_is_listed_numbered_as_the_whole_list_and_report_takes_any_number(
    repertoire: Repertoire, paged: LiveSession
) -> None:
    live = paged
    order = in_meeting_order(repertoire, {"ana", "ben", "cho"})
    matters = live.view().matters
    assert matters is not None and (len(matters.page), matters.total, matters.expected) == (3, len(order), 3)
    assert [(m.number, m.action.id) for m in matters.page] == list(enumerate(order[:3], start=1))
    assert live.enter("#report 6 worked Done at last").ok  # beyond the page
    (report,) = repertoire.report_backs(session=live.session_id)
    assert report.action == order[5]
    assert live.enter("#report 8 worked Too far").message == (
        f"there are {len(order)} matters arising; pick one from 1 to {len(order)}"
    )
    # Reported, it keeps its number: the next one is still 7.
    assert live.enter("#report 7 partly Halfway").ok
    assert [r.action for r in repertoire.report_backs(session=live.session_id)] == order[5:7]
    assert live.view().matters == matters  # still numbered the same


def test_an_arrival_renumbers_and_the_report_follows_what_is_shown(
    repertoire: Repertoire, paged: LiveSession
) -> None:
    live = paged
    assert live.enter("#arrived @eve").ok
    order = in_meeting_order(repertoire, {"ana", "ben", "cho", "eve"})
    matters = live.view().matters
    assert matters is not None
    assert [m.action.owner for m in matters.page] == ["ben", "ben", "ben"]
    assert live.enter("#report 5 worked Found").ok
    (report,) = repertoire.report_backs(session=live.session_id)
    assert report.action == order[4] and repertoire.action(order[4]).owner == "eve"


def test_matters_are_read_again_only_when_what_numbers_them_changes(
    repertoire: Repertoire, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_actions(repertoire)
    live = start(repertoire)
    reads: list[int] = []
    page = repertoire.matters_page

    def counted(*args: Any, **kwargs: Any) -> Any:
        reads.append(1)
        return page(*args, **kwargs)

    monkeypatch.setattr(repertoire, "matters_page", counted)
    first = live.view().matters
    assert first is not None and len(reads) == 1
    for line in ("ben had a good month", "#decision keep going", "cho too"):
        assert live.enter(line).ok
        assert live.view().matters == first
    assert len(reads) == 1
    # A report-back written by another program (a member between meetings, a participant) shows.
    target = first.page[1].action
    with Repertoire.open(db_path) as other:
        other.add_report_back(
            ReportBack(
                action=target.id,
                case=target.case,
                session=live.session_id,
                member=target.owner,
                outcome=Outcome.WORKED,
                story="from their own terminal",
                reported_on=START.date(),
            )
        )
    after = live.view().matters
    assert after is not None and after.page[1].report is not None
    assert after.page[1].report.story == "from their own terminal"
    assert live.enter("#report 1 worked yes").ok and listed(live) != listed(live, after)
    assert live.enter("#undo").ok and listed(live) == listed(live, after)
    assert len(reads) == 1  # a report-back keeps every matter where it was
    assert live.enter("#arrived @dee").ok
    arrived = live.view().matters
    assert len(reads) == 2 and arrived is not None and "dee" in {m.action.owner for m in arrived.page}


async def test_the_screen_lists_a_page_and_says_how_to_reach_the_rest(
    repertoire: Repertoire, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(matters_module, "MATTERS_PAGE", 2)
    open_actions(repertoire)
    start(repertoire)
    app = CoptuiApp(repertoire, clock=ManualClock(START), launch="resume")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = words(" ".join(await scrolled_lines(pilot, app.screen.query_one("#workspace"))))
        more = "… 5 more, numbered 3 to 7 (1 of today's members' first, then by owner): #report N takes"
        assert more in text
        assert "1 ben · Start a weekly alert" in text and "2 ben · ben 2 ⚠ overdue" in text
        assert "ben 20" not in text and "eve" not in text


async def test_the_poll_reads_the_session_again_for_others_writes_not_for_the_facilitators_own(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recording, "OTHERS_POLL_SECONDS", 3600)  # the test runs the poll itself
    with Repertoire.open(db_path) as repertoire:
        start(repertoire)
        app = CoptuiApp(repertoire, clock=ManualClock(START), launch="resume")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, SessionScreen) and screen.live is not None
            reads: list[int] = []
            view = screen.live.view

            def counted() -> SessionView:
                reads.append(1)
                return view()

            screen.live.view = counted  # type: ignore[method-assign]
            for line in ("ben had a good month", "cho too"):
                await pilot.press(*line, "enter")
                await settle(pilot)
            assert len(reads) == 2  # one read after each entry, by the recorder
            screen.poll_others()
            await settle(pilot)
            assert len(reads) == 2  # the journal's own writes are in what was read
            with Repertoire.open(db_path) as elsewhere:
                elsewhere.add_note(
                    Note(
                        session=screen.live.session_id,
                        phase=REPORT_BACK,
                        author="cho",
                        text="from elsewhere",
                        created_at=START,
                    )
                )
            screen.poll_others()
            await settle(pilot)
            assert len(reads) == 3
            assert "from elsewhere" in words(" ".join(screen_lines(app)))

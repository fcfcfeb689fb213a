"""The action register: relative due dates, the next meeting, overdue marks and what is carried forward."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from ui_helpers import rows, screen_lines, settle, words

from coptui.export import minutes
from coptui.facilitation import LiveSession, ManualClock, SessionPlan
from coptui.facilitation.tags import is_relative_date, relative_date
from coptui.formats import find_format
from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp

START = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)  # a Thursday
THURSDAY = START.date()


@pytest.mark.parametrize(
    ("said", "meant"),
    [
        ("+3d", date(2026, 12, 6)),
        ("+2w", date(2026, 12, 17)),
        ("fri", date(2026, 12, 4)),
        ("Friday", date(2026, 12, 4)),
        ("thu", date(2026, 12, 10)),  # on a Thursday, a week on
        ("tomorrow", date(2026, 12, 4)),
        ("today", THURSDAY),
        ("next", date(2027, 1, 14)),
    ],
)
def test_relative_dates_are_read_against_today(said: str, meant: date) -> None:
    assert is_relative_date(said)
    assert relative_date(said, THURSDAY, date(2027, 1, 14)) == meant


def test_what_is_not_a_relative_date() -> None:
    assert not any(is_relative_date(word) for word in ("2026-12-01", "t", "someday", "+3y", "s", "+"))
    assert "no date is set for the next meeting" in str(relative_date("next", THURSDAY, None))


@pytest.fixture
def live(repertoire: Repertoire) -> LiveSession:
    plan = SessionPlan(find_format("cop-meeting"), "ana", ["ben", "cho"], title="December clinic")
    return LiveSession.start(repertoire, plan, ManualClock(START))


def test_next_meeting_and_due_dates_relative_to_it(live: LiveSession, repertoire: Repertoire) -> None:
    refused = live.enter("#action @ben due:next Try it")
    assert not refused.ok and "#next" in refused.message
    assert not live.enter("#next 2026-12-01").ok, "the next meeting is after today"
    said = live.enter("#next 2027-01-14")
    assert said.ok and "Thursday 14 January 2027" in said.message
    filed = live.enter("#action @ben due:next Try ticket routing")
    assert filed.ok and "due Thu 14 Jan 2027" in filed.message
    assert live.enter("#action @cho due:+2w Write the runbook").ok
    assert live.enter("#action @cho due:fri Call the vendor").ok
    dues = {a.text: a.due for a in repertoire.actions() if a.session == live.session_id}
    assert dues == {
        "Try ticket routing": date(2027, 1, 14),
        "Write the runbook": date(2026, 12, 17),
        "Call the vendor": date(2026, 12, 4),
    }
    assert repertoire.session(live.session_id).next_meeting == date(2027, 1, 14)
    text = minutes(repertoire, live.session_id, "md")
    assert "- **Next meeting:** Thursday 14 January 2027" in text


def test_undo_takes_the_next_meeting_back(live: LiveSession, repertoire: Repertoire) -> None:
    live.enter("#next +6w")
    assert repertoire.session(live.session_id).next_meeting == date(2027, 1, 14)
    assert live.undo().ok
    assert repertoire.session(live.session_id).next_meeting is None


def test_minutes_carry_forward_every_open_action_and_mark_the_overdue(
    live: LiveSession, repertoire: Repertoire
) -> None:
    # Action 2 (ben, due 1 December, agreed in October) is open and not reported on.
    live.end()
    text = minutes(repertoire, live.session_id, "md")
    carried = text.split("## Open actions carried forward")[1]
    assert "Start a weekly alert review" in carried and "2026-12-01 **(overdue)**" in carried
    assert "October clinic" in carried and "1 action still open" in carried
    # Minutes of the October session itself carry nothing forward: nothing was agreed before it.
    october = minutes(repertoire, 1, "md").split("## Open actions carried forward")[1]
    assert "No action agreed at an earlier session is still open." in october


async def test_the_report_back_marks_an_overdue_matter_in_words(db_path: Path) -> None:
    with Repertoire.open(db_path) as repertoire:
        plan = SessionPlan(find_format("cop-meeting"), "ana", ["ben", "cho"])
        app = CoptuiApp(repertoire, clock=ManualClock(START), launch=plan)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press(*"#next 2027-01-14", "enter")
            await settle(pilot)
            await pilot.press("f2")
            await pilot.pause()
            await pilot.press("down", "down", "down", "enter")
            await settle(pilot)
            workspace = app.screen.query_one("#workspace").region
            assert "⚠ overdue 01 Dec" in words(" ".join(screen_lines(app, workspace)))


async def test_the_browser_marks_overdue_actions(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("coptui.ui.stories.today", lambda: date(2026, 12, 2))
    with Repertoire.open(db_path, read_only=True) as repertoire:
        app = CoptuiApp(repertoire)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert "2026-12-01 ⚠ overdue @ben Start a weekly alert review" in rows(app)

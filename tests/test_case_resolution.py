"""A case whose strategy worked can be resolved: #resolved N, or case:resolved in a report-back."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from ui_helpers import screen_lines, settle

from coptui.export.api import minutes
from coptui.facilitation import LiveSession, ManualClock, SessionPlan
from coptui.formats import find_format
from coptui.models import CaseStatus
from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp

REPORT_BACK = 3
START = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)


@pytest.fixture
def live(repertoire: Repertoire) -> LiveSession:
    plan = SessionPlan(find_format("cop-meeting"), "ana", ["ben", "cho"])
    return LiveSession.start(repertoire, plan, ManualClock(START))


def test_resolved_needs_a_strategy_that_worked(live: LiveSession, repertoire: Repertoire) -> None:
    # Matter 1 is ben's open action 2 on case 1, whose action 1 was reported as worked.
    assert repertoire.case(1).status is CaseStatus.REPORTED
    result = live.enter("#resolved 1")
    assert result.ok and result.message == "filed “Alert fatigue at night” as resolved"
    assert repertoire.case(1).status is CaseStatus.RESOLVED
    assert "resolved already" in live.enter("#resolved 1").message
    assert live.undo().ok and repertoire.case(1).status is CaseStatus.REPORTED
    assert "pick one from 1 to 1" in live.enter("#resolved 2").message
    assert "#resolved N" in live.enter("#resolved one").message


def test_nothing_worked_yet_is_refused(live: LiveSession, repertoire: Repertoire) -> None:
    repertoire.db.execute("UPDATE report_backs SET outcome = 'partly'")
    result = live.enter("#resolved 1")
    assert not result.ok and "nothing tried for “Alert fatigue at night” has worked yet" in result.message
    assert repertoire.case(1).status is CaseStatus.REPORTED


def test_the_presenter_says_so_in_the_report_back(live: LiveSession, repertoire: Repertoire) -> None:
    refused = live.enter("#report 1 partly Helped a bit case:resolved")
    assert not refused.ok and "the outcome worked" in refused.message
    assert repertoire.report_backs(session=live.session_id) == []
    result = live.enter("#report 1 worked Review caught the noisy ones case:resolved")
    assert result.ok and result.message.endswith("from @ben (worked); its case is resolved")
    assert repertoire.case(1).status is CaseStatus.RESOLVED
    (report,) = repertoire.report_backs(session=live.session_id)
    assert report.story == "Review caught the noisy ones"
    assert live.undo().ok and repertoire.case(1).status is CaseStatus.REPORTED


@pytest.mark.parametrize(
    "typed", ["#resolved 1", "#report 1 worked Review caught the noisy ones case:resolved"]
)
def test_the_minutes_of_the_meeting_that_resolved_a_case_say_so(
    live: LiveSession, repertoire: Repertoire, typed: str
) -> None:
    """QA's L2: the meeting where the group agreed a case was solved keeps a trace of it."""
    live.jump_to(REPORT_BACK)
    assert live.enter(typed).ok
    said = "“Alert fatigue at night” is resolved: what was tried for it worked"
    text = minutes(repertoire, live.session_id)
    decisions = text.split("## Decisions")[1]
    assert f"- {said} *(on Alert fatigue at night)*" in decisions
    assert "status now: resolved" in text.split("## Cases")[1]
    assert said in "".join(n.text for n in live.view().notes)  # on the screen as it is filed
    assert live.undo().ok and said not in minutes(repertoire, live.session_id)


async def test_help_says_what_each_status_means(db_path: Path) -> None:
    with Repertoire.open(db_path) as repertoire:
        plan = SessionPlan(find_format("cop-meeting"), "ana", ["ben"])
        app = CoptuiApp(repertoire, clock=ManualClock(START), launch=plan)
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(pilot)
            await pilot.press("f1")
            await pilot.pause()
            help_screen = app.screen.query_one("#help")
            help_screen.scroll_end(animate=False)
            await pilot.pause()
            shown = "\n".join(screen_lines(app))
            assert "What a case's status means" in shown
            assert "a strategy worked and the presenter says it is solved" in shown
            assert "◔ in trial  someone has an action to try a strategy for it" in shown

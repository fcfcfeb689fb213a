"""Counts read as English wherever they are printed: 1 case, 2 cases; there is 1, there are 2."""

from __future__ import annotations

from datetime import UTC, datetime

from ui_helpers import browser, screen_lines, settle

from coptui.counts import plural, there_are
from coptui.facilitation import LiveSession, ManualClock, SessionPlan
from coptui.formats import DEFAULT_FORMAT, find_format
from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp
from coptui.ui.sources import Section


def test_plural_and_there_are() -> None:
    assert [plural(n, "case") for n in (0, 1, 2)] == ["0 cases", "1 case", "2 cases"]
    assert plural(1, "strategy", "strategies") == "1 strategy"
    assert plural(3, "strategy", "strategies") == "3 strategies"
    assert [there_are(n, "case") for n in (1, 2)] == ["there is 1 case", "there are 2 cases"]


def test_the_capture_box_counts_what_there_is(repertoire: Repertoire) -> None:
    plan = SessionPlan(
        session_format=find_format(DEFAULT_FORMAT), facilitator="ana", attendees=("ben", "cho")
    )
    live = LiveSession.start(repertoire, plan, ManualClock(datetime(2026, 12, 3, 17, 0, tzinfo=UTC)))
    live.enter("#case @ben Only one")
    assert live.enter("#focus 3").message == "there is 1 case; pick one from 1 to 1"
    live.enter("#strategy @cho Try one thing")
    assert live.enter("#vote 2").message == "“Only one” has 1 strategy; pick one from 1 to 1"
    live.enter("#case @cho Another")
    assert live.enter("#focus 3").message == "there are 2 cases; pick one from 1 to 2"


async def test_the_topics_list_says_1_case(repertoire: Repertoire) -> None:
    app = CoptuiApp(repertoire)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        browser(app).go_section(Section.TOPICS)
        await settle(pilot)
        screen = "\n".join(screen_lines(app))
    assert "Alerting  1 case " in screen and "1 cases" not in screen

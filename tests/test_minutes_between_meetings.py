"""A report-back a member files between meetings (My actions) is in the next session's minutes,
marked as filed before the meeting, as its matters arising showed it (QA's L1)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from test_form_keys import open_report_back_on_action_2
from textual.widgets import Select, TextArea
from ui_helpers import settle

from coptui.export import names
from coptui.export.api import export_repertoire, minutes
from coptui.facilitation import LiveSession, ManualClock, SessionPlan
from coptui.facilitation.my_actions import MemberActions
from coptui.formats import find_format
from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp

START = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)


def meeting(repertoire: Repertoire, clock: ManualClock, title: str) -> LiveSession:
    plan = SessionPlan(find_format("cop-meeting"), "ana", ["ben", "cho"], title=title)
    return LiveSession.start(repertoire, plan, clock)


def test_the_next_sessions_minutes_list_a_report_filed_between_meetings(repertoire: Repertoire) -> None:
    clock = ManualClock(START)
    december = meeting(repertoire, clock, "December clinic")
    clock.advance(minutes=90)
    december.end()
    clock.advance(minutes=60 * 24 * 30)  # the morning of the next meeting, a month later
    assert (
        MemberActions(repertoire, "ben", clock)
        .report_back(2, "worked", "Reviews cut the [noise] by half", lesson="*Mondays* work")
        .ok
    )
    clock.advance(minutes=60)
    january = meeting(repertoire, clock, "January clinic")
    assert january.enter("@ana a note").ok

    text = minutes(repertoire, january.session_id)
    arising = text.split("## Matters arising")[1].split("\n## ")[0]
    assert (
        "1 report-back on actions agreed at earlier sessions, 1 of them filed before the meeting." in arising
    )
    assert "### Ben Okafor: worked" in arising
    assert "**Action:** Start a weekly alert review" in arising
    assert "Reviews cut the \\[noise\\] by half" in arising and "**Lesson:** \\*Mondays\\* work" in arising
    assert "*Filed before the meeting, on Saturday 2 January 2027.*" in arising
    # The meeting before says nothing of it: it was filed after that meeting ended.
    assert "Reviews cut" not in minutes(repertoire, december.session_id)


def test_a_report_given_at_the_meeting_is_not_marked_as_filed_before_it(repertoire: Repertoire) -> None:
    clock = ManualClock(START)
    live = meeting(repertoire, clock, "December clinic")
    live.jump_to(3)
    assert live.enter("#report 1 partly Ran twice").ok
    arising = minutes(repertoire, live.session_id).split("## Matters arising")[1].split("\n## ")[0]
    assert "1 report-back on actions agreed at earlier sessions." in arising
    assert "before the meeting" not in arising


def matters_arising(minutes: str) -> str:
    """The section of minutes, its links' text without their targets (the folder's pages link)."""
    arising = minutes.split("## Matters arising")[1].split("\n## ")[0]
    return re.sub(r"\[((?:[^\]\\]|\\.)*)\]\([^)]*\)", r"\1", arising)


def test_the_folders_minutes_list_a_report_filed_between_meetings_as_export_minutes_does(
    repertoire: Repertoire, tmp_path: Path
) -> None:
    clock = ManualClock(START)
    december = meeting(repertoire, clock, "December clinic")
    clock.advance(minutes=90)
    december.end()
    clock.advance(minutes=60 * 24 * 30)
    assert MemberActions(repertoire, "ben", clock).report_back(2, "worked", "Reviews cut the [noise]").ok
    clock.advance(minutes=60)
    january = meeting(repertoire, clock, "January clinic")
    clock.advance(minutes=90)
    january.end()
    clock.advance(minutes=60 * 24 * 30)
    february = meeting(repertoire, clock, "February clinic")
    february.end()

    export_repertoire(repertoire, tmp_path / "wiki")
    filed = "Reviews cut the \\[noise\\]"
    for session, listed in ((december, False), (january, True), (february, False)):
        alone = matters_arising(minutes(repertoire, session.session_id))
        page = tmp_path / "wiki" / names.session_path(repertoire.session(session.session_id))
        assert matters_arising(page.read_text(encoding="utf-8")) == alone
        assert (filed in alone) == listed and ("Filed before the meeting" in alone) == listed


async def test_a_report_typed_into_the_browser_between_meetings_is_in_the_next_minutes_too(
    repertoire: Repertoire,
) -> None:
    """QA's Y9: the facilitator files at home, in the browser (`n` on the open action), the report
    ben emailed; the next session's minutes list it as filed before the meeting, as ben's own."""
    clock = ManualClock(START)
    december = meeting(repertoire, clock, "December clinic")
    clock.advance(minutes=90)
    december.end()
    clock.advance(minutes=60 * 24 * 30)
    app = CoptuiApp(repertoire, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_report_back_on_action_2(pilot)
        form = app.screen
        form.query_one("#outcome", Select).value = "worked"
        form.query_one("#story", TextArea).text = "Emailed: reviews cut the [noise]"
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is not form
    clock.advance(minutes=60)
    january = meeting(repertoire, clock, "January clinic")
    arising = matters_arising(minutes(repertoire, january.session_id))
    assert "1 of them filed before the meeting" in arising
    assert "Emailed: reviews cut the \\[noise\\]" in arising
    assert "Emailed" not in minutes(repertoire, december.session_id)

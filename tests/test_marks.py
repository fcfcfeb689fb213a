"""Each mark means one thing: ◐ is "partly worked" in a track record or a report-back, and a case
in trial is ◔, in the panes where both show and in the browser's help (the session's help:
tests/test_case_resolution.py)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from ui_helpers import browser, browsing, scrolled_lines, settle, words

from coptui.models import CaseStatus, Outcome, ReportBack
from coptui.store import Repertoire
from coptui.ui.screens.help import HelpScreen
from coptui.ui.sources import Section
from coptui.ui.widgets.paged_list import PagedList, Ref
from coptui.ui.widgets.story_view import StoryView


@pytest.fixture
def both_marks(db_path: Path) -> Path:
    """Case 2 in trial; ben reports that action 2 (weekly reviews, on case 1) partly worked."""
    with Repertoire.open(db_path) as repertoire:
        repertoire.update_case(repertoire.case(2).model_copy(update={"status": CaseStatus.IN_TRIAL}))
        repertoire.add_report_back(
            ReportBack(
                action=2,
                case=1,
                member="ben",
                outcome=Outcome.PARTLY,
                story="Two reviews held.",
                reported_on=date(2026, 11, 20),
            )
        )
    return db_path


def half_circles(lines: list[str]) -> list[str]:
    """What each ◐ drawn in `lines` stands in front of."""
    return [match for line in lines for match in re.findall(r"◐(\d|\s\w+)", line)]


async def test_in_trial_and_partly_worked_are_drawn_with_marks_of_their_own(both_marks: Path) -> None:
    async with browsing(both_marks, size=(160, 45)) as (app, pilot):
        screen = browser(app)
        screen.go_section(Section.CASES)
        await settle(pilot)
        cases = await scrolled_lines(pilot, screen.query_one("#list", PagedList))
        assert any("Runbooks nobody reads" in line and "◔ in trial" in line for line in cases), cases
        screen.follow(Ref("case", 1))
        await settle(pilot)
        story = await scrolled_lines(pilot, screen.query_one("#detail", StoryView))
        assert "◐ partly worked" in words(" ".join(story)), story
        screen.go_section(Section.WORKED)
        await settle(pilot)
        worked = await scrolled_lines(pilot, screen.query_one("#list", PagedList))
        assert any("✓0 ◐1 ✗0 Weekly alert review" in line for line in worked), worked
        for drawn in (cases, story, worked):
            assert set(half_circles(drawn)) <= {"0", "1", " partly"}, drawn


async def test_the_browsers_help_lists_every_mark(both_marks: Path) -> None:
    async with browsing(both_marks) as (app, pilot):
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        page = words(" ".join(await scrolled_lines(pilot, app.screen.query_one("#help"))))
    assert "A case is ● open, ◔ in trial, ◑ reported, ✓ resolved, ○ reopened." in page, page
    assert "Tries: ✓ worked, ◐ partly worked, ✗ did not work." in page, page

"""The Practices pane and "what has worked" for a case, through Pilot: the drawn screen and the file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot
from ui_helpers import browser, current, screen_lines, scrolled_lines, settle, words, workers_ended

from coptui.models import Action, Case, Outcome, ReportBack, Strategy
from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.browser import BrowserScreen
from coptui.ui.screens.edit import Form
from coptui.ui.screens.help import HelpScreen
from coptui.ui.screens.practice_forms import PickScreen
from coptui.ui.sources import Section
from coptui.ui.widgets.paged_list import PagedList, Ref

SIZES = pytest.mark.parametrize("size", [(80, 24), (160, 45)], ids=["80x24", "160x45"])
# A name as a member might type it: markup, Markdown and an escape sequence.
HOSTILE = "[bold red]Pair[/] on *the* |first| page\x1b[2J"
HOSTILE_SHOWN = "[bold red]Pair[/] on *the* |first| page"


def tried(repertoire: Repertoire, practice: int | None, outcomes: list[Outcome], *, title: str) -> int:
    """A case per outcome, each with a strategy using `practice` (a new one if None) and a report-back.

    Returns the practice the strategies used."""
    for n, outcome in enumerate(outcomes):
        case = repertoire.add_case(
            Case(presenter="ben", title=f"{title} {n}", opened_on=date(2026, 6, 1 + n), topics=["capacity"])
        )
        strategy = repertoire.add_strategy(
            Strategy(case=case.id, proposer="ana", text=f"Strategy for {title} {n}", practice=practice)
        )
        practice = strategy.practice
        action = repertoire.add_action(
            Action(case=case.id, strategy=strategy.id, owner="ben", text=f"Try it on {title} {n}")
        )
        repertoire.add_report_back(
            ReportBack(
                action=action.id,
                case=case.id,
                member="ben",
                outcome=outcome,
                story=f"What happened on {title} {n}",
                lesson=f"Lesson {n}",
                reported_on=date(2026, 7, 1 + n),
            )
        )
    assert practice is not None
    return practice


@pytest.fixture
def evidence_db(db_path: Path) -> Path:
    """Practice 1 worked once out of once; a new practice worked 9 times out of 10, on ten cases."""
    with Repertoire.open(db_path) as repertoire:
        from coptui.models import Topic

        repertoire.add_topic(Topic(slug="capacity", name="Capacity"))
        practice = tried(repertoire, None, [Outcome.WORKED] * 9 + [Outcome.DID_NOT_WORK], title="Pool")
        repertoire.rename_practice(practice, HOSTILE)
    return db_path


@pytest.fixture
def writable(evidence_db: Path) -> Iterator[Repertoire]:
    with Repertoire.open(evidence_db) as repertoire:
        yield repertoire


@pytest.fixture
def read_only(evidence_db: Path) -> Iterator[Repertoire]:
    with Repertoire.open(evidence_db, read_only=True) as repertoire:
        yield repertoire


def list_lines(app: CoptuiApp) -> list[str]:
    paged = browser(app).query_one("#list", PagedList)
    return [line.rstrip() for line in screen_lines(app, paged.scrollable_content_region)]


def drawn(app: CoptuiApp) -> str:
    return "\n".join(screen_lines(app))


async def toast_says(pilot: Pilot[None], expected: str, *, frames: int = 50) -> str:
    """The words of the toasts drawn, once one says `expected` (or `frames` frames on)."""
    said = ""
    for _ in range(frames):
        await pilot.pause()
        toasts = pilot.app.screen.query("Toast")
        said = " | ".join(words(" ".join(screen_lines(pilot.app, toast.content_region))) for toast in toasts)
        if expected in said:
            break
    pilot.app.clear_notifications()
    return said


async def detail_text(pilot: Pilot[None]) -> str:
    """Every line the detail pane draws, scrolled through, joined into words."""
    lines = await scrolled_lines(pilot, browser(pilot.app).query_one("#detail"))
    return " ".join(" ".join(lines).split())


async def open_practices(pilot: Pilot[None]) -> None:
    await settle(pilot)
    browser(pilot.app).go_section(Section.PRACTICES)
    await settle(pilot)


@SIZES
async def test_practices_rank_by_evidence_and_show_where_they_were_tried(
    read_only: Repertoire, size: tuple[int, int]
) -> None:
    app = CoptuiApp(read_only)
    async with app.run_test(size=size, notifications=True) as pilot:
        await open_practices(pilot)
        lines = list_lines(app)
        # 9 worked out of 10 outranks 1 out of 1, which outranks what nobody tried.
        assert lines[0].startswith("✓9 ◐0 ✗1 [bold red]Pair[/]"), lines
        assert lines[1].startswith("✓1 ◐0 ✗0 Route low-urgency"), lines
        assert lines[2].startswith("– Weekly"), lines  # nobody has tried it: no row of zeros
        assert "\x1b" not in drawn(app)
        assert "─ Practices " in screen_lines(app)[2]
        # The first practice's story: its record, the cases it was tried on, what was reported.
        story = await detail_text(pilot)
        assert HOSTILE_SHOWN in story
        assert "tried 10 times: 9 worked, 0 partly, 1 did not work" in story
        assert "tried on 10 cases" in story
        assert "Where it was tried" in story and "Pool 0" in story and "Pool 9" in story
        assert "What happened on Pool 3" in story and "Lesson 3" in story
        assert "9 worked out of 10 ranks above 1 out of 1" in story


async def test_the_help_says_what_the_ranking_means(read_only: Repertoire) -> None:
    app = CoptuiApp(read_only)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_practices(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(" ".join(screen_lines(app)).split())
        assert "ranked by evidence" in text and "9 worked out of 10 ranks above 1 out of 1" in text


async def test_following_a_practice_link_opens_it_in_the_practices_pane(read_only: Repertoire) -> None:
    app = CoptuiApp(read_only)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        browser(app).follow(Ref("practice", 2))
        await settle(pilot)
        assert browser(app).place.section is Section.PRACTICES
        assert current(app) == Ref("practice", 2)
        assert "Weekly alert review with on-call" in await detail_text(pilot)


@SIZES
async def test_a_practice_is_renamed_merged_and_split_in_the_writable_browser(
    writable: Repertoire, size: tuple[int, int]
) -> None:
    app = CoptuiApp(writable)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        browser(app).follow(Ref("practice", 2))
        await settle(pilot)
        # Rename: the new name is user text, shown as typed.
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, Form)
        name = app.screen.query_one("#name")
        name.value = ""  # type: ignore[attr-defined]
        await pilot.press(*"Review [alerts] *weekly*", "f2")
        await settle(pilot)
        assert writable.practice(2).name == "Review [alerts] *weekly*"
        renamed = "Renamed practice 2 from 'Weekly alert review with on-call' to 'Review [alerts] *weekly*'."
        assert renamed in await toast_says(pilot, renamed)
        assert any("Review [alerts]" in line for line in list_lines(app))
        # Merge practice 2 into practice 1: its strategy moves, the records combine.
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, PickScreen)
        await pilot.press("tab", "1", "enter")
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        assert [s.practice for s in writable.strategies(case=1)] == [1, 1]
        assert writable.practice_records([2]) == {}
        merged = "into practice 1 'Route low-urgency alerts to tickets': 1 strategy moved"
        assert merged in await toast_says(pilot, merged)
        assert current(app) == Ref("practice", 1)
        # Split strategy 2 off again, picked from the practice's uses.
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, PickScreen)
        picks = " ".join(screen_lines(app))
        assert "strategy 1" in picks and "strategy 2" in picks
        await pilot.press("down", "enter")
        await settle(pilot)
        split = writable.strategies(case=1)[1]
        assert split.id == 2 and split.practice not in (1, 2)
        said = f"Split strategy 2 off into practice {split.practice}"
        assert said in await toast_says(pilot, said)


async def test_a_refused_curation_says_why_and_changes_nothing(writable: Repertoire) -> None:
    app = CoptuiApp(writable)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        browser(app).follow(Ref("practice", 1))
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("tab", *"999", "enter")
        await workers_ended(pilot)  # the merge's worker fails, as the refusal it reports
        said = await toast_says(pilot, "no practice 999")
        assert "Not done There is no practice 999." in said and "went wrong" not in said
        await pilot.press("u")  # its only use: nothing to split it from
        await workers_ended(pilot)
        said = await toast_says(pilot, "the only use of practice 1")
        assert "Not done Strategy 1 is the only use of practice 1" in said and "went wrong" not in said
        assert [s.practice for s in writable.strategies(case=1)] == [1, 2]


async def test_the_read_only_browser_offers_no_curation(read_only: Repertoire, evidence_db: Path) -> None:
    before = evidence_db.read_bytes()
    app = CoptuiApp(read_only)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        browser(app).follow(Ref("practice", 2))
        await settle(pilot)
        footer = screen_lines(app)[-1]
        assert "Rename" not in footer and "Merge" not in footer and "Split" not in footer
        for key in ("e", "m", "u"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, BrowserScreen)
    assert evidence_db.read_bytes() == before


@SIZES
async def test_what_has_worked_for_a_case_comes_from_the_cases_like_it(
    writable: Repertoire, size: tuple[int, int]
) -> None:
    # An unrelated case, where an unrelated practice worked: not what has worked for case 2.
    tried(writable, None, [Outcome.WORKED], title="Quarterly tax export")
    app = CoptuiApp(writable)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        browser(app).go_section(Section.CASES)
        await settle(pilot)
        assert current(app) == Ref("case", 2)  # the newest case leads the list
        # Keys in one burst, as a fast typist sends them: w acts on the row the cursor came back to.
        await pilot.press("down", "up", "w")
        await settle(pilot)
        assert browser(app).place.section is Section.WORKED and browser(app).place.case == 2
        assert "─ What has worked · for c" in screen_lines(app)[2]
        # Case 1 shares its topic (on-call) and ticket routing worked there.
        lines = [line for line in list_lines(app) if line.strip()]
        assert lines[0].startswith("✓1 ◐0 ✗0 Route low-urgency"), lines
        assert not any("Quarterly" in line or "Pair" in line for line in lines), lines
        story = await detail_text(pilot)
        assert "What has worked for Runbooks nobody reads" in story
        assert "Alert fatigue at night" in story  # the case like it

"""A key in the browser's list and the story it shows: read ahead, read again when the file
changes, drawn whole whatever its height, and the list's next page read before it is reached."""

from __future__ import annotations

import gc
from pathlib import Path

from textual.pilot import Pilot
from ui_helpers import browser, current, detail, poll_live_until, screen_lines, scrolled_lines, settle, words

from coptui.store import Repertoire
from coptui.store.browsing import CaseStory
from coptui.ui.app import CoptuiApp
from coptui.ui.sources import Section
from coptui.ui.widgets.paged_list import PagedList, Ref
from coptui.ui.widgets.story_view import StoryView


async def case_list(pilot: Pilot[None]) -> PagedList:
    """The browser's case list, loaded, its first story shown and the key's focus on it."""
    await settle(pilot)
    browser(pilot.app).go_section(Section.CASES)
    await settle(pilot)
    paged = browser(pilot.app).query_one("#list", PagedList)
    paged.focus()
    return paged


def drawn_story(app: CoptuiApp) -> str:
    pane = browser(app).query_one("#detail", StoryView)
    return words(" ".join(screen_lines(app, pane.content_region)))


async def test_the_next_rows_story_is_read_before_the_key_that_shows_it(db_path: Path) -> None:
    with Repertoire.open(db_path, read_only=True) as repertoire:
        read: list[int] = []
        case_story = repertoire.case_story

        def reading(case_id: int) -> CaseStory:
            read.append(case_id)
            return case_story(case_id)

        repertoire.case_story = reading  # type: ignore[method-assign]
        app = CoptuiApp(repertoire)
        async with app.run_test(size=(80, 24)) as pilot:
            await case_list(pilot)  # the first case's story shown, and the next one's read ahead
            assert current(app) == Ref("case", 2) and 1 in read
            read.clear()
            await pilot.press("down")
            await settle(pilot)
            assert current(app) == Ref("case", 1)
            assert drawn_story(app).startswith("Alert fatigue at night")
            assert 1 not in read  # the key drew what had been read before it


async def test_a_story_read_ahead_is_read_again_when_another_connection_changes_it(db_path: Path) -> None:
    with Repertoire.open(db_path, read_only=True) as reader, Repertoire.open(db_path) as writer:
        app = CoptuiApp(reader)
        async with app.run_test(size=(80, 24)) as pilot:
            await case_list(pilot)
            seen = browser(app).live_version
            writer.update_case(writer.case(1).model_copy(update={"title": "Alert fatigue [renamed]"}))
            await poll_live_until(pilot, lambda: browser(app).live_version != seen)
            await pilot.press("down")
            await settle(pilot)
            assert current(app) == Ref("case", 1)
            assert drawn_story(app).startswith("Alert fatigue [renamed]")


async def test_every_story_scrolls_to_its_last_line_after_stories_of_other_heights(db_path: Path) -> None:
    with Repertoire.open(db_path, read_only=True) as repertoire:
        app = CoptuiApp(repertoire)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            pane = browser(app).query_one("#detail", StoryView)
            for section in (Section.CASES, Section.SESSIONS, Section.MEMBERS):
                browser(app).go_section(section)
                await settle(pilot)
                browser(app).query_one("#list", PagedList).focus()
                for _ in range(2):
                    story = detail(app)
                    assert words(" ".join(await scrolled_lines(pilot, pane))) == story, section
                    await pilot.press("down")
                    await settle(pilot)


async def test_the_next_page_is_read_before_the_cursor_reaches_it(tmp_path: Path) -> None:
    from benchmarks.generate import write

    write(tmp_path / "cases.db", 300)
    with Repertoire.open(tmp_path / "cases.db", read_only=True) as repertoire:
        async with CoptuiApp(repertoire).run_test(size=(80, 24)) as pilot:
            paged = await case_list(pilot)
            assert sorted(paged.pages) == [0]
            while paged.cursor < 55:
                await pilot.press("pagedown")
                await settle(pilot)
            assert paged.cursor < 100 and sorted(paged.pages) == [0, 1]


async def test_the_browser_leaves_the_garbage_collector_as_it_found_it(db_path: Path) -> None:
    before = gc.get_threshold(), gc.get_freeze_count()
    with Repertoire.open(db_path, read_only=True) as repertoire:
        async with CoptuiApp(repertoire).run_test(size=(80, 24)) as pilot:
            await case_list(pilot)
            # While it is up, what its first screen holds is left out of collections, which come less often.
            assert gc.get_freeze_count() > before[1] and gc.get_threshold()[0] > before[0][0]
    assert (gc.get_threshold(), gc.get_freeze_count()) == before

"""The browser's look at 80x24 and 160x45: the overview, a case's story, a search, what has worked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from ui_helpers import browser, settle

from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp
from coptui.ui.sources import Section
from coptui.ui.widgets.paged_list import Ref


@pytest.fixture
def read_only(db_path: Path) -> Iterator[Repertoire]:
    with Repertoire.open(db_path, read_only=True) as repertoire:
        yield repertoire


async def overview(pilot: Pilot[None]) -> None:
    await settle(pilot)


async def case_story(pilot: Pilot[None]) -> None:
    await settle(pilot)
    browser(pilot.app).follow(Ref("case", 2))  # the one with [brackets] and |pipes|
    await settle(pilot)


async def search(pilot: Pilot[None]) -> None:
    await settle(pilot)
    browser(pilot.app).search_for("alert")
    await settle(pilot)


async def what_worked(pilot: Pilot[None]) -> None:
    await settle(pilot)
    browser(pilot.app).go_section(Section.WORKED)
    await settle(pilot)


async def help_screen(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("question_mark")
    await settle(pilot)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)], ids=["80x24", "160x45"])
@pytest.mark.parametrize("steps", [overview, case_story, search, what_worked, help_screen])
def test_browser_looks_right(snap_compare, read_only: Repertoire, size: tuple[int, int], steps) -> None:
    assert snap_compare(CoptuiApp(read_only), terminal_size=size, run_before=steps)


def test_high_contrast_theme(snap_compare, read_only: Repertoire) -> None:
    app = CoptuiApp(read_only, theme="coptui-high-contrast")
    assert snap_compare(app, terminal_size=(80, 24), run_before=case_story)

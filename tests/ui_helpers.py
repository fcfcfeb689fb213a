"""Driving the browser in tests: wait for its workers, read its panes."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Markdown

from coptui.ui.app import CoptuiApp
from coptui.ui.screens.browser import BrowserScreen
from coptui.ui.widgets.paged_list import PagedList, Ref


async def settle(pilot: Pilot[None]) -> None:
    """Wait until the workers a key set off (and the ones their results set off) are done."""
    app = pilot.app
    for _ in range(6):
        await app.workers.wait_for_complete()
        await pilot.pause()
    await app.workers.wait_for_complete()


def browser(app: CoptuiApp) -> BrowserScreen:
    screen = app.screen
    assert isinstance(screen, BrowserScreen)
    return screen


def rows(app: CoptuiApp) -> list[str]:
    return [row.text.plain for row in browser(app).query_one("#list", PagedList).loaded_rows()]


def refs(app: CoptuiApp) -> list[Ref | None]:
    return [row.ref for row in browser(app).query_one("#list", PagedList).loaded_rows()]


def current(app: CoptuiApp) -> Ref | None:
    row = browser(app).query_one("#list", PagedList).current
    return row.ref if row else None


def detail(app: CoptuiApp) -> str:
    """The detail pane's Markdown source."""
    return browser(app).query_one("#detail-md", Markdown).source

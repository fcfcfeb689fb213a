"""Driving the browser in tests: wait for its workers, read its panes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from textual import events
from textual.app import App
from textual.command import CommandList, CommandPalette
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.worker import WorkerCancelled

from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.browser import BrowserScreen
from coptui.ui.widgets.paged_list import PagedList, Ref
from coptui.ui.widgets.story_view import StoryView


async def workers_ended(pilot: Pilot[None]) -> list[object]:
    """Wait for every worker now running, however it ends; what each returned or raised."""
    return await asyncio.gather(*[w.wait() for w in list(pilot.app.workers)], return_exceptions=True)


async def workers_done(pilot: Pilot[None]) -> None:
    """Wait for every worker now running: one cancelled by a newer one is fine, a failed one is not."""
    for outcome in await workers_ended(pilot):
        if isinstance(outcome, BaseException) and not isinstance(outcome, WorkerCancelled):
            raise outcome


# A bound on waiting for a live session's recorder, generous for a machine with every core busy.
FILED_WITHIN_SECONDS = 60


async def filed(pilot: Pilot[None]) -> None:
    """Wait until a live session has filed every key pressed and drawn what it said."""
    screen = pilot.app.screen
    if not hasattr(screen, "settled"):
        return
    deadline = asyncio.get_running_loop().time() + FILED_WITHIN_SECONDS
    while not screen.settled:
        assert asyncio.get_running_loop().time() < deadline, "the session never filed what was pressed"
        await pilot.pause(0.01)
    await pilot.pause()


async def settle(pilot: Pilot[None]) -> None:
    """Wait until the workers a key set off (and the ones their results set off) are done,
    and a live session has filed every key pressed."""
    for _ in range(6):
        await workers_done(pilot)
        await filed(pilot)
        await pilot.pause()
    await workers_done(pilot)


async def polled_until(
    pilot: Pilot[None], poll: Callable[[], object], condition: Callable[[], object], *, polls: int
) -> None:
    """Run a screen's `poll` now, as its interval would, until `condition` holds (at most `polls` times).

    Driving the poll rather than waiting for the interval keeps the test independent of
    how fast a busy machine gets round to it.
    """
    for _ in range(polls):
        if condition():
            return
        poll()
        await settle(pilot)
    assert condition()


async def poll_live_until(pilot: Pilot[None], condition: Callable[[], object], *, polls: int = 5) -> None:
    """Run the browser's live poll (every 0.4 s in the app) until `condition` holds."""
    await polled_until(pilot, lambda: browser(pilot.app).poll_live(), condition, polls=polls)


@asynccontextmanager
async def browsing(
    db_path: Path, size: tuple[int, int] = (80, 24)
) -> AsyncIterator[tuple[CoptuiApp, Pilot[None]]]:
    """The app on the repertoire at `db_path`, writable, its home screen drawn and its panes read."""
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            yield app, pilot


def type_burst(app: App[None], keys: list[str]) -> None:
    """Keys as a terminal delivers a burst: every one posted to the app before any is handled
    (Pilot's `press` waits for the app to settle after each key, which hides what order they
    are carried out in)."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


def browser(app: App[None]) -> BrowserScreen:
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
    """The words of the whole story the detail pane draws, from its top, with wrapping undone."""
    return words(" ".join(line.text for line in browser(app).query_one("#detail", StoryView).lines))


def detail_links(app: CoptuiApp) -> list[tuple[int, str]]:
    """Each link the detail pane's story draws, from its top: (the line it is on, its click action)."""
    found = []
    for y, line in enumerate(browser(app).query_one("#detail", StoryView).lines):
        for segment in line:
            style = segment.style
            if style is not None and style.meta.get("@click") and (y, style.meta["@click"]) not in found:
                found.append((y, style.meta["@click"]))
    return found


async def click_link(pilot: Pilot[None], action: str) -> None:
    """Click, with the mouse, where the screen draws the link whose click action is `action`."""
    for y, strip in enumerate(pilot.app.screen._compositor.render_strips()):
        x = 0
        for segment in strip:
            if segment.style is not None and segment.style.meta.get("@click") == action:
                await pilot.click(offset=(x, y))
                return
            x += segment.cell_length
    raise AssertionError(f"no link {action} on the screen")


def screen_lines(app: App[None], region: Region | None = None) -> list[str]:
    """What the terminal shows now, one string per line (inside `region`, if given): characters, no styles."""
    strips = app.screen._compositor.render_strips()  # Textual has no public "the screen as text"
    if region is None:
        return [strip.text for strip in strips]
    return [strip.crop(region.x, region.right).text for strip in strips[region.y : region.bottom]]


async def scrolled_lines(pilot: Pilot[None], scrollable: Widget) -> list[str]:
    """Every line `scrollable` draws, scrolled from top to bottom, each drawn line once."""
    region = scrollable.scrollable_content_region
    drawn: list[str] = []
    y = 0
    while True:
        scrollable.scroll_to(y=y, animate=False, immediate=True)
        await pilot.pause()
        top = round(scrollable.scroll_y)
        drawn += screen_lines(pilot.app, region)[y - top :]  # the last page stops short: skip what was seen
        if top >= scrollable.max_scroll_y:
            return drawn
        y += region.height


def actions_on_screen(app: App[None]) -> set[str]:
    """Every click action and hyperlink drawn anywhere on the screen."""
    found: set[str] = set()
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            style = segment.style
            if style is not None and (style.meta.get("@click") or style.link):
                found.add(str(style.meta.get("@click") or style.link))
    return found


def words(text: str) -> str:
    """Text as a screen shows it once wrapping is undone: runs of white space as one space."""
    return " ".join(text.split())


async def open_palette(pilot: Pilot[None], count: int) -> list[str]:
    """Open the palette and read its list once `count` commands have arrived (or a bound passed)."""
    await settle(pilot)
    await pilot.press("ctrl+p")
    for _ in range(100):  # each provider answers in the background, in no set order
        await pilot.pause()
        listings = pilot.app.screen.query(CommandList)
        if listings and listings.first().option_count >= count:
            break
    assert isinstance(pilot.app.screen, CommandPalette)
    drawn = await scrolled_lines(pilot, pilot.app.screen.query_one(CommandList))
    return [line.strip() for line in drawn if line.strip()]

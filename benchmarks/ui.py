"""What a member waits for after a key, measured through Textual's Pilot in this process.

Each benchmark drives the real browser on a headless terminal, and times from the key
press to the moment its result is on the widgets: the search results in the list, the
next case's story in the detail pane, a facilitator's note in the live pane. Drawing
the frame that shows them follows within Textual's next refresh.
"""

from __future__ import annotations

import asyncio
import functools
import json
import operator
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from coptui.models import Note, Session, SessionStatus
from coptui.store import Repertoire, browsing, search
from coptui.store.search import MATCH_END, MATCH_START, fts_query
from coptui.ui.app import CoptuiApp
from coptui.ui.detail import Detail
from coptui.ui.screens.browser import BrowserScreen
from coptui.ui.sources import Section
from coptui.ui.widgets.paged_list import PagedList
from coptui.ui.widgets.story_view import StoryView

SIZE = (120, 40)
TYPED = "alert fatigue"

T = TypeVar("T")


async def _until(condition: Callable[[], bool], timeout: float = 60.0) -> float:
    """The moment `condition` holds, polled while the app's own tasks run."""
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the browser never showed what was asked for")
        await asyncio.sleep(0.0005)
    return time.perf_counter()


async def _drive(db: Path, drive: Callable[[CoptuiApp, Pilot[Any]], Awaitable[T]]) -> T:
    """`drive` the browser on `db`, read-only as members open it, from its first screen on."""
    with Repertoire.open(db, read_only=True) as repertoire:
        app = CoptuiApp(repertoire)
        async with app.run_test(size=SIZE) as pilot:
            screen = _browser(app)
            await _until(lambda: bool(screen.query_one("#list", PagedList).total))
            return await drive(app, pilot)


def _run(db: Path, drive: Callable[[CoptuiApp, Pilot[Any]], Awaitable[list[float]]]) -> list[float]:
    return asyncio.run(_drive(db, drive))


def _browser(app: CoptuiApp) -> BrowserScreen:
    assert isinstance(app.screen, BrowserScreen)
    return app.screen


# -- search as you type -------------------------------------------------------------------


def search_as_you_type(db: Path, repeat: int) -> list[float]:
    """Each keystroke of "alert fatigue" to its results in the list, `repeat` times over."""

    async def drive(app: CoptuiApp, pilot: Pilot[Any]) -> list[float]:
        screen = _browser(app)
        shown: dict[str, float] = {}
        paged_list = screen.query_one("#list", PagedList)
        original = paged_list.load

        def load(source: Any, **options: Any) -> None:  # in Search, only results the box still asks for
            original(source, **options)
            if screen.place.section is Section.SEARCH:
                shown.setdefault(screen.place.search, time.perf_counter())

        paged_list.load = load  # type: ignore[method-assign]
        samples: list[float] = []
        for _ in range(repeat):
            await pilot.press("slash")
            for i, key in enumerate(TYPED):
                typed = TYPED[: i + 1]
                if typed.strip() == TYPED[:i].strip():
                    await pilot.press("space")  # a space alone searches nothing new
                    continue
                shown.clear()
                began = time.perf_counter()
                await pilot.press(key)
                await _until(functools.partial(operator.contains, shown, typed))
                samples.append((shown[typed] - began) * 1000)
            await pilot.press("ctrl+a", "ctrl+k")  # empty the box: back where the search began
            await _until(lambda: screen.place.section is not Section.SEARCH)
            await pilot.press("escape")
        return samples

    return _run(db, drive)


def search_floor(db: Path, repeat: int) -> list[float]:
    """The same FTS5 queries the browser runs for each keystroke, on a bare sqlite3 connection."""
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    marks = {"start": MATCH_START, "end": MATCH_END}
    samples = []
    for _ in range(repeat):
        for i in range(1, len(TYPED) + 1):
            query = fts_query(TYPED[:i])
            began = time.perf_counter()
            for kind in search.HIT_ORDER:
                sql, params = search.hit_sql(kind, browsing.BrowseFilter())
                ids = [
                    row[0]
                    for row in connection.execute(sql, {**params, **marks, "query": query, "limit": 50})
                ]
                if ids:
                    connection.execute(
                        search.snippet_sql(kind),
                        {**marks, "query": query, "low": min(ids), "high": max(ids), "ids": json.dumps(ids)},
                    ).fetchall()
            samples.append((time.perf_counter() - began) * 1000)
    connection.close()
    return samples


# -- list navigation ------------------------------------------------------------------------


def navigation(db: Path, presses: int) -> tuple[list[float], list[float], list[float]]:
    """In the case list, `down` to the cursor on the next case, and to its story in the detail pane:
    the time to each, and the CPU time the process spent from the key to the story (all threads,
    so it holds on a loaded machine, where the time to the story is mostly waiting for a core)."""

    async def drive(app: CoptuiApp, pilot: Pilot[Any]) -> tuple[list[float], list[float], list[float]]:
        screen = _browser(app)
        shown: dict[object, tuple[float, float]] = {}
        story_view = screen.query_one("#detail", StoryView)
        original = story_view.show

        def show(detail: Detail) -> None:  # the screen hands the pane the story under the cursor
            original(detail)
            shown.setdefault(screen.detail_ref, (time.perf_counter(), time.process_time()))

        story_view.show = show  # type: ignore[method-assign]
        screen.go_section(Section.CASES)
        paged_list = screen.query_one("#list", PagedList)
        moved: list[float] = []
        watch_cursor = paged_list.watch_cursor

        def cursor_moved(old: int, new: int) -> None:
            watch_cursor(old, new)
            moved.append(time.perf_counter())

        paged_list.watch_cursor = cursor_moved  # type: ignore[method-assign]

        def story_shown() -> bool:
            return paged_list.current is not None and paged_list.current.ref in shown

        await _until(story_shown)
        paged_list.focus()
        to_cursor, to_story, cpu = [], [], []
        for _ in range(presses):
            moved.clear()
            began, began_cpu = time.perf_counter(), time.process_time()
            await pilot.press("down")
            await _until(story_shown)
            assert paged_list.current is not None
            story_at, story_cpu = shown[paged_list.current.ref]
            to_cursor.append((moved[0] - began) * 1000)
            to_story.append((story_at - began) * 1000)
            cpu.append((story_cpu - began_cpu) * 1000)
        return to_cursor, to_story, cpu

    async def main() -> tuple[list[float], list[float], list[float]]:
        return await _drive(db, drive)

    return asyncio.run(main())


class NavigationFloor(App[None]):
    """A table and a text pane, the pane rewritten with the story's text as the cursor moves:
    Textual's own cost of a key, a row highlighted and one widget given new text."""

    def __init__(self, stories: list[str]) -> None:
        super().__init__()
        self.stories = stories
        self.shown: dict[int, tuple[float, float]] = {}

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row")
        yield Static(markup=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Opened", "Case")
        table.add_rows([("2026-01-01", f"case {i}") for i in range(len(self.stories))])
        table.focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.query_one(Static).update(self.stories[event.cursor_row])
        self.shown.setdefault(event.cursor_row, (time.perf_counter(), time.process_time()))


def navigation_floor(stories: list[str]) -> tuple[list[float], list[float]]:
    """The same key on `NavigationFloor`, showing the same stories the browser showed: time and CPU."""

    async def main() -> tuple[list[float], list[float]]:
        app = NavigationFloor(stories)
        async with app.run_test(size=SIZE) as pilot:
            await _until(lambda: 0 in app.shown)
            samples, cpu = [], []
            for row in range(1, len(stories)):
                began, began_cpu = time.perf_counter(), time.process_time()
                await pilot.press("down")
                await _until(functools.partial(operator.contains, app.shown, row))
                shown_at, shown_cpu = app.shown[row]
                samples.append((shown_at - began) * 1000)
                cpu.append((shown_cpu - began_cpu) * 1000)
            return samples, cpu

    return asyncio.run(main())


def case_stories(db: Path, count: int) -> list[str]:
    """The text of the first `count` cases' stories, newest first as the case list shows them."""
    from coptui.ui.refs import Ref, RefKind
    from coptui.ui.sources import Place, detail_for

    with Repertoire.open(db, read_only=True) as repertoire:
        cases = repertoire.browse_cases(browsing.BrowseFilter(), limit=count)
        place = Place(section=Section.CASES)
        return [detail_for(repertoire, Ref(RefKind.CASE, case.id or 0), place).text for case in cases]


# -- the Practices pane ----------------------------------------------------------------------


def practices_pane(db: Path, repeat: int) -> list[float]:
    """From the overview, going to the Practices pane until its first page of rows is on the list."""

    async def drive(app: CoptuiApp, pilot: Pilot[Any]) -> list[float]:
        screen = _browser(app)
        paged_list = screen.query_one("#list", PagedList)
        samples = []
        for _ in range(repeat):
            screen.go_section(Section.OVERVIEW)
            await _until(lambda: paged_list.total is not None and paged_list.current is not None)
            began = time.perf_counter()
            screen.go_section(Section.PRACTICES)
            await _until(lambda: paged_list.total is not None and 0 in paged_list.pages)
            samples.append((time.perf_counter() - began) * 1000)
        return samples

    return _run(db, drive)


def practices_pane_floor(db: Path, repeat: int) -> list[float]:
    """What the pane's worker reads from the store for that page: the count and the first 100 practices."""
    from coptui.ui.widgets.paged_list import PAGE_SIZE

    with Repertoire.open(db, read_only=True) as repertoire:
        samples = []
        for _ in range(repeat):
            began = time.perf_counter()
            repertoire.count_practices()
            repertoire.practices(limit=PAGE_SIZE, offset=0)
            samples.append((time.perf_counter() - began) * 1000)
        return samples


# -- live follow ----------------------------------------------------------------------------


def live_follow(db: Path, writes: int) -> list[float]:
    """A facilitator's note, written through another connection, to the browser's live pane.

    On a copy of `db`: the facilitator's writes must not change the file the other
    benchmarks read.
    """
    work = Path(tempfile.mkdtemp())
    copy = work / db.name
    shutil.copyfile(db, copy)
    with Repertoire.open(copy) as facilitator:
        handle = facilitator.members()[0].handle
        session = facilitator.add_session(
            Session(
                title="Benchmark live session",
                date=date.today(),
                facilitator=handle,
                status=SessionStatus.LIVE,
                started_at=datetime.now(UTC),
            )
        )

        async def drive(app: CoptuiApp, pilot: Pilot[Any]) -> list[float]:
            screen = _browser(app)
            await _until(lambda: screen.live_story is not None)
            screen.action_live()
            samples = []
            for i in range(writes):
                text = f"Live note {i}"
                began = time.perf_counter()
                await asyncio.to_thread(
                    facilitator.add_note,
                    Note(session=session.id or 0, author=handle, text=text, created_at=datetime.now(UTC)),
                )
                await _until(lambda: text in screen.detail.text)  # noqa: B023 (awaited at once)
                samples.append((time.perf_counter() - began) * 1000)
                await asyncio.sleep(0.137)  # writes land anywhere in the browser's polling cycle
            return samples

        try:
            return _run(copy, drive)
        finally:
            shutil.rmtree(work)

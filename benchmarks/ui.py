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
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip
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


@dataclass
class Navigation:
    """Per key, in ms: to the cursor moved, to the story handed to the pane, to the frame that draws it;
    and the CPU time the process spent (all threads) from the key to that frame."""

    to_cursor: list[float] = field(default_factory=list)
    to_story: list[float] = field(default_factory=list)
    to_drawn: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def _now() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def navigation(db: Path, presses: int) -> Navigation:
    """In the case list, `down` to the cursor on the next case, to its story in the detail pane, and
    to the pane drawing it (its lines rendered for a frame); CPU counts every thread, so it holds on
    a loaded machine, where the time to the story is mostly waiting for a core."""

    async def drive(app: CoptuiApp, pilot: Pilot[Any]) -> Navigation:
        screen = _browser(app)
        paged_list = screen.query_one("#list", PagedList)
        story_view = screen.query_one("#detail", StoryView)
        shown: dict[object, tuple[float, float]] = {}
        # When each pane was drawn for the row under the cursor: the list with the cursor on it, the
        # detail pane once it has its story. The key's work is on screen when both are.
        drawn: dict[object, dict[str, tuple[float, float]]] = {}
        original_show = story_view.show

        def show(detail: Detail) -> None:  # the screen hands the pane the story under the cursor
            original_show(detail)
            shown.setdefault(screen.detail_ref, _now())

        def noting_drawn(pane: str, render_lines: Callable[[Region], list[Strip]]) -> Any:
            def drawing(crop: Region) -> list[Strip]:
                lines = render_lines(crop)
                row = paged_list.current
                if row is not None and (pane == "list" or screen.detail_ref in shown):
                    ref = row.ref if pane == "list" else screen.detail_ref
                    drawn.setdefault(ref, {}).setdefault(pane, _now())
                return lines

            return drawing

        story_view.show = show  # type: ignore[method-assign]
        story_view.render_lines = noting_drawn("story", story_view.render_lines)  # type: ignore[method-assign]
        paged_list.render_lines = noting_drawn("list", paged_list.render_lines)  # type: ignore[method-assign]
        screen.go_section(Section.CASES)
        moved: list[float] = []
        watch_cursor = paged_list.watch_cursor

        def cursor_moved(old: int, new: int) -> None:
            moved.append(time.perf_counter())
            watch_cursor(old, new)

        paged_list.watch_cursor = cursor_moved  # type: ignore[method-assign]

        def story_drawn() -> bool:
            return paged_list.current is not None and len(drawn.get(paged_list.current.ref, ())) == 2

        await _until(story_drawn)
        paged_list.focus()
        await pilot.pause()
        result = Navigation()
        for _ in range(presses):
            moved.clear()
            began, began_cpu = _now()
            await pilot.press("down")
            await _until(story_drawn)
            assert paged_list.current is not None
            story_at, _ = shown[paged_list.current.ref]
            drawn_at, drawn_cpu = max(drawn[paged_list.current.ref].values())
            result.to_cursor.append((moved[0] - began) * 1000)
            result.to_story.append((story_at - began) * 1000)
            result.to_drawn.append((drawn_at - began) * 1000)
            result.cpu.append((drawn_cpu - began_cpu) * 1000)
        return result

    return asyncio.run(_drive(db, drive))


class _FloorStory(Static):
    """The floor's text pane: notes the moment its lines are drawn for a frame after new text."""

    def __init__(self) -> None:
        super().__init__(markup=False)
        self.row = 0
        self.drawn: dict[int, tuple[float, float]] = {}

    def show(self, row: int, story: str) -> None:
        self.row = row
        self.update(story)

    def render_lines(self, crop: Region) -> list[Strip]:
        lines = super().render_lines(crop)
        self.drawn.setdefault(self.row, _now())
        return lines


class NavigationFloor(App[None]):
    """A table and a text pane, the pane rewritten with the story's text as the cursor moves:
    Textual's own cost of a key, a row highlighted and one widget given new text and drawn."""

    CSS = "Screen { layout: horizontal; } DataTable, _FloorStory { width: 1fr; height: 1fr; }"

    def __init__(self, stories: list[str]) -> None:
        super().__init__()
        self.stories = stories

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row")
        yield _FloorStory()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Opened", "Case")
        table.add_rows([("2026-01-01", f"case {i}") for i in range(len(self.stories))])
        table.focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.query_one(_FloorStory).show(event.cursor_row, self.stories[event.cursor_row])


def navigation_floor(stories: list[str]) -> tuple[list[float], list[float]]:
    """The same key on `NavigationFloor`, showing the same stories the browser showed: time to the
    frame that draws each, and CPU."""

    async def main() -> tuple[list[float], list[float]]:
        app = NavigationFloor(stories)
        async with app.run_test(size=SIZE) as pilot:
            drawn = app.query_one(_FloorStory).drawn
            await _until(lambda: 0 in drawn)
            samples, cpu = [], []
            for row in range(1, len(stories)):
                began, began_cpu = _now()
                await pilot.press("down")
                await _until(functools.partial(operator.contains, drawn, row))
                drawn_at, drawn_cpu = drawn[row]
                samples.append((drawn_at - began) * 1000)
                cpu.append((drawn_cpu - began_cpu) * 1000)
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

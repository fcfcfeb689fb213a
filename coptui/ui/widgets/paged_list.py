"""A list that reads its rows from the store a page at a time, as the cursor reaches them.

Only the pages the cursor or the viewport has visited are held, so a list of
100,000 cases costs what its visible rows cost. Rows come from a `RowSource`,
whose `count` and `fetch` run in thread workers; the widget owns all its state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.signal import Signal
from textual.strip import Strip
from textual.worker import Worker

from coptui.ui.refs import Ref
from coptui.ui.worker_results import post_result

PAGE_SIZE = 100


@dataclass(frozen=True)
class Row:
    """One line of a list; a row without a ref is a group heading."""

    text: Text
    ref: Ref | None = None


class RowSource(Protocol):
    """Where a list's rows come from. Both methods are called from thread workers."""

    def count(self) -> int: ...

    def fetch(self, offset: int, limit: int) -> list[Row]: ...


class StaticRows:
    """A short list computed once (members, topics, search results): `load` runs in the worker."""

    def __init__(self, load: Callable[[], list[Row]]) -> None:
        self._load = load
        self._rows: list[Row] | None = None

    def _all(self) -> list[Row]:
        if self._rows is None:
            self._rows = self._load()
        return self._rows

    def count(self) -> int:
        return len(self._all())

    def fetch(self, offset: int, limit: int) -> list[Row]:
        return self._all()[offset : offset + limit]


@dataclass(eq=False)
class _Page(Message, bubble=False):
    """A page read, posted to the list when its worker is done."""

    generation: int
    number: int
    rows: list[Row]
    total: int | None = None


class PagedList(ScrollView, can_focus=True):
    """A cursor over rows that load page by page from a `RowSource`."""

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", id="list.up", show=False),
        Binding("down,j", "cursor(1)", "Down", id="list.down", show=False),
        Binding("pageup", "page(-1)", "Page up", id="list.page_up", show=False),
        Binding("pagedown", "page(1)", "Page down", id="list.page_down", show=False),
        Binding("home", "jump(0)", "First", id="list.first", show=False),
        Binding("end", "jump(-1)", "Last", id="list.last", show=False),
        Binding("enter", "select", "Open", id="list.open", show=False),
    ]
    COMPONENT_CLASSES = {"paged-list--cursor", "paged-list--heading", "paged-list--loading"}

    # Not repainted as a whole: a move redraws the two rows it changes (or the list, if it scrolls).
    cursor: reactive[int] = reactive(0, init=False, repaint=False)

    class Highlighted(Message):
        """The cursor is on a row; `initial` when it was put there by loading, not by a key."""

        def __init__(self, paged_list: PagedList, row: Row, *, initial: bool = False) -> None:
            super().__init__()
            self.paged_list = paged_list
            self.row = row
            self.initial = initial

        @property
        def control(self) -> PagedList:
            return self.paged_list

    class Failed(Message):
        """A page could not be read (a damaged file, say): the screen tells the user."""

        def __init__(self, paged_list: PagedList, error: BaseException) -> None:
            super().__init__()
            self.paged_list = paged_list
            self.error = error

        @property
        def control(self) -> PagedList:
            return self.paged_list

    class Selected(Message):
        def __init__(self, paged_list: PagedList, row: Row) -> None:
            super().__init__()
            self.paged_list = paged_list
            self.row = row

        @property
        def control(self) -> PagedList:
            return self.paged_list

    def __init__(self, *, id: str | None = None, empty: str = "Nothing here.") -> None:
        super().__init__(id=id)
        self.source: RowSource | None = None
        self.total: int | None = None
        self.pages: dict[int, list[Row]] = {}
        self._pending: set[int] = set()
        self._generation = 0
        self._wanted_cursor = 0
        self._focus_ref: Ref | None = None
        self.default_empty = self.empty = empty
        # Rows as drawn, by index and whether the cursor is on it: a list scrolled by a line
        # draws one new row, not every row in view. Valid for `_drawn_as` (width and style).
        self._drawn: dict[tuple[int, bool], Strip] = {}
        self._drawn_as: tuple[int, Style] | None = None
        # Published as a key moves the cursor, before the list is redrawn: a subscriber that shows
        # something for the new row at once (`immediate=True`) has it drawn in the same frame.
        self.cursor_moved: Signal[Row] = Signal(self, "cursor_moved")
        # Published when the first page of a `load` is in (with its source): its rows can take keys.
        self.loaded: Signal[RowSource] = Signal(self, "loaded")

    # -- loading -----------------------------------------------------------

    def load(
        self, source: RowSource, *, cursor: int = 0, focus: Ref | None = None, empty: str | None = None
    ) -> None:
        """Show `source`'s rows, the cursor on row `cursor` (or on the row for `focus` once loaded)."""
        self._generation += 1
        self.empty = empty or self.default_empty
        self.source = source
        self.total = None
        self.pages = {}
        self._pending = set()
        self._wanted_cursor = max(cursor, 0)
        self._focus_ref = focus
        self._drawn.clear()
        self.virtual_size = Size(self.size.width, 0)
        self.refresh()
        self._fetch(self._generation, source, self._wanted_cursor // PAGE_SIZE, count=True)

    @work(thread=True, group="pages", exit_on_error=False)
    def _fetch(self, generation: int, source: RowSource, number: int, count: bool = False) -> _Page:
        total = source.count() if count else None
        return _Page(generation, number, source.fetch(number * PAGE_SIZE, PAGE_SIZE), total)

    def _request(self, number: int) -> None:
        if self.source is None or number in self.pages or number in self._pending:
            return
        if self.total is not None and number * PAGE_SIZE >= self.total:
            return
        self._pending.add(number)
        self._fetch(self._generation, self.source, number)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        error = post_result(self, event)
        if error is not None:
            self.post_message(self.Failed(self, error))

    @on(_Page)
    def _page_read(self, result: _Page) -> None:
        if result.generation != self._generation:
            return
        self._pending.discard(result.number)
        self.pages[result.number] = result.rows
        self._drawn.clear()
        if result.total is not None:
            self.total = result.total
            self.virtual_size = Size(self.size.width, result.total)
            self._arrive(result.rows, result.number)
            if self.source is not None:
                self.loaded.publish(self.source)
        elif self.total is not None and result.number == self.cursor // PAGE_SIZE:
            self._announce()
        self.refresh()

    def _arrive(self, rows: list[Row], number: int) -> None:
        """First page in: put the cursor where it was asked to be."""
        index = min(self._wanted_cursor, max((self.total or 0) - 1, 0))
        if self._focus_ref is not None:
            for i, row in enumerate(rows):
                if row.ref == self._focus_ref:
                    index = number * PAGE_SIZE + i
                    break
        index = self._skip_headings(index, 1)
        self.set_reactive(PagedList.cursor, index)
        self.call_after_refresh(self._scroll_to_cursor)
        self._announce(initial=True)

    # -- rows --------------------------------------------------------------

    def row(self, index: int) -> Row | None:
        page = self.pages.get(index // PAGE_SIZE)
        if page is None or index % PAGE_SIZE >= len(page):
            return None
        return page[index % PAGE_SIZE]

    @property
    def current(self) -> Row | None:
        return self.row(self.cursor) if self.total else None

    def loaded_rows(self) -> list[Row]:
        """Every row held now: what a test checks to see that paging holds only what was visited."""
        return [row for number in sorted(self.pages) for row in self.pages[number]]

    def _skip_headings(self, index: int, step: int) -> int:
        total = self.total or 0
        probe = index
        while 0 <= probe < total:
            row = self.row(probe)
            if row is None or row.ref is not None:
                return probe
            probe += step
        return index if 0 <= index < total else max(min(index, total - 1), 0)

    def _announce(self, *, initial: bool = False) -> None:
        row = self.current
        if row is not None and row.ref is not None:
            self.post_message(self.Highlighted(self, row, initial=initial))

    # -- cursor --------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self._request(new // PAGE_SIZE)
        # The page the cursor is heading into, read while it is still half a page away.
        self._request((new + (PAGE_SIZE // 2 if new >= old else -PAGE_SIZE // 2)) // PAGE_SIZE)
        top = self.scroll_offset.y
        self._scroll_to_cursor()
        if self.scroll_offset.y == top:
            self.refresh_line(old)
            self.refresh_line(new)
        else:
            self.refresh()
        row = self.current
        if row is not None and row.ref is not None:
            self.cursor_moved.publish(row)
        self._announce()

    def _scroll_to_cursor(self) -> None:
        height = self.scrollable_content_region.height or 1
        if self.cursor < self.scroll_offset.y:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= self.scroll_offset.y + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def move_to(self, index: int) -> None:
        if not self.total:
            return
        step = 1 if index >= self.cursor else -1
        index = max(0, min(index, self.total - 1))
        self.cursor = self._skip_headings(index, step)

    def action_cursor(self, step: int) -> None:
        self.move_to(self.cursor + step)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * max(self.scrollable_content_region.height - 1, 1))

    def action_jump(self, where: int) -> None:
        self.move_to(where if where >= 0 else (self.total or 1) - 1)

    def action_select(self) -> None:
        row = self.current
        if row is not None and row.ref is not None:
            self.post_message(self.Selected(self, row))

    # -- drawing -------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        index = self.scroll_offset.y + y
        if self.total == 0 and y == 0:
            return self._strip(Text(self.empty, style="italic"), width, base)
        if self.total is None or index >= self.total:
            return Strip.blank(width, base)
        row = self.row(index)
        if row is None:
            self._request(index // PAGE_SIZE)
            return self._strip(Text("…"), width, base + self.get_component_rich_style("paged-list--loading"))
        if self._drawn_as != (width, base) or len(self._drawn) > 4 * PAGE_SIZE:
            self._drawn.clear()
            self._drawn_as = (width, base)
        key = (index, index == self.cursor)
        if key not in self._drawn:
            style = base
            if row.ref is None:
                style += self.get_component_rich_style("paged-list--heading")
            if index == self.cursor:
                style += self.get_component_rich_style("paged-list--cursor")
            self._drawn[key] = self._strip(row.text, width, style)
        return self._drawn[key]

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._drawn.clear()  # a new theme: draw the rows again in its colours

    def _strip(self, text: Text, width: int, style: Style) -> Strip:
        line = text.copy()
        line.no_wrap = True
        line.truncate(width, overflow="ellipsis", pad=True)
        segments = [
            Segment(s.text, style + s.style if s.style else style) for s in line.render(self.app.console)
        ]
        return Strip(segments).crop_extend(0, width, style)

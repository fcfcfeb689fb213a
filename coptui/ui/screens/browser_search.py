"""The browser's search box: results at every keystroke, and the keys typed after enter for them.

A search runs in a worker, one at a time; the browser shows where the panes are (`go`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.actions import SkipAction
from textual.message import Message
from textual.widgets import Input

from coptui.ui.screens.browser_edits import BrowserEdits
from coptui.ui.sources import Place, Section, search_rows
from coptui.ui.widgets.paged_list import PagedList, Row, RowSource, StaticRows

if TYPE_CHECKING:
    from coptui.ui.app import CoptuiApp


@dataclass(eq=False)
class SearchResults(Message, bubble=False):
    place: Place
    rows: list[Row]


class BrowserSearch(BrowserEdits):
    """The search box's part of the browser; the browser moves the panes."""

    app: CoptuiApp
    place: Place

    def __init__(self) -> None:
        super().__init__()
        # One search runs at a time; what is typed meanwhile waits here, the latest only.
        self._searching = False
        self._search_waiting: Place | None = None
        # The results an enter in the search box waits for, once asked for (see `action_submit_search`).
        self._results_awaited: StaticRows | None = None
        self._awaiting_results = False

    def go(self, place: Place, *, remember: bool = True) -> None:
        raise NotImplementedError

    def action_back(self) -> None:
        raise NotImplementedError

    def _empty_message(self, place: Place) -> str:
        raise NotImplementedError

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        if self.focused is search:  # not `has_focus`: that waits for the box to take its Focus event
            raise SkipAction()  # a `/` typed in the box is part of the search
        # At once, not after the queue (`focus()`): keys typed or pasted right after `/` belong in the box.
        self.set_focus(search)

    def action_leave_search(self) -> None:
        self.set_focus(self.query_one("#list", PagedList))

    def action_submit_search(self) -> None:
        """Show the results, and hand them the keys typed after enter, however fast they came.

        The letters before enter may still be on their way to the box (enter is a priority
        binding, read as it comes): the search runs once they are in. The keys after enter wait
        until its results are in the list, or they would move through the rows shown before.
        """
        self.app.keys.hold(self)
        self.query_one("#search", Input).call_later(self._submit_typed)

    def _submit_typed(self) -> None:
        self.set_focus(self.query_one("#list", PagedList))
        text = self.query_one("#search", Input).value.strip()
        if not text:
            self.search_for(text)
            self.app.keys.release(self)
            return
        self._awaiting_results = True
        place = Place(section=Section.SEARCH, search=text, filter=self.place.filter)
        paged_list = self.query_one("#list", PagedList)
        on_its_way = self._searching or paged_list.source is self._results_awaited
        if self._is_shown(place) and self._search_waiting is None and on_its_way:
            # Typing searched it already: a second search would load the list again, under the
            # keys behind enter, and put the cursor back on the first row. These results take them.
            if not self._searching and paged_list.total is not None:
                self.list_loaded()
            return
        self.go(place, remember=self.place.section is not Section.SEARCH)

    def list_loaded(self, source: RowSource | None = None) -> None:
        """The results are in (or, with no `source`, will not come): the keys after enter go to them."""
        if self._awaiting_results and source in (None, self._results_awaited):
            self._awaiting_results = False
            self.app.keys.release(self)

    @on(Input.Changed, "#search")
    def search_typed(self, event: Input.Changed) -> None:
        if event.value == event.input.value:  # not one overtaken by a key behind it
            self.search_for(event.value)

    def search_for(self, text: str) -> None:
        text = text.strip()
        if text == self.place.search and self.place.section is Section.SEARCH:
            return
        if not text:
            if self.place.section is Section.SEARCH:
                self.action_back()
            return
        place = Place(section=Section.SEARCH, search=text, filter=self.place.filter)
        # Typing refines one search: only the first keystroke leaves a place to come back to.
        self.go(place, remember=self.place.section is not Section.SEARCH)

    def run_search(self, place: Place) -> None:
        """Search at once, every keystroke; while a search runs, what is typed meanwhile waits for it.

        So results follow the typing as closely as the store can answer, and a fast typist
        queues at most one search, never one per key.
        """
        if self._searching:
            self._search_waiting = place
            return
        self._searching = True
        self.search_worker(place)

    @work(thread=True, group="search", exit_on_error=False)
    def search_worker(self, place: Place) -> SearchResults:
        return SearchResults(place, search_rows(self.app.repertoire, place.search, place.filter))

    def search_done(self) -> None:
        self._searching = False
        waiting, self._search_waiting = self._search_waiting, None
        if waiting is not None and self._is_shown(waiting):
            self.run_search(waiting)

    def _is_shown(self, search: Place) -> bool:
        """Whether `search` is still what the panes are to show (the cursor aside)."""
        place = self.place
        return place.section is Section.SEARCH and (search.search, search.filter) == (
            place.search,
            place.filter,
        )

    @on(SearchResults)
    def show_search(self, results: SearchResults) -> None:
        self.search_done()
        if not self._is_shown(results.place):
            return
        paged_list = self.query_one("#list", PagedList)
        rows = results.rows
        paged_list.border_title = Text.assemble(
            results.place.title(), f" ({sum(r.ref is not None for r in rows)})"
        )
        self._results_awaited = StaticRows(lambda: rows)
        paged_list.load(
            self._results_awaited, cursor=results.place.cursor, empty=self._empty_message(results.place)
        )

"""The repertoire browser: navigator, list and detail panes, search, filters, history and live follow.

State lives here and only here: `place` (where the panes are), the back and forward
stacks, the detail pane's references and the live session last seen. Workers query
the store and return their results as messages, each put on screen by its own handler.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from coptui.store.browsing import BrowseFilter, SessionStory
from coptui.ui.collector import settle_heap, unsettle_heap
from coptui.ui.commands import BrowserCommands
from coptui.ui.detail import Detail
from coptui.ui.footer_fit import FooterFits
from coptui.ui.practice_stories import RANKING
from coptui.ui.refs import Ref, RefKind
from coptui.ui.render import plain, plain_str
from coptui.ui.screens.browser_edits import EDITS_ON, Saved, reports_store_errors
from coptui.ui.screens.browser_search import BrowserSearch
from coptui.ui.sources import (
    NAVIGATOR,
    PANES,
    Place,
    Section,
    detail_for,
    place_of,
    source_for,
)
from coptui.ui.stories import MARKS_LEGEND, live_banner, live_detail
from coptui.ui.widgets.clean_input import CleanInput
from coptui.ui.widgets.paged_list import PagedList, Row, RowSource
from coptui.ui.widgets.story_view import StoryView
from coptui.ui.worker_results import post_result

if TYPE_CHECKING:
    from coptui.ui.app import CoptuiApp

LIVE_POLL_SECONDS = 0.4
# What `Repertoire.write_mark` returns: it moves whenever anything is written to the file.
WriteMark = tuple[int, int]
# The rows around the cursor whose stories are read before it gets there.
AHEAD = (1, 2, 3, -1)


# What the browser's workers return: each is posted to the browser when its worker is done.


@dataclass(eq=False)
class DetailLoaded(Message, bubble=False):
    ref: Ref | None
    detail: Detail


@dataclass(eq=False)
class StoriesAhead(Message, bubble=False):
    """The stories of the rows around the cursor, read before the cursor reaches them."""

    version: WriteMark | None
    details: dict[Ref, Detail]


@dataclass(eq=False)
class LiveCheck(Message, bubble=False):
    version: WriteMark
    changed: bool
    story: SessionStory | None
    returning: bool  # started since the browser came back to the front


class BrowserScreen(FooterFits, BrowserSearch):
    app: CoptuiApp

    # Focus is on the list from the screen's first frame: a key pressed then goes where it will go later.
    AUTO_FOCUS = "#list"

    COMMANDS = {BrowserCommands}
    BINDINGS = [
        # Help leads the footer, so a narrow terminal never cuts it off.
        Binding("question_mark,f1", "help", "Help", id="browser.help"),
        # A priority binding acts as the app routes the key, so the keys typed right after `/`
        # (in one burst, or queued while the app starts under load) are routed to the box.
        Binding("slash", "search", "Search", id="browser.search", priority=True),
        # Keys that open a screen act as the app reads them (priority), like `/`: the keys typed
        # right behind them wait for the screen they open (see `CoptuiApp.on_event`).
        Binding("f", "filter", "Filter", id="browser.filter", priority=True),
        Binding("w", "what_worked", "What worked", id="browser.what_worked"),
        # The tooltips say at more length what the footer says: help and the command palette show them.
        Binding(
            "g", "references", "Go to", id="browser.references", tooltip="Go to a reference", priority=True
        ),
        Binding("backspace,left_square_bracket,alt+left", "back", "Back", id="browser.back"),
        Binding("right_square_bracket,alt+right", "forward", "Forward", id="browser.forward", show=False),
        Binding("l", "live", "Live", id="browser.live"),
        Binding("e", "edit_case", "Edit case", id="browser.edit_case", priority=True),
        Binding(
            "a",
            "action_status",
            "Action status",
            id="browser.action_status",
            tooltip="Action status: open, done or dropped",
        ),
        Binding("n", "add_report_back", "Report back", id="browser.add_report_back", priority=True),
        Binding("e", "edit_member", "Edit member", id="browser.edit_member", show=False, priority=True),
        Binding("plus", "add_member", "Add member", id="browser.add_member", show=False, priority=True),
        Binding("x", "export_minutes", "Export minutes", id="browser.export_minutes"),
        Binding(
            "e",
            "rename_practice",
            "Rename",
            id="browser.rename_practice",
            tooltip="Rename practice",
            priority=True,
        ),
        Binding(
            "m",
            "merge_practice",
            "Merge into…",
            id="browser.merge_practice",
            tooltip="Merge into another practice",
        ),
        Binding(
            "u",
            "split_strategy",
            "Split off",
            id="browser.split_strategy",
            tooltip="Split off into a practice of its own",
        ),
        # Priority, like `/`: the keys typed after enter or escape in the search box go to the list.
        Binding(
            "enter", "submit_search", "Go to results", id="browser.submit_search", show=False, priority=True
        ),
        Binding(
            "escape", "leave_search", "Leave search", id="browser.leave_search", show=False, priority=True
        ),
    ]

    def footer_gives_way(self) -> Sequence[str]:
        # At 80 columns: the keys the browse pane and the detail's links offer too give way first.
        return ("references", "live", "filter", "what_worked")

    def __init__(self) -> None:
        super().__init__()
        self.place = Place()
        self.back_stack: list[Place] = []
        self.forward_stack: list[Place] = []
        self.detail = Detail()
        self.detail_ref: Ref | None = None  # the item under the cursor: what the edit keys act on
        self._story_of: Ref | None = None  # the item whose story `detail` is (it follows `detail_ref`)
        self._references_asked = False  # `g` pressed before the story under the cursor was read
        self._list_awaited: RowSource | None = None  # the rows the keys wait for (see `show_place`)
        self._keys_offered_for: str | None = None
        self.live_version: WriteMark | None = None
        self.live_story: SessionStory | None = None
        # Something was written while another screen was in front (a session, a member's
        # report-back): the panes are read again when the browser is back in front.
        self._stale = False
        self._shown = False  # has been in front before
        self._returning = False
        self._keep_detail = False
        # Stories of rows near the cursor, read ahead at this data version: the next key shows one at once.
        self._ahead: dict[Ref, Detail] = {}
        self._reading: set[Ref] = set()  # the stories being read ahead now
        self._thresholds: tuple[int, int, int] | None = None  # the collector's, before this screen

    # -- layout ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="masthead")
        yield Static(id="live-banner")
        yield CleanInput(placeholder="/ search cases, strategies, report-backs and notes", id="search")
        with Horizontal(id="panes"):
            yield OptionList(
                *[Option(s.value, id=s.name) for s in [*NAVIGATOR, Section.LIVE]], id="navigator"
            )
            yield PagedList(id="list")
            yield StoryView(id="detail")
        yield Footer(show_command_palette=False)  # ctrl+p is in the help

    def on_mount(self) -> None:
        self.on_resize()
        self.query_one("#navigator", OptionList).border_title = "Browse"
        self.query_one("#detail", StoryView).border_title = "Detail"
        self.query_one("#live-banner", Static).display = False
        self.show_masthead()
        self.show_place(self.place)
        self.query_one("#list", PagedList).cursor_moved.subscribe(self, self.cursor_moved, immediate=True)
        self.query_one("#list", PagedList).loaded.subscribe(self, self.list_loaded)
        self.call_after_refresh(self._settle_heap)
        self.set_interval(LIVE_POLL_SECONDS, self.poll_live)
        self.set_interval(1.0, self.tick_live)
        self.poll_live()

    def _settle_heap(self) -> None:
        self._thresholds = settle_heap()  # after the first frame: what it drew lives as long as the screen

    def on_unmount(self) -> None:
        if self._thresholds is not None:
            unsettle_heap(self._thresholds)

    @reports_store_errors
    def show_masthead(self) -> None:
        repertoire = self.app.repertoire
        masthead = Text.assemble(("coptui · ", "bold"), plain(repertoire.community().name, style="bold"))
        masthead.append(" · repertoire")
        masthead.append("  [read-only]" if repertoire.read_only else "", style="bold")
        if self.app.demo_of is not None:
            masthead.append("  ")
            masthead.append_text(plain(f"[demo · a copy of {self.app.demo_of}]", style="bold"))
        if self.app.viewer:
            masthead.append("  signed in as ")
            masthead.append_text(plain(self.app.viewer, style="bold"))
        self.query_one("#masthead", Static).update(masthead)

    # -- going places --------------------------------------------------------------

    def go(self, place: Place, *, remember: bool = True) -> None:
        """Move the panes to `place`; with `remember`, back returns here."""
        if remember and place != self.place:
            self.back_stack.append(self._current())
            self.forward_stack.clear()
        self.show_place(place)

    def _current(self) -> Place:
        return replace(self.place, cursor=self.query_one("#list", PagedList).cursor, focus=None)

    def show_place(self, place: Place) -> None:
        self.place = place
        navigator = self.query_one("#navigator", OptionList)
        entry = None if place.section is Section.SEARCH else [*NAVIGATOR, Section.LIVE].index(place.section)
        if navigator.highlighted != entry:
            navigator.highlighted = entry
        paged_list = self.query_one("#list", PagedList)
        paged_list.border_title = place.title()
        pane = PANES[place.section]
        narrowed = pane.narrowed_by(place.filter).describe() if pane.narrowed_by else ""
        paged_list.border_subtitle = Text(narrowed)
        # A followed reference, and a pane with a story of its own, keep that story in the
        # detail pane until the cursor moves; elsewhere the first row's story shows.
        self._keep_detail = place.focus is not None or pane.place_story is not None
        if self._keep_detail:
            self.detail_ref = place.focus
            self.load_detail(place.focus, place)
        if place.section is Section.SEARCH:
            self.run_search(place)  # the keys typed meanwhile are the search's: they never wait
        else:
            # The keys behind the one that moved the panes act on the rows they move to: they wait
            # until those rows are in and the detail knows which one is under the cursor.
            self._list_awaited = source_for(self.app.repertoire, place)
            self.app.keys.hold(self)
            paged_list.load(
                self._list_awaited, cursor=place.cursor, focus=place.focus, empty=self._empty_message(place)
            )

    def _empty_message(self, place: Place) -> str:
        if PANES[place.section].empty:
            return PANES[place.section].empty
        if place.section is Section.SEARCH and len(last := place.search.split()[-1]) == 1:
            # A lone letter is searched as a word (a prefix that short would match nearly everything).
            return f"No word “{plain_str(last)}”; one more letter searches the words that begin with it."
        if place.filter.is_empty():
            return "Nothing here."
        return f"Nothing under the filter {place.filter.describe()}; f changes it."

    def follow(self, ref: Ref) -> None:
        """Move the panes to what `ref` points at: its section, the cursor on it, its story in detail.

        An item no pane lists (a report-back, a note) has its story shown where the panes are."""
        self.go(place_of(ref) or replace(self._current(), focus=ref))

    def action_back(self) -> None:
        if not self.back_stack:
            self.notify("Nothing to go back to.", timeout=2)
            return
        self.forward_stack.append(self._current())
        self.show_place(self.back_stack.pop())

    def action_forward(self) -> None:
        if not self.forward_stack:
            self.notify("Nothing to go forward to.", timeout=2)
            return
        self.back_stack.append(self._current())
        self.show_place(self.forward_stack.pop())

    def go_section(self, section: Section) -> None:
        self.go(Place(section=section, filter=self.place.filter))

    @on(OptionList.OptionHighlighted, "#navigator")
    def navigator_moved(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index != event.option_list.highlighted:
            return  # stale: the highlight has moved on since (by key or by `show_place`)
        section = Section[event.option.id or "OVERVIEW"]
        if section is not self.place.section:
            self.go(Place(section=section, filter=self.place.filter))

    @on(OptionList.OptionSelected, "#navigator")
    def navigator_chosen(self) -> None:
        self.query_one("#list", PagedList).focus()

    # -- list and detail ---------------------------------------------------------------

    def cursor_moved(self, row: Row) -> None:
        """As a key moves the list's cursor: a story read ahead is shown in the frame that moves it."""
        paged_list = self.query_one("#list", PagedList)
        if row.ref is not None and row.ref in self._ahead:
            self.row_highlighted(PagedList.Highlighted(paged_list, row))

    @on(PagedList.Highlighted, "#list")
    def row_highlighted(self, event: PagedList.Highlighted) -> None:
        if event.row is not event.paged_list.current:
            return  # stale: the list moved on, or was loaded with another place's rows, since
        self._show_row(event)
        if event.initial:
            self._list_arrived(event.paged_list.source)

    def list_loaded(self, source: RowSource | None = None) -> None:
        """The first rows are in (or, with no `source`, will not come)."""
        super().list_loaded(source)
        row = self.query_one("#list", PagedList).current
        if source is None or row is None or row.ref is None:  # no row to highlight: none will be
            self._list_arrived(source)

    def _list_arrived(self, source: RowSource | None) -> None:
        if self._list_awaited is not None and source in (None, self._list_awaited):
            self._list_awaited = None
            self.app.keys.release(self)

    def _show_row(self, event: PagedList.Highlighted) -> None:
        ref = event.row.ref
        if event.initial and self._keep_detail and ref != self.place.focus:
            return
        self.place = replace(self.place, cursor=event.paged_list.cursor)
        if ref != self.detail_ref:
            self.detail_ref = ref
            ready = self._ahead.get(ref) if ref is not None else None
            if ready is None:
                self.load_detail(ref, self.place)
            else:
                self.show_detail(DetailLoaded(ref, ready))
        # After the frame: read ahead while the member reads, not while the story is drawn.
        self.call_after_refresh(self.read_around, event.paged_list)

    @on(PagedList.Selected, "#list")
    def row_selected(self, event: PagedList.Selected) -> None:
        ref = event.row.ref
        assert ref is not None
        opens = PANES[self.place.section].opens
        place = opens(ref) if opens is not None else None
        if place is not None:
            self.go(place)
        else:
            self.query_one("#detail", StoryView).focus()

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load_detail(self, ref: Ref | None, place: Place) -> DetailLoaded:
        return DetailLoaded(ref, detail_for(self.app.repertoire, ref, place))

    @on(DetailLoaded)
    def show_detail(self, loaded: DetailLoaded) -> None:
        if loaded.ref != self.detail_ref:
            return
        self.detail = loaded.detail
        self._story_of = loaded.ref
        kind = None if loaded.ref is None else loaded.ref.kind
        if kind != self._keys_offered_for:
            # The edit keys offered depend on the kind of item shown; redrawing the footer for
            # every story would cost more than drawing the story.
            self._keys_offered_for = kind
            self.refresh_bindings()
        self.query_one("#detail", StoryView).show(loaded.detail)
        if self._references_asked:
            self._references_asked = False
            self.action_references()
            self.app.keys.release(self)

    def read_around(self, paged_list: PagedList) -> None:
        """Read the stories of the rows next to the cursor that are not read yet, the way it moves
        most (down) first: a key then shows its story in the frame that moves the cursor."""
        near = [paged_list.row(paged_list.cursor + step) for step in AHEAD]
        refs = [row.ref for row in near if row is not None and row.ref is not None]
        wanted = [ref for ref in refs if ref.kind is not RefKind.LIVE]
        self._ahead = {ref: self._ahead[ref] for ref in wanted if ref in self._ahead}
        missing = [ref for ref in wanted if ref not in self._ahead]
        if missing and not set(missing) <= self._reading:
            self._reading = set(missing)
            self.read_ahead(missing, self.place, self.live_version)

    @work(thread=True, exclusive=True, group="ahead", exit_on_error=False)
    def read_ahead(self, refs: list[Ref], place: Place, version: WriteMark | None) -> StoriesAhead:
        return StoriesAhead(version, {ref: detail_for(self.app.repertoire, ref, place) for ref in refs})

    @on(StoriesAhead)
    def stories_read(self, read: StoriesAhead) -> None:
        self._reading = set()
        if read.version == self.live_version:  # else the file changed since: read again when needed
            self._ahead.update(read.details)

    @on(StoryView.LinkClicked)
    def link_clicked(self, event: StoryView.LinkClicked) -> None:
        ref = Ref.parse(event.href)
        if ref is not None:
            self.follow(ref)

    # -- filters and what has worked ----------------------------------------------------

    @reports_store_errors
    def action_filter(self) -> None:
        from coptui.ui.screens.filter import FilterScreen

        repertoire = self.app.repertoire
        screen = FilterScreen(self.place.filter, repertoire.topics(), repertoire.members())
        self.app.push_screen(screen, self.apply_filter)

    def apply_filter(self, chosen: BrowseFilter | None) -> None:
        if chosen is None or chosen == self.place.filter:
            return
        section = self.place.section
        if PANES[section].narrowed_by is None:
            section = Section.CASES
        self.go(Place(section=section, filter=chosen, search=self.place.search, topic=self.place.topic))

    def action_what_worked(self) -> None:
        """What has worked for the case or the topic under the cursor, the filter's topic, or the search."""
        row = self.query_one("#list", PagedList).current
        searching = self.place.section is Section.SEARCH
        if row is not None and row.ref is not None and row.ref.kind is RefKind.CASE and not searching:
            self.go(Place(section=Section.WORKED, case=int(row.ref.key), filter=self.place.filter))
            return
        topic = self.place.filter.topic
        if row is not None and row.ref is not None and row.ref.kind is RefKind.TOPIC:
            topic = str(row.ref.key)
        search = "" if topic else self.place.search
        self.go(Place(section=Section.WORKED, topic=topic, search=search, filter=self.place.filter))

    def action_live(self) -> None:
        self.go(Place(section=Section.LIVE))

    def action_references(self) -> None:
        from coptui.ui.screens.references import ReferenceScreen

        if self._story_of != self.detail_ref:
            # The cursor has moved on and its story is still being read: the references are its,
            # so `g` (and the keys behind it) wait for it.
            self._references_asked = True
            self.app.keys.hold(self)
            return
        if not self.detail.refs:
            self.notify("This item names nothing to follow.", timeout=2)
            return

        def chosen(ref: Ref | None) -> None:
            if ref is not None:
                self.follow(ref)

        self.app.push_screen(ReferenceScreen(self.detail.refs), chosen)

    def action_help(self) -> None:
        from coptui.ui.screens.help import HelpScreen, key_rows

        note = "Writes by a facilitator elsewhere show in the live banner within a second."
        if not self.app.repertoire.read_only:
            note = (
                "e edits a case, a changes an action's status and n adds a report-back: "
                "each is offered when the cursor is on a case or an action. On a practice, e renames it, "
                "m merges it into another (their track records combine) and u splits one of its "
                "strategies off into a practice of its own again (u on a strategy splits that one). " + note
            )
        worked = "w on a case shows what has worked for the cases most like it, in words and in topics."
        self.app.push_screen(HelpScreen(key_rows(self), note, f"{RANKING} {worked}", MARKS_LEGEND))

    # -- live follow --------------------------------------------------------------------------

    def poll_live(self) -> None:
        if self.covered():
            return  # no reads beside a live session's screen: coming back to the front checks
        self.check_live(self.live_version, returning=self._returning)

    def covered(self) -> bool:
        """Whether a screen of its own (a live session, a member's) is in front, not only a dialog."""
        stack = self.app.screen_stack
        above = stack[stack.index(self) + 1 :] if self in stack else []
        return any(not isinstance(screen, ModalScreen) for screen in above)

    def on_screen_resume(self) -> None:
        # Back in front (from a session, a form, a dialog): whatever was written meanwhile,
        # by this app or another, shows; the check says whether anything was. Not when
        # first shown, the panes are being read then (a screen pushed over this one that
        # early, as `coptui run` does, does not suspend it: it is never left, only covered).
        if not self._shown:
            self._shown = True
            return
        self._returning = True
        self.check_live(self.live_version, returning=True)

    @work(thread=True, exclusive=True, group="live", exit_on_error=False)
    def check_live(self, seen: WriteMark | None, *, returning: bool = False) -> LiveCheck:
        repertoire = self.app.repertoire
        version = repertoire.write_mark()
        if version == seen:
            return LiveCheck(version, False, None, returning)
        return LiveCheck(version, True, repertoire.live_story(), returning)

    @on(LiveCheck)
    def show_live(self, check: LiveCheck) -> None:
        self.live_version = check.version
        if check.changed:
            self._stale = self._stale or not self.is_active  # covered, if only by a dialog
            self._ahead.clear()  # stories read before this version may tell an older story
            self.live_story = check.story
            self.tick_live()
        if check.returning and self._returning:
            self._returning = False
            if self._stale or check.changed:
                self.read_again()
        elif check.changed and self.place.section is Section.LIVE:
            self.query_one("#list", PagedList).load(
                source_for(self.app.repertoire, self.place), cursor=self.place.cursor
            )

    def read_again(self) -> None:
        """The panes as they are now in the file, the cursor where it was."""
        self._stale = False
        self._ahead.clear()
        self.detail_ref = None  # the story under the cursor is read again too
        self.show_place(replace(self._current(), focus=self.place.focus))

    def tick_live(self) -> None:
        banner = self.query_one("#live-banner", Static)
        banner.display = self.live_story is not None
        if self.live_story is None:
            return
        in_a_copy = self.app.demo_of is not None
        banner.set_class(in_a_copy, "-copy")
        said = live_banner(self.live_story.session, in_a_copy=in_a_copy)
        banner.update(Text(said, no_wrap=True, overflow="ellipsis"))
        if self.place.section is Section.LIVE:
            detail = live_detail(self.live_story)
            if detail.text != self.detail.text:
                self.detail = detail
                self.query_one("#detail", StoryView).show(detail)

    # -- editing (writable mode only) -------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "add_member":
            return not self.app.repertoire.read_only
        if action in EDITS_ON:
            if self.app.repertoire.read_only:
                return False
            return self.detail_ref is not None and self.detail_ref.kind in EDITS_ON[action]
        if action in ("leave_search", "submit_search"):
            return self.focused is self.query_one("#search", Input)  # not `has_focus`: see action_search
        return True

    @on(Saved)
    def after_write(self, saved: Saved) -> None:
        self.notify(saved.said, markup=False)  # long enough to read what a merge or a split changed
        place = self._current()
        self._ahead.clear()
        self.show_place(replace(place, focus=saved.focus or self.detail_ref))

    # -- results of workers ----------------------------------------------------------------------

    @on(PagedList.Failed, "#list")
    def list_failed(self, event: PagedList.Failed) -> None:
        self.list_loaded()
        self.app.report_error(event.error)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        error = post_result(self, event)
        if event.state in (WorkerState.ERROR, WorkerState.CANCELLED) and event.worker.group == "search":
            self.search_done()
            self.list_loaded()
        if event.state is WorkerState.ERROR and event.worker.group == "detail":
            # The story under the cursor cannot be read (the toast says why): it names nothing to follow.
            self.show_detail(DetailLoaded(self.detail_ref, Detail()))
        if error is not None:
            self.app.report_error(error)

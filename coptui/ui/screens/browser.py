"""The repertoire browser: navigator, list and detail panes, search, filters, history and live follow.

State lives here and only here: `place` (where the panes are), the back and forward
stacks, the detail pane's references and the live session last seen. Workers query
the store and return results; `on_worker_state_changed` puts them on screen.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Concatenate, ParamSpec

from rich.text import Text
from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from coptui.models import Action, ActionStatus, Case, Member, ReportBack
from coptui.store import StoreError
from coptui.store.browsing import BrowseFilter, SessionStory
from coptui.ui.commands import BrowserCommands
from coptui.ui.detail import Detail
from coptui.ui.render import plain, plain_str
from coptui.ui.sources import (
    NAVIGATOR,
    SECTION_OF,
    Place,
    Section,
    detail_for,
    search_rows,
    source_for,
)
from coptui.ui.stories import live_banner, live_detail
from coptui.ui.widgets.clean_input import CleanInput
from coptui.ui.widgets.paged_list import PagedList, Ref, Row, StaticRows
from coptui.ui.widgets.story_view import StoryView

if TYPE_CHECKING:
    from coptui.ui.app import CoptuiApp

KEEPS_DETAIL = (Section.OVERVIEW, Section.WORKED, Section.LIVE)
LIVE_POLL_SECONDS = 0.4


P = ParamSpec("P")


def reports_store_errors(
    method: Callable[Concatenate[BrowserScreen, P], None],
) -> Callable[Concatenate[BrowserScreen, P], None]:
    """For the few reads made on the UI thread (to fill a form): a failed one is a toast, not a crash."""

    @functools.wraps(method)
    def wrapper(screen: BrowserScreen, *args: P.args, **kwargs: P.kwargs) -> None:
        try:
            method(screen, *args, **kwargs)
        except StoreError as error:
            screen.app.report_error(error)

    return wrapper


@dataclass(frozen=True)
class DetailLoaded:
    ref: Ref | None
    detail: Detail


@dataclass(frozen=True)
class SearchResults:
    place: Place
    rows: list[Row]


@dataclass(frozen=True)
class LiveCheck:
    version: int
    changed: bool
    story: SessionStory | None


@dataclass(frozen=True)
class MinutesExported:
    path: Path


@dataclass(frozen=True)
class Saved:
    """An edit reached the database: say so, and show the change."""

    message: str


class BrowserScreen(Screen[None]):
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
        Binding("f", "filter", "Filter", id="browser.filter"),
        Binding("w", "what_worked", "What worked", id="browser.what_worked"),
        Binding("g", "references", "Go to", id="browser.references"),
        Binding("backspace,left_square_bracket,alt+left", "back", "Back", id="browser.back"),
        Binding("right_square_bracket,alt+right", "forward", "Forward", id="browser.forward", show=False),
        Binding("l", "live", "Live", id="browser.live"),
        Binding("e", "edit_case", "Edit case", id="browser.edit_case"),
        Binding("a", "action_status", "Action status", id="browser.action_status"),
        Binding("n", "add_report_back", "Report back", id="browser.add_report_back"),
        Binding("e", "edit_member", "Edit member", id="browser.edit_member", show=False),
        Binding("plus", "add_member", "Add member", id="browser.add_member", show=False),
        Binding("x", "export_minutes", "Export minutes", id="browser.export_minutes", show=False),
        # Priority, like `/`: the keys typed after enter or escape in the search box go to the list.
        Binding(
            "enter", "submit_search", "Go to results", id="browser.submit_search", show=False, priority=True
        ),
        Binding(
            "escape", "leave_search", "Leave search", id="browser.leave_search", show=False, priority=True
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.place = Place()
        self.back_stack: list[Place] = []
        self.forward_stack: list[Place] = []
        self.detail = Detail()
        self.detail_ref: Ref | None = None
        self._keys_offered_for: str | None = None
        self.live_version: int | None = None
        self.live_story: SessionStory | None = None
        self._keep_detail = False
        # One search runs at a time; what is typed meanwhile waits here, the latest only.
        self._searching = False
        self._search_waiting: Place | None = None

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

    def on_resize(self) -> None:
        self.query_one(Footer).compact = self.size.width < 100

    def on_mount(self) -> None:
        self.on_resize()
        self.query_one("#navigator", OptionList).border_title = "Browse"
        self.query_one("#detail", StoryView).border_title = "Detail"
        self.query_one("#live-banner", Static).display = False
        self.show_masthead()
        self.show_place(self.place)
        self.set_interval(LIVE_POLL_SECONDS, self.poll_live)
        self.set_interval(1.0, self.tick_live)
        self.poll_live()

    @reports_store_errors
    def show_masthead(self) -> None:
        repertoire = self.app.repertoire
        masthead = Text.assemble(("coptui · ", "bold"), plain(repertoire.community().name, style="bold"))
        masthead.append(" · repertoire")
        masthead.append("  [read-only]" if repertoire.read_only else "", style="bold")
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
        filtered = place.section in (Section.CASES, Section.STRATEGIES, Section.SEARCH)
        if place.section is Section.ACTIONS:
            filtered, shown = True, BrowseFilter(member=place.filter.member)
        else:
            shown = place.filter
        paged_list.border_subtitle = Text(shown.describe() if filtered else "")
        # A followed reference, the overview and what-has-worked keep their own story in the
        # detail pane until the cursor moves; elsewhere the first row's story shows.
        self._keep_detail = place.focus is not None or place.section in KEEPS_DETAIL
        if self._keep_detail:
            self.detail_ref = place.focus
            self.load_detail(place.focus, place)
        if place.section is Section.SEARCH:
            self.run_search(place)
        else:
            paged_list.load(
                source_for(self.app.repertoire, place),
                cursor=place.cursor,
                focus=place.focus,
                empty=self._empty_message(place),
            )

    def _empty_message(self, place: Place) -> str:
        if place.section is Section.LIVE:
            return "No session is live."
        if place.section is Section.SEARCH and len(last := place.search.split()[-1]) == 1:
            # A lone letter is searched as a word (a prefix that short would match nearly everything).
            return f"No word “{plain_str(last)}”; one more letter searches the words that begin with it."
        if place.filter.is_empty():
            return "Nothing here."
        return f"Nothing under the filter {place.filter.describe()}; f changes it."

    def follow(self, ref: Ref) -> None:
        """Move the panes to what `ref` points at: its section, the cursor on it, its story in detail."""
        if ref.kind == "live":
            self.action_live()
            return
        section = SECTION_OF.get(ref.kind)
        if section is None:
            self.go(replace(self._current(), focus=ref))
            return
        self.go(Place(section=section, focus=ref))

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

    @on(PagedList.Highlighted, "#list")
    def row_highlighted(self, event: PagedList.Highlighted) -> None:
        ref = event.row.ref
        if event.initial and self._keep_detail and ref != self.place.focus:
            return
        self.place = replace(self.place, cursor=event.paged_list.cursor)
        if ref != self.detail_ref:
            self.detail_ref = ref
            self.load_detail(ref, self.place)

    @on(PagedList.Selected, "#list")
    def row_selected(self, event: PagedList.Selected) -> None:
        ref = event.row.ref
        assert ref is not None
        if ref.kind == "topic":
            self.go(Place(section=Section.CASES, filter=BrowseFilter(topic=str(ref.key))))
        elif self.place.section in (Section.OVERVIEW, Section.SEARCH) and ref.kind in SECTION_OF:
            self.follow(ref)
        else:
            self.query_one("#detail", StoryView).focus()

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load_detail(self, ref: Ref | None, place: Place) -> DetailLoaded:
        return DetailLoaded(ref, detail_for(self.app.repertoire, ref, place))

    async def show_detail(self, loaded: DetailLoaded) -> None:
        if loaded.ref != self.detail_ref:
            return
        self.detail = loaded.detail
        kind = None if loaded.ref is None else loaded.ref.kind
        if kind != self._keys_offered_for:
            # The edit keys offered depend on the kind of item shown; redrawing the footer for
            # every story would cost more than drawing the story.
            self._keys_offered_for = kind
            self.refresh_bindings()
        self.query_one("#detail", StoryView).show(loaded.detail)

    @on(StoryView.LinkClicked)
    def link_clicked(self, event: StoryView.LinkClicked) -> None:
        ref = Ref.parse(event.href)
        if ref is not None:
            self.follow(ref)

    # -- search ------------------------------------------------------------------------------

    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        if self.focused is search:  # not `has_focus`: that waits for the box to take its Focus event
            raise SkipAction()  # a `/` typed in the box is part of the search
        # At once, not after the queue (`focus()`): keys typed or pasted right after `/` belong in the box.
        self.set_focus(search)

    def action_leave_search(self) -> None:
        self.set_focus(self.query_one("#list", PagedList))

    def action_submit_search(self) -> None:
        self.search_for(self.query_one("#search", Input).value)
        self.set_focus(self.query_one("#list", PagedList))

    @on(Input.Changed, "#search")
    def search_typed(self, event: Input.Changed) -> None:
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

    def show_search(self, results: SearchResults) -> None:
        self.search_done()
        if not self._is_shown(results.place):
            return
        paged_list = self.query_one("#list", PagedList)
        rows = results.rows
        paged_list.border_title = Text.assemble(
            results.place.title(), f" ({sum(r.ref is not None for r in rows)})"
        )
        paged_list.load(
            StaticRows(lambda: rows), cursor=results.place.cursor, empty=self._empty_message(results.place)
        )

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
        if section in (Section.OVERVIEW, Section.SESSIONS, Section.MEMBERS, Section.TOPICS, Section.LIVE):
            section = Section.CASES
        self.go(Place(section=section, filter=chosen, search=self.place.search, topic=self.place.topic))

    def action_what_worked(self) -> None:
        """What has worked for the topic under the cursor, the filter's topic, or the search."""
        row = self.query_one("#list", PagedList).current
        topic = self.place.filter.topic
        if row is not None and row.ref is not None and row.ref.kind == "topic":
            topic = str(row.ref.key)
        search = "" if topic else self.place.search
        self.go(Place(section=Section.WORKED, topic=topic, search=search, filter=self.place.filter))

    def action_live(self) -> None:
        self.go(Place(section=Section.LIVE))

    def action_references(self) -> None:
        from coptui.ui.screens.references import ReferenceScreen

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
                "each is offered when the cursor is on a case or an action. " + note
            )
        self.app.push_screen(HelpScreen(key_rows(self), note))

    # -- live follow --------------------------------------------------------------------------

    def poll_live(self) -> None:
        self.check_live(self.live_version)

    @work(thread=True, exclusive=True, group="live", exit_on_error=False)
    def check_live(self, seen: int | None) -> LiveCheck:
        repertoire = self.app.repertoire
        version = repertoire.data_version()
        if version == seen:
            return LiveCheck(version, False, None)
        return LiveCheck(version, True, repertoire.live_story())

    def show_live(self, check: LiveCheck) -> None:
        self.live_version = check.version
        if not check.changed:
            return
        self.live_story = check.story
        self.tick_live()
        if self.place.section is Section.LIVE:
            self.query_one("#list", PagedList).load(
                source_for(self.app.repertoire, self.place), cursor=self.place.cursor
            )

    def tick_live(self) -> None:
        banner = self.query_one("#live-banner", Static)
        banner.display = self.live_story is not None
        if self.live_story is None:
            return
        banner.update(Text(live_banner(self.live_story.session), no_wrap=True, overflow="ellipsis"))
        if self.place.section is Section.LIVE:
            detail = live_detail(self.live_story)
            if detail.text != self.detail.text:
                self.detail = detail
                self.query_one("#detail", StoryView).show(detail)

    # -- editing (writable mode only) -------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        kinds = {
            "edit_case": ("case",),
            "action_status": ("action",),
            "add_report_back": ("action", "case"),
            "edit_member": ("member",),
            # Minutes are written to a file where coptui runs: never for a read-only (SSH) browser.
            "export_minutes": ("session",),
        }
        if action == "add_member":
            return not self.app.repertoire.read_only
        if action in kinds:
            if self.app.repertoire.read_only:
                return False
            return self.detail_ref is not None and self.detail_ref.kind in kinds[action]
        if action in ("leave_search", "submit_search"):
            return self.focused is self.query_one("#search", Input)  # not `has_focus`: see action_search
        return True

    @reports_store_errors
    def action_edit_case(self) -> None:
        from coptui.ui.screens.edit import EditCaseScreen

        if self.detail_ref is None or self.detail_ref.kind != "case":
            return
        repertoire = self.app.repertoire
        case = repertoire.case(int(self.detail_ref.key))
        self.app.push_screen(EditCaseScreen(case, repertoire.topics()), self.save_case)

    @reports_store_errors
    def action_action_status(self) -> None:
        from coptui.ui.screens.edit import ActionStatusScreen

        if self.detail_ref is None or self.detail_ref.kind != "action":
            return
        action = self.app.repertoire.action(int(self.detail_ref.key))
        self.app.push_screen(ActionStatusScreen(action), self.save_action_status)

    @reports_store_errors
    def action_add_report_back(self) -> None:
        from coptui.ui.screens.edit import ReportBackScreen

        ref = self.detail_ref
        if ref is None or ref.kind not in ("action", "case"):
            return
        repertoire = self.app.repertoire
        action = repertoire.action(int(ref.key)) if ref.kind == "action" else None
        case_id = action.case if action is not None else int(ref.key)
        screen = ReportBackScreen(repertoire.members(), action=action, case=case_id)
        self.app.push_screen(screen, self.save_report_back)

    @reports_store_errors
    def action_edit_member(self) -> None:
        from coptui.ui.screens.member_form import MemberScreen

        if self.detail_ref is None or self.detail_ref.kind != "member":
            return
        member = self.app.repertoire.member(str(self.detail_ref.key))
        self.app.push_screen(MemberScreen(member), self.save_member)

    def action_add_member(self) -> None:
        from coptui.ui.screens.member_form import MemberScreen

        self.app.push_screen(MemberScreen(), self.save_new_member)

    def save_member(self, member: Member | None) -> None:
        if member is not None:
            left = f", left on {member.left_on}" if member.left_on else ""
            said = f"Saved @{plain_str(member.handle)}{left}."
            self.write(lambda: self.app.repertoire.update_member(member), said)

    def save_new_member(self, member: Member | None) -> None:
        if member is not None:
            self.write(lambda: self.app.repertoire.add_member(member), f"Added @{plain_str(member.handle)}.")

    def action_export_minutes(self) -> None:
        if self.detail_ref is not None and self.detail_ref.kind == "session":
            self.export_minutes(int(self.detail_ref.key))

    @work(thread=True, exclusive=True, group="minutes", exit_on_error=False)
    def export_minutes(self, session_id: int) -> MinutesExported:
        from coptui.export import save_minutes

        return MinutesExported(save_minutes(self.app.repertoire, session_id, Path.cwd()))

    def save_case(self, case: Case | None) -> None:
        if case is not None:
            self.write(lambda: self.app.repertoire.update_case(case), f"Saved case {case.id}.")

    def save_action_status(self, change: tuple[Action, ActionStatus] | None) -> None:
        if change is not None:
            action, status = change
            self.write(
                lambda: self.app.repertoire.set_action_status(action.id or 0, status),
                f"Action {action.id} is now {status.value}.",
            )

    def save_report_back(self, report: ReportBack | None) -> None:
        if report is not None:
            self.write(lambda: self.app.repertoire.add_report_back(report), "Report-back filed.")

    @work(thread=True, exclusive=True, group="write", exit_on_error=False)
    def write(self, change: Callable[[], object], message: str) -> Saved:
        change()
        return Saved(message)

    def after_write(self, saved: Saved) -> None:
        self.notify(saved.message, timeout=3)
        place = self._current()
        self.show_place(replace(place, focus=self.detail_ref))

    # -- results of workers ----------------------------------------------------------------------

    @on(PagedList.Failed, "#list")
    def list_failed(self, event: PagedList.Failed) -> None:
        self.app.report_error(event.error)

    async def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state in (WorkerState.ERROR, WorkerState.CANCELLED) and event.worker.group == "search":
            self.search_done()
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.app.report_error(event.worker.error)
        if event.state is not WorkerState.SUCCESS:
            return
        result = event.worker.result
        if isinstance(result, DetailLoaded):
            await self.show_detail(result)
        elif isinstance(result, SearchResults):
            self.show_search(result)
        elif isinstance(result, LiveCheck):
            self.show_live(result)
        elif isinstance(result, Saved):
            self.after_write(result)
        elif isinstance(result, MinutesExported):
            self.notify(f"Minutes saved to {plain_str(str(result.path))}", title="Minutes", markup=False)

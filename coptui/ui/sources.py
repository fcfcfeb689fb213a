"""The browser's panes, in one registry: for each section, where its list's rows come from,
what the browse filter narrows in it, and the story the detail pane tells of what it lists.

Adding a pane is a `Section` and one `Pane` in `PANES`. Every `rows`, `story` and
`place_story` runs in the browser's thread workers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from rich.text import Text

from coptui.store import Repertoire
from coptui.store.browsing import BrowseFilter
from coptui.ui import stories
from coptui.ui.detail import Detail
from coptui.ui.practice_stories import practice_detail, worked_for_case_detail
from coptui.ui.refs import Ref, RefKind
from coptui.ui.render import plain
from coptui.ui.rows import (
    PagedRows,
    action_row,
    case_row,
    live_rows,
    member_row,
    overview_rows,
    practice_row,
    search_rows,
    session_row,
    strategy_row,
    topic_row,
)
from coptui.ui.widgets.paged_list import RowSource, StaticRows

# A story is read by a person: the detail pane shows the best few, the list holds the rest.
WORKED_IN_DETAIL = 25


class Section(StrEnum):
    OVERVIEW = "Overview"
    CASES = "Cases"
    STRATEGIES = "Strategies"
    PRACTICES = "Practices"
    SESSIONS = "Sessions"
    MEMBERS = "Members"
    TOPICS = "Topics"
    ACTIONS = "Open actions"
    WORKED = "What has worked"
    SEARCH = "Search"
    LIVE = "Live session"


@dataclass(frozen=True)
class Place:
    """Where the browser is: a section, what narrows it, and the row the cursor is on."""

    section: Section = Section.OVERVIEW
    # The empty filter, valid as it is: the first screen builds no validator for it.
    filter: BrowseFilter = field(default_factory=BrowseFilter.model_construct)
    search: str = ""
    topic: str | None = None
    case: int | None = None  # what has worked for this case
    cursor: int = 0
    focus: Ref | None = None

    def title(self) -> Text:
        """The list's border title: a `Text`, since the search in it is user text, not markup."""
        if self.section is Section.WORKED:
            return plain(f"What has worked {self.scope()}")
        if self.section is Section.SEARCH:
            return Text.assemble("Search: ", plain(self.search))
        return Text(self.section.value)

    def scope(self) -> str:
        if self.case is not None:
            return f"· for case {self.case}"
        if self.topic:
            return f"· #{self.topic}"
        if self.search:
            return f"· “{self.search}”"
        return "· everywhere"


Key = int | str


@dataclass(frozen=True)
class Pane:
    """One section of the browser."""

    section: Section
    # The list's rows, counted and fetched a page at a time (or all at once, when short).
    rows: Callable[[Repertoire, Place], RowSource]
    # The kind of item its rows point at, and that item's story: following a reference to
    # an item of this kind comes to this pane.
    lists: RefKind | None = None
    story: Callable[[Repertoire, Key], Detail] | None = None
    # A pane that tells a story of its own (the overview, say) keeps it in the detail pane
    # until the cursor moves; elsewhere the story of the row under the cursor shows.
    place_story: Callable[[Repertoire, Place], Detail] | None = None
    # What of the browse filter narrows its list (shown under it); None: f goes to the cases.
    narrowed_by: Callable[[BrowseFilter], BrowseFilter] | None = None
    # Where enter on a row goes; None (or no place): into the detail pane.
    opens: Callable[[Ref], Place | None] | None = None
    # What an empty list says, when not the filter's "nothing here".
    empty: str = ""


def _whole(browse: BrowseFilter) -> BrowseFilter:
    return browse


def _cases(repertoire: Repertoire, place: Place) -> RowSource:
    return PagedRows(
        lambda: repertoire.count_browse_cases(place.filter),
        lambda o, n: [case_row(c) for c in repertoire.browse_cases(place.filter, limit=n, offset=o)],
    )


def _strategies(repertoire: Repertoire, place: Place) -> RowSource:
    return PagedRows(
        lambda: repertoire.count_browse_strategies(place.filter),
        lambda o, n: [strategy_row(r) for r in repertoire.browse_strategies(place.filter, limit=n, offset=o)],
    )


def _sessions(repertoire: Repertoire, place: Place) -> RowSource:
    return PagedRows(
        repertoire.count_sessions,
        lambda o, n: [session_row(s) for s in repertoire.sessions(limit=n, offset=o)],
    )


def _actions(repertoire: Repertoire, place: Place) -> RowSource:
    member = place.filter.member
    return PagedRows(
        lambda: repertoire.count_browse_actions(member=member),
        lambda o, n: [action_row(a) for a in repertoire.browse_actions(member=member, limit=n, offset=o)],
    )


def _practices(repertoire: Repertoire, place: Place) -> RowSource:
    return PagedRows(
        repertoire.count_practices,
        lambda o, n: [practice_row(p) for p in repertoire.practices(limit=n, offset=o)],
    )


def _practice_story(repertoire: Repertoire, key: Key) -> Detail:
    story = repertoire.practice_story(int(key))
    return practice_detail(story, repertoire.cases_by_id(use.strategy.case for use in story.uses))


def _worked_rows(repertoire: Repertoire, place: Place) -> RowSource:
    case = place.case
    if case is not None:
        return StaticRows(lambda: [practice_row(p) for p in repertoire.what_worked_for_case(case).practices])
    return StaticRows(
        lambda: [
            strategy_row(r) for r in repertoire.what_has_worked(topic=place.topic, text=place.search or None)
        ]
    )


def _worked_story(repertoire: Repertoire, place: Place) -> Detail:
    if place.case is not None:
        return worked_for_case_detail(repertoire.what_worked_for_case(place.case, limit=WORKED_IN_DETAIL))
    records = repertoire.what_has_worked(topic=place.topic, text=place.search or None, limit=WORKED_IN_DETAIL)
    return stories.worked_detail(place.scope(), records)


def _topic_story(repertoire: Repertoire, key: Key) -> Detail:
    summary = next(t for t in repertoire.topic_summaries() if t.topic.slug == key)
    return stories.topic_detail(summary, repertoire.what_has_worked(topic=str(key), limit=10))


def _action_story(repertoire: Repertoire, key: Key) -> Detail:
    action = repertoire.action(int(key))
    case = repertoire.case(action.case) if action.case is not None else None
    return stories.action_detail(action, case, repertoire.action_report_backs(action.id or 0))


def _live_story(repertoire: Repertoire, *_: object) -> Detail:
    story = repertoire.live_story()
    if story is None:
        return stories.no_live_detail()
    return stories.live_detail(story)


def _overview_story(repertoire: Repertoire, *_: object) -> Detail:
    return stories.overview_detail(repertoire.overview())


def _cases_of_topic(ref: Ref) -> Place:
    return Place(section=Section.CASES, filter=BrowseFilter(topic=str(ref.key)))


def place_of(ref: Ref) -> Place | None:
    """The place that shows what `ref` points at, its story in the detail pane; None if no pane lists it."""
    pane = PANE_LISTING.get(ref.kind)
    if pane is None:
        return None
    if pane.place_story is not None:
        return Place(section=pane.section)
    return Place(section=pane.section, focus=ref)


PANES = {
    pane.section: pane
    for pane in (
        Pane(
            Section.OVERVIEW,
            lambda r, _: StaticRows(lambda: overview_rows(r)),
            place_story=_overview_story,
            opens=place_of,
        ),
        Pane(
            Section.CASES,
            _cases,
            lists=RefKind.CASE,
            story=lambda r, key: stories.case_detail(r.case_story(int(key))),
            narrowed_by=_whole,
        ),
        Pane(
            Section.STRATEGIES,
            _strategies,
            lists=RefKind.STRATEGY,
            story=lambda r, key: stories.strategy_detail(r.strategy_story(int(key))),
            narrowed_by=_whole,
        ),
        Pane(
            Section.PRACTICES,
            _practices,
            lists=RefKind.PRACTICE,
            story=_practice_story,
            empty="No practices yet: each strategy filed in a session is a use of one.",
        ),
        Pane(
            Section.SESSIONS,
            _sessions,
            lists=RefKind.SESSION,
            story=lambda r, key: stories.session_detail(r.session_story(int(key))),
        ),
        Pane(
            Section.MEMBERS,
            lambda r, _: StaticRows(lambda: [member_row(m) for m in r.members()]),
            lists=RefKind.MEMBER,
            story=lambda r, key: stories.member_detail(r.member_story(str(key))),
        ),
        Pane(
            Section.TOPICS,
            lambda r, _: StaticRows(lambda: [topic_row(t) for t in r.topic_summaries()]),
            lists=RefKind.TOPIC,
            story=_topic_story,
            opens=_cases_of_topic,
        ),
        Pane(
            Section.ACTIONS,
            _actions,
            lists=RefKind.ACTION,
            story=_action_story,
            narrowed_by=lambda browse: BrowseFilter(member=browse.member),
        ),
        Pane(Section.WORKED, _worked_rows, place_story=_worked_story),
        Pane(
            Section.SEARCH,
            lambda r, place: StaticRows(lambda: search_rows(r, place.search, place.filter)),
            narrowed_by=_whole,
            opens=place_of,
        ),
        Pane(
            Section.LIVE,
            lambda r, _: StaticRows(lambda: live_rows(r)),
            lists=RefKind.LIVE,
            story=_live_story,
            place_story=_live_story,
            empty="No session is live.",
        ),
    )
}

# Which pane shows each kind of item.
PANE_LISTING = {pane.lists: pane for pane in PANES.values() if pane.lists is not None}


def _in_context(repertoire: Repertoire, kind: RefKind, key: Key) -> Detail:
    """A report-back or a note is told as the story of its case, or else of its session."""
    item = repertoire.report_back(int(key)) if kind is RefKind.REPORT_BACK else repertoire.note(int(key))
    if item.case is not None:
        return stories.case_detail(repertoire.case_story(item.case))
    if item.session is not None:
        return stories.session_detail(repertoire.session_story(item.session))
    return _overview_story(repertoire)


# The story of each kind of item: its pane's, and for the kinds no pane lists, their context's.
STORIES: dict[RefKind, Callable[[Repertoire, Key], Detail]] = {
    RefKind.REPORT_BACK: lambda r, key: _in_context(r, RefKind.REPORT_BACK, key),
    RefKind.NOTE: lambda r, key: _in_context(r, RefKind.NOTE, key),
} | {kind: pane.story for kind, pane in PANE_LISTING.items() if pane.story is not None}

# The navigator's entries, in order; Search and Live appear when they have something to show.
NAVIGATOR = [s for s in PANES if s not in (Section.SEARCH, Section.LIVE)]


def source_for(repertoire: Repertoire, place: Place) -> RowSource:
    """The rows of `place`'s list."""
    return PANES[place.section].rows(repertoire, place)


def detail_for(repertoire: Repertoire, ref: Ref | None, place: Place) -> Detail:
    """The detail pane's document for `ref` (or for the place itself when no row is chosen)."""
    if ref is None:
        return (PANES[place.section].place_story or _overview_story)(repertoire, place)
    story = STORIES.get(ref.kind)
    if story is None:
        return _overview_story(repertoire)
    return story(repertoire, ref.key)

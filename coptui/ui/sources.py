"""Where each browser section's list rows come from: the store's pages, drawn as one-line `Text`s.

Every source's `count` and `fetch` run in the list's thread workers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from rich.text import Text

from coptui.counts import plural
from coptui.models import Action, Case, Session, SessionStatus
from coptui.store import HitKind, Repertoire
from coptui.store.browsing import BrowseFilter, StrategyRecord
from coptui.ui import stories
from coptui.ui.detail import Detail
from coptui.ui.render import highlighted, plain
from coptui.ui.stories import current_phase, member_line
from coptui.ui.widgets.paged_list import Ref, Row, RowSource, StaticRows

# A story is read by a person: the detail pane shows the best few, the list holds the rest.
WORKED_IN_DETAIL = 25


class Section(StrEnum):
    OVERVIEW = "Overview"
    CASES = "Cases"
    STRATEGIES = "Strategies"
    SESSIONS = "Sessions"
    MEMBERS = "Members"
    TOPICS = "Topics"
    ACTIONS = "Open actions"
    WORKED = "What has worked"
    SEARCH = "Search"
    LIVE = "Live session"


# The navigator's entries, in order; Search and Live appear when they have something to show.
NAVIGATOR = [s for s in Section if s not in (Section.SEARCH, Section.LIVE)]

# Where following a reference to each kind of item takes the panes.
SECTION_OF = {
    "case": Section.CASES,
    "strategy": Section.STRATEGIES,
    "session": Section.SESSIONS,
    "member": Section.MEMBERS,
    "topic": Section.TOPICS,
    "action": Section.ACTIONS,
}

KIND_HEADINGS = {
    HitKind.CASE: "Cases",
    HitKind.STRATEGY: "Strategies",
    HitKind.REPORT_BACK: "Report-backs",
    HitKind.NOTE: "Notes",
}


@dataclass(frozen=True)
class Place:
    """Where the browser is: a section, what narrows it, and the row the cursor is on."""

    section: Section = Section.OVERVIEW
    filter: BrowseFilter = field(default_factory=BrowseFilter)
    search: str = ""
    topic: str | None = None
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
        if self.topic:
            return f"· #{self.topic}"
        if self.search:
            return f"· “{self.search}”"
        return "· everywhere"


class PagedRows:
    """A list read from the store a page at a time."""

    def __init__(self, count: Callable[[], int], fetch: Callable[[int, int], list[Row]]) -> None:
        self.count = count
        self._fetch = fetch

    def fetch(self, offset: int, limit: int) -> list[Row]:
        return self._fetch(offset, limit)


def case_row(case: Case) -> Row:
    text = Text.assemble((f"{case.opened_on} ", "dim"), plain(case.title), (f"  {case.status.marked}", "dim"))
    return Row(text, Ref("case", case.id or 0))


def strategy_row(record: StrategyRecord) -> Row:
    text = Text.assemble((f"{record.record.marks()} ", "bold"), plain(record.strategy.text))
    return Row(text, Ref("strategy", record.strategy.id or 0))


def session_row(session: Session) -> Row:
    live = "● " if session.status is SessionStatus.LIVE else ""
    return Row(
        Text.assemble((f"{session.date} #{session.id} ", "dim"), (live, "bold"), plain(session.title)),
        Ref("session", session.id or 0),
    )


def action_row(action: Action) -> Row:
    due = f"{action.due}" if action.due else "no date"
    overdue = ("⚠ overdue ", "bold red") if action.overdue_on(stories.today()) else ""
    return Row(
        Text.assemble(
            (f"{due} ", "dim"), overdue, plain(f"@{action.owner}", style="bold"), " ", plain(action.text)
        ),
        Ref("action", action.id or 0),
    )


def source_for(repertoire: Repertoire, place: Place) -> RowSource:
    """The rows of `place`'s list."""
    f = place.filter
    section = place.section
    if section is Section.CASES:
        return PagedRows(
            lambda: repertoire.count_browse_cases(f),
            lambda o, n: [case_row(c) for c in repertoire.browse_cases(f, limit=n, offset=o)],
        )
    if section is Section.STRATEGIES:
        return PagedRows(
            lambda: repertoire.count_browse_strategies(f),
            lambda o, n: [strategy_row(r) for r in repertoire.browse_strategies(f, limit=n, offset=o)],
        )
    if section is Section.SESSIONS:
        return PagedRows(
            repertoire.count_sessions,
            lambda o, n: [session_row(s) for s in repertoire.sessions(limit=n, offset=o)],
        )
    if section is Section.ACTIONS:
        return PagedRows(
            lambda: repertoire.count_browse_actions(member=f.member),
            lambda o, n: [
                action_row(a) for a in repertoire.browse_actions(member=f.member, limit=n, offset=o)
            ],
        )
    if section is Section.MEMBERS:
        return StaticRows(
            lambda: [Row(plain(member_line(m)), Ref("member", m.handle)) for m in repertoire.members()]
        )
    if section is Section.TOPICS:
        return StaticRows(
            lambda: [
                Row(
                    Text.assemble(plain(t.topic.name), (f"  {plural(t.cases, 'case')}", "dim")),
                    Ref("topic", t.topic.slug),
                )
                for t in repertoire.topic_summaries()
            ]
        )
    if section is Section.WORKED:
        return StaticRows(
            lambda: [
                strategy_row(r)
                for r in repertoire.what_has_worked(topic=place.topic, text=place.search or None)
            ]
        )
    if section is Section.SEARCH:
        return StaticRows(lambda: search_rows(repertoire, place.search, f))
    if section is Section.LIVE:
        return StaticRows(lambda: live_rows(repertoire))
    return StaticRows(lambda: overview_rows(repertoire))


def search_rows(repertoire: Repertoire, text: str, filter: BrowseFilter) -> list[Row]:
    rows: list[Row] = []
    hits = repertoire.browse_search(text, filter)
    for kind, heading in KIND_HEADINGS.items():
        group = [h for h in hits if h.kind is kind]
        if not group:
            continue
        rows.append(Row(Text(f"{heading} ({len(group)})", style="bold underline")))
        for hit in group:
            # The matched words lead, so they show in a narrow list; a case's title leads its own hit.
            label = highlighted(hit.snippet)
            if kind is HitKind.CASE:
                label = Text.assemble(plain(hit.title, width=40, style="bold"), " ", label)
            rows.append(Row(label, Ref(hit.kind.value, hit.id)))
    return rows


def overview_rows(repertoire: Repertoire) -> list[Row]:
    overview = repertoire.overview()
    rows = [Row(Text("Recent sessions", style="bold underline"))]
    rows += [session_row(s) for s in overview.sessions]
    rows.append(Row(Text(f"Open actions ({overview.open_action_count})", style="bold underline")))
    rows += [action_row(a) for a in overview.actions]
    rows.append(Row(Text(f"Latest cases ({overview.case_count})", style="bold underline")))
    rows += [case_row(c) for c in overview.cases]
    return rows


def live_rows(repertoire: Repertoire) -> list[Row]:
    story = repertoire.live_story()
    if story is None:
        return []
    session = story.session
    phase = current_phase(session)
    rows = [Row(Text.assemble(("● ", "bold"), plain(session.title)), Ref("live", session.id or 0))]
    for run in session.phases:
        now = phase is not None and run.position == phase.position
        mark = "▶ " if now else "✓ " if run.ended_at else "  "
        rows.append(
            Row(Text.assemble((mark, "bold" if now else ""), plain(run.title)), Ref("live", session.id or 0))
        )
    return rows


def detail_for(repertoire: Repertoire, ref: Ref | None, place: Place) -> Detail:
    """The detail pane's document for `ref` (or for the place itself when no row is chosen)."""
    if ref is None:
        if place.section is Section.WORKED:
            return stories.worked_detail(
                place.scope(),
                repertoire.what_has_worked(
                    topic=place.topic, text=place.search or None, limit=WORKED_IN_DETAIL
                ),
            )
        if place.section is Section.LIVE:
            return _live_detail(repertoire)
        return stories.overview_detail(repertoire.overview())
    kind, key = ref.kind, ref.key
    if kind == "case":
        return stories.case_detail(repertoire.case_story(int(key)))
    if kind == "strategy":
        return stories.strategy_detail(repertoire.strategy_story(int(key)))
    if kind == "session":
        return stories.session_detail(repertoire.session_story(int(key)))
    if kind == "member":
        return stories.member_detail(repertoire.member_story(str(key)))
    if kind == "topic":
        summary = next(t for t in repertoire.topic_summaries() if t.topic.slug == key)
        return stories.topic_detail(summary, repertoire.what_has_worked(topic=str(key), limit=10))
    if kind == "action":
        action = repertoire.action(int(key))
        case = repertoire.case(action.case) if action.case is not None else None
        return stories.action_detail(action, case, repertoire.action_report_backs(action.id or 0))
    if kind in ("report_back", "note"):
        item = repertoire.report_back(int(key)) if kind == "report_back" else repertoire.note(int(key))
        if item.case is not None:
            return stories.case_detail(repertoire.case_story(item.case))
        if item.session is not None:
            return stories.session_detail(repertoire.session_story(item.session))
    if kind == "live":
        return _live_detail(repertoire)
    return stories.overview_detail(repertoire.overview())


def _live_detail(repertoire: Repertoire) -> Detail:
    story = repertoire.live_story()
    if story is None:
        return stories.no_live_detail()
    return stories.live_detail(story)

"""The browser's list rows: each kind of item drawn as one line of `Text`, pointing at it.

Every function here runs in the list's thread workers.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text

from coptui.counts import plural
from coptui.models import Action, Case, Member, Session, SessionStatus
from coptui.store import HitKind, Repertoire
from coptui.store.browsing import BrowseFilter, StrategyRecord, TopicSummary, TrackRecord
from coptui.store.practice_records import PracticeRecord
from coptui.ui import stories
from coptui.ui.refs import Ref, RefKind
from coptui.ui.render import highlighted, plain
from coptui.ui.stories import current_phase, member_line
from coptui.ui.widgets.paged_list import Row

KIND_HEADINGS = {
    HitKind.CASE: "Cases",
    HitKind.STRATEGY: "Strategies",
    HitKind.REPORT_BACK: "Report-backs",
    HitKind.NOTE: "Notes",
}


class PagedRows:
    """A list read from the store a page at a time."""

    def __init__(self, count: Callable[[], int], fetch: Callable[[int, int], list[Row]]) -> None:
        self.count = count
        self._fetch = fetch

    def fetch(self, offset: int, limit: int) -> list[Row]:
        return self._fetch(offset, limit)


def case_row(case: Case) -> Row:
    text = Text.assemble((f"{case.opened_on} ", "dim"), plain(case.title), (f"  {case.status.marked}", "dim"))
    return Row(text, Ref(RefKind.CASE, case.id or 0))


def _record(record: TrackRecord) -> tuple[str, str]:
    """The track record leading a row: '✓2 ◐1 ✗0 ', or a dash for what nobody has tried yet
    (nine characters of zeros would leave a narrow list little room for the name)."""
    return (f"{record.marks()} ", "bold") if record.tried else ("– ", "dim")


def strategy_row(record: StrategyRecord) -> Row:
    text = Text.assemble(_record(record.record), plain(record.strategy.text))
    return Row(text, Ref(RefKind.STRATEGY, record.strategy.id or 0))


def practice_row(found: PracticeRecord) -> Row:
    text = Text.assemble(
        _record(found.record),
        plain(found.practice.name),
        (f"  {plural(found.cases, 'case')}", "dim"),
    )
    return Row(text, Ref(RefKind.PRACTICE, found.practice.id or 0))


def session_row(session: Session) -> Row:
    live = "● " if session.status is SessionStatus.LIVE else ""
    return Row(
        Text.assemble((f"{session.date} #{session.id} ", "dim"), (live, "bold"), plain(session.title)),
        Ref(RefKind.SESSION, session.id or 0),
    )


def member_row(member: Member) -> Row:
    return Row(plain(member_line(member)), Ref(RefKind.MEMBER, member.handle))


def topic_row(summary: TopicSummary) -> Row:
    return Row(
        Text.assemble(plain(summary.topic.name), (f"  {plural(summary.cases, 'case')}", "dim")),
        Ref(RefKind.TOPIC, summary.topic.slug),
    )


def action_row(action: Action) -> Row:
    due = f"{action.due}" if action.due else "no date"
    overdue = ("⚠ overdue ", "bold red") if action.overdue_on(stories.today()) else ""
    return Row(
        Text.assemble(
            (f"{due} ", "dim"), overdue, plain(f"@{action.owner}", style="bold"), " ", plain(action.text)
        ),
        Ref(RefKind.ACTION, action.id or 0),
    )


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
            rows.append(Row(label, Ref(RefKind(hit.kind.value), hit.id)))
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
    live = Ref(RefKind.LIVE, session.id or 0)
    rows = [Row(Text.assemble(("● ", "bold"), plain(session.title)), live)]
    for run in session.phases:
        now = phase is not None and run.position == phase.position
        mark = "▶ " if now else "✓ " if run.ended_at else "  "
        rows.append(Row(Text.assemble((mark, "bold" if now else ""), plain(run.title)), live))
    return rows

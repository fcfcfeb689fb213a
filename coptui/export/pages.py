"""What each page of an exported folder says, and every page of a repertoire made one slice at a time.

A folder export reads the repertoire a slice at a time (`coptui.store.export_reads`):
the pages of a run of sessions (their minutes, and the pages of the cases first
presented at them), practices, topics or members from a partial document that holds
what those pages name, so memory stays the same whatever the size. The
index page comes last, from an outline of every session and case in brief. Pages
are the same as from the whole repertoire in memory (`repertoire_pages`), which a
small repertoire, or a test, can still use.
"""

from __future__ import annotations

import gc
import itertools
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from coptui.counts import plural
from coptui.export import escape, names
from coptui.export.index import RepertoireIndex
from coptui.export.markdown import (
    PageLinks,
    table,
    table_lines,
)
from coptui.export.minutes import ActionRegister, render_minutes
from coptui.export.practices import practice_pages, strategy_practice
from coptui.models import ActionStatus, CaseStatus, Member, NoteKind, Outcome, Role, Topic
from coptui.store.export_reads import Outline, Take, Totals
from coptui.store.export_rows import CaseItem, CaseRow, ReportBackItem, SessionRow, StrategyItem

if TYPE_CHECKING:
    from coptui.store.export_reads import ExportReads

INDEX = "index.md"
# A page's text: whole, or (the community's page, which lists every case) in parts.
PageText = str | Iterable[str]


def whole(text: PageText) -> str:
    """A page's text in one string, if it came in parts."""
    return text if isinstance(text, str) else "".join(text)


def repertoire_pages(index: RepertoireIndex) -> Iterator[tuple[str, PageText]]:
    """Every page of the export from a whole repertoire in memory, with its path in the folder."""
    doc = index.document
    yield from practice_pages(index, PageLinks(index, INDEX))
    yield from _pages(
        [([s.id or 0 for s in sorted(doc.sessions, key=lambda s: (s.date, s.id or 0))], index, True)],
        [([c for c in doc.cases if c.session not in index.sessions], index)],
        [([t.slug for t in doc.topics], index)],
        [([m.handle for m in doc.members], index)],
    )
    yield _index(_outline(index))


def streamed_pages(reads: ExportReads, share: Share | None = None) -> Iterator[tuple[str, PageText]]:
    """Every page of the export, read from the store a slice at a time, the index page last.

    With `share`, only the pages of one of several processes exporting together (see `Share`).
    """
    with _few_collections():
        yield from _streamed(reads, share)


@dataclass(frozen=True)
class Share:
    """Which pages one of several processes exporting together makes.

    The runs of sessions (their minutes and the pages of their cases) and of practices (the
    most files) are taken in turn from queues the processes share, each taking the next run
    none has taken when it is ready for one: each makes as many as it has time for, so they
    end together whatever the machine's load, having created their part of the files. The
    first also makes the topics, the cases of no session and the index (last, once the
    others are done: `write_pages`), the last one the members. The first begins with
    sessions, the others with members and practices, so that they seldom create files in
    the same folder at once.
    """

    first: bool
    last: bool
    sessions: Take
    practices: Take


class SharedQueue:
    """A queue of places (0, 1, 2, ...) that processes take from, each place once: a counter
    in shared memory, given to a spawned process as it starts."""

    def __init__(self) -> None:
        from multiprocessing import get_context

        self._next = get_context("spawn").Value("q", 0)

    def __call__(self) -> int:
        with self._next.get_lock():
            taken: int = self._next.value
            self._next.value = taken + 1
        return taken


def _streamed(reads: ExportReads, share: Share | None) -> Iterator[tuple[str, PageText]]:
    first, last = share is None or share.first, share is None or share.last
    practices = _practice_pages(reads, share.practices if share else None)
    members = ((handles, RepertoireIndex(doc)) for handles, doc in reads.member_slices()) if last else ()
    if not first:
        yield from _pages((), (), (), members)
        yield from practices
    yield from _pages(
        _session_runs(reads, share.sessions if share else None),
        _loose_cases(reads) if first else (),
        ((slugs, RepertoireIndex(doc)) for slugs, doc in reads.topic_slices()) if first else (),
        members if first else (),
    )
    if first:
        yield from practices
        yield _index(reads.outline())


def _practice_pages(reads: ExportReads, take: Take | None) -> Iterator[tuple[str, str]]:
    for practices in reads.practice_slices(take=take):
        index = RepertoireIndex(practices)
        yield from practice_pages(index, PageLinks(index, INDEX))


def _session_runs(reads: ExportReads, take: Take | None) -> Iterator[tuple[list[int], RepertoireIndex, bool]]:
    """The runs of sessions, each read for its pages if it is this process's to make (`take`; all,
    for None), or else for the action register only."""
    for run in reads.session_slices(take=take):
        if run.pages:
            part, records = reads.with_practices(run.part)
            yield run.ids, RepertoireIndex(part, records, filed_before=part.filed_before), True
        else:
            yield run.ids, RepertoireIndex(run.part), False


def _loose_cases(reads: ExportReads) -> Iterator[tuple[Sequence[CaseItem], RepertoireIndex]]:
    """The cases presented at no session, in runs, each run with its slice."""
    for part in reads.case_slices(loose=True):
        index = RepertoireIndex(*reads.with_practices(part))
        yield index.document.cases, index


# The collector's thresholds while pages are made (Python's are 700 and 10): see `_few_collections`.
YOUNG_THRESHOLD = 100_000
MIDDLE_THRESHOLD = 100


@contextmanager
def _few_collections() -> Iterator[None]:
    """Run the cycle collector seldom: the objects of a slice live until its pages are made.

    A slice makes tens of thousands of rows, lists and strings that make no reference cycles
    (a 10,000-case export leaves 24 objects for the collector to free), so its passes over
    them free nothing. At Python's thresholds each of those objects is walked as it ages
    through the generations, and a pass over the oldest walks everything the process holds:
    an eighth of making the pages at 10,000 cases, and two fifths of reading members' slices
    at 100,000. A pass starts when the objects made outnumber those freed by the young
    threshold: at 10,000 that was 84 passes over a 10,000-case export (0.3 s, a twelfth of
    making its pages); at 100,000, one, as a slice's objects are freed before the next is read.
    """
    with _collections_lock:
        if not _making:  # the first of the page makers under way in this process sets them
            _before.append(gc.get_threshold())
            young, middle, old = _before[0]
            gc.set_threshold(max(YOUNG_THRESHOLD, young), max(MIDDLE_THRESHOLD, middle), old)
        _making.append(None)
    try:
        yield
    finally:
        with _collections_lock:
            _making.pop()
            if not _making:  # and the last to end puts back what the process had
                gc.set_threshold(*_before.pop())


# Page makers under way in this process (two may overlap, ending in either order), and the
# thresholds the first of them found.
_making: list[None] = []
_before: list[tuple[int, int, int]] = []
_collections_lock = threading.Lock()


def _pages(
    session_runs: Iterable[tuple[list[int], RepertoireIndex, bool]],
    loose_cases: Iterable[tuple[Sequence[CaseItem], RepertoireIndex]],
    topic_runs: Iterable[tuple[list[str], RepertoireIndex]],
    member_runs: Iterable[tuple[list[str], RepertoireIndex]],
) -> Iterator[tuple[str, PageText]]:
    """The pages of each run in turn; each run's links are built once for all of its pages.

    Minutes come in the order sessions were held, so that the action register of each
    carries forward the actions of the sessions before it (see `ActionRegister`); a run
    whose pages another process makes (its flag false) is only added to the register.
    Each case's page comes right after the minutes of the session it was first presented
    at, from the same slice; then the pages of the cases presented at no session.
    """
    register = ActionRegister()
    for ids, index, with_pages in session_runs:
        links = PageLinks(index, INDEX)
        for session_id in ids:
            session = index.sessions[session_id]
            path = names.session_path(session)
            page_links = links.on(path)
            if with_pages:
                yield path, render_minutes(index, session_id, page_links, register)
                yield from _case_pages(index, index.cases_by_session.get(session_id, []), links)
            register.add(index, session, page_links)
    for cases, index in loose_cases:
        yield from _case_pages(index, cases, PageLinks(index, INDEX))
    for slugs, index in topic_runs:
        links = PageLinks(index, INDEX)
        for slug in slugs:
            path = names.topic_path(slug)
            yield path, _topic_page(index, index.topics[slug], links.on(path))
    for handles, index in member_runs:
        links = PageLinks(index, INDEX)
        for handle in handles:
            path = names.member_path(handle)
            yield path, _member_page(index, index.members[handle], links.on(path))


def _index(outline: Outline) -> tuple[str, PageText]:
    return INDEX, _index_page(outline, PageLinks(RepertoireIndex(outline.common), INDEX, remember=False))


def _case_pages(
    index: RepertoireIndex, cases: Iterable[CaseItem], links: PageLinks
) -> Iterator[tuple[str, str]]:
    for case in cases:
        path = names.case_path(case)
        yield path, _case_page(index, case, links.on(path))


def _footer(community: str) -> str:
    from coptui import __version__

    return f"---\n\n*Exported by coptui {__version__} from the repertoire of {escape.inline(community)}.*"


def _index_page(outline: Outline, links: PageLinks) -> Iterator[str]:
    """The community's page, from the outline's rows (see `ExportReads.outline`), a part at a
    time: at 100,000 cases its tables run to tens of megabytes, never held whole."""
    community, totals = outline.common.community, outline.totals
    blocks: list[str | Iterator[str]] = [f"# {escape.heading(community.name)}"]
    if community.domain:
        blocks.append(escape.block(community.domain))
    blocks.append(
        " · ".join(
            [
                plural(totals.sessions, "session"),
                plural(totals.cases, "case"),
                plural(totals.strategies, "strategy", "strategies"),
                f"{plural(totals.actions, 'action')} ({totals.open_actions} open)",
                plural(totals.report_backs, "report-back"),
                plural(len(outline.common.members), "member"),
            ]
        )
    )
    blocks.append("## Sessions")
    blocks.append(
        _table_or(
            ["Date", "Session", "Facilitator", "Cases"],
            (
                [
                    day.isoformat(),
                    links.session(_brief_session(i, title, day), cell=True),
                    links.member(facilitator, cell=True),
                    str(cases),
                ]
                for i, title, day, facilitator, cases in outline.sessions
            ),
            "No sessions yet.",
        )
    )
    blocks.append("## Cases")
    blocks.append(
        _table_or(
            _CASE_HEADERS, (_case_row(_brief_case(*line), links) for line in outline.cases), "No cases yet."
        )
    )
    blocks.append("## Open actions")
    blocks.append(
        _table_or(
            ["Owner", "Action", "Due", "Case"],
            (
                [
                    links.member(owner, cell=True),
                    escape.cell(text),
                    due.isoformat() if due else "—",
                    "—"
                    if case_id is None or title is None
                    else links.case(_brief_case(case_id, title), cell=True),
                ]
                for owner, text, due, case_id, title in outline.open_actions
            ),
            "No open actions.",
        )
    )
    blocks.append("## Topics")
    blocks.append(
        "\n".join(
            f"- {links.topic(t.slug)} ({plural(outline.topic_cases.get(t.slug, 0), 'case')})"
            + (f": {escape.inline(t.description)}" if t.description else "")
            for t in sorted(outline.common.topics, key=lambda t: t.name.lower())
        )
        or "No topics yet."
    )
    blocks.append("## Members")
    blocks.append(
        "\n".join(
            f"- {links.member(m.handle)}"
            + (" (facilitator)" if m.role is Role.FACILITATOR else "")
            + (f", {escape.inline(m.organisation)}" if m.organisation else "")
            for m in sorted(outline.common.members, key=lambda m: m.name.lower())
        )
        or "No members yet."
    )
    blocks.append(_footer(community.name))
    for at, block in enumerate(blocks):
        if at:
            yield "\n\n"
        if isinstance(block, str):
            yield block
        else:  # a table's lines, a thousand at a time
            yield "\n".join(itertools.islice(block, 1000))
            while lines := list(itertools.islice(block, 1000)):
                yield "\n" + "\n".join(lines)
    yield "\n"


def _table_or(headers: list[str], rows: Iterable[list[str]], empty: str) -> str | Iterator[str]:
    """A table's lines as they are read, or `empty` when there are no rows."""
    rows = iter(rows)
    first = next(rows, None)
    return empty if first is None else table_lines(headers, itertools.chain([first], rows))


def _brief_session(session_id: int, title: str, day: date) -> SessionRow:
    """A session as far as a link to its page needs it."""
    return SessionRow(session_id, title, day)


def _brief_case(
    case_id: int,
    title: str,
    opened_on: date = date.min,
    presenter: str = "",
    status: CaseStatus = CaseStatus.OPEN,
    topics: list[str] | None = None,
) -> CaseRow:
    """A case as far as a link to its page (and a row of a case table) needs it."""
    return CaseRow(case_id, title, opened_on, presenter, status, topics or [])


def _outline(index: RepertoireIndex) -> Outline:
    """The index page's rows from a whole repertoire in memory, as the store gives them."""
    doc = index.document
    return Outline(
        common=doc,
        totals=Totals(
            len(doc.sessions),
            len(doc.cases),
            len(doc.strategies),
            len(doc.actions),
            len(doc.report_backs),
            sum(a.status is ActionStatus.OPEN for a in doc.actions),
        ),
        sessions=[
            (s.id or 0, s.title, s.date, s.facilitator, len(index.cases_by_session.get(s.id or 0, [])))
            for s in sorted(doc.sessions, key=lambda s: (s.date, s.id or 0), reverse=True)
        ],
        cases=[
            (c.id or 0, c.title, c.opened_on, c.presenter, c.status, c.topics)
            for c in sorted(doc.cases, key=lambda c: (c.opened_on, c.id or 0), reverse=True)
        ],
        open_actions=[
            (a.owner, a.text, a.due, a.case, index.cases[a.case].title if a.case in index.cases else None)
            for a in sorted(
                (a for a in doc.actions if a.status is ActionStatus.OPEN),
                key=lambda a: (a.due is None, a.due or 0, a.id or 0),
            )
        ],
        topic_cases={slug: len(cases) for slug, cases in index.cases_by_topic.items()},
    )


_CASE_HEADERS = ["Opened", "Case", "Presented by", "Status", "Topics"]


def _case_row(case: CaseItem, links: PageLinks) -> list[str]:
    return [
        case.opened_on.isoformat(),
        links.case(case, cell=True),
        links.member(case.presenter, cell=True),
        case.status.label,
        links.topics(case.topics, cell=True),
    ]


def _case_table(
    index: RepertoireIndex, cases: list[CaseItem], links: PageLinks, *, presenter: bool = True
) -> str:
    """Cases newest first; a member's own page leaves out who presented them."""
    ordered = sorted(cases, key=lambda c: (c.opened_on, c.id or 0), reverse=True)
    headers = list(_CASE_HEADERS)
    rows = [_case_row(c, links) for c in ordered]
    if not presenter:
        headers.pop(2)
        for row in rows:
            row.pop(2)
    return table(headers, rows)


def _track_record(index: RepertoireIndex, strategy: StrategyItem) -> str:
    """How often a strategy was tried, and with what outcomes: 'tried 2×: worked, partly worked'."""
    reports: list[ReportBackItem] = []
    for action in index.actions_by_strategy.get(strategy.id or 0, []):
        reports.extend(index.report_backs_by_action.get(action.id or 0, []))
    tried = [r for r in reports if r.outcome is not Outcome.NOT_TRIED]
    if not tried:
        return ""
    return f" — tried {len(tried)}×: " + ", ".join(r.outcome.label for r in tried)


def _case_page(index: RepertoireIndex, case: CaseItem, links: PageLinks) -> str:
    cid = case.id or 0
    blocks = [links.index_page(f"← {index.community.name}"), f"# {escape.heading(case.title)}"]
    about = [f"Brought by {links.member(case.presenter)}"]
    session = index.sessions.get(case.session or 0)
    about.append(f"at {links.session(session)}, {case.opened_on}" if session else f"on {case.opened_on}")
    line = " ".join(about) + f" · status: **{case.status.label}**"
    if case.topics:
        line += f" · topics: {links.topics(case.topics)}"
    blocks.append(line)
    if case.context:
        blocks += ["## Context", escape.block(case.context)]
    if case.question:
        blocks += ["## Question", escape.block(case.question)]
    strategies = index.strategies_by_case.get(cid, [])
    blocks.append("## Strategies")
    if strategies:
        blocks.append(
            "\n".join(
                f"- {'**Picked:** ' if s.picked else ''}{escape.block(s.text, indent='  ')} "
                f"*({links.member(s.proposer)}, {plural(s.votes, 'vote')}){_track_record(index, s)}"
                f"{strategy_practice(index, s, links)}*"
                for s in strategies
            )
        )
    else:
        blocks.append("No strategies yet.")
    actions = index.actions_by_case.get(cid, [])
    if actions:
        blocks.append("## Actions")
        blocks.append(
            table(
                ["Owner", "Action", "Due", "Status"],
                [
                    [
                        links.member(a.owner, cell=True),
                        escape.cell(a.text),
                        a.due.isoformat() if a.due else "—",
                        a.status.label,
                    ]
                    for a in actions
                ],
            )
        )
    reports = index.report_backs_by_case.get(cid, [])
    if reports:
        blocks.append("## Report-backs")
        for report in reports:
            where = index.sessions.get(report.session or 0)
            heading = f"### {escape.heading(index.name(report.member))}: {report.outcome.label}"
            parts = [heading, f"{report.reported_on}" + (f", at {links.session(where)}" if where else "")]
            action = index.actions.get(report.action or 0)
            if action is not None:
                parts.append(f"**Action:** {escape.block(action.text)}")
            if report.story:
                parts.append(escape.block(report.story))
            if report.lesson:
                parts.append(f"**Lesson:** {escape.block(report.lesson)}")
            blocks.append("\n\n".join(parts))
    notes = index.notes_by_case.get(cid, [])
    if notes:
        blocks.append("## Notes")
        blocks.append(
            "\n".join(
                f"- {'**Decision:** ' if n.kind is NoteKind.DECISION else ''}"
                f"{escape.block(n.text, indent='  ')}"
                + (f" *({links.member(n.author)})*" if n.author else "")
                for n in notes
            )
        )
    blocks.append(_footer(index.community.name))
    return "\n\n".join(blocks) + "\n"


def _topic_page(index: RepertoireIndex, topic: Topic, links: PageLinks) -> str:
    blocks = [links.index_page(f"← {index.community.name}"), f"# {escape.heading(topic.name)}"]
    if topic.description:
        blocks.append(escape.block(topic.description))
    cases = index.cases_by_topic.get(topic.slug, [])
    blocks.append(f"## Cases ({len(cases)})")
    blocks.append(_case_table(index, cases, links) if cases else "No cases on this topic yet.")
    blocks.append(_footer(index.community.name))
    return "\n\n".join(blocks) + "\n"


def _member_page(index: RepertoireIndex, member: Member, links: PageLinks) -> str:
    handle = member.handle
    blocks = [links.index_page(f"← {index.community.name}"), f"# {escape.heading(member.name)}"]
    about = [f"@{escape.inline(handle)}"]
    if member.role is Role.FACILITATOR:
        about.append("facilitator")
    if member.organisation:
        about.append(escape.inline(member.organisation))
    blocks.append(" · ".join(about))
    cases = index.cases_by_presenter.get(handle, [])
    blocks.append(f"## Cases brought ({len(cases)})")
    blocks.append(_case_table(index, cases, links, presenter=False) if cases else "None yet.")
    actions = index.actions_by_owner.get(handle, [])
    blocks.append(f"## Actions ({len(actions)})")
    blocks.append(
        table(
            ["Action", "Due", "Status", "Case"],
            [
                [
                    escape.cell(a.text),
                    a.due.isoformat() if a.due else "—",
                    a.status.label,
                    links.case(index.cases[a.case], cell=True) if a.case in index.cases else "—",
                ]
                for a in actions
            ],
        )
        if actions
        else "None yet."
    )
    reports = index.report_backs_by_member.get(handle, [])
    if reports:
        blocks.append(f"## Report-backs ({len(reports)})")
        blocks.append(
            "\n".join(
                f"- {r.reported_on}: {r.outcome.label}"
                + (f", on {links.case(index.cases[r.case])}" if r.case in index.cases else "")
                for r in reports
            )
        )
    proposed = index.strategies_by_proposer.get(handle, [])
    if proposed:
        blocks.append(f"## Strategies proposed ({len(proposed)})")
        blocks.append(
            "\n".join(
                f"- {escape.inline(s.text)} *("
                + ", ".join(
                    ([f"for {links.case(index.cases[s.case])}"] if s.case in index.cases else [])
                    + [plural(s.votes, "vote")]
                    + (["picked"] if s.picked else [])
                )
                + ")*"
                for s in proposed
            )
        )
    sessions = index.sessions_by_member.get(handle, [])
    blocks.append(f"## Sessions attended ({len(sessions)})")
    blocks.append("\n".join(f"- {s.date.isoformat()}: {links.session(s)}" for s in sessions) or "None yet.")
    blocks.append(_footer(index.community.name))
    return "\n\n".join(blocks) + "\n"

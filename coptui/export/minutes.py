"""The minutes of one session, as Markdown a secretary would send round.

In order: who met and when; matters arising (report-backs given at this session on
earlier actions, and those members filed between meetings, before it); each phase with
its notes; each case with its question, the strategies proposed and the decisions about
it; the decisions again in one list; a table of the actions agreed; and a line saying
what wrote the file. Minutes of a live session are marked interim.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Sequence
from datetime import date, datetime

from coptui import __version__
from coptui.counts import plural
from coptui.export import escape
from coptui.export.index import RepertoireIndex
from coptui.export.markdown import (
    PageLinks,
    duration,
    long_date,
    table,
)
from coptui.export.participation import participation_section
from coptui.export.practices import strategy_practice
from coptui.models import ActionStatus, NoteKind, PhaseKind, SessionStatus
from coptui.store.export_rows import (
    ActionItem,
    CaseItem,
    NoteItem,
    PhaseItem,
    ReportBackItem,
    SessionItem,
)
from coptui.store.participants import Participation
from coptui.times import clock, local, local_time

_NOTE_INDENT = "  "


def format_title(name: str) -> str:
    """A format's title ('Community of practice meeting') when it is a built-in one, else its name."""
    return _builtin_format_titles().get(name, name)


@functools.cache
def _builtin_format_titles() -> dict[str, str]:
    from coptui.formats import builtin_formats

    return {f.name: f.title for f in builtin_formats()}


def render_minutes(
    index: RepertoireIndex,
    session_id: int,
    links: PageLinks | None = None,
    register: ActionRegister | None = None,
    participation: Sequence[Participation] = (),
    carried: int | None = None,
) -> str:
    """The minutes of session `session_id`, from an index holding at least its slice.

    With a `register` (minutes written in the order sessions were held), the actions
    carried forward are the register's; otherwise they are found in `index`, and
    `carried` counts them when the index holds only those listed. With
    `participation` (from `Repertoire.participation`), a table of who contributed how much.
    """
    session = index.sessions[session_id]
    links = links or PageLinks(index)
    blocks: list[str] = []
    if links.page is not None:
        blocks.append(links.index_page(f"← {index.community.name}"))
    blocks.append(f"# {escape.heading(session.title)}")
    blocks.append(f"Minutes of the **{escape.inline(index.community.name)}** · {long_date(session.date)}")
    blocks.append(_particulars(index, session, links))
    if session.status is SessionStatus.LIVE:
        blocks.append(_interim_banner(session))
    elif session.status is SessionStatus.ABANDONED:
        blocks.append(
            "> **Abandoned.** This session was given up part-way; "
            "what had been filed when it was abandoned is kept here."
        )
    elif session.status is SessionStatus.PLANNED:
        blocks.append("> **Not yet held.** This session is planned; these minutes show its agenda only.")
    blocks.extend(_matters_arising(index, session, links))
    blocks.extend(_phases(index, session, links))
    blocks.extend(_cases(index, session, links))
    blocks.extend(_decisions(index, session, links))
    blocks.extend(_actions(index, session, links))
    blocks.extend(
        _carried_forward(index, session, links, carried)
        if register is None
        else register.blocks(session, links)
    )
    blocks.extend(participation_section(participation, links))
    blocks.append("---")
    # The last block ends the file: one join makes the whole page (which may be large).
    blocks.append(
        f"*Minutes written by coptui {__version__} from the repertoire of "
        f"{escape.inline(index.community.name)}.*\n"
    )
    return "\n\n".join(blocks)


def _particulars(index: RepertoireIndex, session: SessionItem, links: PageLinks) -> str:
    lines = []
    if session.started_at:
        end = session.ended_at
        start = local_time(session.started_at)
        span = (
            f"{clock(local(session.started_at))}–{local_time(end)} ({duration(session.started_at, end)})"
            if end
            else f"from {start}, still running"
        )
        lines.append(f"- **Time:** {span}")
    lines.append(f"- **Format:** {escape.inline(format_title(session.format))}")
    lines.append(f"- **Facilitator:** {links.member(session.facilitator)}")
    lines.append(f"- **Present ({len(session.attendees)}):** {links.members(session.attendees)}")
    lines.append(f"- **Apologies ({len(session.apologies)}):** {links.members(session.apologies)}")
    if session.absent:
        lines.append(f"- **Absent ({len(session.absent)}):** {links.members(session.absent)}")
    if session.next_meeting is not None:
        lines.append(f"- **Next meeting:** {long_date(session.next_meeting)}")
    for label, times in (("Arrived late", session.arrived), ("Left early", session.left)):
        if times:
            who = ", ".join(f"{links.member(h)} ({local_time(t)})" for h, t in times.items())
            lines.append(f"- **{label} ({len(times)}):** {who}")
    return "\n".join(lines)


def _interim_banner(session: SessionItem) -> str:
    current = ""
    if session.current_phase is not None and session.current_phase < len(session.phases):
        current = f" (now: {escape.inline(session.phases[session.current_phase].title)})"
    return (
        f"> **Interim minutes.** This session is still running{current}; "
        "they show what had been filed when they were written."
    )


def _matters_arising(index: RepertoireIndex, session: SessionItem, links: PageLinks) -> list[str]:
    reports = index.session_report_backs(session.id or 0)
    before = index.report_backs_filed_before(session.id or 0)
    blocks = ["## Matters arising"]
    if not reports and not before:
        blocks.append("No report-backs on earlier actions at this session.")
        return blocks
    said = f"{plural(len(reports) + len(before), 'report-back')} on actions agreed at earlier sessions"
    blocks.append(f"{said}, {len(before)} of them filed before the meeting." if before else f"{said}.")
    for report in reports:
        blocks.append(_report_back(index, report, links))
    for report in before:
        filed = f"*Filed before the meeting, on {long_date(report.reported_on)}.*"
        blocks.append(f"{_report_back(index, report, links)}\n\n{filed}")
    return blocks


def _report_back(index: RepertoireIndex, report: ReportBackItem, links: PageLinks) -> str:
    outcome = report.outcome.label
    parts = [f"### {escape.heading(index.name(report.member))}: {outcome}"]
    action = index.actions.get(report.action or 0)
    about = []
    if action is not None:
        agreed = index.sessions.get(action.session or 0)
        detail = [f"due {_due(action, report.reported_on)}"] if action.due else []
        if agreed is not None and agreed.id != report.session:
            detail.append(f"agreed at {links.session(agreed)}, {agreed.date.isoformat()}")
        suffix = f" ({'; '.join(detail)})" if detail else ""
        about.append(f"**Action:** {escape.block(action.text)}{suffix}")
    case = index.cases.get(report.case or 0)
    if case is not None:
        about.append(f"**Case:** {links.case(case)}")
    if about:
        parts.append("\\\n".join(about))
    if report.story:
        parts.append(escape.block(report.story))
    if report.lesson:
        parts.append(f"**Lesson:** {escape.block(report.lesson)}")
    if report.value_cycle is not None:
        parts.append(f"*Value created: {report.value_cycle.value}.*")
    return "\n\n".join(parts)


def _phases(index: RepertoireIndex, session: SessionItem, links: PageLinks) -> list[str]:
    notes = index.session_notes(session.id or 0)
    by_phase: dict[int | None, list[NoteItem]] = {}
    for note in notes:
        if note.case is None:
            by_phase.setdefault(note.phase, []).append(note)
    blocks: list[str] = []
    for phase in session.phases:
        blocks.append(f"## {phase.position + 1}. {escape.heading(phase.title)}")
        blocks.append(_phase_timing(session, phase))
        body = _phase_body(index, session, phase, links)
        if body:
            blocks.append(body)
        phase_notes = by_phase.get(phase.position, [])
        if phase_notes:
            blocks.append(_note_list(index, phase_notes, links))
        elif not body:
            blocks.append("No notes.")
    loose = [n for n in notes if n.case is None and (n.phase is None or n.phase >= len(session.phases))]
    if loose:
        blocks.append("## Other notes")
        blocks.append(_note_list(index, loose, links))
    return blocks


def _phase_timing(session: SessionItem, phase: PhaseItem) -> str:
    timebox = f"timebox {phase.timebox_minutes + phase.extra_minutes} min"
    if phase.extra_minutes:
        timebox += f", {phase.extra_minutes} added"
    if phase.started_at is None:
        # A closed session's phase without times was not timed (an imported one, say), not skipped.
        return f"*Not reached yet · {timebox}*" if session.status is SessionStatus.LIVE else f"*{timebox}*"
    if phase.ended_at is None:
        return f"*{local_time(phase.started_at)}, in progress · {timebox}*"
    taken = _taken(phase.started_at, phase.ended_at, phase.paused_seconds)
    return f"*{clock(local(phase.started_at))}–{local_time(phase.ended_at)} · {taken} · {timebox}*"


def _taken(start: datetime, end: datetime, paused_seconds: int) -> str:
    minutes = round(((end - start).total_seconds() - paused_seconds) / 60)
    # The timer stops while it is paused and while the session is in another phase (F2 away and back).
    away = f" ({round(paused_seconds / 60)} min paused or in other phases)" if paused_seconds else ""
    return f"took {minutes} min{away}"


def _phase_body(index: RepertoireIndex, session: SessionItem, phase: PhaseItem, links: PageLinks) -> str:
    sid = session.id or 0
    if phase.kind is PhaseKind.PROBLEM_SHARING:
        presented = index.cases_by_session.get(sid, [])
        if presented:
            return "Cases presented:\n\n" + "\n".join(
                f"- {links.case(c)}, by {links.member(c.presenter)}" for c in presented
            )
    if phase.kind is PhaseKind.PROBLEM_SOLVING and index.session_cases(sid):
        return "The strategies, decisions and actions for each case are under *Cases* and *Actions* below."
    if phase.kind is PhaseKind.REPORT_BACK and index.session_report_backs(sid):
        return "The report-backs are under *Matters arising* above."
    return ""


def _note_list(index: RepertoireIndex, notes: list[NoteItem], links: PageLinks) -> str:
    return "\n".join(_note_item(index, note, links) for note in notes)


def _note_item(index: RepertoireIndex, note: NoteItem, links: PageLinks) -> str:
    text = escape.block(note.text, indent=_NOTE_INDENT)
    if note.kind is NoteKind.DECISION:
        by = f" *({links.member(note.author)})*" if note.author else ""
        return f"- **Decision:** {text}{by}"
    if note.kind is NoteKind.CHECK_IN or note.author is None:
        who = f"**{links.member(note.author)}:** " if note.author else ""
        return f"- {who}{text}"
    return f"- {text} *({links.member(note.author)})*"


def _cases(index: RepertoireIndex, session: SessionItem, links: PageLinks) -> list[str]:
    sid = session.id or 0
    cases = index.session_cases(sid)
    if not cases:
        return []
    blocks = ["## Cases"]
    for case in cases:
        blocks.extend(_case(index, session, case, links))
    return blocks


def _case(index: RepertoireIndex, session: SessionItem, case: CaseItem, links: PageLinks) -> list[str]:
    sid = session.id or 0
    blocks = [f"### {escape.heading(case.title)}"]
    line = [f"Presented by {links.member(case.presenter)}"]
    first = index.sessions.get(case.session or 0)
    if case.session != sid:
        line.append(
            f"first brought {('to ' + links.session(first)) if first else 'earlier'}, {case.opened_on}"
        )
    if case.topics:
        line.append(f"topics: {links.topics(case.topics)}")
    line.append(f"status now: {case.status.label}")
    if links.page is not None:
        line.append(links.case(case, "the case's page"))
    blocks.append(" · ".join(line))
    if case.session == sid and case.context:
        blocks.append(f"**Context:** {escape.block(case.context)}")
    if case.question:
        blocks.append(f"**Question:** {escape.block(case.question)}")
    strategies = index.session_strategies(sid, case)
    if strategies:
        items = []
        for strategy in strategies:
            picked = "**Picked:** " if strategy.picked else ""
            votes = plural(strategy.votes, "vote")
            items.append(
                f"- {picked}{escape.block(strategy.text, indent=_NOTE_INDENT)} "
                f"*({links.member(strategy.proposer)}, {votes}){strategy_practice(index, strategy, links)}*"
            )
        blocks.append("**Strategies proposed:**\n\n" + "\n".join(items))
    notes = [n for n in index.notes_by_case.get(case.id or 0, []) if n.session == sid]
    if notes:
        blocks.append("**Notes and decisions:**\n\n" + _note_list(index, notes, links))
    return blocks


def _decisions(index: RepertoireIndex, session: SessionItem, links: PageLinks) -> list[str]:
    """Every decision again, in one list: what a reader of the minutes looks for first."""
    decisions = [n for n in index.session_notes(session.id or 0) if n.kind is NoteKind.DECISION]
    if not decisions:
        return []
    items = []
    for note in decisions:
        case = index.cases.get(note.case or 0)
        about = f" *(on {links.case(case)})*" if case else ""
        items.append(f"- {escape.block(note.text, indent=_NOTE_INDENT)}{about}")
    return ["## Decisions", "\n".join(items)]


def _actions(index: RepertoireIndex, session: SessionItem, links: PageLinks) -> list[str]:
    actions = index.actions_by_session.get(session.id or 0, [])
    blocks = ["## Actions"]
    if not actions:
        blocks.append("No actions were agreed at this session.")
        return blocks
    rows = _action_rows(index, actions, session, links)
    blocks.append(table(["Owner", "Action", "Due", "Status", "Case"], rows))
    blocks.append("*Status as recorded when these minutes were written.*")
    return blocks


def _action_rows(
    index: RepertoireIndex, actions: list[ActionItem], session: SessionItem, links: PageLinks
) -> list[list[str]]:
    """Owner, action, due (overdue marked as of the meeting), status and case of each action."""
    return [
        [
            links.member(a.owner, cell=True),
            escape.cell(a.text),
            _due(a, session.date),
            a.status.label,
            links.case(index.cases[a.case], cell=True) if a.case in index.cases else "—",
        ]
        for a in actions
    ]


def _due(action: ActionItem, on: date) -> str:
    """The due date, marked in words when it had gone by on `on` with the action still open."""
    if action.due is None:
        return "—"
    return f"{action.due.isoformat()} **(overdue)**" if action.overdue_on(on) else action.due.isoformat()


REGISTER_SHOWN = 25
"""How many open actions carried forward the minutes list: those due first. The rest are
counted and pointed to (the community page of a folder lists every open action), so the
minutes of a long history stay a page a group reads, and an export stays the size of its history."""


def _carried_forward(
    index: RepertoireIndex, session: SessionItem, links: PageLinks, carried: int | None
) -> list[str]:
    """The action register after the meeting: what was agreed earlier and is still open, due first.

    `carried` is how many there are in all, when `index` holds only those due first
    (as `Repertoire.session_slice` reads them); otherwise they are counted in `index`.
    """
    sid = session.id or 0

    def earlier(action: ActionItem) -> bool:
        agreed = index.sessions.get(action.session or 0)
        return agreed is not None and (agreed.date, agreed.id or 0) < (session.date, sid)

    open_earlier = sorted(
        (a for a in index.actions.values() if a.status is ActionStatus.OPEN and earlier(a)),
        key=_register_order,
    )
    rows = [
        _carried_row(index, a, index.sessions[a.session or 0], links)[a.overdue_on(session.date)]
        for a in open_earlier[:REGISTER_SHOWN]
    ]
    return _register_blocks(rows, len(open_earlier) if carried is None else carried, links)


def _register_order(action: ActionItem) -> tuple[date, int]:
    return (action.due or date.max, action.id or 0)


def _carried_row(
    index: RepertoireIndex, action: ActionItem, agreed: SessionItem, links: PageLinks
) -> tuple[str, str]:
    """An action's row of the register in its two forms: as it reads while not overdue, and once it is."""
    owner, text, _, _, case = _action_rows(index, [action], agreed, links)[0]
    due = action.due.isoformat() if action.due else "—"
    before = f"| {owner} | {text} | "
    after = f" | {links.session(agreed, cell=True)} ({agreed.date}) | {case} |"
    overdue = f"{before}{due} **(overdue)**{after}" if action.due else f"{before}{due}{after}"
    return f"{before}{due}{after}", overdue


def _register_blocks(rows: list[str], total: int, links: PageLinks) -> list[str]:
    """The register's section: the `rows` shown (each a table row already) of the `total` still open."""
    blocks = ["## Open actions carried forward"]
    if not total:
        blocks.append("No action agreed at an earlier session is still open.")
        return blocks
    blocks.append("\n".join([_REGISTER_HEAD, *rows]))
    still = f"{plural(total, 'action')} still open when these minutes were written"
    if total <= len(rows):
        blocks.append(f"*{still}.*")
        return blocks
    where = (
        "The browser's Open actions pane lists them all."
        if links.page is None
        else f"The community page lists them all under {links.index_page('Open actions', 'open-actions')}."
    )
    blocks.append(f"*{still}; the {len(rows)} due first are listed here. {where}*")
    return blocks


_REGISTER_HEAD = table(["Owner", "Action", "Due", "Agreed at", "Case"], [])


class ActionRegister:
    """The open actions carried forward into minutes written in the order sessions were held.

    Only the `REGISTER_SHOWN` due first are kept, each rendered once in both its forms
    (overdue or not), in the register's order (due date, then id); the rest are counted.
    """

    def __init__(self) -> None:
        self._first: list[tuple[tuple[date, int], str, str]] = []  # (order, row, row once overdue)
        self._count = 0

    def add(self, index: RepertoireIndex, session: SessionItem, links: PageLinks) -> None:
        """Carry forward the actions agreed at `session` that are open now."""
        for action in index.actions_by_session.get(session.id or 0, []):
            if action.status is not ActionStatus.OPEN:
                continue
            self._count += 1
            order = _register_order(action)
            if len(self._first) < REGISTER_SHOWN or order < self._first[-1][0]:
                bisect.insort(self._first, (order, *_carried_row(index, action, session, links)))
                del self._first[REGISTER_SHOWN:]

    def blocks(self, session: SessionItem, links: PageLinks) -> list[str]:
        """The register as it stood at `session`: the actions added before it."""
        overdue_before = (session.date, 0)
        rows = [overdue if order < overdue_before else due for order, due, overdue in self._first]
        return _register_blocks(rows, self._count, links)

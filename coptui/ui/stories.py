"""The detail pane's stories: each kind of item told as a short document, with its references.

Each story is a `Detail` (coptui/ui/detail.py) of headings, paragraphs and list items,
built from the store's story models; members' words go in as cleaned plain text
(`plain_str`, `block_str`), so they show as typed and can neither restyle the pane nor
add links. The only links are ours, `coptui:kind/key`, and every one is also listed in
`Detail.refs` so it can be followed from the keyboard.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from textual.content import Content

from coptui.counts import plural
from coptui.models import (
    Action,
    ActionStatus,
    Case,
    CaseStatus,
    Member,
    Note,
    Outcome,
    PhaseRun,
    ReportBack,
    Session,
    SessionStatus,
)
from coptui.store.browsing import (
    STORY_LIMIT,
    CaseStory,
    MemberStory,
    Overview,
    SessionStory,
    StrategyRecord,
    StrategyStory,
    TopicSummary,
)
from coptui.times import clock, local, local_time
from coptui.ui.detail import Detail, Part, em, key, strong
from coptui.ui.refs import Ref, RefKind
from coptui.ui.render import block_str, plain_str

# The legend of a track record's marks, in the order `TrackRecord.marks` gives them.
RECORD_LEGEND = ", ".join(o.marked for o in (Outcome.WORKED, Outcome.PARTLY, Outcome.DID_NOT_WORK))
# Every mark the browser draws, for its help: a case's status, and what was tried.
MARKS_LEGEND = f"A case is {', '.join(s.marked for s in CaseStatus)}. Tries: {RECORD_LEGEND}."


def _held(session: Session) -> str:
    """' · 18:02–19:10 CET': when it ran, in the local time zone (times are stored in UTC)."""
    if session.started_at is None:
        return ""
    if session.ended_at is None:
        return f" · from {local_time(session.started_at)}"
    return f" · {clock(local(session.started_at))}–{local_time(session.ended_at)}"


def today() -> date:
    """The local date, against which open actions are overdue (one seam, so tests can pin it)."""
    return date.today()


def _due(action: Action) -> Content:
    """' · due 2026-12-01', with the warning in words when it has gone by and the action is open."""
    if action.due is None:
        return Content()
    overdue = Content.assemble(" · ", strong("⚠ overdue")) if action.overdue_on(today()) else ""
    return Content.assemble(f" · due {action.due}", overdue)


def _action_line(d: Detail, action: Action) -> Content:
    return Content.assemble(
        # Listed to follow by what it is, not by its number alone.
        d.link(
            f"action {action.id}",
            Ref(RefKind.ACTION, action.id or 0),
            describe=f"action {action.id}: {plain_str(action.text, 300)}",
        ),
        " ",
        d.member(action.owner),
        ": ",
        plain_str(action.text),
        _due(action),
        " · ",
        strong(action.status.label),
    )


def _report_lines(d: Detail, report: ReportBack) -> None:
    cycle = f" · value: {report.value_cycle.value}" if report.value_cycle else ""
    d.item(strong(report.outcome.marked), " — ", d.member(report.member), f", {report.reported_on}{cycle}")
    if report.story:
        d.item("Story: ", plain_str(report.story), depth=1)
    if report.lesson:
        d.item("Lesson: ", plain_str(report.lesson), depth=1)


def _report_backs(d: Detail, reports: Sequence[ReportBack], *, empty: str) -> None:
    for report in reports:
        _report_lines(d, report)
    if not reports:
        d.paragraph(empty)


def _strategy_line(d: Detail, record: StrategyRecord, *, with_case: bool = False) -> Content:
    strategy = record.strategy
    picked = " · picked" if strategy.picked else ""
    case: Part = Content.assemble(" — for ", d.case(strategy.case, record.case_title)) if with_case else ""
    return Content.assemble(
        strong(record.record.marks()),
        " ",
        plain_str(strategy.text),
        " (",
        d.member(strategy.proposer),
        f", {plural(strategy.votes, 'vote')}{picked}; ",
        _strategy_link(d, strategy.id or 0, strategy.text),
        ") — ",
        em(record.record.summary()),
        case,
    )


def _strategy_link(d: Detail, strategy_id: int, text: str) -> Content:
    return d.link(
        f"strategy {strategy_id}",
        Ref(RefKind.STRATEGY, strategy_id),
        describe=f"strategy: {plain_str(text, 60)}",
    )


def _note_line(d: Detail, note: Note) -> Content:
    who: Part = d.member(note.author) if note.author else "the group"
    return Content.assemble(f"{note.kind.value.replace('_', '-')} — ", who, ": ", plain_str(note.text))


def _case_line(d: Detail, case: Case) -> Content:
    """'2026-11-04 Alert fatigue at night · ● open': a case as a list names it."""
    return Content.assemble(f"{case.opened_on} ", d.case(case.id, case.title), f" · {case.status.marked}")


def _by_presenter(d: Detail, case: Case) -> Content:
    return Content.assemble(d.case(case.id, case.title), " (", d.member(case.presenter), ")")


def _text(d: Detail, heading: str, text: str) -> None:
    """A heading and the member's text under it, line breaks kept; nothing when there is no text."""
    if text:
        d.heading(heading)
        d.paragraph(block_str(text))


def case_detail(story: CaseStory) -> Detail:
    d, case = Detail(), story.case
    d.title(plain_str(case.title))
    presenter = d.member(case.presenter)  # the first reference, before the topics
    topics = [
        d.link(f"#{t.slug}", Ref(RefKind.TOPIC, t.slug), describe=f"topic: {plain_str(t.name)}")
        for t in story.topics
    ]
    d.paragraph(
        "Brought by ",
        presenter,
        " (",
        plain_str(story.presenter.name),
        f") on {case.opened_on} · {case.status.marked}",
        *((" · ", Content(" ").join(topics)) if topics else ()),
    )
    _text(d, "Context", case.context)
    _text(d, "Question", case.question)
    d.heading("Strategies proposed")
    d.items((_strategy_line(d, r) for r in story.strategies), empty="None yet.")
    _actions_and_report_backs(d, story.actions, story.report_backs, empty="None yet.")
    d.heading("Sessions it passed through")
    d.items(
        (Content.assemble(f"{s.date} · ", d.session(s.id, s.title)) for s in story.sessions), empty="None."
    )
    if story.notes:
        d.heading("Notes")
        d.items((_note_line(d, n) for n in story.notes), empty="")
    return d


def strategy_detail(story: StrategyStory) -> Detail:
    d, strategy = Detail(), story.strategy.strategy
    d.title(f"Strategy {strategy.id}")
    d.paragraph(block_str(strategy.text))
    picked = " · picked" if strategy.picked else ""
    d.item("Proposed by ", d.member(strategy.proposer), f" · {plural(strategy.votes, 'vote')}{picked}")
    d.item("For ", d.case(story.case.id, story.case.title))
    d.item("In ", d.session(strategy.session, story.session.title if story.session else ""))
    d.paragraph(strong("Track record:"), f" {story.strategy.record.summary()}")
    d.heading("Actions taken")
    d.items((_action_line(d, a) for a in story.actions), empty="None yet.")
    d.heading("What members reported")
    _report_backs(d, story.report_backs, empty="Nothing yet.")
    return d


def member_detail(story: MemberStory) -> Detail:
    d, member = Detail(), story.member
    d.title(plain_str(member.name))
    organisation = f" · {plain_str(member.organisation)}" if member.organisation else ""
    attended = f"attended {plural(story.sessions_attended, 'session')}"
    left = f" · left the community on {member.left_on}" if member.left_on else ""
    d.paragraph(f"@{plain_str(member.handle)} · {member.role.value}{organisation} · {attended}{left}")
    if any(len(items) >= STORY_LIMIT for items in (story.cases, story.strategies, story.actions)):
        every = f"f filters the lists by @{plain_str(member.handle)} for all"
        d.paragraph(em(f"The latest {STORY_LIMIT} of each; {every}."))
    d.heading("Cases brought")
    d.items((_case_line(d, c) for c in story.cases), empty="None.")
    d.heading("Open actions")
    open_actions = [a for a in story.actions if a.status is ActionStatus.OPEN]
    d.items((_action_line(d, a) for a in open_actions), empty="None.")
    d.heading("Strategies proposed")
    d.items((_strategy_line(d, r, with_case=True) for r in story.strategies), empty="None.")
    d.heading("Committed to")
    done = [a for a in story.actions if a.status is not ActionStatus.OPEN]
    d.items((_action_line(d, a) for a in done), empty="Nothing else.")
    d.heading("Reported back")
    _report_backs(d, story.report_backs, empty="Nothing yet.")
    return d


def _members(d: Detail, handles: Sequence[str]) -> Content:
    return Content(", ").join(d.member(h) for h in handles)


def session_detail(story: SessionStory, *, now: datetime | None = None) -> Detail:
    d, session = Detail(), story.session
    d.title(plain_str(session.title))
    d.paragraph(
        f"Session {session.id} · {session.date}{_held(session)} · format {plain_str(session.format)}"
        " · facilitated by ",
        d.member(session.facilitator),
        f" · {session.status.value}",
    )
    d.heading("Attendance")
    d.item("attended: ", _members(d, session.attendees) or "nobody recorded")
    for label, handles in (
        ("apologies", session.apologies),
        ("absent", session.absent),
        ("arrived late", list(session.arrived)),
        ("left early", list(session.left)),
    ):
        if handles:
            d.item(f"{label}: ", _members(d, handles))
    if session.next_meeting is not None:
        d.item(f"next meeting: {session.next_meeting}")
    d.heading("Phases")
    live = session.status is SessionStatus.LIVE
    for phase in session.phases:
        now_on = "▶ " if live and phase.position == session.current_phase else ""
        timer = f" · {phase_clock(phase, now)}" if phase.started_at else ""
        d.item(f"{now_on}{plain_str(phase.title)} ({phase.timebox_minutes} min){timer}")
    _session_outcomes(d, story)
    return d


def _session_outcomes(d: Detail, story: SessionStory) -> None:
    d.heading("Cases")
    d.items((_by_presenter(d, c) for c in story.cases), empty="None.")
    d.heading("Strategies")
    d.items(
        (
            Content.assemble(
                _strategy_link(d, s.id or 0, s.text),
                f" {plain_str(s.text)} (",
                d.member(s.proposer),
                f", {plural(s.votes, 'vote')})",
            )
            for s in story.strategies
        ),
        empty="None.",
    )
    _actions_and_report_backs(d, story.actions, story.report_backs, empty="None.")
    d.heading("Notes")
    d.items((_note_line(d, n) for n in story.notes), empty="None.")


def phase_elapsed(phase: PhaseRun, now: datetime | None = None) -> int:
    """Seconds a phase has run, from its timestamps: pauses left out, a finished one stopped."""
    if phase.started_at is None:
        return 0
    end = phase.ended_at or phase.paused_at or now or datetime.now(UTC)
    return max(int((end - phase.started_at).total_seconds()) - phase.paused_seconds, 0)


def phase_clock(phase: PhaseRun, now: datetime | None = None) -> str:
    elapsed = phase_elapsed(phase, now)
    total = (phase.timebox_minutes + phase.extra_minutes) * 60
    paused = " (paused)" if phase.paused_at and not phase.ended_at else ""
    return f"{elapsed // 60:02d}:{elapsed % 60:02d} / {total // 60:02d}:{total % 60:02d}{paused}"


def current_phase(session: Session) -> PhaseRun | None:
    if session.current_phase is None or session.current_phase >= len(session.phases):
        return None
    return session.phases[session.current_phase]


def _actions_and_report_backs(
    d: Detail, actions: Sequence[Action], report_backs: Sequence[ReportBack], *, empty: str
) -> None:
    """The two sections a case's and a session's story share: what was committed, and what came of it."""
    d.heading("Actions")
    d.items((_action_line(d, a) for a in actions), empty=empty)
    d.heading("Report-backs")
    _report_backs(d, report_backs, empty=empty)


def live_banner(session: Session, now: datetime | None = None, *, in_a_copy: bool = False) -> str:
    """One plain line for the banner, its titles cleaned (shown as Text, so no escaping here);
    `in_a_copy`: the file is a demo copy, whose live session is no meeting anyone is in."""
    phase = current_phase(session)
    where = f" · {plain_str(phase.title)} · ⏱ {phase_clock(phase, now)}" if phase else ""
    live = "● LIVE IN THIS COPY, not a meeting:" if in_a_copy else "● LIVE "
    return f"{live} {plain_str(session.title, 40)}{where} · l follows"


def live_detail(story: SessionStory, now: datetime | None = None) -> Detail:
    """The live view: the phase and its timer, then what has been filed, newest first."""
    d, session = Detail(), story.session
    phase = current_phase(session)
    d.title(f"● Live: {plain_str(session.title)}")
    if phase is not None:
        d.paragraph(strong(plain_str(phase.title)), f" · ⏱ {phase_clock(phase, now)}")
        if phase.prompt:
            d.paragraph(em(block_str(phase.prompt)))
    attending = _members(d, session.attendees) or "nobody yet"
    d.paragraph("Facilitated by ", d.member(session.facilitator), " · attending: ", attending)
    sections = [
        ("Notes", [_note_line(d, n) for n in reversed(story.notes)]),
        ("Report-backs", [_report_line(d, r) for r in reversed(story.report_backs)]),
        ("Actions", [_action_line(d, a) for a in reversed(story.actions)]),
        (
            "Strategies",
            [
                Content.assemble(
                    _strategy_link(d, s.id or 0, s.text), f" {plain_str(s.text)} (", d.member(s.proposer), ")"
                )
                for s in reversed(story.strategies)
            ],
        ),
        ("Cases", [_by_presenter(d, c) for c in reversed(story.cases)]),
    ]
    filed = [(title, lines) for title, lines in sections if lines]
    if not filed:
        d.paragraph("Nothing filed yet; entries show here as the facilitator writes them.")
    for title, lines in filed:
        d.heading(title)
        d.items(lines, empty="")
    return d


def no_live_detail() -> Detail:
    d = Detail()
    d.title("No session is live")
    d.paragraph("The banner shows when one starts.")
    return d


def _report_line(d: Detail, report: ReportBack) -> Content:
    said = plain_str(report.story or report.lesson)
    return Content.assemble(strong(report.outcome.marked), " — ", d.member(report.member), f": {said}")


def topic_detail(summary: TopicSummary, worked: list[StrategyRecord]) -> Detail:
    d, topic = Detail(), summary.topic
    d.title(plain_str(topic.name))
    cases = plural(summary.cases, "case")
    d.paragraph(f"#{plain_str(topic.slug)} · {cases} · enter lists them, w shows what has worked")
    if topic.description:
        d.paragraph(block_str(topic.description))
    d.heading("What has worked")
    d.items((_strategy_line(d, r, with_case=True) for r in worked), empty="Nothing reported yet.")
    return d


def worked_detail(scope: str, records: list[StrategyRecord]) -> Detail:
    d = Detail()
    d.title(f"What has worked {plain_str(scope)}")
    d.paragraph(f"Strategies members tried, best reported first: {RECORD_LEGEND}.")
    d.items((_strategy_line(d, r, with_case=True) for r in records), empty="Nothing reported yet.")
    return d


def action_detail(action: Action, case: Case | None, reports: list[ReportBack]) -> Detail:
    d = Detail()
    d.title(f"Action {action.id}")
    d.paragraph(block_str(action.text))
    d.paragraph("Owner ", d.member(action.owner), " · status ", strong(action.status.label), _due(action))
    if case is not None:
        d.item("For ", d.case(case.id, case.title))
    if action.strategy is not None:
        d.item("Trying ", d.link(f"strategy {action.strategy}", Ref(RefKind.STRATEGY, action.strategy)))
    d.item("Agreed in ", d.session(action.session))
    d.heading("Report-backs")
    _report_backs(d, reports, empty="None yet.")
    return d


def overview_detail(overview: Overview) -> Detail:
    d, community = Detail(), overview.community
    d.title(plain_str(community.name))
    if community.domain:
        d.paragraph(block_str(community.domain))
    d.paragraph(
        f"{plural(overview.case_count, 'case')} · {plural(overview.member_count, 'member')} · "
        f"{plural(overview.session_count, 'session')} · {plural(overview.open_action_count, 'open action')}"
    )
    d.heading("Recent sessions")
    d.items(
        (Content.assemble(f"{s.date} ", d.session(s.id, s.title)) for s in overview.sessions),
        empty="None yet.",
    )
    d.heading("Open actions")
    d.items((_action_line(d, a) for a in overview.actions), empty="None.")
    d.heading("Latest cases")
    d.items((_case_line(d, c) for c in overview.cases), empty="None yet.")
    d.paragraph(
        "Keys: ", key("/"), " search · ", key("f"), " filter · ", key("w"), " what has worked · ",
        key("g"), " go to a reference · ", key("?"), " help",
    )  # fmt: skip
    return d


def member_line(member: Member) -> str:
    organisation = f" · {plain_str(member.organisation)}" if member.organisation else ""
    return f"@{plain_str(member.handle)} {plain_str(member.name)}{organisation}"

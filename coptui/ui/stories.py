"""The detail pane's Markdown: each kind of item told as a short document, with its references.

User text is escaped (`md`, `md_line`) so it shows as typed and can neither restyle
the pane nor add links; the only links are ours, `coptui:kind/key`, and every
one is also listed in `Detail.refs` so it can be followed from the keyboard.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from coptui.counts import plural
from coptui.export.markdown import clock, local, local_time
from coptui.models import Action, Case, Member, Note, Outcome, PhaseRun, ReportBack, Session
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
from coptui.ui.refs import Ref, RefKind
from coptui.ui.render import md, md_line, md_link, plain_str

OUTCOME_WORDS = {
    Outcome.WORKED: "✓ worked",
    Outcome.PARTLY: "◐ partly worked",
    Outcome.DID_NOT_WORK: "✗ did not work",
    Outcome.NOT_TRIED: "… not tried yet",
}
STATUS_WORDS = {
    "open": "● open",
    "in_trial": "◐ being tried",
    "reported": "◑ reported",
    "resolved": "✓ resolved",
    "reopened": "○ reopened",
}


@dataclass
class Detail:
    """A detail pane's document and the references it names, in order."""

    markdown: str = ""
    refs: list[tuple[str, Ref]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def add(self, line: str = "") -> None:
        self.lines.append(line)

    def link(self, label: str, ref: Ref, *, describe: str | None = None) -> str:
        """A link to `ref`, remembered for the keyboard's reference list."""
        if all(existing != ref for _, existing in self.refs):
            self.refs.append((describe or f"{ref.kind.replace('_', '-')}: {plain_str(label, 60)}", ref))
        return md_link(label, ref.href)

    def member(self, handle: str) -> str:
        return self.link(f"@{handle}", Ref(RefKind.MEMBER, handle), describe=f"member: @{handle}")

    def session(self, session_id: int | None, title: str = "") -> str:
        if session_id is None:
            return "outside a session"
        return self.link(title or f"session {session_id}", Ref(RefKind.SESSION, session_id))

    def case(self, case_id: int | None, title: str = "") -> str:
        if case_id is None:
            return "no case"
        return self.link(title or f"case {case_id}", Ref(RefKind.CASE, case_id))

    def done(self) -> Detail:
        self.markdown = "\n".join(self.lines)
        return self


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


def _due(action: Action) -> str:
    """' · due 2026-12-01', with the warning in words when it has gone by and the action is open."""
    if action.due is None:
        return ""
    return f" · due {action.due}" + (" · **⚠ overdue**" if action.overdue_on(today()) else "")


def _action_line(d: Detail, action: Action) -> str:
    due = _due(action)
    return (
        f"- {d.link(f'action {action.id}', Ref(RefKind.ACTION, action.id or 0))} {d.member(action.owner)}: "
        f"{md_line(action.text)}{due} · **{action.status.value}**"
    )


def _report_lines(d: Detail, report: ReportBack) -> None:
    cycle = f" · value: {report.value_cycle.value}" if report.value_cycle else ""
    d.add(f"- **{OUTCOME_WORDS[report.outcome]}** — {d.member(report.member)}, {report.reported_on}{cycle}")
    if report.story:
        d.add(f"  - Story: {md_line(report.story)}")
    if report.lesson:
        d.add(f"  - Lesson: {md_line(report.lesson)}")


def _strategy_line(d: Detail, record: StrategyRecord, *, with_case: bool = False) -> str:
    strategy = record.strategy
    picked = " · picked" if strategy.picked else ""
    case = f" — for {d.case(strategy.case, record.case_title)}" if with_case else ""
    link = d.link(
        f"strategy {strategy.id}",
        Ref(RefKind.STRATEGY, strategy.id or 0),
        describe=f"strategy: {plain_str(strategy.text, 60)}",
    )
    return (
        f"- **{record.record.marks()}** {md_line(strategy.text)} ({d.member(strategy.proposer)}, "
        f"{plural(strategy.votes, 'vote')}{picked}; {link}) — *{record.record.summary()}*{case}"
    )


def case_detail(story: CaseStory) -> Detail:
    d, case = Detail(), story.case
    d.add(f"# {md_line(case.title)}")
    d.add()
    presenter = d.member(case.presenter)
    topics = " ".join(
        d.link(f"#{t.slug}", Ref(RefKind.TOPIC, t.slug), describe=f"topic: {plain_str(t.name)}")
        for t in story.topics
    )
    d.add(
        f"Brought by {presenter} ({md_line(story.presenter.name)}) on {case.opened_on}"
        f" · {STATUS_WORDS[case.status]}" + (f" · {topics}" if topics else "")
    )
    d.add()
    if case.context:
        d.add("## Context")
        d.add()
        d.add(md(case.context))
        d.add()
    if case.question:
        d.add("## Question")
        d.add()
        d.add(md(case.question))
        d.add()
    d.add("## Strategies proposed")
    d.add()
    d.add("\n".join(_strategy_line(d, r) for r in story.strategies) or "None yet.")
    d.add()
    _actions_and_report_backs(d, story.actions, story.report_backs, empty="None yet.")
    d.add("## Sessions it passed through")
    d.add()
    d.add("\n".join(f"- {s.date} · {d.session(s.id, s.title)}" for s in story.sessions) or "None.")
    if story.notes:
        d.add()
        d.add("## Notes")
        d.add()
        d.add("\n".join(_note_line(d, n) for n in story.notes))
    return d.done()


def _note_line(d: Detail, note: Note) -> str:
    who = d.member(note.author) if note.author else "the group"
    return f"- {note.kind.value.replace('_', '-')} — {who}: {md_line(note.text)}"


def strategy_detail(story: StrategyStory) -> Detail:
    d, strategy = Detail(), story.strategy.strategy
    d.add(f"# Strategy {strategy.id}")
    d.add()
    d.add(md(strategy.text))
    d.add()
    picked = " · picked" if strategy.picked else ""
    d.add(f"- Proposed by {d.member(strategy.proposer)} · {plural(strategy.votes, 'vote')}{picked}")
    d.add(f"- For {d.case(story.case.id, story.case.title)}")
    session_title = story.session.title if story.session else ""
    d.add(f"- In {d.session(strategy.session, session_title)}")
    d.add()
    d.add(f"**Track record:** {story.strategy.record.summary()}")
    d.add()
    d.add("## Actions taken")
    d.add()
    d.add("\n".join(_action_line(d, a) for a in story.actions) or "None yet.")
    d.add()
    reported_section(d, story.report_backs)
    return d.done()


def reported_section(d: Detail, report_backs: Sequence[ReportBack]) -> None:
    """What members reported when they tried it: each outcome, with its story and lesson."""
    d.add("## What members reported")
    d.add()
    for report in report_backs:
        _report_lines(d, report)
    if not report_backs:
        d.add("Nothing yet.")


def member_detail(story: MemberStory) -> Detail:
    d, member = Detail(), story.member
    d.add(f"# {md_line(member.name)}")
    d.add()
    org = f" · {md_line(member.organisation)}" if member.organisation else ""
    attended = f"attended {plural(story.sessions_attended, 'session')}"
    left = f" · left the community on {member.left_on}" if member.left_on else ""
    d.add(f"{md_line('@' + member.handle)} · {member.role.value}{org} · {attended}{left}")
    d.add()
    if any(len(items) >= STORY_LIMIT for items in (story.cases, story.strategies, story.actions)):
        d.add(
            f"*The latest {STORY_LIMIT} of each; f filters the lists by @{md_line(member.handle)} for all.*"
        )
        d.add()
    d.add("## Cases brought")
    d.add()
    d.add(
        "\n".join(f"- {c.opened_on} {d.case(c.id, c.title)} · {STATUS_WORDS[c.status]}" for c in story.cases)
        or "None."
    )
    d.add()
    d.add("## Open actions")
    d.add()
    open_actions = [a for a in story.actions if a.status.value == "open"]
    d.add("\n".join(_action_line(d, a) for a in open_actions) or "None.")
    d.add()
    d.add("## Strategies proposed")
    d.add()
    d.add("\n".join(_strategy_line(d, r, with_case=True) for r in story.strategies) or "None.")
    d.add()
    d.add("## Committed to")
    d.add()
    d.add("\n".join(_action_line(d, a) for a in story.actions if a.status.value != "open") or "Nothing else.")
    d.add()
    d.add("## Reported back")
    d.add()
    for report in story.report_backs:
        _report_lines(d, report)
    if not story.report_backs:
        d.add("Nothing yet.")
    return d.done()


def session_detail(story: SessionStory, *, now: datetime | None = None) -> Detail:
    d, session = Detail(), story.session
    d.add(f"# {md_line(session.title)}")
    d.add()
    d.add(
        f"Session {session.id} · {session.date}{_held(session)} · format {md_line(session.format)}"
        f" · facilitated by {d.member(session.facilitator)} · {session.status.value}"
    )
    d.add()
    d.add("## Attendance")
    d.add()
    d.add(f"- attended: {', '.join(d.member(h) for h in session.attendees) or 'nobody recorded'}")
    if session.apologies:
        d.add(f"- apologies: {', '.join(d.member(h) for h in session.apologies)}")
    if session.absent:
        d.add(f"- absent: {', '.join(d.member(h) for h in session.absent)}")
    for label, times in (("arrived late", session.arrived), ("left early", session.left)):
        if times:
            d.add(f"- {label}: {', '.join(d.member(h) for h in times)}")
    if session.next_meeting is not None:
        d.add(f"- next meeting: {session.next_meeting}")
    d.add()
    d.add("## Phases")
    d.add()
    for phase in session.phases:
        mark = "▶" if session.status.value == "live" and phase.position == session.current_phase else "-"
        timer = f" · {phase_clock(phase, now)}" if phase.started_at else ""
        d.add(f"{mark} {md_line(phase.title)} ({phase.timebox_minutes} min){timer}")
        d.add()
    _session_outcomes(d, story)
    return d.done()


def _session_outcomes(d: Detail, story: SessionStory) -> None:
    d.add("## Cases")
    d.add()
    d.add("\n".join(f"- {d.case(c.id, c.title)} ({d.member(c.presenter)})" for c in story.cases) or "None.")
    d.add()
    d.add("## Strategies")
    d.add()
    d.add(
        "\n".join(
            f"- {_strategy_link(d, s.id or 0, s.text)} {md_line(s.text)} "
            f"({d.member(s.proposer)}, {plural(s.votes, 'vote')})"
            for s in story.strategies
        )
        or "None."
    )
    d.add()
    _actions_and_report_backs(d, story.actions, story.report_backs, empty="None.")
    d.add("## Notes")
    d.add()
    d.add("\n".join(_note_line(d, n) for n in story.notes) or "None.")


def _strategy_link(d: Detail, strategy_id: int, text: str) -> str:
    return d.link(
        f"strategy {strategy_id}",
        Ref(RefKind.STRATEGY, strategy_id),
        describe=f"strategy: {plain_str(text, 60)}",
    )


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
    d.add("## Actions")
    d.add()
    d.add("\n".join(_action_line(d, a) for a in actions) or empty)
    d.add()
    d.add("## Report-backs")
    d.add()
    for report in report_backs:
        _report_lines(d, report)
    if not report_backs:
        d.add(empty)
    d.add()


def live_banner(session: Session, now: datetime | None = None) -> str:
    """One plain line for the banner, its titles cleaned (shown as Text, so no escaping here)."""
    phase = current_phase(session)
    where = f" · {plain_str(phase.title)} · ⏱ {phase_clock(phase, now)}" if phase else ""
    return f"● LIVE  {plain_str(session.title, 40)}{where} · l follows"


def live_detail(story: SessionStory, now: datetime | None = None) -> Detail:
    """The live view: the phase and its timer, then what has been filed, newest first."""
    d, session = Detail(), story.session
    phase = current_phase(session)
    d.add(f"# ● Live: {md_line(session.title)}")
    d.add()
    if phase is not None:
        d.add(f"**{md_line(phase.title)}** · ⏱ {phase_clock(phase, now)}")
        d.add()
        if phase.prompt:
            d.add(f"*{md_line(phase.prompt)}*")
            d.add()
    attending = ", ".join(d.member(h) for h in session.attendees) or "nobody yet"
    d.add(f"Facilitated by {d.member(session.facilitator)} · attending: {attending}")
    d.add()
    sections = [
        ("Notes", [_note_line(d, n) for n in reversed(story.notes)]),
        ("Report-backs", [_report_line(d, r) for r in reversed(story.report_backs)]),
        ("Actions", [_action_line(d, a) for a in reversed(story.actions)]),
        (
            "Strategies",
            [
                f"- {_strategy_link(d, s.id or 0, s.text)} {md_line(s.text)} ({d.member(s.proposer)})"
                for s in reversed(story.strategies)
            ],
        ),
        ("Cases", [f"- {d.case(c.id, c.title)} ({d.member(c.presenter)})" for c in reversed(story.cases)]),
    ]
    filed = [(title, lines) for title, lines in sections if lines]
    if not filed:
        d.add("Nothing filed yet; entries show here as the facilitator writes them.")
    for title, lines in filed:
        d.add(f"## {title}")
        d.add()
        d.add("\n".join(lines))
        d.add()
    return d.done()


def _report_line(d: Detail, report: ReportBack) -> str:
    said = md_line(report.story or report.lesson)
    return f"- **{OUTCOME_WORDS[report.outcome]}** — {d.member(report.member)}: {said}"


def topic_detail(summary: TopicSummary, worked: list[StrategyRecord]) -> Detail:
    d, topic = Detail(), summary.topic
    d.add(f"# {md_line(topic.name)}")
    d.add()
    cases = plural(summary.cases, "case")
    d.add(f"{md_line('#' + topic.slug)} · {cases} · enter lists them, w shows what has worked")
    d.add()
    if topic.description:
        d.add(md(topic.description))
        d.add()
    d.add("## What has worked")
    d.add()
    d.add("\n".join(_strategy_line(d, r, with_case=True) for r in worked) or "Nothing reported yet.")
    return d.done()


def worked_detail(scope: str, records: list[StrategyRecord]) -> Detail:
    d = Detail()
    d.add(f"# What has worked {md_line(scope)}")
    d.add()
    d.add("Strategies members tried, best reported first: ✓ worked, ◐ partly, ✗ did not work.")
    d.add()
    d.add("\n".join(_strategy_line(d, r, with_case=True) for r in records) or "Nothing reported yet.")
    return d.done()


def action_detail(action: Action, case: Case | None, reports: list[ReportBack]) -> Detail:
    d = Detail()
    d.add(f"# Action {action.id}")
    d.add()
    d.add(md(action.text))
    d.add()
    d.add(f"Owner {d.member(action.owner)} · status **{action.status.value}**" + _due(action))
    d.add()
    if case is not None:
        d.add(f"- For {d.case(case.id, case.title)}")
    if action.strategy is not None:
        d.add(f"- Trying {d.link(f'strategy {action.strategy}', Ref(RefKind.STRATEGY, action.strategy))}")
    d.add(f"- Agreed in {d.session(action.session)}")
    d.add()
    d.add("## Report-backs")
    d.add()
    for report in reports:
        _report_lines(d, report)
    if not reports:
        d.add("None yet.")
    return d.done()


def overview_detail(overview: Overview) -> Detail:
    d, community = Detail(), overview.community
    d.add(f"# {md_line(community.name)}")
    d.add()
    if community.domain:
        d.add(md(community.domain))
        d.add()
    d.add(
        f"{plural(overview.case_count, 'case')} · {plural(overview.member_count, 'member')} · "
        f"{plural(overview.session_count, 'session')} · {plural(overview.open_action_count, 'open action')}"
    )
    d.add()
    d.add("## Recent sessions")
    d.add()
    d.add("\n".join(f"- {s.date} {d.session(s.id, s.title)}" for s in overview.sessions) or "None yet.")
    d.add()
    d.add("## Open actions")
    d.add()
    d.add("\n".join(_action_line(d, a) for a in overview.actions) or "None.")
    d.add()
    d.add("## Latest cases")
    d.add()
    d.add(
        "\n".join(
            f"- {c.opened_on} {d.case(c.id, c.title)} · {STATUS_WORDS[c.status]}" for c in overview.cases
        )
        or "None yet."
    )
    d.add()
    d.add("Keys: `/` search · `f` filter · `w` what has worked · `g` go to a reference · `?` help")
    return d.done()


def member_line(member: Member) -> str:
    organisation = f" · {plain_str(member.organisation)}" if member.organisation else ""
    return f"@{plain_str(member.handle)} {plain_str(member.name)}{organisation}"

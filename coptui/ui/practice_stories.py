"""The detail pane's stories of practices: one practice across the cases it was tried on, and
what has worked for one case. Told like every other story (see `coptui.ui.stories`)."""

from __future__ import annotations

from textual.content import Content

from coptui.counts import plural
from coptui.models import Case
from coptui.store.practice_browse import WorkedForCase
from coptui.store.practice_records import PracticeRecord, PracticeStory, PracticeUse
from coptui.ui.detail import Detail, em, strong
from coptui.ui.refs import Ref, RefKind
from coptui.ui.render import plain_str
from coptui.ui.stories import _report_backs, _strategy_link

# How much of a case's context and question a practice's story quotes: the case's own story has it all.
CONTEXT_SHOWN = 160

# What the Practices pane's order means, for its help and its stories.
RANKING = (
    "Practices are ranked by evidence, not by their share of success alone: the share of tries "
    "that worked (partly counts half) that their report-backs make likely at the least (95% Wilson "
    "lower bound). So 9 worked out of 10 ranks above 1 out of 1, and one nobody has tried comes last."
)


def practice_link(d: Detail, found: PracticeRecord) -> Content:
    practice = found.practice
    return d.link(
        practice.name,
        Ref(RefKind.PRACTICE, practice.id or 0),
        describe=f"practice: {plain_str(practice.name, 60)}",
    )


def evidence_words(found: PracticeRecord) -> str:
    """'tried on 3 cases · evidence 60%': the record's reach and what it makes likely."""
    return f"tried on {plural(found.cases, 'case')} · evidence {found.evidence:.0%}"


def _practice_line(d: Detail, found: PracticeRecord) -> Content:
    return Content.assemble(
        strong(found.record.marks()), " ", practice_link(d, found), f" — {evidence_words(found)}"
    )


def _use_lines(d: Detail, use: PracticeUse, case: Case | None) -> None:
    strategy = use.strategy
    d.item(
        f"{use.case_opened_on} ",
        d.case(strategy.case, use.case_title),
        f" · {use.case_status.marked} — ",
        strong(use.record.marks()),
    )
    session = Content.assemble(" in ", d.session(strategy.session, use.session_title or ""))
    d.item(
        "As ",
        _strategy_link(d, strategy.id or 0, strategy.text),
        ": ",
        plain_str(strategy.text),
        " (",
        d.member(strategy.proposer),
        session if strategy.session else "",
        ")",
        depth=1,
    )
    if case is not None and case.context:
        d.item("Context: ", plain_str(case.context, CONTEXT_SHOWN), depth=1)
    if case is not None and case.question:
        d.item("Question: ", plain_str(case.question, CONTEXT_SHOWN), depth=1)


def practice_detail(story: PracticeStory, cases: dict[int, Case]) -> Detail:
    d, found = Detail(), story.practice
    practice = found.practice
    d.title(plain_str(practice.name))
    d.paragraph(
        f"Practice {practice.id} · first used {practice.created_on} · ",
        strong(found.record.marks()),
        f" · {evidence_words(found)} · {plural(found.uses, 'use')}",
    )
    d.paragraph(strong("Track record:"), f" {found.record.summary()}")
    d.paragraph(em(RANKING))
    d.heading("Where it was tried")
    if len(story.uses) < found.uses:
        d.paragraph(em(f"The latest {len(story.uses)} of its {found.uses} uses; its record counts them all."))
    for use in story.uses:
        _use_lines(d, use, cases.get(use.strategy.case))
    if not story.uses:
        d.paragraph("Nowhere yet.")
    d.heading("What members reported")
    _report_backs(d, story.report_backs, empty="Nothing yet.")
    return d


def worked_for_case_detail(worked: WorkedForCase) -> Detail:
    d, case = Detail(), worked.case
    d.title(f"What has worked for {plain_str(case.title)}")
    topics = " ".join(f"#{plain_str(topic)}" for topic in case.topics)
    about = f" and on the cases about {topics}" if topics else ""
    d.paragraph(
        "For ",
        d.case(case.id, f"case {case.id}"),
        ": the practices that worked or partly worked on the cases most like it",
        f"{about}, best evidence first.",
    )
    d.heading("Practices")
    d.items((_practice_line(d, found) for found in worked.practices), empty="Nothing reported yet.")
    d.heading("Cases like it")
    for similar in worked.similar:
        alike = similar.case
        shared = f" · shares {plural(similar.shared_topics, 'topic')}" if similar.shared_topics else ""
        d.item(
            f"{alike.opened_on} ",
            d.case(alike.id, alike.title),
            f" · {alike.status.marked} — ",
            strong(similar.record.marks()),
            shared,
        )
        if similar.practices:
            helped = Content(", ").join(practice_link(d, p) for p in similar.practices)
            d.item("Helped: ", helped, depth=1)
    if not worked.similar:
        d.paragraph("None found.")
    return d

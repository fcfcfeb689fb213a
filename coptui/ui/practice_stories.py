"""The detail pane's stories of practices: one practice across the cases it was tried on, and
what has worked for one case. Told like every other story (see `coptui.ui.stories`)."""

from __future__ import annotations

from coptui.counts import plural
from coptui.models import Case
from coptui.store.practice_browse import WorkedForCase
from coptui.store.practice_records import PracticeRecord, PracticeStory, PracticeUse
from coptui.ui.refs import Ref, RefKind
from coptui.ui.render import md, md_line, plain_str
from coptui.ui.stories import STATUS_WORDS, Detail, reported_section

# How much of a case's context and question a practice's story quotes: the case's own story has it all.
CONTEXT_SHOWN = 160

# What the Practices pane's order means, for its help and its stories.
RANKING = (
    "Practices are ranked by evidence, not by their share of success alone: the share of tries "
    "that worked (partly counts half) that their report-backs make likely at the least (95% Wilson "
    "lower bound). So 9 worked out of 10 ranks above 1 out of 1, and one nobody has tried comes last."
)


def practice_link(d: Detail, found: PracticeRecord) -> str:
    practice = found.practice
    return d.link(
        practice.name,
        Ref(RefKind.PRACTICE, practice.id or 0),
        describe=f"practice: {plain_str(practice.name, 60)}",
    )


def evidence_words(found: PracticeRecord) -> str:
    """'tried on 3 cases · evidence 60%': the record's reach and what it makes likely."""
    return f"tried on {plural(found.cases, 'case')} · evidence {found.evidence:.0%}"


def _practice_line(d: Detail, found: PracticeRecord) -> str:
    return f"- **{found.record.marks()}** {practice_link(d, found)} — {evidence_words(found)}"


def _use_lines(d: Detail, use: PracticeUse, case: Case | None) -> None:
    strategy = use.strategy
    session = f" in {d.session(strategy.session, use.session_title or '')}" if strategy.session else ""
    strategy_link = d.link(
        f"strategy {strategy.id}",
        Ref(RefKind.STRATEGY, strategy.id or 0),
        describe=f"strategy: {plain_str(strategy.text, 60)}",
    )
    d.add(
        f"- {use.case_opened_on} {d.case(strategy.case, use.case_title)} · {STATUS_WORDS[use.case_status]}"
        f" — **{use.record.marks()}**"
    )
    d.add(f"  - As {strategy_link}: {md_line(strategy.text)} ({d.member(strategy.proposer)}{session})")
    if case is not None and case.context:
        d.add(f"  - Context: {md_line(plain_str(case.context, CONTEXT_SHOWN))}")
    if case is not None and case.question:
        d.add(f"  - Question: {md_line(plain_str(case.question, CONTEXT_SHOWN))}")


def practice_detail(story: PracticeStory, cases: dict[int, Case]) -> Detail:
    d, found = Detail(), story.practice
    practice = found.practice
    d.add(f"# {md_line(practice.name)}")
    d.add()
    d.add(
        f"Practice {practice.id} · first used {practice.created_on} · **{found.record.marks()}** · "
        f"{evidence_words(found)} · {plural(found.uses, 'use')}"
    )
    d.add()
    d.add(f"**Track record:** {found.record.summary()}")
    d.add()
    d.add(f"*{md(RANKING)}*")
    d.add()
    d.add("## Where it was tried")
    d.add()
    for use in story.uses:
        _use_lines(d, use, cases.get(use.strategy.case))
    if not story.uses:
        d.add("Nowhere yet.")
    d.add()
    reported_section(d, story.report_backs)
    return d.done()


def worked_for_case_detail(worked: WorkedForCase) -> Detail:
    d, case = Detail(), worked.case
    d.add(f"# What has worked for {md_line(case.title)}")
    d.add()
    topics = " ".join(f"\\#{md_line(topic)}" for topic in case.topics)
    d.add(
        f"For {d.case(case.id, f'case {case.id}')}: the practices that worked or partly worked on the "
        f"cases most like it"
        + (f" and on the cases about {topics}" if topics else "")
        + ", best evidence first."
    )
    d.add()
    d.add("## Practices")
    d.add()
    d.add("\n".join(_practice_line(d, found) for found in worked.practices) or "Nothing reported yet.")
    d.add()
    d.add("## Cases like it")
    d.add()
    for similar in worked.similar:
        alike = similar.case
        shared = f" · shares {plural(similar.shared_topics, 'topic')}" if similar.shared_topics else ""
        d.add(
            f"- {alike.opened_on} {d.case(alike.id, alike.title)} · {STATUS_WORDS[alike.status]}"
            f" — **{similar.record.marks()}**{shared}"
        )
        if similar.practices:
            d.add(f"  - Helped: {', '.join(practice_link(d, p) for p in similar.practices)}")
    if not worked.similar:
        d.add("None found.")
    return d.done()

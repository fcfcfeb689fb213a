"""Practices in the exports: the practice behind each strategy, and a page per practice.

A practice's page lists every case it was used on and what members reported whenever
they tried it; each case's page links back to the practices of its strategies. The
track record counts the report-backs of the whole repertoire as it was exported.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from coptui.counts import plural
from coptui.export import escape, names
from coptui.export.index import RepertoireIndex
from coptui.export.markdown import PageLinks, table
from coptui.store.export_rows import PracticeItem, StrategyItem
from coptui.text import one_line

# How much of a practice's name a strategy's line repeats; its page has the whole of it.
NAME_IN_A_LINE = 80


def _link(links: PageLinks, practice: PracticeItem, text_md: str) -> str:
    if links.page is None:
        return text_md
    return f"[{text_md}]({names.relative(names.practice_path(practice), links.page)})"


def strategy_practice(index: RepertoireIndex, strategy: StrategyItem, links: PageLinks) -> str:
    """' · practice 3 "Page on burn rate": tried 2 times: …' for a strategy's line; '' when it has none.

    The practice's name is left out where the strategy says the same; its track record
    counts every case the practice was used on.
    """
    practice = index.practices.get(strategy.practice or 0)
    if practice is None:
        return ""
    # A practice is named after a use of it, which then says the same without cleaning either.
    same = strategy.text == practice.name or _one_line(practice.name) == _one_line(strategy.text)
    # The same on every page of a folder: made once per practice (and per slice).
    key = (practice.id, same, None if links.page is None else links.page.rpartition("/")[0])
    found = index.fragments.get(key)
    if found is None:
        named = f"practice {practice.id}"
        if not same:
            named += f" “{escape.inline(one_line(practice.name, NAME_IN_A_LINE))}”"
        record = index.practice_record(practice.id or 0).summary()
        found = index.fragments[key] = f" · {_link(links, practice, named)}: {record}"
    return found


# A practice's name is compared with the text of each of its uses, and a strategy's text on
# its minutes and then on its case's page.
_one_line = functools.lru_cache(maxsize=4096)(one_line)


def practice_pages(index: RepertoireIndex, links: PageLinks) -> Iterator[tuple[str, str]]:
    """The page of every practice, with its path in the export's folder."""
    for practice in index.document.practices:
        path = names.practice_path(practice)
        yield path, _practice_page(index, practice, links.on(path))


def _practice_page(index: RepertoireIndex, practice: PracticeItem, links: PageLinks) -> str:
    uses = index.strategies_by_practice.get(practice.id or 0, [])
    record = index.practice_record(practice.id or 0)
    cases = {s.case for s in uses if s.case in index.cases}
    blocks = [links.index_page(f"← {index.community.name}"), f"# {escape.heading(practice.name)}"]
    blocks.append(
        f"A practice first used on {practice.created_on} · {plural(len(uses), 'use')} · "
        f"on {plural(len(cases), 'case')}"
    )
    blocks.append(f"**Track record:** {record.summary()}")
    blocks.append("## Uses")
    blocks.append(
        table(
            ["Case", "Opened", "Status", "As proposed", "By"],
            [
                [
                    links.case(index.cases[s.case], cell=True),
                    index.cases[s.case].opened_on.isoformat(),
                    index.cases[s.case].status.label,
                    escape.cell(s.text),
                    links.member(s.proposer, cell=True),
                ]
                for s in uses
                if s.case in index.cases
            ],
        )
        if uses
        else "No uses left."
    )
    reports = [
        report
        for strategy in uses
        for action in index.actions_by_strategy.get(strategy.id or 0, [])
        for report in index.report_backs_by_action.get(action.id or 0, [])
    ]
    if reports:
        blocks.append("## Report-backs")
    for report in sorted(reports, key=lambda r: (r.reported_on, r.id or 0)):
        parts = [f"### {escape.heading(index.name(report.member))}: {report.outcome.label}"]
        case = index.cases.get(report.case or 0)
        parts.append(f"{report.reported_on}" + (f", on {links.case(case)}" if case else ""))
        if report.story:
            parts.append(escape.block(report.story))
        if report.lesson:
            parts.append(f"**Lesson:** {escape.block(report.lesson)}")
        blocks.append("\n\n".join(parts))
    return "\n\n".join(blocks) + "\n"

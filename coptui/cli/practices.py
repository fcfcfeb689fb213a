"""`coptui practices`: list practices by evidence, show one's story, and curate them.

Merging, renaming and splitting each change the repertoire in one transaction and say
what they changed; a refusal is one line on stderr, exit status 1, and nothing changed.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from coptui.counts import plural
from coptui.text import one_line

if TYPE_CHECKING:
    from coptui.cli.root import Context
    from coptui.store import Repertoire


class ItemNumber(click.ParamType):
    """A practice's or a strategy's number, as the lists show it (SQLite's ids: 1 up to 2**63 - 1)."""

    name = "number"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> int:
        text = str(value).strip()
        if not text.isdigit() or not 1 <= int(text) < 2**63:
            self.fail(f"{text!r} is not a number the lists show (1, 2, 3 …)", param, ctx)
        return int(text)


ITEM_ID = ItemNumber()
PAGE = 50


@contextmanager
def _opened(obj: Context, *, read_only: bool = False) -> Iterator[Repertoire]:
    """The repertoire, with what the store refuses said in one line."""
    from coptui.store import StoreError

    try:
        with obj.open(read_only=read_only) as repertoire:
            yield repertoire
    except StoreError as error:
        raise click.ClickException(str(error)) from None


@click.group()
def practices() -> None:
    """Practices: ways of addressing a problem, each tried on one case or many.

    They are ranked by evidence: the Wilson lower bound (95%) of the share of report-backs
    that say it worked (partly counts half), so 9 worked out of 10 outranks 1 out of 1.
    """


@practices.command("list")
@click.option("--limit", type=click.IntRange(1), default=PAGE, show_default=True, help="How many to list.")
@click.option("--offset", type=click.IntRange(0), default=0, help="How many of the best to skip.")
@click.pass_obj
def practices_list(obj: Context, limit: int, offset: int) -> None:
    """Practices, best evidence first: id, evidence, track record, cases tried on, name."""
    with _opened(obj, read_only=True) as repertoire:
        found = repertoire.practices(limit=limit, offset=offset)
        total = repertoire.count_practices()
    if not found:
        click.echo("No practices here; each strategy filed starts one.", err=True)
        return
    # The name takes what is left of the terminal's width, so each practice is one line.
    width = max(20, shutil.get_terminal_size((120, 24)).columns - 42)
    click.echo(f"{'id':>5}  {'evidence':>8}  {'record':<14}  {'cases':>5}  name")
    for each in found:
        click.echo(
            f"{each.practice.id:>5}  {each.evidence:>8.2f}  {each.record.marks():<14}  {each.cases:>5}  "
            f"{one_line(each.practice.name, width)}"
        )
    shown = offset + len(found)
    if shown < total:
        click.echo(f"Listed {offset + 1}–{shown} of {total}; more with --offset {shown}", err=True)


@practices.command("show")
@click.argument("practice_id", metavar="N", type=ITEM_ID)
@click.pass_obj
def practices_show(obj: Context, practice_id: int) -> None:
    """A practice's story: its record, every case it was used on, and what members reported."""
    with _opened(obj, read_only=True) as repertoire:
        story = repertoire.practice_story(practice_id)
    found = story.practice
    click.echo(f"Practice {practice_id}: {one_line(found.practice.name)}")
    click.echo(f"First used {found.practice.created_on}; {plural(found.uses, 'use')}.")
    click.echo(f"Track record: {found.record.summary()}.")
    click.echo(f"Tried on {plural(found.cases, 'case')}; evidence {found.evidence:.2f} of 1.")
    click.echo("")
    shown = len(story.uses)
    click.echo("Uses" if shown == found.uses else f"Uses (the latest {shown} of {found.uses:,})")
    for use in story.uses:
        session = f" at {one_line(use.session_title, 40)!r}" if use.session_title else ""
        click.echo(f"  case {use.strategy.case} {one_line(use.case_title, 70)!r}, {use.case_status.label}")
        click.echo(
            f"    strategy {use.strategy.id}{session}, {use.session_date or use.case_opened_on}: "
            f"{use.record.marks()}"
        )
        if use.strategy.text != found.practice.name:
            click.echo(f"    as proposed: {one_line(use.strategy.text, 100)}")
    if story.report_backs:
        click.echo("")
        reported = found.record.tried + found.record.not_tried
        told = len(story.report_backs)
        click.echo(
            "Report-backs" if told == reported else f"Report-backs (the latest {told} of {reported:,})"
        )
    for report in story.report_backs:
        click.echo(f"  {report.reported_on} @{report.member}: {report.outcome.label}")
        if report.story:
            click.echo(f"    story: {one_line(report.story, 200)}")
        if report.lesson:
            click.echo(f"    lesson: {one_line(report.lesson, 200)}")


@practices.command("merge")
@click.argument("into", metavar="INTO", type=ITEM_ID)
@click.argument("other", metavar="OTHER", type=ITEM_ID)
@click.pass_obj
def practices_merge(obj: Context, into: int, other: int) -> None:
    """Make every use of practice OTHER a use of practice INTO; their track records combine.

    OTHER is removed; `coptui practices split STRATEGY` takes a strategy back out.
    """
    with _opened(obj) as repertoire:
        said = repertoire.merge_practices(into, other)
    click.echo(said, err=True)


@practices.command("rename")
@click.argument("practice_id", metavar="N", type=ITEM_ID)
@click.argument("name")
@click.pass_obj
def practices_rename(obj: Context, practice_id: int, name: str) -> None:
    """Give practice N a new NAME; its uses and track record stay."""
    with _opened(obj) as repertoire:
        said = repertoire.rename_practice(practice_id, name)
    click.echo(said, err=True)


@practices.command("split")
@click.argument("strategy_id", metavar="STRATEGY", type=ITEM_ID)
@click.option("--name", help="The new practice's name (default: the strategy's text).")
@click.pass_obj
def practices_split(obj: Context, strategy_id: int, name: str | None) -> None:
    """Make STRATEGY the only use of a new practice, taking what was reported on it along."""
    with _opened(obj) as repertoire:
        practice = repertoire.split_strategy(strategy_id, name=name)
    click.echo(
        f"Split strategy {strategy_id} off into a practice of its own: "
        f"practice {practice.id} {one_line(practice.name, 60)!r}.",
        err=True,
    )

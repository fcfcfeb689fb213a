"""Commands about the community: create its repertoire, and list, add, rename or mark members as left."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from coptui.cli.root import Context, fail, pass_context, validated
from coptui.text import one_line

if TYPE_CHECKING:
    from coptui.models import Member
    from coptui.store import Repertoire, StoreError


@click.command()
@click.option("--name", required=True, help="The community's name.")
@click.option("--domain", default="", help="What the community is about, in a sentence or two.")
@pass_context
def init(obj: Context, name: str, domain: str) -> None:
    """Create a new, empty repertoire for a community."""
    from coptui.models import Community
    from coptui.store import Repertoire

    community = validated(Community, {"name": name, "domain": domain})
    obj.new_file_parent()
    with Repertoire.create(obj.db_path, community):
        pass
    click.echo(f"Created the repertoire of {community.name} at {obj.db_path}")


@click.group()
def members() -> None:
    """List the community's members, add one, rename one, or mark one as having left."""


@members.command("list")
@pass_context
def members_list(obj: Context) -> None:
    """Every member: handle, name, role, organisation, and when they left."""
    with obj.open(read_only=True) as repertoire:
        found = repertoire.members()
    if not found:
        click.echo("No members yet; add one with `coptui members add HANDLE NAME`.", err=True)
        return
    for member in found:
        left = f"  (left {member.left_on})" if member.left_on else ""
        organisation = f" · {one_line(member.organisation, 40)}" if member.organisation else ""
        click.echo(
            f"@{member.handle:<20} {one_line(member.name, 40)}{organisation}  [{member.role.value}]{left}"
        )


@members.command("add")
@click.argument("handle")
@click.argument("name")
@click.option("--organisation", default="", help="Where they work.")
@click.option("--facilitator", is_flag=True, help="They facilitate sessions.")
@pass_context
def members_add(obj: Context, handle: str, name: str, organisation: str, facilitator: bool) -> None:
    """Add a member: HANDLE (lower-case, as in @kit) and NAME (as shown)."""
    from coptui.models import Member, Role
    from coptui.store import StoreError

    member = validated(
        Member,
        {
            "handle": handle,
            "name": name,
            "organisation": organisation,
            "role": Role.FACILITATOR if facilitator else Role.MEMBER,
        },
        prefix="",
    )
    with obj.open() as repertoire:
        try:
            repertoire.add_member(member)
        except StoreError as error:
            fail(f"{_first(error)}")
    click.echo(f"Added @{member.handle} ({member.name})", err=True)


@members.command("rename")
@click.argument("handle")
@click.argument("name")
@pass_context
def members_rename(obj: Context, handle: str, name: str) -> None:
    """Change the name a member is shown by; their handle, and all that refers to it, stays."""
    with obj.open() as repertoire:
        member = _known_member(repertoire, handle)
        renamed = validated(type(member), {**member.model_dump(), "name": name}, prefix="")
        repertoire.update_member(renamed)
    click.echo(f"@{member.handle} is now shown as {renamed.name}", err=True)


@members.command("leave")
@click.argument("handle")
@click.option("--on", "day", metavar="YYYY-MM-DD", help="The day they left (default: today).")
@click.option("--back", is_flag=True, help="They are a member again: clear the leaving date.")
@pass_context
def members_leave(obj: Context, handle: str, day: str | None, back: bool) -> None:
    """Mark a member as having left the community; everything they filed stays theirs."""
    from datetime import date

    try:
        left_on = None if back else date.fromisoformat(day) if day else date.today()
    except ValueError:
        fail(f"--on: {day!r} is not a date; write it as YYYY-MM-DD")
    with obj.open() as repertoire:
        member = _known_member(repertoire, handle)
        changed = member.model_copy(update={"left_on": left_on})
        repertoire.update_member(changed)
    if back:
        click.echo(f"@{member.handle} is a member again", err=True)
    else:
        click.echo(f"@{member.handle} left the community on {changed.left_on}", err=True)


def _known_member(repertoire: Repertoire, handle: str) -> Member:
    from coptui.store import NotFound

    try:
        return repertoire.member(handle.strip().lstrip("@").lower())
    except NotFound:
        fail(f"@{handle.strip().lstrip('@')} is not a member of this community")


def _first(error: StoreError) -> str:
    """An error's first problem, when it lists them; else its message."""
    problems = getattr(error, "problems", None)
    return str(problems[0]) if problems else str(error)

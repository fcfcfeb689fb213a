"""`coptui join`: take part in the live session from this terminal, as a member who says who they are.

Local trust, as at a shared laptop in the room: whoever runs it picks the member. With no
session live (or the member not on its attendance list yet), the screen says what it waits
for and joins by itself when it can; F2 still opens the member's own actions to report on.
"""

from __future__ import annotations

from collections.abc import Callable

import click

from coptui.cli import launch
from coptui.cli.root import Context, fail, pass_context
from coptui.text import one_line


@click.command()
@click.argument("member", required=False)
@pass_context
def join(obj: Context, member: str | None) -> None:
    """Join the live session as MEMBER (asked if not given): your check-in, cases, strategies, votes."""
    from coptui.ui.screens.participant import Joining

    launch.need_terminal("join")
    with obj.open() as repertoire:
        handles = sorted(m.handle for m in repertoire.members())
        if not handles:
            fail("this community has no members yet; add one with `coptui members add`")
        if member is None:
            click.echo(f"Members: {', '.join(one_line(h, 40) for h in handles)}")
            member = click.prompt("Which member are you?", prompt_suffix=" @", value_proc=_one_of(handles))
        handle = _handle(member)
        if handle not in handles:
            fail(f"@{one_line(handle, 40)} is not a member of this community")
        joining = Joining(handle, "local")
        launch.run_app(repertoire, joining, participant=joining)


def _handle(typed: str) -> str:
    return typed.strip().lstrip("@").lower()


def _one_of(handles: list[str]) -> Callable[[str], str]:
    """The prompt's check: a mistyped handle asks again (a member at a shared laptop stays)."""

    def check(typed: str) -> str:
        handle = _handle(typed)
        if handle not in handles:
            raise click.UsageError(
                f"@{one_line(handle, 40)} is not a member of this community; type one of the handles above"
            )
        return handle

    return check

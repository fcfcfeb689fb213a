"""Commands about meetings: run or abandon the live session, list the sessions and the formats."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from coptui import config
from coptui.cli import launch
from coptui.cli.root import Context, fail, pass_context
from coptui.counts import plural
from coptui.text import clean_line, one_line

if TYPE_CHECKING:
    from coptui.models import Session
    from coptui.store import Repertoire
    from coptui.store.session_claim import SessionClaim
    from coptui.ui.app import Launch


@click.command()
@click.option(
    "--format", "format_name", metavar="NAME|PATH", help="The session format (see `coptui formats`)."
)
@click.option("--title", default="", help="The session's title (default: from today's date).")
@click.option("--facilitator", metavar="HANDLE", help="Who facilitates.")
@click.option("--attendee", "attendees", metavar="HANDLE", multiple=True, help="Who attends (repeat it).")
@click.option(
    "--apology", "apologies", metavar="HANDLE", multiple=True, help="Who sent apologies (repeat it)."
)
@click.option("--resume", is_flag=True, help="Resume the live session without asking.")
@click.option(
    "--abandon", is_flag=True, help="Abandon the live session (after asking) instead of running one."
)
@pass_context
def run(
    obj: Context,
    format_name: str | None,
    title: str,
    facilitator: str | None,
    attendees: tuple[str, ...],
    apologies: tuple[str, ...],
    resume: bool,
    abandon: bool,
) -> None:
    """Run a live session: start one (the options answer the start screen's questions) or resume one.

    With --facilitator and at least one --attendee the session starts at once.
    """
    from coptui.facilitation import SessionPlan
    from coptui.formats import DEFAULT_FORMAT, find_format
    from coptui.ui.screens.start_session import StartAnswers

    if abandon:
        if resume:
            fail("--abandon and --resume contradict each other; give one")
        _abandon_live(obj, yes=False)
        return
    with obj.open() as repertoire:
        live = repertoire.live_session()
        if live is not None:
            with _one_facilitator(repertoire, live):
                if not resume:
                    phase = one_line(live.phases[live.current_phase or 0].title, 60) if live.phases else "?"
                    title = one_line(live.title, 60)
                    click.echo(f"{title!r} is live (since {live.date}, now in {phase}).", err=True)
                    if not sys.stdin.isatty():
                        fail(
                            "a session is live already; resume it: `coptui run --resume`, "
                            "or give it up: `coptui abandon`"
                        )
                    if not click.confirm("Resume it?", default=True, err=True):
                        if _confirm_abandon(repertoire, live):
                            return
                        fail("the session is still live; resume it with `coptui run --resume`")
                refused = launch.run_app(repertoire, "resume")
            _say_if_still_live(repertoire, refused)
            return
        if resume:
            fail("no session is live to resume; start one with `coptui run`")
        session_format = find_format(format_name, config.config_dir()) if format_name else None
        members = {m.handle for m in repertoire.members()}

        def member(option: str, handle: str) -> str:
            handle = handle.strip().lstrip("@").lower()
            if handle not in members:
                fail(f"{option}: @{handle} is not a member of this community")
            return handle

        chosen_facilitator = member("--facilitator", facilitator) if facilitator else None
        chosen = tuple(dict.fromkeys(member("--attendee", h) for h in attendees))
        away = tuple(dict.fromkeys(member("--apology", h) for h in apologies))
        plan: Launch
        if chosen_facilitator and chosen:
            plan = SessionPlan(
                session_format=session_format or find_format(DEFAULT_FORMAT, config.config_dir()),
                facilitator=chosen_facilitator,
                attendees=chosen,
                apologies=away,
                title=title,
            )
        else:
            plan = StartAnswers(session_format, title, chosen_facilitator, chosen, away)
        refused = launch.run_app(repertoire, plan)
        _say_if_still_live(repertoire, refused)


def _say_if_still_live(repertoire: Repertoire, refused: tuple[str, ...] = ()) -> None:
    """After the app closes: a session left live (quit, Ctrl+C, a closed terminal) is kept; how to go on.

    The `refused` lines a session's screen still listed as it closed are in no file: a resume
    cannot list them again. Each is printed whole, one a line, so the words survive in the
    terminal whether the session was left live or ended."""
    from coptui.facilitation.left_behind import not_filed_yet

    live = repertoire.live_session()
    if live is not None:
        waiting = len(not_filed_yet(repertoire, live.id or 0))
        title = one_line(live.title, 60)
        if waiting:
            said = (
                f"{title!r} is still live; {_entered(waiting)} not filed yet: `coptui run --resume` "
                "files them and goes on with it, `coptui abandon` files them and gives it up"
            )
        else:
            said = (
                f"{title!r} is still live, with everything filed so far; "
                "`coptui run --resume` goes on with it, `coptui abandon` gives it up"
            )
        if refused:
            said += (
                f"; {plural(len(refused), 'refused line')} listed under the box "
                f"{'is' if len(refused) == 1 else 'are'} not filed and will not come back:"
            )
        click.echo(f"coptui: {said}", err=True)
    elif refused:
        listed = "was" if len(refused) == 1 else "were"
        click.echo(
            f"coptui: {plural(len(refused), 'refused line')} listed under the box as the session ended "
            f"{listed} not filed:",
            err=True,
        )
    for line in refused:
        click.echo(f"coptui:   refused: {clean_line(line)}", err=True)


def _entered(count: int) -> str:
    return f"{plural(count, 'line')} Entered {'is' if count == 1 else 'are'}"


@click.command()
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@pass_context
def abandon(obj: Context, yes: bool) -> None:
    """Abandon the live session: it is closed as abandoned and everything filed in it is kept.

    The next session can then start. Without --yes it asks first (and needs a terminal to ask).
    """
    _abandon_live(obj, yes=yes)


def _abandon_live(obj: Context, *, yes: bool) -> None:
    with obj.open() as repertoire:
        live = repertoire.live_session()
        if live is None:
            fail("no session is live; there is nothing to abandon")
        with _one_facilitator(repertoire, live):
            _ask_and_abandon(repertoire, live, yes=yes)


def _ask_and_abandon(repertoire: Repertoire, live: Session, *, yes: bool) -> None:
    if yes:
        _abandon(repertoire, live)
        return
    if not sys.stdin.isatty():
        fail("abandoning asks for confirmation; run it in a terminal, or `coptui abandon --yes`")
    click.echo(f"{live.title!r} is live (session {live.id}, since {live.date}).", err=True)
    if not _confirm_abandon(repertoire, live):
        fail("nothing changed; the session is still live")


def _one_facilitator(repertoire: Repertoire, live: Session) -> SessionClaim:
    """This process runs the live session's facilitator screen (or ends the session) until the
    block ends; refused while another coptui runs it."""
    from coptui.store.session_claim import SessionClaim

    return SessionClaim(repertoire.path, live.id or 0, one_line(live.title, 60))


def _confirm_abandon(repertoire: Repertoire, live: Session) -> bool:
    """Ask, then abandon the live session; False when the answer was no."""
    question = "Abandon it? It is closed as abandoned; nothing filed in it is deleted"
    if not click.confirm(question, default=False, err=True):
        return False
    _abandon(repertoire, live)
    return True


def _abandon(repertoire: Repertoire, live: Session) -> None:
    """Abandon the live session once everything Entered in it is filed (abandoning keeps it all)."""
    from coptui.facilitation import LiveSession
    from coptui.facilitation.left_behind import file_what_is_left

    session = LiveSession.resume(repertoire)
    filed = file_what_is_left(session)
    session.abandon()
    also = f", after filing {plural(filed, 'line')} Entered in it and not filed before" if filed else ""
    click.echo(f"Abandoned {live.title!r} (session {live.id}){also}; a new session can start.", err=True)


@click.command()
@pass_context
def sessions(obj: Context) -> None:
    """List the sessions, newest first: id, date, title, format and status."""
    with obj.open(read_only=True) as repertoire:
        found = repertoire.sessions()
    if not found:
        click.echo("No sessions yet; start one with `coptui run`.", err=True)
        return
    click.echo(f"{'id':>5}  {'date':<10}  {'status':<9}  {'format':<20}  title")
    for session in found:
        click.echo(
            f"{session.id:>5}  {session.date}  {session.status.value:<9}  "
            f"{one_line(session.format, 20):<20}  {one_line(session.title, 80)}"
        )


@click.command()
@click.argument("name", required=False)
def formats(name: str | None) -> None:
    """List the session formats and their phases (or show one, by NAME or path)."""
    from coptui.formats import DEFAULT_FORMAT, available_formats, find_format

    chosen = [find_format(name, config.config_dir())] if name else available_formats(config.config_dir())
    for i, session_format in enumerate(chosen):
        default = "  (default)" if session_format.name == DEFAULT_FORMAT else ""
        if i:
            click.echo()
        click.echo(
            f"{session_format.name} — {session_format.title}, {session_format.total_minutes} min{default}"
        )
        if session_format.description:
            click.echo(f"  {one_line(session_format.description)}")
        for phase in session_format.phases:
            click.echo(f"  {phase.timebox_minutes:>3} min  {phase.title}  [{phase.kind.value}]")

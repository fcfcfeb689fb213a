"""The `coptui` command: subcommands, options and exit codes.

Every failure a user can cause prints one line to stderr and exits non-zero:
2 for a wrong command or option (click's convention), 1 for everything else.
Heavy imports (Textual, the exporters) happen inside the command that needs them.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from coptui import __version__, config
from coptui.cli_join import join
from coptui.counts import plural
from coptui.files import FileNotWritten
from coptui.formats import FormatError
from coptui.models import Community, Member, Model, Session
from coptui.store import Repertoire, StoreError
from coptui.text import one_line, strip_controls

if TYPE_CHECKING:
    from coptui.ui.app import Launch
    from coptui.ui.screens.participant import Joining


V = TypeVar("V", bound=Model)


class Context:
    """What every subcommand gets: the repertoire file the user chose."""

    def __init__(self, db: Path | None) -> None:
        self.db_path = db or config.default_db_path()
        self.db_chosen = db is not None

    def open(self, *, read_only: bool = False) -> Repertoire:
        return Repertoire.open(self.db_path, read_only=read_only)

    def new_file_parent(self) -> None:
        """The default location's folder is made on first use; a chosen path's must exist."""
        if not self.db_chosen:
            self.db_path.parent.mkdir(parents=True, exist_ok=True)


pass_context = click.make_pass_decorator(Context)


def fail(message: str) -> NoReturn:
    raise click.ClickException(message)


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="COPTUI_DB",
    help="The repertoire file (default: coptui's data folder; env COPTUI_DB).",
)
@click.version_option(__version__, prog_name="coptui")
@click.pass_context
def cli(ctx: click.Context, db: Path | None) -> None:
    """Run community-of-practice meetings and browse what the community has learned."""
    ctx.obj = Context(db)
    if ctx.invoked_subcommand is None:
        with ctx.obj.open() as repertoire:
            _run_app(repertoire)


def _run_app(
    repertoire: Repertoire,
    launch: Launch = None,
    *,
    theme: str | None = None,
    viewer: str | None = None,
    participant: Joining | None = None,
) -> None:
    from coptui.ui.app import CoptuiApp
    from coptui.ui.themes import THEMES

    CoptuiApp(
        repertoire,
        launch=launch,
        theme=THEMES.get(theme or "default"),
        viewer=viewer,
        participant=participant,
    ).run()


def _signed_in_member() -> str | None:
    """The member `COPTUI_MEMBER` names, if it is a handle (sshd passes the key's option on unchecked)."""
    from pydantic import TypeAdapter, ValidationError

    from coptui.models import Handle

    named = config.member_variable()
    try:
        return TypeAdapter(Handle).validate_python(named) if named else None
    except ValidationError:
        return None


@cli.command()
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
            _run_app(repertoire, "resume")
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
        launch: Launch
        if chosen_facilitator and chosen:
            launch = SessionPlan(
                session_format=session_format or find_format(DEFAULT_FORMAT, config.config_dir()),
                facilitator=chosen_facilitator,
                attendees=chosen,
                apologies=away,
                title=title,
            )
        else:
            launch = StartAnswers(session_format, title, chosen_facilitator, chosen, away)
        _run_app(repertoire, launch)


@cli.command()
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
        if yes:
            _abandon(repertoire, live)
            return
        if not sys.stdin.isatty():
            fail("abandoning asks for confirmation; run it in a terminal, or `coptui abandon --yes`")
        click.echo(f"{live.title!r} is live (session {live.id}, since {live.date}).", err=True)
        if not _confirm_abandon(repertoire, live):
            fail("nothing changed; the session is still live")


def _confirm_abandon(repertoire: Repertoire, live: Session) -> bool:
    """Ask, then abandon the live session; False when the answer was no."""
    question = "Abandon it? It is closed as abandoned; nothing filed in it is deleted"
    if not click.confirm(question, default=False, err=True):
        return False
    _abandon(repertoire, live)
    return True


def _abandon(repertoire: Repertoire, live: Session) -> None:
    from coptui.facilitation import LiveSession

    LiveSession.resume(repertoire).abandon()
    click.echo(f"Abandoned {live.title!r} (session {live.id}); a new session can start.", err=True)


@cli.command()
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


@cli.group()
def members() -> None:
    """List the community's members, add one, rename one, or mark one as having left."""


@members.command("list")
@pass_context
def members_list(obj: Context) -> None:
    """Every member: handle, name, role, organisation, and when they left."""
    with obj.open(read_only=True) as repertoire:
        found = repertoire.members()
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

    member = _validated(
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
        renamed = _validated(type(member), {**member.model_dump(), "name": name}, prefix="")
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


@cli.command()
@click.option("--read-only", is_flag=True, help="Open the file so that nothing can be changed (as over SSH).")
@click.option(
    "--participant",
    is_flag=True,
    help="The member COPTUI_MEMBER names may join the live session and file as themselves "
    "(what `coptui serve --participants` runs).",
)
@click.option(
    "--theme",
    type=click.Choice(["default", "high-contrast"]),
    default="default",
    show_default=True,
    help="Colours; NO_COLOR in the environment turns colour off.",
)
@pass_context
def browse(obj: Context, read_only: bool, participant: bool, theme: str) -> None:
    """Browse the repertoire: cases, strategies, what has worked, members, sessions.

    With --read-only it is what `coptui serve` runs for each member.
    """
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # Under sshd's ForceCommand, `ssh host ls` arrives here without a terminal.
        fail("browse needs a terminal; connect with plain `ssh` (or `ssh -t`), without a command")
    viewer = _signed_in_member()
    with obj.open(read_only=read_only) as repertoire:
        _run_app(
            repertoire, theme=theme, viewer=viewer, participant=_joining(repertoire, viewer, participant)
        )


def _joining(repertoire: Repertoire, viewer: str | None, participant: bool) -> Joining | None:
    """Who may join the live session from this browser: the signed-in member, if they are one."""
    if not (participant and viewer) or viewer not in {m.handle for m in repertoire.members()}:
        return None  # a key that names no member browses read-only, as without --participant
    from coptui.ui.screens.participant import Joining

    return Joining(viewer, "ssh")


@cli.command()
@click.option("--name", required=True, help="The community's name.")
@click.option("--domain", default="", help="What the community is about, in a sentence or two.")
@pass_context
def init(obj: Context, name: str, domain: str) -> None:
    """Create a new, empty repertoire for a community."""
    community = _validated(Community, {"name": name, "domain": domain})
    obj.new_file_parent()
    with Repertoire.create(obj.db_path, community):
        pass
    click.echo(f"Created the repertoire of {community.name} at {obj.db_path}")


@cli.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@pass_context
def import_(obj: Context, file: Path) -> None:
    """Import a whole repertoire from a JSON file (see `coptui schema`), all or nothing."""
    from coptui.interchange import read_document
    from coptui.store.importing import import_new_repertoire

    document = read_document(file)
    obj.new_file_parent()
    import_new_repertoire(obj.db_path, document)
    click.echo(
        f"Imported {plural(len(document.members), 'member')}, {plural(len(document.sessions), 'session')} "
        f"and {plural(len(document.cases), 'case')} into {obj.db_path}"
    )


@cli.group(invoke_without_command=True)
@click.pass_context
def export(ctx: click.Context) -> None:
    """Write the repertoire out: as JSON, minutes of a session, or a folder of Markdown pages."""
    if ctx.invoked_subcommand is None:
        raise click.UsageError("export what? json, minutes SESSION or repertoire DIR", ctx)


@export.command("json")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="File to write (default: stdout)."
)
@pass_context
def export_json(obj: Context, output: Path | None) -> None:
    """The whole repertoire in the interchange format."""
    from coptui.interchange import to_json

    with obj.open(read_only=True) as repertoire:
        text = to_json(repertoire.dump())
    _write_output(text, output)


@export.command("minutes")
@click.argument("session")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="File to write, or a folder to save it in under a name made of date and title (default: stdout).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html"]),
    help="Markdown, or one self-contained printable HTML page (default: from the file's suffix, else md).",
)
@pass_context
def export_minutes(obj: Context, session: str, output: Path | None, fmt: str | None) -> None:
    """Minutes of one session, as Markdown or as printable HTML.

    SESSION is its id, `latest` (the last one held) or `live`.
    """
    from coptui.export import minutes, resolve_session, save_minutes

    chosen = fmt or ("html" if output is not None and output.suffix.lower() in (".html", ".htm") else "md")
    with obj.open(read_only=True) as repertoire:
        try:
            session_id = resolve_session(repertoire, session)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="SESSION") from None
        if output is not None and output.is_dir():
            saved = save_minutes(repertoire, session_id, output, "html" if chosen == "html" else "md")
            click.echo(f"Wrote {saved}", err=True)
            return
        text = minutes(repertoire, session_id, "html" if chosen == "html" else "md")
    _write_output(text, output)


@export.command("repertoire")
@click.argument("folder", metavar="DIR", type=click.Path(path_type=Path, file_okay=False))
@pass_context
def export_repertoire(obj: Context, folder: Path) -> None:
    """The whole repertoire as a folder of linked Markdown pages.

    DIR gets index.md and a page per session, case, topic and member, ready for a wiki
    or a static-site generator. Exporting again into the same folder updates it in
    place and removes the pages of items that no longer exist; files the export did
    not write are never touched.
    """
    from coptui.export import export_repertoire as write_folder

    with obj.open(read_only=True) as repertoire:
        try:
            done = write_folder(repertoire, folder)
        except FileNotWritten:
            raise  # its message says it all
        except OSError as error:  # making the folder, or reading a page back
            fail(f"cannot write {error.filename or folder}: {error.strerror or error}")
    removed = f", removed {done.removed}" if done.removed else ""
    repaired = "; completed an export that had been interrupted" if done.repaired else ""
    click.echo(
        f"Exported {plural(done.pages, 'page')} to {folder} ({done.written} written{removed}){repaired}"
    )
    if done.kept:
        shown = ", ".join(done.kept[:5]) + (f" and {len(done.kept) - 5} more" if len(done.kept) > 5 else "")
        click.echo(
            f"coptui: kept {plural(len(done.kept), 'page')} that an earlier export wrote but that "
            f"changed since (remove them by hand if they are not wanted): {shown}",
            err=True,
        )


def _write_output(text: str, output: Path | None) -> None:
    """To stdout, or into the file whole: a kill or a full disk leaves the old file as it was."""
    from coptui.files import replace_file

    if output is None:
        click.echo(text, nl=False)
        return
    # A link the user named is followed: the file it points at is the one they meant.
    replace_file(output.resolve() if output.is_symlink() else output, text.encode("utf-8"))
    click.echo(f"Wrote {output}", err=True)


@cli.command()
@click.argument("query")
@click.option(
    "--limit", type=click.IntRange(1, 10_000), default=20, show_default=True, help="Most results to show."
)
@click.option("--json", "as_json", is_flag=True, help="Print results as JSON lines.")
@pass_context
def search(obj: Context, query: str, limit: int, as_json: bool) -> None:
    """Search cases, strategies, report-backs and notes."""
    from coptui.store import MATCH_END, MATCH_START

    with obj.open(read_only=True) as repertoire:
        hits = repertoire.search(query, limit=limit)
    if as_json:
        for hit in hits:
            click.echo(
                json.dumps(
                    {**hit.model_dump(mode="json"), "snippet": hit.plain_snippet()}, ensure_ascii=False
                )
            )
        return
    if not hits:
        click.echo(f"Nothing matches “{one_line(query, 60)}”.", err=True)
        return
    bold = ("\x1b[1m", "\x1b[22m") if sys.stdout.isatty() else ("", "")
    for hit in hits:
        snippet = _snippet_line(hit.snippet.replace(MATCH_END, MATCH_START).split(MATCH_START), bold)
        label = hit.kind.value.replace("_", "-")
        click.echo(f"{label:<11} {hit.id:>6}  {one_line(hit.title, 40):<40}  {snippet}")


def _snippet_line(parts: list[str], bold: tuple[str, str], width: int = 160) -> str:
    """A search snippet on one cleaned line of at most `width` characters, its matched words
    (every other part) in bold: cleaned and cut part by part so no escape is cut in two."""
    line, room = "", width
    for i, part in enumerate(re.sub(r"\s+", " ", strip_controls(part)) for part in parts):
        cut = part[:room]
        line += f"{bold[0]}{cut}{bold[1]}" if i % 2 and cut else cut
        room -= len(cut)
        if len(cut) < len(part):
            return line + "…"
    return line


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the import/export format."""
    from coptui.interchange import json_schema

    click.echo(json_schema(), nl=False)


@cli.command()
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


@cli.command()
@click.option(
    "--authorized-keys",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="OpenSSH authorized_keys file with the members' public keys; re-read when it changes.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=2222, show_default=True, help="Port to listen on."
)
@click.option(
    "--host-key",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The server's private key, made on first start (default: ssh_host_ed25519_key in the data folder).",
)
@click.option(
    "--max-sessions",
    type=click.IntRange(1, 10_000),
    default=32,
    show_default=True,
    help="Most browsers at once.",
)
@click.option(
    "--idle-timeout",
    type=click.IntRange(0),
    default=900,
    show_default=True,
    help="Seconds without a key press before a browser is closed (0: never).",
)
@click.option(
    "--login-grace",
    type=click.IntRange(1, 600),
    default=10,
    show_default=True,
    help="Seconds a client has to sign in, and then to open its browser.",
)
@click.option(
    "--participants",
    is_flag=True,
    help="Members whose key names them may join the live session and file their own entries "
    "(without it, SSH is read-only).",
)
@pass_context
def serve(
    obj: Context,
    authorized_keys: Path,
    host: str,
    port: int,
    host_key: Path | None,
    max_sessions: int,
    idle_timeout: int,
    login_grace: int,
    participants: bool,
) -> None:
    """Let members browse the repertoire read-only over SSH, signing in with their public keys."""
    import asyncio

    from coptui.ssh import (
        ServeError,
        ServerSettings,
        configure_logging,
        default_host_key_path,
        serve_until_stopped,
    )

    # Browsers open the file read-only, and participants write to it: find out now if that cannot work.
    with obj.open(read_only=not participants) as repertoire:
        community = repertoire.community().name
    settings = ServerSettings(
        db_path=obj.db_path.resolve(),
        authorized_keys=authorized_keys,
        host_key=host_key or default_host_key_path(),
        host=host,
        port=port,
        max_sessions=max_sessions,
        idle_timeout=idle_timeout,
        login_grace=login_grace,
        participants=participants,
    )
    configure_logging()
    try:
        asyncio.run(serve_until_stopped(settings, community, click.echo, default_host_key=host_key is None))
    except ServeError as error:
        fail(str(error))


@cli.command()
@click.argument("file", required=False, type=click.Path(path_type=Path, dir_okay=False))
def demo(file: Path | None) -> None:
    """Open the app on a fresh temporary copy of the demo community (or of FILE)."""
    from coptui.demo import demo_document
    from coptui.interchange import read_document

    document = read_document(file) if file else demo_document()
    with _temporary_repertoire(document.community) as repertoire:
        repertoire.load(document)
        _run_app(repertoire)


@contextmanager
def _temporary_repertoire(community: Community) -> Iterator[Repertoire]:
    with tempfile.TemporaryDirectory(prefix="coptui-demo-") as folder:
        repertoire = Repertoire.create(Path(folder) / "demo.db", community)
        try:
            yield repertoire
        finally:
            repertoire.close()


def _validated(model: type[V], values: dict[str, Any], *, prefix: str = "--") -> V:
    """The model, or one line naming the option (or argument, with `prefix` "") that is wrong."""
    from pydantic import ValidationError

    from coptui.interchange import validation_problems

    try:
        return model.model_validate(values)
    except ValidationError as error:
        problem = validation_problems(error)[0]
        if problem.path == "handle":
            fail(f"{values['handle']!r} cannot be a handle: use lower-case letters, digits, '.', '_' or '-'")
        fail(f"{prefix}{problem.path}: {problem.message}")


cli.add_command(join)


def main(argv: list[str] | None = None) -> None:
    """Entry point: runs the command and turns every expected failure into one line and an exit code."""
    try:
        cli.main(args=argv, prog_name="coptui", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("coptui: interrupted", err=True)
        sys.exit(130)
    except click.UsageError as error:
        hint = f" (see `{error.ctx.command_path} --help`)" if error.ctx else ""
        click.echo(f"coptui: {error.format_message()}{hint}", err=True)
        sys.exit(error.exit_code)
    except click.ClickException as error:
        click.echo(f"coptui: {error.format_message()}", err=True)
        sys.exit(error.exit_code)
    except (StoreError, FormatError) as error:
        click.echo(f"coptui: {error}", err=True)
        sys.exit(1)
    except FileNotWritten as error:
        click.echo(f"coptui: {error}", err=True)
        sys.exit(1)
    except OSError as error:
        click.echo(f"coptui: {error.strerror or error}: {error.filename or ''}".rstrip(": "), err=True)
        sys.exit(1)
    sys.exit(0)

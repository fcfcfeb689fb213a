"""Commands for reading the repertoire: browse it, open a demo of it, search it from the shell."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from coptui.cli import launch
from coptui.cli.root import Context, pass_context
from coptui.text import one_line, strip_controls

if TYPE_CHECKING:
    from coptui.store import Repertoire
    from coptui.ui.screens.participant import Joining


@click.command()
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
    launch.need_terminal("browse")
    with launch.starting():
        viewer = launch.signed_in_member()
        repertoire = obj.open(read_only=read_only)
    with repertoire:
        launch.run_app(
            repertoire, theme=theme, viewer=viewer, participant=_joining(repertoire, viewer, participant)
        )


def _joining(repertoire: Repertoire, viewer: str | None, participant: bool) -> Joining | None:
    """Who may join the live session from this browser: the signed-in member, if they are one."""
    if not (participant and viewer) or viewer not in {m.handle for m in repertoire.members()}:
        return None  # a key that names no member browses read-only, as without --participant
    from coptui.ui.screens.participant import Joining

    return Joining(viewer, "ssh")


@click.command()
@click.argument("file", required=False, type=click.Path(path_type=Path, dir_okay=False))
def demo(file: Path | None) -> None:
    """Open the app on a fresh temporary copy of the demo community (or of FILE: a JSON export,
    or a repertoire file, to try things out on a copy of it)."""
    from coptui.demo import demo_document
    from coptui.interchange import read_document
    from coptui.store import Repertoire
    from coptui.store.backup import copy_repertoire, is_sqlite_file

    with _temporary_folder() as folder:
        copy = folder / "demo.db"
        if file is not None and is_sqlite_file(file):
            copy_repertoire(file, copy)  # as it stands: opening the copy upgrades only the copy
            repertoire = Repertoire.open(copy)
        else:
            document = read_document(file) if file else demo_document()
            repertoire = Repertoire.create(copy, document.community)
            repertoire.load(document)
        with repertoire:
            launch.run_app(repertoire, demo_of=file.name if file is not None else "the demo community")


@contextmanager
def _temporary_folder() -> Iterator[Path]:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="coptui-demo-") as folder:
        yield Path(folder)


@click.command()
@click.argument("query")
@click.option(
    "--limit", type=click.IntRange(1, 10_000), default=20, show_default=True, help="Most results to show."
)
@click.option("--json", "as_json", is_flag=True, help="Print results as JSON lines.")
@pass_context
def search(obj: Context, query: str, limit: int, as_json: bool) -> None:
    """Search cases, strategies, report-backs and notes."""
    # Straight on the file with sqlite3: no Repertoire, so neither pydantic nor sqlite-utils to import.
    from coptui.store import search as store_search
    from coptui.store.connection import reading

    with reading(obj.db_path) as conn:
        hits = store_search.best(store_search.find(conn, query, limit=limit), limit)
    if as_json:
        import json

        for hit in hits:
            fields = {**hit._asdict(), "snippet": hit.plain_snippet()}
            click.echo(json.dumps(fields, ensure_ascii=False))
        return
    if not hits:
        click.echo(f"Nothing matches “{one_line(query, 60)}”.", err=True)
        return
    bold = ("\x1b[1m", "\x1b[22m") if sys.stdout.isatty() else ("", "")
    for hit in hits:
        marked = hit.snippet.replace(store_search.MATCH_END, store_search.MATCH_START)
        snippet = _snippet_line(marked.split(store_search.MATCH_START), bold)
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

"""Commands that move the repertoire in and out: import and export it, and print the format's schema."""

from __future__ import annotations

import os
from pathlib import Path

import click

from coptui.cli.root import Context, fail, pass_context
from coptui.counts import plural


@click.command("import")
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


@click.command()
def schema() -> None:
    """Print the JSON Schema of the import/export format."""
    from coptui.interchange import json_schema

    click.echo(json_schema(), nl=False)


@click.group(invoke_without_command=True)
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
    type=click.Path(),
    help="File to write, or a folder (one that exists, or a name ending in /) to save it in under a "
    "name made of date and title (default: stdout).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html"]),
    help="Markdown, or one self-contained printable HTML page (default: from the file's suffix, else md).",
)
@pass_context
def export_minutes(obj: Context, session: str, output: str | None, fmt: str | None) -> None:
    """Minutes of one session, as Markdown or as printable HTML.

    SESSION is its id, `latest` (the last one held) or `live`.
    """
    from coptui.export.api import minutes, resolve_session, save_minutes

    # A trailing slash says "a folder", which `Path` would forget: `-o minutes/` makes one.
    into_folder = output is not None and (output.endswith(("/", os.sep)) or Path(output).is_dir())
    path = None if output is None else Path(output)
    chosen = fmt or ("html" if path is not None and path.suffix.lower() in (".html", ".htm") else "md")
    with obj.open(read_only=True) as repertoire:
        try:
            session_id = resolve_session(repertoire, session)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="SESSION") from None
        if path is not None and into_folder:
            saved = save_minutes(repertoire, session_id, path, "html" if chosen == "html" else "md")
            click.echo(f"Wrote {saved}", err=True)
            return
        text = minutes(repertoire, session_id, "html" if chosen == "html" else "md")
    _write_output(text, path)


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
    from coptui.files import FileNotWritten

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

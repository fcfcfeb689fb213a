"""`coptui backup FILE`: a checked copy of the repertoire, taken while it is in use."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from coptui.cli.root import Context


@click.command()
@click.argument("destination", metavar="FILE", type=click.Path(path_type=Path, dir_okay=False))
@click.pass_obj
def backup(obj: Context, destination: Path) -> None:
    """Copy the repertoire to FILE while others read and write it (SQLite's online backup).

    The copy is one consistent moment of the file, checked (`PRAGMA integrity_check`)
    before it replaces FILE; it opens like any repertoire: `coptui --db FILE`.
    """
    with obj.open(read_only=True) as repertoire:
        size = repertoire.back_up(destination)
    click.echo(f"Backed up {obj.db_path} to {destination} ({size / 1_048_576:,.1f} MiB)")

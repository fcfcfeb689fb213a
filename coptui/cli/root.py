"""The `coptui` group itself: the repertoire option every command shares, and the exit codes.

Every failure a user can cause prints one line to stderr and exits non-zero:
2 for a wrong command or option (click's convention), 1 for everything else.
Importing this module imports click and nothing heavy: each command imports what it
needs when it runs, so a command that draws nothing never loads Textual.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from coptui import __version__, config

if TYPE_CHECKING:
    from coptui.models import Model
    from coptui.store import Repertoire

    V = TypeVar("V", bound=Model)


class Context:
    """What every subcommand gets: the repertoire file the user chose."""

    def __init__(self, db: Path | None) -> None:
        self.db_path = db or config.default_db_path()
        self.db_chosen = db is not None

    def open(self, *, read_only: bool = False) -> Repertoire:
        from coptui.store import Repertoire

        return Repertoire.open(self.db_path, read_only=read_only)

    def new_file_parent(self) -> None:
        """The default location's folder is made on first use; a chosen path's must exist."""
        if not self.db_chosen:
            self.db_path.parent.mkdir(parents=True, exist_ok=True)


pass_context = click.make_pass_decorator(Context)


class LazyGroup(click.Group):
    """A group whose commands are imported by name when one runs (or `--help` lists them all),
    so that a command pays only for its own module (click's "lazily loading subcommands")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands: dict[str, str] = {}

    def add_lazy_commands(self, commands: dict[str, str]) -> None:
        """Name each command's `module:attribute`."""
        self.lazy_commands.update(commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy_commands:
            return super().get_command(ctx, cmd_name)
        module, name = self.lazy_commands[cmd_name].split(":")
        command: click.Command = getattr(importlib.import_module(module), name)
        return command


def fail(message: str) -> NoReturn:
    raise click.ClickException(message)


@click.group(
    cls=LazyGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]}
)
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
    from coptui.cli import launch

    ctx.obj = Context(db)
    if ctx.invoked_subcommand is None:
        with ctx.obj.open() as repertoire:
            launch.run_app(repertoire)


def validated(model: type[V], values: dict[str, Any], *, prefix: str = "--") -> V:
    """The model, or one line naming the option (or argument, with `prefix` "") that is wrong."""
    from pydantic import ValidationError

    from coptui.problems import not_a_handle, validation_problems

    try:
        return model.model_validate(values)
    except ValidationError as error:
        problem = validation_problems(error)[0]
        if problem.path == "handle":
            fail(not_a_handle(values["handle"]))  # as typed, before it is lower-cased
        fail(f"{prefix}{problem.path}: {problem.message}")


def main(argv: list[str] | None = None) -> None:
    """Entry point: runs the command and turns every expected failure into one line and an exit code."""
    try:
        cli.main(args=argv, prog_name="coptui", standalone_mode=False)
    except click.exceptions.Abort:
        _say("interrupted")
        sys.exit(130)
    except click.UsageError as error:
        hint = f" (see `{error.ctx.command_path} --help`)" if error.ctx else ""
        _say(f"{error.format_message()}{hint}")
        sys.exit(error.exit_code)
    except click.ClickException as error:
        _say(error.format_message())
        sys.exit(error.exit_code)
    except Exception as error:
        _say(_expected_failure(error))
        sys.exit(1)
    sys.exit(0)


def _say(message: str) -> None:
    """The failure's one line on stderr. It may quote what the file holds, which another tool
    may have written: cleaned as the screen cleans it, so it cannot drive the terminal."""
    from coptui.text import strip_controls

    click.echo(f"coptui: {strip_controls(message)}", err=True)


def _expected_failure(error: Exception) -> str:
    """The one line for a failure the user can cause (a store or format problem, a file that
    cannot be read or written); anything else is a bug and goes on as a traceback.

    The error classes are imported only here, once something failed, so that a command
    that never touches the store or the formats does not import them.
    """
    from coptui.files import FileNotWritten
    from coptui.formats.errors import FormatError
    from coptui.store.errors import StoreError

    if isinstance(error, (StoreError, FormatError, FileNotWritten)):
        return str(error)
    if isinstance(error, OSError):
        return f"{error.strerror or error}: {error.filename or ''}".rstrip(": ")
    raise error

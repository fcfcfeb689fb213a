"""Opening the Textual app: the one place the command line imports the UI, when a command draws."""

from __future__ import annotations

import gc
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING

import click

from coptui import config
from coptui.cli.root import fail

if TYPE_CHECKING:
    from coptui.store import Repertoire
    from coptui.ui.app import Launch
    from coptui.ui.screens.participant import Joining


def run_app(
    repertoire: Repertoire,
    launch: Launch = None,
    *,
    theme: str | None = None,
    viewer: str | None = None,
    participant: Joining | None = None,
    demo_of: str | None = None,
) -> tuple[str, ...]:
    """Run the app until it closes; the refused lines a live session's screen still listed then."""
    command = click.get_current_context(silent=True)
    need_terminal(command.info_name if command is not None and command.info_name else "coptui")
    with starting():
        from coptui.ui.app import CoptuiApp
        from coptui.ui.themes import THEMES

        app = CoptuiApp(
            repertoire,
            launch=launch,
            theme=THEMES.get(theme or "default"),
            viewer=viewer,
            participant=participant,
            demo_of=demo_of,
        )
    with side_journal_removed_on_hangup():
        app.run()
    return app.refused_at_exit


# A terminal closed (SIGHUP), or the SSH server ending a member's screen whose connection dropped
# (SIGTERM): the process dies of it as before, but not before removing its own emptied side journal.
HANGUPS = (signal.SIGHUP, signal.SIGTERM)
SIDE_JOURNALS = "coptui.store.side_journal"


@contextmanager
def side_journal_removed_on_hangup() -> Iterator[None]:
    """While the app runs, a hang-up removes this process's own side journals that hold nothing,
    then ends it as the signal would have. One that holds lines stays for the next coptui to file,
    as after a kill: a clean shutdown would stop filing halfway, under a lock, and strand them.

    A process holds a side journal only once it has imported their module (to record a session),
    so one that has not has none to remove: browsing never imports it (its pydantic model costs
    a browser's start-up some 20 ms), nor does a signal handler, which must not wait on imports."""

    def hung_up(signum: int, _frame: FrameType | None) -> None:
        try:
            side_journals = sys.modules.get(SIDE_JOURNALS)
            if side_journals is not None:
                side_journals.remove_own_empty()
        finally:  # whatever the clean-up raised, the process ends: nobody is at its terminal
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)

    before = {each: signal.signal(each, hung_up) for each in HANGUPS}
    try:
        yield
    finally:
        for each, handler in before.items():
            signal.signal(each, handler)


def need_terminal(command: str) -> None:
    """Stop in one line unless input and output are a terminal: the app draws, and reads keys.

    Before the app starts, so that nothing it would do (a session started) is done for nobody.
    """
    if sys.stdin.isatty() and sys.stdout.isatty():
        return
    if "SSH_CONNECTION" in os.environ:  # under sshd's ForceCommand, `ssh host ls` arrives here
        fail(f"{command} needs a terminal; connect with plain `ssh` (or `ssh -t`), without a command")
    fail(f"{command} needs a terminal: run it in one, without redirecting its input or output")


@contextmanager
def starting() -> Iterator[None]:
    """Importing and setting up before the app draws, without the cycle collector; what that made
    is then frozen out of the collector's later passes (`gc.freeze`).

    Start-up makes hundreds of thousands of objects that live as long as the process: modules,
    classes, models, styles. Each pass of the collector over them frees nothing, and those
    passes were a fifth of the time imports take. Nested, only the outermost one pauses.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def signed_in_member() -> str | None:
    """The member `COPTUI_MEMBER` names, if it is a handle (sshd passes the key's option on unchecked)."""
    from pydantic import TypeAdapter, ValidationError

    from coptui.models import Handle

    named = config.member_variable()
    try:
        return TypeAdapter(Handle).validate_python(named) if named else None
    except ValidationError:
        return None

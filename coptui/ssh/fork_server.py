"""The fork server: a process that has imported the browser once, and forks one per member.

`coptui serve` starts it at launch as `python -m coptui.ssh.fork_server FD ARGUMENTS...`,
where FD is its end of the server's socket and ARGUMENTS the `coptui` command line every
member's browser runs (so `ps` shows what the members get). It imports
the store, Textual and the browser app, then waits on a Unix socket (SOCK_SEQPACKET,
one message per datagram, JSON) for requests, each carrying a pty's slave end:

    server → fork server   {"id": N, "env": {...}}   with the pty slave as SCM_RIGHTS
    fork server → server   {"ready": PID}            once everything is imported
                           {"id": N, "pid": CHILD}   forked (it then makes itself a session leader)
                           {"id": N, "error": TEXT}  could not fork
                           {"exited": CHILD, "status": CODE}   reaped (negative: killed by a signal)

Before it says it is ready it draws one browser headless on a throwaway copy of the demo
community (`warm_up`); that app's event loop, threads and connection are gone before the first
fork. It holds no event loop, thread or database connection while it forks, so a forked child
starts from a clean state and opens everything itself, exactly as `coptui browse` would.
It reaps every child and reports its status; it ends when the server closes the socket.
Its own children outlive it if it dies, and init reaps them.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import pkgutil
import selectors
import signal
import socket
import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn

from rich.cells import cell_len

from coptui.ssh.terminal import take_controlling_terminal

# What a browser imports beyond the `coptui.ui` package and the CLI: Textual's run-time pieces.
RUNTIME_MODULES = (
    "textual.drivers.linux_driver",
    "textual.drivers._writer_thread",
    "textual.layouts.horizontal",
    "textual.layouts.stream",
    "textual.layouts.factory",
    "textual.scrollbar",
    "textual.pilot",
    "concurrent.futures.thread",
    "pydantic.type_adapter",
    "coptui.store.schema",  # and sqlite-utils: a participant's browser opens a writable connection
)
MESSAGE_SIZE = 1 << 20  # the largest request: a member's environment, as JSON


def preload() -> None:
    """Import everything a browser needs to draw its first screen (and the screens after it)."""
    import coptui.cli
    import coptui.ui
    from coptui.models import Record

    for module in pkgutil.walk_packages(coptui.ui.__path__, "coptui.ui."):
        importlib.import_module(module.name)
    for name in RUNTIME_MODULES:
        importlib.import_module(name)
    cell_len("中")  # loads Rich's table of character widths
    Record.build_every_validator()  # pydantic builds them on first use, in each browser otherwise
    del coptui.cli
    warm_up()


def warm_up() -> None:
    """Draw a browser's first screen and a search once, headless, on a throwaway copy of the demo
    community, then end it: its event loop, its threads and its connection are gone before the
    first fork.

    What a browser runs is then warm in the pages every member shares: Python specialises each
    function's code in place as it runs, Rich and Textual fill their module-level caches, pydantic
    builds what it defers. Otherwise each member writes all that into copies of those pages: about
    0.4 MiB more of its own with 10 or 30 at once, against some 8 MiB the fork server holds once
    for it. The members' own file is never opened here.
    """
    import tempfile
    from pathlib import Path

    from textual.pilot import Pilot

    from coptui.demo import demo_document
    from coptui.store import Repertoire
    from coptui.ui.app import CoptuiApp

    async def browse_and_search(pilot: Pilot[object]) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("slash", *"alert fatigue")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        pilot.app.exit()

    try:
        document = demo_document()
        with tempfile.TemporaryDirectory(prefix="coptui-warm-up-") as folder:
            path = Path(folder) / "demo.db"
            with Repertoire.create(path, document.community) as repertoire:
                repertoire.load(document)
            with Repertoire.open(path, read_only=True) as repertoire:
                CoptuiApp(repertoire).run(headless=True, size=(120, 40), auto_pilot=browse_and_search)
    except Exception as error:  # no temporary folder, say: browsers start all the same, a little larger
        print(
            f"coptui: the fork server did not warm up ({error}); browsers start without it", file=sys.stderr
        )
    gc.collect()  # what the run freed, before `gc.freeze` keeps the rest out of later passes


class ForkServer:
    """The loop: fork a browser for each request, reap each one that ends, stop when the socket closes."""

    def __init__(self, control: socket.socket, arguments: Sequence[str]) -> None:
        self.control = control
        self.arguments = list(arguments)
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        os.set_blocking(self._wake_write, False)
        self._selector = selectors.DefaultSelector()

    def run(self) -> None:
        signal.set_wakeup_fd(self._wake_write)
        signal.signal(signal.SIGCHLD, _wake)
        self._selector.register(self.control, selectors.EVENT_READ)
        self._selector.register(self._wake_read, selectors.EVENT_READ)
        self._send({"ready": os.getpid()})
        while True:
            for key, _ in self._selector.select():
                if key.fileobj is self.control and not self._take_request():
                    return
                if key.fileobj == self._wake_read:
                    with contextlib.suppress(BlockingIOError):
                        os.read(self._wake_read, 4096)
            self._reap()

    def _send(self, message: dict[str, object]) -> None:
        self.control.send(json.dumps(message).encode())

    def _take_request(self) -> bool:
        """Fork a browser for the request waiting on the socket; False once the server has gone."""
        try:
            data, fds, _, _ = socket.recv_fds(self.control, MESSAGE_SIZE, 1)
        except (ConnectionError, OSError):
            return False
        if not data:
            return False
        request = json.loads(data)
        if len(fds) != 1:
            for fd in fds:
                os.close(fd)
            self._send({"id": request["id"], "error": "no terminal came with the request"})
            return True
        (terminal,) = fds
        try:
            pid = self._fork(terminal, request["env"])
        except OSError as error:
            self._send({"id": request["id"], "error": f"cannot fork: {error.strerror}"})
        else:
            self._send({"id": request["id"], "pid": pid})
        finally:
            os.close(terminal)
        return True

    def _fork(self, terminal: int, env: dict[str, str]) -> int:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            self._become_browser(terminal, env)
        return pid

    def _become_browser(self, terminal: int, env: dict[str, str]) -> NoReturn:
        status = 1
        try:
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            self._selector.close()
            self.control.close()
            os.close(self._wake_read)
            os.close(self._wake_write)
            os.setsid()
            take_controlling_terminal(terminal)
            for fd in (0, 1, 2):
                os.dup2(terminal, fd)
            os.close(terminal)
            os.environ.clear()
            os.environ.update(env)
            _reopen_standard_streams()
            status = _run_browser(self.arguments)
        except BaseException:  # nothing may return into the fork server's loop
            traceback.print_exc()
        finally:
            with contextlib.suppress(Exception):
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(status)

    def _reap(self) -> None:
        while True:
            try:
                pid, wait_status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self._send({"exited": pid, "status": os.waitstatus_to_exitcode(wait_status)})


def _wake(*_: object) -> None:
    """SIGCHLD's handler: the signal wakes select() through the wakeup fd; the loop reaps."""


def _reopen_standard_streams() -> None:
    """Text streams on the member's terminal, as a fresh `python -X utf8` would make them."""
    streams = (
        open(0, encoding="utf-8", errors="surrogateescape", closefd=False),  # noqa: SIM115
        open(1, "w", encoding="utf-8", errors="surrogateescape", closefd=False),  # noqa: SIM115
        open(2, "w", buffering=1, encoding="utf-8", errors="backslashreplace", closefd=False),  # noqa: SIM115
    )
    for name, stream in zip(("stdin", "stdout", "stderr"), streams, strict=True):
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)  # Textual's driver writes to sys.__stderr__


def _run_browser(arguments: list[str]) -> int:
    """`coptui ARGUMENTS...`, and its exit status as the interpreter would make it."""
    from coptui.cli import main

    try:
        main(arguments)
    except SystemExit as done:
        if done.code is None or isinstance(done.code, int):
            return done.code or 0
        print(done.code, file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str]) -> None:
    """`python -m coptui.ssh.fork_server FD ARGUMENTS...`: FD is the server's socket."""
    control = socket.socket(fileno=int(argv[0]))
    preload()
    gc.freeze()  # the imported objects are never collected: forked children keep sharing their pages
    ForkServer(control, argv[1:]).run()


if __name__ == "__main__":
    main(sys.argv[1:])

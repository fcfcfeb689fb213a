"""How a member's browser starts: forked from the warm fork server, or spawned afresh.

`browser_arguments` is the one place where `coptui serve`'s options become the command
line every member's browser runs; the fork server runs it in a forked child, the
fallback in a new `python -m coptui`. Either way the child leads its own session on the
pty it was given, with only the environment `browser_environment` lets through.

The fork server is started with the server and restarted if it dies (with a log line);
while it is starting, or if it cannot start, browsers are spawned the slow way. Browsers
it forked keep running if it dies: the server then watches them through a pidfd.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from coptui.config import MEMBER_VARIABLE
from coptui.ssh.terminal import Child, take_controlling_terminal

if TYPE_CHECKING:
    from coptui.ssh.server import ServerSettings

FORK_SERVER_START = 60.0  # seconds a login waits for the fork server's imports before spawning instead
FORK_SERVER_REPLY = 30.0  # seconds it has to fork once asked (in turn); one that does not is restarted
STOP_GRACE = 5.0  # seconds it has to end once its socket is closed
MAX_RESTART_DELAY = 60.0  # seconds between restarts, at most, should it keep dying
MESSAGE_SIZE = 65536  # the largest message it sends
FORK_SERVER_MODULE = "coptui.ssh.fork_server"
# glibc keeps small freed chunks in per-thread caches and fast bins, never merged: a forked
# browser's first small allocations (SQLite parsing the schema, above all) land in those chunks,
# scattered over the fork server's heap, and each copies a whole page of it. Without them, freed
# space is merged and a browser's allocations share fewer pages: about 0.5 MiB less of its own.
FORK_SERVER_MALLOC = "glibc.malloc.tcache_count=0:glibc.malloc.mxfast=0"

DEFAULT_TERM = "xterm-256color"
# What the browser may inherit from the server's environment: where things are, the
# language, and coptui's and Textual's own settings. Not the operator's terminal
# (TERM, COLUMNS, TMUX...), agent socket or display.
INHERITED_VARIABLES = frozenset(
    {"PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "NO_COLOR", "VIRTUAL_ENV"}
)
INHERITED_PREFIXES = ("LC_", "XDG_", "PYTHON", "COPTUI_", "TEXTUAL_")

log = logging.getLogger("coptui.ssh")


def browser_arguments(settings: ServerSettings) -> list[str]:
    """The `coptui` command line of every member's browser: serve's options reach the browser here.

    With `participants`, a browser lets the member its key names (COPTUI_MEMBER) join the live
    session; a key that names no member still only browses.
    """
    arguments = ["--db", str(settings.db_path), "browse", "--read-only"]
    return [*arguments, "--participant"] if settings.participants else arguments


def browser_command(arguments: Sequence[str]) -> list[str]:
    return [sys.executable, "-m", "coptui", *arguments]


def browser_environment(term: str, member: str | None, client_env: Mapping[str, str]) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name in INHERITED_VARIABLES or name.startswith(INHERITED_PREFIXES)
    }
    env["TERM"] = term
    env["PYTHONUTF8"] = "1"
    env.pop(MEMBER_VARIABLE, None)  # named by the key alone, as sshd's environment= option would
    if member:
        env[MEMBER_VARIABLE] = member
    colorterm = client_env.get("COLORTERM")
    if colorterm in ("truecolor", "24bit"):
        env["COLORTERM"] = colorterm
    return env


class CannotStartBrowser(Exception):
    """The fork server took the request and then failed it: the pty may be in use, so do not retry on it."""


class ForkedBrowser:
    """A browser the fork server forked; its status comes from the fork server, which reaps it."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._loop = asyncio.get_running_loop()
        self._returncode: asyncio.Future[int] = self._loop.create_future()
        self._pidfd = -1

    async def wait(self) -> int:
        return await asyncio.shield(self._returncode)

    def reaped(self, returncode: int) -> None:
        if not self._returncode.done():
            self._returncode.set_result(returncode)
        if self._pidfd >= 0:
            self._loop.remove_reader(self._pidfd)
            os.close(self._pidfd)
            self._pidfd = -1

    def orphaned(self) -> None:
        """The fork server has gone, so init reaps this one: watch for its end, status unknown (0)."""
        try:
            self._pidfd = os.pidfd_open(self.pid)
        except ProcessLookupError:
            self.reaped(0)
            return
        self._loop.add_reader(self._pidfd, self.reaped, 0)


class ForkServer:
    """The server's side of `coptui.ssh.fork_server`: starts it, asks it to fork, restarts it."""

    def __init__(self, arguments: Sequence[str], env: Mapping[str, str]) -> None:
        self.arguments = list(arguments)
        self.env = dict(env)
        self._loop = asyncio.get_running_loop()
        self._process: asyncio.subprocess.Process | None = None
        self._control: socket.socket | None = None
        self._ready: asyncio.Future[int] = self._loop.create_future()
        self._pending: dict[int, asyncio.Future[ForkedBrowser]] = {}
        self._children: dict[int, ForkedBrowser] = {}
        self._ids = itertools.count(1)
        self._keeper: asyncio.Task[None] | None = None
        self._closing = False
        self.pid: int | None = None  # the running fork server's, once it is ready

    async def start(self) -> None:
        self._keeper = asyncio.create_task(self._keep_running())

    async def _keep_running(self) -> None:
        delay = 0.0
        while not self._closing:
            await asyncio.sleep(delay)
            started = self._loop.time()
            process = await self._launch()
            returncode = await process.wait()
            # One that keeps dying is restarted less and less often: after 1 s, 2 s, 4 s ... a minute.
            lived = self._loop.time() - started
            delay = 0.0 if lived >= MAX_RESTART_DELAY else min(max(2 * delay, 1.0), MAX_RESTART_DELAY)
            was_ready = self._ready.done() and not self._ready.cancelled()
            self._gone()
            if self._closing:
                return
            if not was_ready:
                log.warning(
                    "the fork server ended with status %d before it was ready; "
                    "browsers are started one at a time from now on",
                    returncode,
                )
                return
            log.warning(
                "the fork server (pid %d) ended with status %d; restarting it, and starting "
                "browsers one at a time until it is ready",
                process.pid,
                returncode,
            )

    async def _launch(self) -> asyncio.subprocess.Process:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self._process = await asyncio.create_subprocess_exec(
                *(sys.executable, "-m", FORK_SERVER_MODULE, str(theirs.fileno()), *self.arguments),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                # The server's own GLIBC_TUNABLES, if its operator set some, win.
                env={**self.env, "GLIBC_TUNABLES": os.environ.get("GLIBC_TUNABLES", FORK_SERVER_MALLOC)},
                pass_fds=[theirs.fileno()],
                start_new_session=True,  # the operator's ctrl+c is the server's to handle
            )
        finally:
            theirs.close()
        ours.setblocking(False)
        self._control = ours
        if self._ready.done():  # the last one's readiness, or its end before it was ready
            self._ready = self._loop.create_future()
        self._loop.add_reader(ours.fileno(), self._read)
        return self._process

    def _gone(self) -> None:
        """The fork server has ended: nothing more comes from it."""
        if self._control is not None:
            self._loop.remove_reader(self._control.fileno())
            self._control.close()
            self._control = None
        self.pid = None
        if not self._ready.done():
            self._ready.cancel()
        for reply in self._pending.values():
            if not reply.done():
                reply.set_exception(CannotStartBrowser("the fork server ended while starting it"))
        self._pending.clear()
        for child in self._children.values():
            child.orphaned()
        self._children.clear()

    def _read(self) -> None:
        assert self._control is not None
        while True:
            try:
                data = self._control.recv(MESSAGE_SIZE)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if not data:  # it has ended; `_keep_running` hears of it from its exit
                self._loop.remove_reader(self._control.fileno())
                return
            self._take(json.loads(data))

    def _take(self, message: dict[str, Any]) -> None:
        if "ready" in message:
            self.pid = int(message["ready"])
            self._ready.set_result(self.pid)
            log.info("the fork server (pid %d) is ready: browsers start pre-imported", self.pid)
        elif "exited" in message:
            child = self._children.pop(int(message["exited"]), None)
            if child is not None:
                child.reaped(int(message["status"]))
        elif (reply := self._pending.pop(int(message["id"]), None)) is None or reply.done():
            if "pid" in message:  # forked for a request given up on: its pty is not watched
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(int(message["pid"]), signal.SIGKILL)
        else:
            if "pid" in message:
                child = ForkedBrowser(int(message["pid"]))
                self._children[child.pid] = child
                reply.set_result(child)
            else:
                reply.set_exception(CannotStartBrowser(str(message.get("error"))))

    async def fork(self, env: Mapping[str, str], terminal: int) -> ForkedBrowser | None:
        """A browser forked onto the pty slave `terminal`; None if the fork server cannot take the request."""
        if self._closing or self._keeper is None or self._keeper.done():
            return None
        ready = self._ready
        try:
            await asyncio.wait_for(asyncio.shield(ready), FORK_SERVER_START)
        except TimeoutError:
            log.warning(
                "the fork server is not ready after %g s; starting a browser the slow way", FORK_SERVER_START
            )
            return None
        except asyncio.CancelledError:
            if not ready.cancelled():
                raise
            return None  # it ended before it was ready
        if self._control is None:
            return None  # it is being restarted
        request = next(self._ids)
        reply = self._pending[request] = self._loop.create_future()
        try:
            socket.send_fds(
                self._control, [json.dumps({"id": request, "env": dict(env)}).encode()], [terminal]
            )
        except OSError as error:
            del self._pending[request]
            log.warning("cannot reach the fork server (%s); starting a browser the slow way", error)
            return None
        try:
            return await asyncio.wait_for(reply, FORK_SERVER_REPLY)
        except CannotStartBrowser as error:
            if "cannot fork" in str(error):
                log.warning("the fork server could not fork (%s); starting a browser the slow way", error)
                return None
            raise
        except TimeoutError:
            self._pending.pop(request, None)
            log.warning("the fork server did not answer in %g s; restarting it", FORK_SERVER_REPLY)
            self._kill()
            raise CannotStartBrowser("the fork server did not answer") from None

    def _kill(self) -> None:
        if self._process is not None and self._process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self._process.kill()

    async def close(self) -> None:
        """Stop it (its socket closing tells it to end); the browsers it forked are the server's to end."""
        self._closing = True
        if self._control is not None:
            self._loop.remove_reader(self._control.fileno())
            self._control.shutdown(socket.SHUT_RDWR)
        process = self._process
        if process is not None and process.returncode is None:
            try:
                await asyncio.wait_for(process.wait(), STOP_GRACE)
            except TimeoutError:
                self._kill()
                await process.wait()
        if self._keeper is not None:
            self._keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._keeper
        self._gone()


class BrowserLauncher:
    """Starts members' browsers, through the fork server when there is one."""

    def __init__(self, arguments: Sequence[str], *, fork_server: bool) -> None:
        self.arguments = list(arguments)
        self.fork_server = (
            ForkServer(arguments, browser_environment(DEFAULT_TERM, None, {})) if fork_server else None
        )

    async def start(self) -> None:
        if self.fork_server is not None:
            await self.fork_server.start()

    async def launch(self, env: Mapping[str, str], terminal: int) -> Child:
        if self.fork_server is not None and (child := await self.fork_server.fork(env, terminal)):
            return child
        return await asyncio.create_subprocess_exec(
            *browser_command(self.arguments),
            stdin=terminal,
            stdout=terminal,
            stderr=terminal,
            env=dict(env),
            start_new_session=True,
            preexec_fn=take_controlling_terminal,
        )

    async def close(self) -> None:
        if self.fork_server is not None:
            await self.fork_server.close()

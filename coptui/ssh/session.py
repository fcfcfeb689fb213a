"""One SSH session: a PTY request and a shell request become one read-only browser.

Nothing else is served: a command (`ssh host ls`), a subsystem (SFTP) or a session
without a terminal is refused. Of what the client asks for, only a plain terminal type
and the terminal's size reach the browser. Input resets the idle timer (and no browser is idle
while a session is live: its member may be listening); the child's exit
closes the channel with its exit status, or with 0 and a note when the server ended it
(idle, shutdown); a client that goes away takes its child with it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import asyncssh

from coptui.ssh.authorized_keys import KeyGrant
from coptui.ssh.launcher import DEFAULT_TERM, browser_environment
from coptui.ssh.log_line import shown
from coptui.ssh.terminal import RESTORE_TERMINAL, PtyProcess, TerminalSize

if TYPE_CHECKING:
    from coptui.ssh.server import BrowserServer

TERMINAL_TYPE = re.compile(r"[A-Za-z0-9._+-]{1,64}")  # a terminfo name, nothing a shell or log could act on
NO_PTY_MESSAGE = (
    b"coptui: this server only opens the repertoire browser, which needs a terminal; "
    b"connect with plain `ssh` (or `ssh -t`)\r\n"
)
NO_COMMAND_MESSAGE = (
    b"coptui: this server runs no commands; it only opens the repertoire browser: "
    b"connect with plain `ssh`, without a command\r\n"
)

log = logging.getLogger("coptui.ssh")


class BrowserSession(asyncssh.SSHServerSession[bytes]):
    def __init__(
        self, server: BrowserServer, grant: KeyGrant, peer: str, on_closed: Callable[[], None]
    ) -> None:
        self._server = server
        self.grant = grant
        self.peer = peer
        self._on_closed = on_closed
        self._chan: asyncssh.SSHServerChannel[bytes] | None = None
        self._term = DEFAULT_TERM
        self._size: TerminalSize | None = None
        self._process: PtyProcess | None = None
        self._open = False
        self._ending: str | None = None
        self._ending_status = 0
        self._loop = asyncio.get_running_loop()
        self._started_at = 0.0
        self._last_input = 0.0
        self._idle_timer: asyncio.TimerHandle | None = None
        self._idle_check: asyncio.Task[None] | None = None  # reading whether a meeting is on
        self._in_meeting = False  # the last look found a meeting on: listening, not idle
        self._starter: asyncio.Task[None] | None = None
        self._asked_to_run = False  # a command was asked for: it is said no to, not run

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self._chan = chan
        self._open = True

    def pty_requested(self, term_type: str, term_size: tuple[int, int, int, int], term_modes: object) -> bool:
        if TERMINAL_TYPE.fullmatch(term_type):
            self._term = term_type
        elif term_type:
            log.info(
                "%s: terminal type %s is not a plain name; using %s",
                self.peer,
                shown(term_type),
                DEFAULT_TERM,
            )
        self._size = TerminalSize.from_client(term_size[0], term_size[1])
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        # Accepted only so that the client shows why (`ssh host ls`): nothing is ever run.
        log.info("%s: refused a command for %s: %s", self.peer, self.grant.who, shown(command))
        self._asked_to_run = True
        return True

    def subsystem_requested(self, subsystem: str) -> bool:
        log.info("%s: refused subsystem %s for %s", self.peer, shown(subsystem), self.grant.who)
        return False

    def break_received(self, msec: int) -> bool:
        return False

    def session_started(self) -> None:
        assert self._chan is not None
        if self._asked_to_run:
            self._chan.write_stderr(NO_COMMAND_MESSAGE)
            self._chan.exit(1)
            return
        if self._size is None:
            log.info("%s: refused a session without a terminal for %s", self.peer, self.grant.who)
            self._chan.write(NO_PTY_MESSAGE)
            self._chan.exit(1)
            return
        if not self._server.admit(self):
            limit = self._server.settings.max_sessions
            log.warning("%s: turned %s away: %d browsers already open", self.peer, self.grant.who, limit)
            self._chan.write(
                f"coptui: the server is full (it serves {limit} at once); try again later\r\n".encode()
            )
            self._chan.exit(1)
            return
        self._started_at = self._last_input = self._loop.time()
        self._process = PtyProcess(self._send, self._child_exited)
        self._starter = asyncio.create_task(self._start_child(self._process, self._size))
        self._arm_idle_timer(self._server.settings.idle_timeout)

    async def _start_child(self, process: PtyProcess, size: TerminalSize) -> None:
        env = browser_environment(self._term, self.grant.member, self._chan_environment())
        try:
            await process.start(functools.partial(self._server.launcher.launch, env), size)
        except Exception as error:  # whatever it was, the member must not be left hanging
            log.exception("%s: cannot start the browser", self.peer)
            self._finish(1, f"cannot start the browser ({error})")
            return
        log.info(
            "%s: browser pid %s for %s (%s, %dx%d)",
            self.peer,
            process.pid,
            self.grant.who,
            self._term,
            size.columns,
            size.rows,
        )

    def _chan_environment(self) -> Mapping[str, str]:
        if self._chan is None:
            return {}
        env = self._chan.get_environment()
        return {str(k): str(v) for k, v in env.items()}

    def data_received(self, data: bytes, datatype: int | None) -> None:
        self._last_input = self._loop.time()
        if self._process is not None:
            self._process.write(data)

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        self._last_input = self._loop.time()
        self._size = TerminalSize.from_client(width, height)
        if self._process is not None:
            self._process.resize(self._size)

    def eof_received(self) -> bool:
        return True  # stay half-open: the browser may still be drawing

    def pause_writing(self) -> None:
        if self._process is not None:
            self._process.pause_output()

    def resume_writing(self) -> None:
        if self._process is not None:
            self._process.resume_output()

    def connection_lost(self, exc: Exception | None) -> None:
        self._open = False  # nothing more is sent; the child is only stopped
        self.end("the member left")
        self._on_closed()

    def end(self, reason: str, status: int = 0) -> None:
        """Stop the browser; once it has gone, the member is told `reason`, and the channel exits `status`."""
        if self._ending is None:
            self._ending, self._ending_status = reason, status
        if self._process is not None:
            self._process.terminate()

    def _arm_idle_timer(self, delay: float) -> None:
        if self._server.settings.idle_timeout > 0:
            self._idle_timer = self._loop.call_later(delay, self._check_idle)

    def _check_idle(self) -> None:
        timeout = self._server.settings.idle_timeout
        quiet_for = self._loop.time() - self._last_input
        if quiet_for < timeout:
            self._arm_idle_timer(timeout - quiet_for)
            return
        self._idle_check = asyncio.create_task(self._close_unless_meeting(timeout))

    async def _close_unless_meeting(self, timeout: float) -> None:
        """Close the idle browser, unless a session is live: a member listening in a meeting
        presses no key for a whole phase, and must not lose the screen for it."""
        if await asyncio.to_thread(self._server.meeting_is_live):
            self._in_meeting = True
            self._arm_idle_timer(timeout)
            return
        if self._in_meeting:  # it has ended since the last look: a whole timeout from now
            self._in_meeting = False
            self._last_input = self._loop.time()
            self._arm_idle_timer(timeout)
            return
        quiet_for = self._loop.time() - self._last_input
        if quiet_for < timeout:  # a key came while the file was read
            self._arm_idle_timer(timeout - quiet_for)
            return
        log.info(
            "%s: closing the browser of %s after %.0f s without input", self.peer, self.grant.who, quiet_for
        )
        self.end(f"closed after {_duration(timeout)} without input")

    def _send(self, data: bytes) -> None:
        if self._open and self._chan is not None:
            try:
                self._chan.write(data)
            except BrokenPipeError:  # the client closed its end while the browser was still drawing
                self._open = False

    def _child_exited(self, status: int) -> None:
        # Ended by the server (idle, shutdown, key removed): its status, not the signal's 143.
        self._finish(status if self._ending is None else self._ending_status, self._ending)

    def _finish(self, status: int, message: str | None) -> None:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        if self._idle_check is not None:
            self._idle_check.cancel()
        if self._open and self._chan is not None:
            self._chan.write(RESTORE_TERMINAL)
            if message:
                self._chan.write(f"\r\ncoptui: {message}\r\n".encode())
            self._chan.exit(status)
        log.info(
            "%s: browser of %s ended with status %d after %.1f s",
            self.peer,
            self.grant.who,
            status,
            self._loop.time() - self._started_at,
        )
        self._server.release(self)


def _duration(seconds: float) -> str:
    if seconds >= 120 and seconds % 60 == 0:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds:g} second{'' if seconds == 1 else 's'}"

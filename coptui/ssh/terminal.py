"""One member's browser: a child process on its own pseudo-terminal, bridged as raw bytes.

The pty starts with echo and line editing off, so the terminal's answers to the app's
queries (and keys typed before the app takes over) never echo back onto the screen.
`RESTORE_TERMINAL` is sent when a session ends, so a child that died without tidying
up leaves no mouse reporting, hidden cursor or alternate screen behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import signal
import struct
import termios
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

RESTORE_TERMINAL = (
    b"\x1b[?2026l"  # end any synchronized update
    b"\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l"  # mouse reporting off
    b"\x1b[?1004l"  # focus reporting off
    b"\x1b[?2004l"  # bracketed paste off
    b"\x1b[<u"  # pop the kitty keyboard mode (ignored where unsupported)
    b"\x1b[0m\x1b[?25h"  # plain colours, cursor shown
    b"\x1b[?1049l"  # back to the main screen
)

MAX_PENDING_INPUT = 256 * 1024  # beyond this the app is not reading; further input is dropped
KILL_AFTER = 3.0  # seconds between SIGTERM and SIGKILL
OUTPUT_GRACE = 1.0  # seconds to wait for the pty to drain once the child has exited


@dataclass(frozen=True)
class TerminalSize:
    columns: int
    rows: int

    @classmethod
    def from_client(cls, columns: int, rows: int) -> TerminalSize:
        """Clients may send 0 ("unknown") or absurd sizes; keep what a terminal can be."""
        return cls(min(columns, 1000) if columns > 0 else 80, min(rows, 1000) if rows > 0 else 24)


def exit_status(returncode: int) -> int:
    """A shell's convention: a child killed by signal N exits 128 + N."""
    return 128 - returncode if returncode < 0 else returncode


class Child(Protocol):
    """A browser process started on a pty slave, which leads (or is about to lead) its own session."""

    @property
    def pid(self) -> int: ...

    async def wait(self) -> int:
        """Its return code once it has ended (and been reaped); negative if a signal killed it."""
        ...


Launch = Callable[[int], Awaitable[Child]]  # starts a browser on the pty slave it is given


class PtyProcess:
    """Runs a child on a fresh pty; output goes to `on_output`, the exit status to `on_exit`, once."""

    def __init__(self, on_output: Callable[[bytes], None], on_exit: Callable[[int], None]) -> None:
        self._on_output = on_output
        self._on_exit = on_exit
        self._loop = asyncio.get_running_loop()
        self._master: int | None = None
        self._process: Child | None = None
        self._to_child = bytearray()
        self._output_paused = False
        self._output_ended = False
        self._returncode: int | None = None
        self._terminate_requested = False
        self._timers: list[asyncio.TimerHandle] = []
        self._watcher: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    async def start(self, launch: Launch, size: TerminalSize) -> None:
        master, slave = os.openpty()
        # The master is live at once, so input and resizes that arrive during the spawn reach the pty.
        os.set_blocking(master, False)
        self._master = master
        try:
            _make_quiet(slave)
            _set_size(master, size)
            self._process = await launch(slave)
        except BaseException:
            self._loop.remove_writer(master)
            self._master = None
            os.close(master)
            raise
        finally:
            os.close(slave)
        if not self._output_paused:
            self._loop.add_reader(master, self._read_output)
        self._flush_input()
        self._watcher = asyncio.create_task(self._watch_exit(self._process))
        if self._terminate_requested:
            self.terminate()

    def write(self, data: bytes) -> None:
        if len(self._to_child) + len(data) > MAX_PENDING_INPUT:
            return
        self._to_child += data
        self._flush_input()

    def resize(self, size: TerminalSize) -> None:
        if self._master is None:
            return
        _set_size(self._master, size)
        self._signal(signal.SIGWINCH)

    def pause_output(self) -> None:
        if self._master is not None and not self._output_paused and not self._output_ended:
            self._loop.remove_reader(self._master)
        self._output_paused = True

    def resume_output(self) -> None:
        if self._master is not None and self._output_paused and not self._output_ended:
            self._loop.add_reader(self._master, self._read_output)
        self._output_paused = False

    def terminate(self) -> None:
        """Ask the child to stop (SIGTERM to its process group), and insist after a few seconds."""
        self._terminate_requested = True
        if self._process is None or self._returncode is not None:
            return
        self._signal(signal.SIGTERM)
        self._timers.append(self._loop.call_later(KILL_AFTER, self._signal, signal.SIGKILL))

    def _signal(self, signum: int) -> None:
        if self._process is None or self._returncode is not None:
            return
        try:
            os.killpg(self._process.pid, signum)
        except ProcessLookupError:  # just forked: not yet the leader of its own group
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(self._process.pid, signum)
        except PermissionError:
            pass

    def _flush_input(self) -> None:
        if self._master is None:
            return
        try:
            written = os.write(self._master, self._to_child) if self._to_child else 0
        except BlockingIOError:
            written = 0
        except OSError:  # the child has gone; nobody is left to read it
            written = len(self._to_child)
        del self._to_child[:written]
        if self._to_child:
            self._loop.add_writer(self._master, self._flush_input)
        else:
            self._loop.remove_writer(self._master)

    def _read_output(self) -> None:
        assert self._master is not None
        try:
            data = os.read(self._master, 65536)
        except BlockingIOError:
            return
        except OSError:  # EIO: every slave end is closed and the pty is drained
            data = b""
        if data:
            self._on_output(data)
        else:
            self._end_output()

    def _end_output(self) -> None:
        if self._output_ended:
            return
        self._output_ended = True
        if self._master is not None:
            self._loop.remove_reader(self._master)
        self._maybe_finish()

    async def _watch_exit(self, process: Child) -> None:
        self._returncode = await process.wait()
        # Output written just before exit may still be on its way through the pty.
        self._timers.append(self._loop.call_later(OUTPUT_GRACE, self._end_output))
        self._maybe_finish()

    def _maybe_finish(self) -> None:
        if self._returncode is None or not self._output_ended or self._master is None:
            return
        for timer in self._timers:
            timer.cancel()
        self._loop.remove_writer(self._master)
        os.close(self._master)
        self._master = None
        self._on_exit(exit_status(self._returncode))


def _make_quiet(fd: int) -> None:
    """No echo, no line editing, no signals from keys: bytes pass straight to the app."""
    attrs = termios.tcgetattr(fd)
    attrs[0] &= ~(termios.ICRNL | termios.INLCR | termios.IGNCR | termios.IXON | termios.ISTRIP)
    attrs[3] &= ~(termios.ECHO | termios.ECHONL | termios.ICANON | termios.ISIG | termios.IEXTEN)
    attrs[6][termios.VMIN] = 1
    attrs[6][termios.VTIME] = 0
    termios.tcsetattr(fd, termios.TCSANOW, attrs)


def _set_size(fd: int, size: TerminalSize) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", size.rows, size.columns, 0, 0))


def take_controlling_terminal(fd: int = 0) -> None:
    """In the child, after setsid: the pty becomes its terminal, so it gets SIGWINCH and SIGHUP."""
    fcntl.ioctl(fd, termios.TIOCSCTTY, 0)

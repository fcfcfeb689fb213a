"""What the SSH tests share: a member's key, a client that connects like `ssh`, a screen reader,
a look at processes in /proc and at the server's log (the fixtures are in sshfixtures.py)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncssh

from coptui.ssh import BrowserServer

SCREEN_TIMEOUT = 60.0  # generous: twenty browsers start at once on two cores


def new_key() -> asyncssh.SSHKey:
    return asyncssh.generate_private_key("ssh-ed25519")


def authorize(path: Path, key: asyncssh.SSHKey, member: str | None = None, options: str = "") -> None:
    """Append `key` to an authorized_keys file, naming `member` the way the README says."""
    named = f'environment="COPTUI_MEMBER={member}"' if member else ""
    prefix = ",".join(part for part in (named, options) if part)
    line = key.export_public_key("openssh").decode().strip()
    with path.open("a", encoding="utf-8") as file:
        file.write(f"{prefix} {line}\n" if prefix else f"{line}\n")


def connect(
    port: int, key: asyncssh.SSHKey | list[asyncssh.SSHKey] | None, **options: Any
) -> asyncssh.SSHClientConnection:
    """Like `ssh -i key` (several `-i` for a list, tried in order): no agent, no user config,
    no known_hosts unless given."""
    options.setdefault("known_hosts", None)
    options.setdefault("username", "member")
    return asyncssh.connect(  # type: ignore[return-value]
        "127.0.0.1",
        port,
        client_keys=key if isinstance(key, list) else [key] if key else None,
        agent_path=None,
        config=None,
        **options,
    )


async def knock(
    port: int, count: int, address: str = "127.0.0.1", sockets: list[asyncio.StreamWriter] | None = None
) -> list[asyncio.StreamWriter]:
    """Open `count` connections from `address` that never say a word, one after another (into `sockets`)."""
    sockets = [] if sockets is None else sockets
    for _ in range(count):
        _, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(address, 0))
        sockets.append(writer)
    return sockets


def hang_up(sockets: list[asyncio.StreamWriter]) -> None:
    for writer in sockets:
        writer.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Screen:
    """The raw bytes a member's terminal receives, read until what a test waits for arrives."""

    def __init__(self, process: asyncssh.SSHClientProcess[bytes]) -> None:
        self.process = process
        self.received = bytearray()
        self._mark = 0

    @classmethod
    async def open(
        cls, conn: asyncssh.SSHClientConnection, columns: int = 80, rows: int = 24, **options: Any
    ) -> Screen:
        options.setdefault("term_type", "xterm-256color")
        process = await conn.create_process(term_size=(columns, rows), encoding=None, **options)
        return cls(process)

    async def wait_for(self, pattern: bytes, timeout: float = SCREEN_TIMEOUT) -> None:
        """Read until `pattern` arrives after the last thing waited for; fail with the tail of the screen."""
        try:
            async with asyncio.timeout(timeout):
                while (found := self.received.find(pattern, self._mark)) < 0:
                    chunk = await self.process.stdout.read(65536)
                    if not chunk:
                        raise AssertionError(f"the session ended before {pattern!r}: {self.tail()!r}")
                    self.received += chunk
        except TimeoutError:
            raise AssertionError(f"no {pattern!r} within {timeout} s: {self.tail()!r}") from None
        self._mark = found + len(pattern)

    async def read_to_end(self, timeout: float = SCREEN_TIMEOUT) -> bytes:
        async with asyncio.timeout(timeout):
            while chunk := await self.process.stdout.read(65536):
                self.received += chunk
        return bytes(self.received[self._mark :])

    def tail(self, size: int = 400) -> bytes:
        return bytes(self.received[-size:])


StartServer = Callable[..., Awaitable[BrowserServer]]


def parent_of(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat[stat.rindex(")") + 2 :].split()[1])


def child_environment(pid: int) -> dict[str, str]:
    """The environment `pid` was started with (a forked process's changes since do not show)."""
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(item.decode().split("=", 1) for item in raw.split(b"\0") if b"=" in item)


class _Awaited(logging.Handler):
    """Sets an event when the server logs a line containing `text`."""

    def __init__(self, text: str) -> None:
        super().__init__(logging.INFO)
        self.text = text
        self.seen = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if self.text in record.getMessage():
            self.seen.set()


@contextlib.asynccontextmanager
async def logged(text: str) -> AsyncIterator[None]:
    """The block must lead the server to log `text` (it logs a refusal once the connection closes)."""
    handler = _Awaited(text)
    log = logging.getLogger("coptui.ssh")
    old_level = log.level
    log.setLevel(logging.INFO)
    log.addHandler(handler)
    try:
        yield
        await asyncio.wait_for(handler.seen.wait(), 10)
    finally:
        log.removeHandler(handler)
        log.setLevel(old_level)


@contextlib.asynccontextmanager
async def serving(
    db_path: Path, folder: Path, *options: str
) -> AsyncIterator[tuple[asyncio.subprocess.Process, str]]:
    """`coptui serve OPTIONS` in a process of its own, on a free port, with no member's key yet:
    the process and the first line it printed. Killed at the end if it is still running."""
    keys = folder / "authorized_keys"
    keys.touch()
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "coptui", "--db", str(db_path), "serve", *options),
        *("--authorized-keys", str(keys), "--port", "0", "--host-key", str(folder / "host_key")),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    assert process.stdout is not None
    try:
        async with asyncio.timeout(SCREEN_TIMEOUT):
            first = (await process.stdout.readline()).decode()
        yield process, first
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()

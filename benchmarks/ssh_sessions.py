"""How many members one host serves over SSH: first screens, a search each, and memory per member.

    .venv/bin/python benchmarks/ssh_sessions.py [--members 1,10,30,100] [--openssh] [--spawn] [--silent 500]

Starts `coptui serve`'s server in-process on a loopback port, on a temporary copy of the
demo community. For each count, that many members connect at once, each from an address
of its own with a terminal of 120x40, and each reports the time from connecting to seeing
the community's name (its first screen), then searches once ("/" and a query) and reports
the time to the first hit. Once every member has searched, the memory of each browser is
read from /proc/PID/smaps_rollup: RSS, PSS (shared pages divided among the processes
sharing them) and USS (pages this process alone holds: what one more member costs).

CPU is reported where load from other programs affects it least: each browser's own user
+ system time at its first screen and once everyone has searched, and the server's (this
process's) for the round, per member: the SSH handshakes, encryption and relaying.

By default the members are asyncssh clients in this same process, so with many members
their encryption competes with the server's and the first screens lean slow. With
`--openssh` each member runs OpenSSH's `ssh` in a process of its own, on a pseudo-terminal
of its own, as members do: the server's process then holds only the server.

The floor is a local `coptui browse --read-only` on a pseudo-terminal, to the same name.
The capacity line says between which measured counts the first screens' p95 crosses 2 s,
and where, interpolating linearly between them.

`--spawn` starts each browser as a fresh `python -m coptui` instead of forking it from the
pre-imported fork server (how `coptui serve` worked before it had one).

With `--silent N`, it then measures one member signing in (and seeing the first screen)
from 127.0.0.1 while N connections from the same address sit silent, and again while N
more keep arriving: the strangers' budget must not keep a member out (target: signed in
within 2 s).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import functools
import itertools
import os
import statistics
import struct
import sys
import tempfile
import termios
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import asyncssh

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import on_terminal, read_until  # noqa: E402

from coptui.demo import demo_document  # noqa: E402
from coptui.ssh import BrowserServer, ServerSettings, start_server  # noqa: E402
from coptui.store import Repertoire  # noqa: E402

QUERY = b"alert fatigue"
FIRST_HIT = b"300 alerts a week"  # the demo's first case for QUERY
OVERVIEW = b"Recent sessions"  # the overview's list, filled: the first screen is usable
SIZE = (120, 40)
FIRST_SCREEN_TARGET = 2.0  # seconds


def memory_kib(pid: int) -> dict[str, int]:
    """RSS, PSS and USS (private clean + dirty) of `pid`, in KiB."""
    fields: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0])
    return {
        "rss": fields["Rss"],
        "pss": fields["Pss"],
        "uss": fields["Private_Clean"] + fields["Private_Dirty"],
    }


def cpu_seconds(pid: int) -> float:
    stat = Path(f"/proc/{pid}/stat").read_text()
    utime, stime = stat[stat.rindex(")") + 2 :].split()[11:13]
    return (int(utime) + int(stime)) / os.sysconf("SC_CLK_TCK")


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def connect(
    port: int, key: asyncssh.SSHKey, address: str = "127.0.0.1"
) -> asyncssh.SSHClientConnection:
    return await asyncssh.connect(
        "127.0.0.1",
        port,
        local_addr=(address, 0),
        username="member",
        client_keys=[key],
        known_hosts=None,
        agent_path=None,
        config=None,
    )


def member_address(number: int) -> str:
    """Each member connects from an address of their own, as members at home would."""
    return f"127.0.{1 + number // 250}.{1 + number % 250}"


class Terminal:
    """A member's terminal: what the browser has drawn, read until a marker appears."""

    def __init__(self, read: Callable[[], Awaitable[bytes]], write: Callable[[bytes], object]) -> None:
        self.read, self.write = read, write
        self.seen = bytearray()
        self.mark = 0

    async def wait_for(self, marker: bytes, timeout: float = 600, *, from_start: bool = False) -> None:
        """Read until `marker` appears after the last one waited for (or anywhere, `from_start`)."""
        since = 0 if from_start else self.mark
        try:
            async with asyncio.timeout(timeout):
                while (found := self.seen.find(marker, since)) < 0:
                    chunk = await self.read()
                    if not chunk:
                        raise RuntimeError(f"the session ended early: {bytes(self.seen[-300:])!r}")
                    self.seen += chunk
        except TimeoutError:
            raise RuntimeError(f"no {marker!r} in {timeout:g} s: {bytes(self.seen[-600:])!r}") from None
        self.mark = found + len(marker)

    async def keep_reading(self) -> None:
        """So the browser never blocks on a full terminal while others are measured."""
        while await self.read():
            pass


@asynccontextmanager
async def asyncssh_member(port: int, key: asyncssh.SSHKey, address: str) -> AsyncIterator[Terminal]:
    """An asyncssh client in this process, with a pty of SIZE."""
    async with await connect(port, key, address) as conn:
        process = await conn.create_process(term_type="xterm-256color", term_size=SIZE, encoding=None)
        yield on_asyncssh(process)


def on_asyncssh(process: asyncssh.SSHClientProcess[bytes]) -> Terminal:
    return Terminal(functools.partial(process.stdout.read, 65536), process.stdin.write)


@asynccontextmanager
async def openssh_member(port: int, key_file: Path, address: str) -> AsyncIterator[Terminal]:
    """OpenSSH's `ssh`, in a process of its own on a terminal of SIZE, as a member would run it."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    options = {
        "IdentitiesOnly": "yes",
        "IdentityAgent": "none",
        "BatchMode": "yes",
        "StrictHostKeyChecking": "no",
        "UserKnownHostsFile": "/dev/null",
        "LogLevel": "ERROR",
        "BindAddress": address,
    }
    try:
        process = await asyncio.create_subprocess_exec(
            *("ssh", "-F", "/dev/null", "-tt", "-p", str(port), "-i", str(key_file)),
            *(f"-o{name}={value}" for name, value in options.items()),
            "member@127.0.0.1",
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env={"PATH": os.environ["PATH"], "TERM": "xterm-256color"},
            start_new_session=True,
        )
    finally:
        os.close(slave)
    os.set_blocking(master, False)
    try:
        yield Terminal(functools.partial(read_terminal, master), functools.partial(os.write, master))
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        await process.wait()
        os.close(master)


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


async def read_terminal(fd: int) -> bytes:
    """What is waiting on a pty's master side, once something is; b"" once its program has gone."""
    loop = asyncio.get_running_loop()
    while True:
        try:
            return os.read(fd, 65536)
        except BlockingIOError:
            pass
        except OSError:  # EIO: the program on the terminal has ended
            return b""
        readable = loop.create_future()
        loop.add_reader(fd, _settle, readable)
        try:
            await readable
        finally:
            loop.remove_reader(fd)


# Opens member NUMBER's terminal on the server at PORT, from ADDRESS.
Client = Callable[[int, int, str], AbstractAsyncContextManager[Terminal]]


def asyncssh_client(keys: list[asyncssh.SSHKey]) -> Client:
    return lambda port, number, address: asyncssh_member(port, keys[number], address)


def openssh_client(keys: list[asyncssh.SSHKey], folder: Path) -> Client:
    """Each member's private key in a file of its own, for `ssh -i`."""
    files = []
    for number, key in enumerate(keys):
        path = folder / f"member-{number}"
        path.touch(mode=0o600)
        path.write_bytes(key.export_private_key("openssh"))
        files.append(path)
    return lambda port, number, address: openssh_member(port, files[number], address)


@dataclass
class Round:
    """N members at once."""

    count: int
    first_screens: list[float] = field(default_factory=list)  # to the community's name drawn
    overviews: list[float] = field(default_factory=list)  # ... and the overview's list filled
    searches: list[float] = field(default_factory=list)
    memory: list[dict[str, int]] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    fork_server_pss: int = 0
    total_cpu: list[float] = field(default_factory=list)  # each browser's, once everyone has searched
    server_cpu: float = 0.0  # this process's CPU while they logged in and searched


class Members:
    """Members connecting at once; each reports its first screen and its search, then waits."""

    def __init__(self, server: BrowserServer, marker: bytes, count: int) -> None:
        self.server, self.marker = server, marker
        self.round = Round(count)
        self.all_searched = asyncio.Event()
        self.release = asyncio.Event()

    def browser_of(self, address: str) -> int:
        """The pid of the browser serving the member at `address` (each member has an address of its own)."""
        (pid,) = (s.pid for s in self.server.sessions if s.peer.startswith(f"{address}:") and s.pid)
        return pid

    async def browse(self, number: int, client: Client) -> None:
        started = time.perf_counter()
        address = member_address(number)
        async with client(self.server.port, number, address) as terminal:
            await terminal.wait_for(self.marker)
            self.round.first_screens.append(time.perf_counter() - started)
            self.round.cpu.append(cpu_seconds(self.browser_of(address)))
            await terminal.wait_for(OVERVIEW, from_start=True)
            self.round.overviews.append(time.perf_counter() - started)
            terminal.write(b"/" + QUERY)
            searched = time.perf_counter()
            await terminal.wait_for(FIRST_HIT)
            self.round.searches.append(time.perf_counter() - searched)
            if len(self.round.searches) == self.round.count:
                self.all_searched.set()
            reading = asyncio.create_task(terminal.keep_reading())
            await self.release.wait()
            reading.cancel()


async def one_round(server: BrowserServer, client: Client, marker: bytes, count: int) -> Round:
    members = Members(server, marker, count)
    server_cpu = time.process_time()
    tasks = [asyncio.create_task(members.browse(number, client)) for number in range(count)]
    searched = asyncio.create_task(members.all_searched.wait())
    await asyncio.wait([searched, *tasks], timeout=1200, return_when=asyncio.FIRST_COMPLETED)
    for task in tasks:  # a member who could not browse stops the benchmark, saying why
        if task.done():
            task.result()
    if not searched.done():
        raise RuntimeError(
            f"{count - len(members.round.searches)} of {count} members had not searched in 20 minutes"
        )
    members.round.server_cpu = time.process_time() - server_cpu
    for session in server.sessions:
        if session.pid:
            members.round.memory.append(memory_kib(session.pid))
            members.round.total_cpu.append(cpu_seconds(session.pid))
    launcher = getattr(server, "launcher", None)  # None before serve had a fork server
    if launcher is not None and launcher.fork_server is not None and launcher.fork_server.pid:
        members.round.fork_server_pss = memory_kib(launcher.fork_server.pid)["pss"]
    members.release.set()
    await asyncio.gather(*tasks)
    await server.sessions_ended()
    return members.round


def local_floor(db: Path, marker: bytes, repeat: int) -> list[float]:
    """Seconds from starting a local `coptui browse --read-only` to its first screen."""
    browse = [sys.executable, "-m", "coptui", "--db", str(db), "browse", "--read-only"]
    samples = []
    for _ in range(repeat):
        with on_terminal(browse, *SIZE) as (_, fd):
            samples.append(read_until(fd, marker))
    return samples


def report(rounds: list[Round], floor: list[float]) -> None:
    floor_median = statistics.median(floor)
    print(f"\nlocal `coptui browse --read-only` first screen (floor): median {floor_median:.2f} s\n")
    print(
        "| members | first screen p50 | p95 | × floor (p50) | overview filled p50 | p95 | search p50 | p95 "
        "| USS / member | PSS / member | RSS / member | browser CPU to first screen | ... to searched "
        "| server CPU / member | fork server PSS |"
    )
    print("| ---: " * 15 + "|")
    for r in rounds:
        mib = {k: statistics.median(m[k] for m in r.memory) / 1024 for k in ("uss", "pss", "rss")}
        fork_server = f"{r.fork_server_pss / 1024:.1f} MiB" if r.fork_server_pss else "—"
        print(
            f"| {r.count} | {statistics.median(r.first_screens):.2f} s | {p95(r.first_screens):.2f} s "
            f"| {statistics.median(r.first_screens) / floor_median:.2f}× "
            f"| {statistics.median(r.overviews):.2f} s | {p95(r.overviews):.2f} s "
            f"| {statistics.median(r.searches):.2f} s | {p95(r.searches):.2f} s "
            f"| {mib['uss']:.1f} MiB | {mib['pss']:.1f} MiB | {mib['rss']:.1f} MiB "
            f"| {statistics.median(r.cpu):.2f} s | {statistics.median(r.total_cpu):.2f} s "
            f"| {r.server_cpu / r.count:.3f} s | {fork_server} |"
        )
    print(f"\ncapacity: {capacity(rounds)}")


def capacity(rounds: list[Round]) -> str:
    """How many members at once get every first screen (p95) within the target, between measured counts."""
    points = [(r.count, p95(r.first_screens)) for r in sorted(rounds, key=lambda r: r.count)]
    for (fewer, fast), (more, slow) in itertools.pairwise(points):
        if fast <= FIRST_SCREEN_TARGET < slow:
            at = fewer + (more - fewer) * (FIRST_SCREEN_TARGET - fast) / (slow - fast)
            return (
                f"{fewer} members at once had every first screen within {FIRST_SCREEN_TARGET:g} s (p95) "
                f"and {more} did not; between them, about {at:.0f} would (linear interpolation)"
            )
    most, slowest = points[-1]
    if slowest <= FIRST_SCREEN_TARGET:
        return f"all {most} members at once had their first screen within {FIRST_SCREEN_TARGET:g} s (p95)"
    return f"even {points[0][0]} member(s) at once waited over {FIRST_SCREEN_TARGET:g} s (p95)"


async def knock(port: int, count: int, sockets: list[asyncio.StreamWriter]) -> None:
    for _ in range(count):
        sockets.append((await asyncio.open_connection("127.0.0.1", port))[1])


async def among_strangers(server: BrowserServer, key: asyncssh.SSHKey, marker: bytes, silent: int) -> None:
    """One member signing in while `silent` connections wait, then while as many more arrive."""
    heading = "one member, from the strangers' address"
    print(f"\n{heading:<48} {'signed in s':>12} {'first screen s':>15}")
    sockets: list[asyncio.StreamWriter] = []
    try:
        await knock(server.port, silent, sockets)
        for label, flood in (
            (f"{silent} silent connections open", 0),
            (f"... and {silent} more arriving", silent),
        ):
            arriving = asyncio.create_task(knock(server.port, flood, sockets))
            started = time.perf_counter()
            async with await connect(server.port, key) as conn:
                signed_in = time.perf_counter() - started
                process = await conn.create_process(term_type="xterm-256color", term_size=SIZE, encoding=None)
                await Terminal(functools.partial(process.stdout.read, 65536), process.stdin.write).wait_for(
                    marker
                )
                drawn = time.perf_counter() - started
            await arriving
            await server.sessions_ended()
            print(f"{label:<48} {signed_in:>12.2f} {drawn:>15.2f}")
    finally:
        for writer in sockets:
            writer.close()


async def measure(counts: list[int], spawn: bool, openssh: bool, silent: int, floor_repeat: int) -> None:
    document = demo_document()
    marker = document.community.name.encode()
    with tempfile.TemporaryDirectory(prefix="coptui-bench-") as folder:
        db = Path(folder) / "demo.db"
        with Repertoire.create(db, document.community) as repertoire:
            repertoire.load(document)
        floor = local_floor(db, marker, floor_repeat)
        keys = [asyncssh.generate_private_key("ssh-ed25519") for _ in range(max(counts))]
        authorized = Path(folder) / "authorized_keys"
        authorized.write_bytes(b"".join(key.export_public_key("openssh") for key in keys))
        client = openssh_client(keys, Path(folder)) if openssh else asyncssh_client(keys)
        settings = ServerSettings(
            db_path=db,
            authorized_keys=authorized,
            host_key=Path(folder) / "host_key",
            port=0,
            max_sessions=max(counts),
        )
        if spawn:
            settings = replace(settings, fork_server=False)
        server = await start_server(settings)
        try:
            # The first login waits for the fork server's imports: start measuring once it is ready.
            await one_round(server, client, marker, 1)
            rounds = [await one_round(server, client, marker, count) for count in counts]
            report(rounds, floor)
            if silent:
                await among_strangers(server, keys[0], marker, silent)
        finally:
            await server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", default="1,10,30,100", help="comma-separated counts of members at once")
    parser.add_argument("--spawn", action="store_true", help="spawn each browser afresh (no fork server)")
    parser.add_argument(
        "--openssh", action="store_true", help="members run OpenSSH's `ssh`, each in a process of its own"
    )
    parser.add_argument("--floor-repeat", type=int, default=5, help="local first screens for the floor")
    parser.add_argument("--silent", type=int, default=0, help="silent connections a member signs in among")
    arguments = parser.parse_args()
    counts = [int(n) for n in arguments.members.split(",")]
    asyncio.run(measure(counts, arguments.spawn, arguments.openssh, arguments.silent, arguments.floor_repeat))


if __name__ == "__main__":
    main()

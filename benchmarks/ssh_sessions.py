"""How long members wait for their first screen over SSH, and what each browser costs.

    .venv/bin/python benchmarks/ssh_sessions.py [--members 1,10,32] [--silent 500]

Starts `coptui serve`'s server in-process on a loopback port, on a temporary copy of the
demo community, then for each count connects that many members at once and reports the
time from connecting to seeing the community's name (median and slowest), and the
resident memory of one browser process.

With `--silent N`, it then measures one member signing in (and seeing the first screen)
from 127.0.0.1 while N connections from the same address sit silent, and again while N
more keep arriving: the strangers' budget must not keep a member out (target: signed in
within 2 s).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import asyncssh

from coptui.demo import demo_document
from coptui.ssh import BrowserServer, ServerSettings, start_server
from coptui.store import Repertoire


def resident_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def connect(port: int, key: asyncssh.SSHKey) -> asyncssh.SSHClientConnection:
    return await asyncssh.connect(
        "127.0.0.1",
        port,
        username="member",
        client_keys=[key],
        known_hosts=None,
        agent_path=None,
        config=None,
    )


async def first_screen(conn: asyncssh.SSHClientConnection, marker: bytes) -> None:
    process = await conn.create_process(term_type="xterm-256color", term_size=(120, 40), encoding=None)
    seen = b""
    while marker not in seen:
        chunk = await process.stdout.read(65536)
        if not chunk:
            raise RuntimeError(f"the session ended early: {seen[-300:]!r}")
        seen += chunk


class Members:
    """Members connecting at once; each reports how long its first screen took, then waits."""

    def __init__(self, server: BrowserServer, marker: bytes, count: int) -> None:
        self.server, self.marker, self.count = server, marker, count
        self.waits: list[float] = []
        self.all_drawn = asyncio.Event()
        self.release = asyncio.Event()

    async def browse(self, key: asyncssh.SSHKey) -> None:
        started = time.perf_counter()
        async with await connect(self.server.port, key) as conn:
            await first_screen(conn, self.marker)
            self.waits.append(time.perf_counter() - started)
            if len(self.waits) == self.count:
                self.all_drawn.set()
            await self.release.wait()


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
                await first_screen(conn, marker)
                drawn = time.perf_counter() - started
            await arriving
            await server.sessions_ended()
            print(f"{label:<48} {signed_in:>12.2f} {drawn:>15.2f}")
    finally:
        for writer in sockets:
            writer.close()


async def measure(counts: list[int], silent: int) -> None:
    document = demo_document()
    with tempfile.TemporaryDirectory(prefix="coptui-bench-") as folder:
        db = Path(folder) / "demo.db"
        with Repertoire.create(db, document.community) as repertoire:
            repertoire.load(document)
        keys = [asyncssh.generate_private_key("ssh-ed25519") for _ in range(max(counts))]
        authorized = Path(folder) / "authorized_keys"
        authorized.write_bytes(b"".join(key.export_public_key("openssh") for key in keys))
        settings = ServerSettings(
            db_path=db,
            authorized_keys=authorized,
            host_key=Path(folder) / "host_key",
            port=0,
            max_sessions=max(counts),
        )
        server = await start_server(settings)
        print(f"{'members':>8} {'median s':>9} {'slowest s':>10} {'RSS per browser MiB':>20}")
        try:
            for count in counts:
                members = Members(server, document.community.name.encode(), count)
                tasks = [asyncio.create_task(members.browse(key)) for key in keys[:count]]
                await asyncio.wait_for(members.all_drawn.wait(), 600)
                rss = statistics.median(resident_kib(s.pid) for s in server.sessions if s.pid) / 1024
                members.release.set()
                await asyncio.gather(*tasks)
                await server.sessions_ended()
                waits = members.waits
                print(f"{count:>8} {statistics.median(waits):>9.2f} {max(waits):>10.2f} {rss:>20.1f}")
            if silent:
                await among_strangers(server, keys[0], document.community.name.encode(), silent)
        finally:
            await server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", default="1,10,32", help="comma-separated counts of members at once")
    parser.add_argument("--silent", type=int, default=0, help="silent connections a member signs in among")
    arguments = parser.parse_args()
    asyncio.run(measure([int(n) for n in arguments.members.split(",")], arguments.silent))


if __name__ == "__main__":
    main()

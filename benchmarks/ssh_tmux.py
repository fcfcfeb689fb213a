"""N members open OpenSSH's `ssh` in tmux windows at once, as people would: time to each first screen.

    .venv/bin/python benchmarks/ssh_tmux.py [--members 30] [--sessions coptui-bench] [--keep]

Starts `coptui serve` (the installed command, in a tmux session of its own) on a temporary
copy of the demo community, with one member key in its authorized_keys file. Then it opens
N tmux windows, 120x40, one after another as fast as tmux takes them, each running
`ssh -p PORT -o StrictHostKeyChecking=no ...` from an address of its own, and reads each
window's output (tmux `pipe-pane`) until the community's name appears (that window's first
screen) and until the overview's list is filled, timed from the moment its window was asked
for. tmux draws every window as a real terminal would, so its own work is in the figures too.

Prints the p50, p95 and slowest of each, and the last window's screen as tmux drew it. The
tmux sessions are named `coptui-bench-serve` and `coptui-bench-members` (`--sessions` changes
the prefix); `--keep` leaves them open to look at (`tmux attach -t coptui-bench-members`),
otherwise they are closed at the end.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from ssh_sessions import OVERVIEW, member_address, p95  # noqa: E402

from coptui.demo import demo_document  # noqa: E402
from coptui.store import Repertoire  # noqa: E402

PORT = 2299
COLUMNS, ROWS = 120, 40
TIMEOUT = 120.0  # seconds for every window's first screen


def tmux(*arguments: str) -> str:
    return subprocess.run(["tmux", *arguments], check=True, capture_output=True, text=True).stdout


def start_server(folder: Path, members: int, session: str) -> None:
    coptui = shutil.which("coptui", path=str(Path(sys.executable).parent))
    assert coptui is not None, "coptui is not installed beside this Python"
    command = (
        f"{coptui} --db {folder / 'demo.db'} serve --port {PORT} --max-sessions {members} "
        f"--authorized-keys {folder / 'authorized_keys'} --host-key {folder / 'host_key'} "
        f"2> {folder / 'serve.log'}"
    )
    tmux("new-session", "-d", "-s", session, "-x", str(COLUMNS), "-y", str(ROWS), command)
    log = folder / "serve.log"
    deadline = time.monotonic() + TIMEOUT
    while "browsers start pre-imported" not in (log.read_text() if log.exists() else ""):
        if time.monotonic() > deadline:
            raise RuntimeError(f"coptui serve did not get ready: {log.read_text()}")
        time.sleep(0.1)


def ssh_command(folder: Path, number: int) -> str:
    options = {
        "IdentitiesOnly": "yes",
        "IdentityAgent": "none",
        "StrictHostKeyChecking": "no",
        "UserKnownHostsFile": "/dev/null",
        "LogLevel": "ERROR",
        "BindAddress": member_address(number),
    }
    flags = " ".join(f"-o {name}={value}" for name, value in options.items())
    return f"ssh -F /dev/null -p {PORT} -i {folder / 'member'} {flags} member@127.0.0.1"


def open_windows(folder: Path, members: int, session: str) -> list[float]:
    """Open the members' windows; when each was asked for."""
    asked = []
    tmux("new-session", "-d", "-s", session, "-x", str(COLUMNS), "-y", str(ROWS))
    for number in range(members):
        asked.append(time.perf_counter())
        window = f"{session}:m{number}"
        tmux("new-window", "-d", "-t", session, "-n", f"m{number}", ssh_command(folder, number))
        tmux("pipe-pane", "-t", window, f"cat > {folder / f'screen-{number}'}")
    return asked


def arrivals(folder: Path, asked: list[float], markers: list[bytes]) -> list[list[float]]:
    """For each marker, the seconds from each window being asked for to the marker in its output."""
    seen: dict[tuple[bytes, int], float] = {}
    deadline = time.monotonic() + TIMEOUT
    while len(seen) < len(asked) * len(markers):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{len(asked) * len(markers) - len(seen)} screens not drawn in {TIMEOUT:g} s")
        for number, began in enumerate(asked):
            output = folder / f"screen-{number}"
            drawn = output.read_bytes() if output.exists() else b""
            for marker in markers:
                if (marker, number) not in seen and marker in drawn:
                    seen[marker, number] = time.perf_counter() - began
        time.sleep(0.02)
    return [[seen[marker, number] for number in range(len(asked))] for marker in markers]


def summary(what: str, times: list[float]) -> str:
    return f"{what}: p50 {statistics.median(times):.2f} s, p95 {p95(times):.2f} s, slowest {max(times):.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=30, help="windows opened at once")
    parser.add_argument("--sessions", default="coptui-bench", help="prefix of the tmux sessions' names")
    parser.add_argument("--keep", action="store_true", help="leave the tmux sessions open")
    arguments = parser.parse_args()
    document = demo_document()
    marker = document.community.name.encode()
    with tempfile.TemporaryDirectory(prefix="coptui-tmux-") as name:
        folder = Path(name)
        with Repertoire.create(folder / "demo.db", document.community) as repertoire:
            repertoire.load(document)
        keygen = ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(folder / "member")]
        subprocess.run(keygen, check=True)
        shutil.copy(folder / "member.pub", folder / "authorized_keys")
        server, members = f"{arguments.sessions}-serve", f"{arguments.sessions}-members"
        try:
            start_server(folder, arguments.members, server)
            asked = open_windows(folder, arguments.members, members)
            names, overviews = arrivals(folder, asked, [marker, OVERVIEW])
            print(f"{arguments.members} members in tmux windows at once")
            print(summary("first screen (the community's name)", names))
            print(summary("overview filled", overviews))
            print(tmux("capture-pane", "-p", "-t", f"{members}:m{arguments.members - 1}"))
            if arguments.keep:
                input("press Enter to close the tmux sessions ")
        finally:
            for session in (members, server):
                subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


if __name__ == "__main__":
    main()

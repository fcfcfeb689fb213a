"""Repertoire export against its floor: `python benchmarks/export.py --cases 10000`.

Runs `coptui export repertoire` into an empty folder in a process of its own and
reports its time, CPU, peak RSS and bytes written; then, in the same run, the floor:
the same files written from plain Python (each file of the export read back from the
page cache and written to a new folder with `open().write()`), and the same again the way
coptui writes each page, for safety: under a temporary name (`O_EXCL`), renamed into place
(the cost of that policy, apart). Each export's processes are accounted for one by one
(wall, user and system CPU, from `/proc`). `--before DIR` runs the
same export with the coptui package found in DIR (a checkout of an earlier commit) too.
`--repeat N` runs it all N times, in rounds, and shows each run's fastest. Last,
the minutes of the latest session alone (`coptui export minutes latest`; the
latest carries the longest register of open actions), with each coptui measured.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from coptui.store import Repertoire

HERE = Path(__file__).parent
RENAMED = "floor, each file under a temporary name renamed into place"

FLOOR = """
import os, sys
source, target = sys.argv[1], sys.argv[2]
for folder, _, files in os.walk(source):
    into = os.path.join(target, os.path.relpath(folder, source))
    os.makedirs(into, exist_ok=True)
    for name in files:
        with open(os.path.join(folder, name), "rb") as page:
            data = page.read()
        with open(os.path.join(into, name), "wb") as copy:
            copy.write(data)
"""

# The floor again, each file written as coptui writes a page: under a temporary name, then renamed.
FLOOR_RENAMED = FLOOR.replace(
    """        with open(os.path.join(into, name), "wb") as copy:
            copy.write(data)""",
    """        temporary = os.path.join(into, "." + name + ".0a1b2c3d.tmp")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
        with open(os.open(temporary, flags, 0o666), "wb") as copy:
            copy.write(data)
        os.rename(temporary, os.path.join(into, name))""",
)
assert FLOOR_RENAMED != FLOOR


@dataclass
class Process:
    """One process of a run, as `/proc` last saw it: what it is, its CPU, and when it began and ended."""

    what: str
    user: float
    system: float
    began: float  # seconds since boot
    ended: float

    @property
    def wall(self) -> float:
        return self.ended - self.began


@dataclass
class Run:
    what: str
    seconds: float
    user: float
    system: float
    peak_mib: float
    processes: list[Process] = field(default_factory=list)

    @property
    def cpu(self) -> float:
        return self.user + self.system

    def row(self, cases: int, written: int, floor: Run) -> str:
        rate = f"{cases / self.seconds:,.0f} cases/s"
        return (
            f"| {self.what} | {self.seconds:,.1f} s | "
            f"{self.cpu:,.1f} s ({self.user:,.1f} + {self.system:,.1f}) | {rate} | "
            f"{written / 2**20:,.0f} MiB | {self.peak_mib:,.0f} MiB | {self.seconds / floor.seconds:.2f}× "
            f"(CPU {self.cpu / floor.cpu:.2f}×) |"
        )

    def each_process(self) -> str:
        """Its processes, one by one, those that used the CPU most first."""
        return "; ".join(
            f"{p.what} {p.wall:.2f} s wall, user {p.user:.2f} + sys {p.system:.2f} s"
            for p in sorted(self.processes, key=lambda p: -(p.user + p.system))
        )


def measured(what: str, argv: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
    """Run `argv` to the end; its wall time, CPU (with its child processes') and peak RSS: the
    most its processes held together, sampled, or the kernel's account of the largest one."""
    # Flush what earlier runs wrote and removed first, or the next run pays for it in system time.
    os.sync()
    began = time.perf_counter()
    child = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL)
    sampled = _Sampled()
    sampler = threading.Thread(target=sampled.follow, args=(child.pid,), daemon=True)
    sampler.start()
    _, status, usage = os.wait4(child.pid, 0)
    took = time.perf_counter() - began
    sampler.join()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{what} failed: {argv}")
    peak = max(usage.ru_maxrss, sampled.peak) / 1024
    # The first process's own account is the kernel's, whole; the others' as last sampled.
    first = sampled.processes.pop(child.pid, None)
    if first is not None:
        first.user = usage.ru_utime - sum(p.user for p in sampled.processes.values())
        first.system = usage.ru_stime - sum(p.system for p in sampled.processes.values())
        first.ended = first.began + took
    processes = [p for p in [first, *sampled.processes.values()] if p is not None]
    return Run(what, took, usage.ru_utime, usage.ru_stime, peak, processes)


_TICK = os.sysconf("SC_CLK_TCK")


class _Sampled:
    """A process and its descendants, every 20 ms until it ends: the most RSS they held together
    (KiB), and each one's CPU and times."""

    def __init__(self) -> None:
        self.peak = 0
        self.processes: dict[int, Process] = {}

    def follow(self, pid: int) -> None:
        while True:
            total, found, pids = 0, False, [pid]
            while pids:
                each = pids.pop()
                try:
                    status = Path(f"/proc/{each}/status").read_text()
                    stat = Path(f"/proc/{each}/stat").read_text()
                    pids.extend(
                        int(c) for c in Path(f"/proc/{each}/task/{each}/children").read_text().split()
                    )
                    what = Path(f"/proc/{each}/cmdline").read_bytes().replace(b"\0", b" ").decode()
                except (OSError, ValueError):
                    continue
                found = True
                rss = [line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")]
                total += int(rss[0]) if rss else 0
                self._account(each, stat, what)
            if not found:
                return
            self.peak = max(self.peak, total)
            time.sleep(0.02)

    def _account(self, pid: int, stat: str, what: str) -> None:
        fields = stat.rpartition(")")[2].split()  # after the command's name, which may hold spaces
        user, system, began = int(fields[11]) / _TICK, int(fields[12]) / _TICK, int(fields[19]) / _TICK
        kind = "first process"
        if "resource_tracker" in what:
            kind = "resource tracker"
        elif "multiprocessing" in what:  # spawned by the first
            kind = "a process beside it"
        now = time.clock_gettime(time.CLOCK_BOOTTIME)
        if not what and pid in self.processes:  # ended, not yet waited for: its command line is gone
            kind = self.processes[pid].what
        self.processes[pid] = Process(kind, user, system, began, now)


def bytes_under(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--db", type=Path, help="default: benchmarks/out/cases-N.db, generated if missing")
    parser.add_argument("--before", type=Path, help="a checkout whose coptui to measure as well")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of runs; each run's fastest is shown")
    args = parser.parse_args()
    db = (args.db or HERE / "out" / f"cases-{args.cases}.db").resolve()
    if not db.exists():
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "--cases", str(args.cases), "-o", str(db)], check=True
        )
    # A file generated by an older coptui is upgraded once, here (and `--before` must read it too).
    with Repertoire.open(db) as repertoire:
        cases = repertoire.count_browse_cases()  # what the file holds, whatever `--cases` said
    export = [sys.executable, "-m", "coptui", "--db", str(db), "export"]
    coptui = [*export, "repertoire"]
    minutes = [*export, "minutes", "latest", "-o"]
    before = {**os.environ, "PYTHONPATH": str(args.before.resolve())} if args.before else None
    work = Path(tempfile.mkdtemp(prefix="coptui-export-bench-"))
    tries: dict[str, list[Run]] = defaultdict(list)

    def measure(what: str, argv: list[str], env: dict[str, str] | None = None) -> None:
        # Run from the empty work folder: `-m coptui` from a checkout's root would import the
        # checkout's coptui ahead of the one `--before` names.
        tries[what].append(measured(what, argv, env, cwd=work))

    try:
        # Each round runs everything once, so that a busy spell of the machine hits every run alike.
        # Every run writes into a folder of its own, and all are removed at the end: removing
        # thousands of files just before a run made that run pay for it (in system time).
        for round_ in range(args.repeat):
            if before:
                measure("export, before", [*coptui, str(work / f"before-{round_}")], before)
                measure("minutes, before", [*minutes, str(work / "before.md")], before)
            exported = work / f"export-{round_}"
            measure("export", [*coptui, str(exported)])
            measure("minutes", [*minutes, str(work / "minutes.md")])
            measure("export again, nothing changed", [*coptui, str(exported)])
            measure(
                "floor: the same files from plain Python",
                [sys.executable, "-c", FLOOR, str(exported), str(work / f"floor-{round_}")],
            )
            measure(
                RENAMED,
                [sys.executable, "-c", FLOOR_RENAMED, str(exported), str(work / f"floor-renamed-{round_}")],
            )
        minutes_bytes = (work / "minutes.md").stat().st_size
        pages, written = bytes_under(work / "export-0")
    finally:
        shutil.rmtree(work)
    best = {what: min(runs, key=lambda run: run.seconds) for what, runs in tries.items()}
    floor = best["floor: the same files from plain Python"]
    runs = [
        best[what] for what in tries if not what.startswith("minutes") and what not in (floor.what, RENAMED)
    ]
    minutes_runs = [best[what] for what in tries if what.startswith("minutes")]
    if args.repeat > 1:
        print(f"Each run the fastest of {args.repeat} (by wall time), in rounds of one run each.\n")
    print(f"{cases:,} cases · {pages:,} files · {written / 2**20:,.0f} MiB · {os.cpu_count()} cores\n")
    # CPU is user + system: on a busy machine the system part (creating files) varies the most.
    print("| run | wall | CPU (user + sys) | cases/s | written | peak RSS | × floor |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for run in [*runs, floor, best[RENAMED]]:
        print(run.row(cases, written, floor))
    print("\nEach process of those runs (wall from its start to its end):\n")
    for run in runs:
        print(f"- {run.what}: {run.each_process()}")
    print(f"\nMinutes of the latest session alone ({minutes_bytes / 2**10:,.0f} KiB):\n")
    for run in minutes_runs:
        print(
            f"- {run.what}: {run.seconds:,.2f} s wall, {run.cpu:,.2f} s CPU, peak RSS {run.peak_mib:,.0f} MiB"
        )


if __name__ == "__main__":
    main()

"""Repertoire export against its floor: `python benchmarks/export.py --cases 10000`.

Runs `coptui export repertoire` into an empty folder in a process of its own and
reports its time, CPU, peak RSS and bytes written; then, in the same run, the floor:
the same files written from plain Python (each file of the export read back from the
page cache and written to a new folder with `open().write()`). `--before DIR` runs the
same export with the coptui package found in DIR (a checkout of an earlier commit) too.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent

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


@dataclass
class Run:
    what: str
    seconds: float
    cpu: float
    peak_mib: float

    def row(self, cases: int, written: int, floor: float) -> str:
        rate = f"{cases / self.seconds:,.0f} cases/s"
        return (
            f"| {self.what} | {self.seconds:,.1f} s | {self.cpu:,.1f} s | {rate} | "
            f"{written / 2**20:,.0f} MiB | {self.peak_mib:,.0f} MiB | {self.seconds / floor:.2f}× |"
        )


def measured(what: str, argv: list[str], env: dict[str, str] | None = None) -> Run:
    """Run `argv` to the end; its wall time, CPU and peak RSS (from the kernel's account of that child)."""
    began = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    took = time.perf_counter() - began
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{what} failed: {argv}")
    return Run(what, took, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def bytes_under(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--db", type=Path, help="default: benchmarks/out/cases-N.db, generated if missing")
    parser.add_argument("--before", type=Path, help="a checkout whose coptui to measure as well")
    args = parser.parse_args()
    db = args.db or HERE / "out" / f"cases-{args.cases}.db"
    if not db.exists():
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "--cases", str(args.cases), "-o", str(db)], check=True
        )
    coptui = [sys.executable, "-m", "coptui", "--db", str(db), "export", "repertoire"]
    work = Path(tempfile.mkdtemp(prefix="coptui-export-bench-"))
    try:
        runs = []
        if args.before:
            env = {**os.environ, "PYTHONPATH": str(args.before.resolve())}
            runs.append(measured("export, before", [*coptui, str(work / "before")], env))
            shutil.rmtree(work / "before")
        runs.append(measured("export", [*coptui, str(work / "export")]))
        pages, written = bytes_under(work / "export")
        again = measured("export again, nothing changed", [*coptui, str(work / "export")])
        floor = measured(
            "floor: the same files from plain Python",
            [sys.executable, "-c", FLOOR, str(work / "export"), str(work / "floor")],
        )
    finally:
        shutil.rmtree(work)
    print(f"{args.cases:,} cases · {pages:,} files · {written / 2**20:,.0f} MiB · {os.cpu_count()} cores\n")
    print("| run | wall | CPU | cases/s | written | peak RSS | × floor |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for run in [*runs, again, floor]:
        print(run.row(args.cases, written, floor.seconds))


if __name__ == "__main__":
    main()

"""`coptui search` from the shell against its floor: `python benchmarks/cli_search.py --cases 2000`.

Runs `coptui --db FILE search TEXT` to the end in a process of its own, and beside it,
alternating, the floor: `python -c` running the same SQL (each kind's search and its
snippets, as `coptui.store.search` writes them) on a plain sqlite3 connection and printing
the hits. Reports the medians of CPU (user + system, the kernel's account of each child)
and wall time, and their ratios. `--before DIR` runs the coptui found in DIR (a checkout of
an earlier commit) as well; `--importtime` prints what the command imports, by package.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from coptui.store import search

HERE = Path(__file__).parent
# Where the commands run: not the checkout, whose coptui would shadow the one under test.
ELSEWHERE = "/"


def floor_script(db: Path, text: str, limit: int) -> str:
    """A script that imports sqlite3 and json alone and runs `coptui search`'s SQL, its text inlined."""
    statements = [(search.hit_sql(kind)[0], search.snippet_sql(kind)) for kind in search.HIT_ORDER]
    return f"""
import json, sqlite3
conn = sqlite3.connect({f"file:{db}?mode=ro"!r}, uri=True)
marks = {{"query": {search.fts_query(text)!r}, "start": "\\x02", "end": "\\x03"}}
hits = []
for hit_sql, snippet_sql in {statements!r}:
    rows = conn.execute(hit_sql, {{**marks, "window": {search.SEARCH_WINDOW}, "limit": {limit}}}).fetchall()
    if rows:
        ids = [row[0] for row in rows]
        ids_json = json.dumps(ids)
        chosen = {{**marks, "low": min(ids), "high": max(ids), "ids": ids_json}}
        snippets = dict(conn.execute(snippet_sql, chosen))
        hits += [(row[4], row[0], row[3], snippets.get(row[0], "")) for row in rows]
for rank, id, title, snippet in sorted(hits)[:{limit}]:
    print(id, title, snippet)
"""


def compile_bytecode(before: Path | None) -> None:
    """Compile coptui (and the one in `before`) to bytecode first: with PYTHONDONTWRITEBYTECODE set,
    as on some machines, every run would otherwise compile coptui's source again, unlike the
    installed libraries the floor uses."""
    import coptui

    for package in (Path(coptui.__file__).parent, before and before / "coptui"):
        if package:
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)


def measured(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run `argv` to the end: its wall time and CPU, in ms."""
    began = time.perf_counter()
    quiet = subprocess.DEVNULL
    child = subprocess.Popen(argv, env=env, cwd=ELSEWHERE, stdout=quiet, stderr=quiet)
    _, status, usage = os.wait4(child.pid, 0)
    took = time.perf_counter() - began
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {argv}")
    return took * 1000, (usage.ru_utime + usage.ru_stime) * 1000


def import_times(argv: list[str], env: dict[str, str] | None, runs: int = 5) -> dict[str, int]:
    """Microseconds of `python -X importtime` spent in each top-level package's own modules: the
    least of `runs` runs, each package's figure on its own (on a busy machine, the least is the
    nearest to what the imports cost)."""
    least: dict[str, int] = {}
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", *argv[1:]],
            env=env,
            cwd=ELSEWHERE,
            capture_output=True,
            text=True,
            check=True,
        )
        least = least_of(least, package_times(done.stderr))
    return least


# A line of `-X importtime`: the module's own microseconds, its cumulative ones, its name. Found
# anywhere in a line: a program's own output to stderr may come before it.
IMPORT_TIME = re.compile(r"import time:\s+(\d+) \|\s+\d+ \| +(\S+)")


def package_times(importtime: str) -> dict[str, int]:
    """Microseconds of each top-level package's own modules in the output of `-X importtime`."""
    totals: dict[str, int] = defaultdict(int)
    for own, name in IMPORT_TIME.findall(importtime):
        totals[name.split(".")[0]] += int(own)
    return totals


def imported_modules(importtime: str) -> set[str]:
    return {name for _, name in IMPORT_TIME.findall(importtime)}


def least_of(least: dict[str, int], times: dict[str, int]) -> dict[str, int]:
    return {name: min(micro, least.get(name, micro)) for name, micro in times.items()}


def print_package_times(times: dict[str, int], what: str) -> None:
    ranked = sorted(times.items(), key=lambda item: -item[1])
    print(f"\n{what} imports (-X importtime: each package's own modules, largest first):")
    print(", ".join(f"{name} {micro / 1000:.1f} ms" for name, micro in ranked if micro >= 500))


def repertoire_file(db: Path | None, cases: int) -> Path:
    """`db`, or benchmarks/out/cases-N.db, generated if missing, and upgraded if an older coptui
    made it (the runs open it read-only, which refuses an older schema)."""
    from coptui.store import Repertoire

    db = (db or HERE / "out" / f"cases-{cases}.db").resolve()
    if not db.exists():
        db.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "--cases", str(cases), "-o", str(db)], check=True
        )
    Repertoire.open(db).close()
    return db


def print_table(samples: dict[str, list[tuple[float, float]]], floor: str) -> None:
    """Medians of (wall, CPU) samples of each run, and their ratios to the floor's."""
    medians = {
        what: (statistics.median(s[0] for s in got), statistics.median(s[1] for s in got))
        for what, got in samples.items()
    }
    floor_wall, floor_cpu = medians[floor]
    print("| run | wall | CPU | × floor (wall) | × floor (CPU) |")
    print("| --- | --- | --- | --- | --- |")
    for what, (wall, cpu) in medians.items():
        ratios = f"{wall / floor_wall:.2f}× | {cpu / floor_cpu:.2f}×"
        print(f"| {what} | {wall:,.0f} ms | {cpu:,.0f} ms | {ratios} |")


def print_import_times(argv: list[str], what: str, env: dict[str, str] | None = None) -> None:
    print_package_times(import_times(argv, env), what)


FLOOR = "floor: python -c, the same SQL"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--db", type=Path, help="default: benchmarks/out/cases-N.db, generated if missing")
    parser.add_argument("--text", default="runbook")
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--before", type=Path, help="a checkout whose coptui to measure as well")
    parser.add_argument("--importtime", action="store_true", help="print what `coptui search` imports")
    args = parser.parse_args()
    db = repertoire_file(args.db, args.cases)
    # The `coptui` script installed beside this Python, as a shell runs it; else `python -m coptui`.
    script = Path(sys.executable).with_name("coptui")
    coptui = [sys.executable, str(script)] if script.exists() else [sys.executable, "-m", "coptui"]
    command = [*coptui, "--db", str(db), "search", args.text, "--limit", str(args.limit)]
    runs: dict[str, tuple[list[str], dict[str, str] | None]] = {
        "coptui search": (command, None),
        FLOOR: ([sys.executable, "-c", floor_script(db, args.text, args.limit)], None),
    }
    if args.before:
        earlier = {**os.environ, "PYTHONPATH": str(args.before.resolve())}
        runs["coptui search, before"] = (command, earlier)
    compile_bytecode(args.before)
    for argv, env in runs.values():
        measured(argv, env)  # once unmeasured: bytecode compiled, files in the page cache
    samples: dict[str, list[tuple[float, float]]] = {what: [] for what in runs}
    for _ in range(args.repeat):
        for what, (argv, env) in runs.items():
            samples[what].append(measured(argv, env))
    print(f"`coptui search {args.text}` on {db.name}, medians of {args.repeat}, alternating\n")
    print_table(samples, FLOOR)
    if args.importtime:
        print_import_times(runs["coptui search"][0], "`coptui search`")


if __name__ == "__main__":
    main()

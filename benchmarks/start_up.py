"""Start-up to first screen against the floor app: `python benchmarks/start_up.py --cases 2000`.

`coptui browse --read-only` and the floor app of `run.py` (a bare Textual app composing the
same widgets) on pseudo-terminals, in alternating rounds, each until the community's name is
drawn: the medians of that wall time and of the CPU the process had spent by then (from
/proc), and their ratios to the floor's. `--before DIR` runs the coptui found in DIR (a
checkout of an earlier commit) in the same rounds, and the time until the overview's list and
story are drawn too. `--importtime` prints what `coptui browse --read-only` imports until its
first screen is drawn (`-X importtime` of the command itself on a pseudo-terminal, so that what
it imports as it runs counts as well as what its modules import), by top-level package, and
which coptui modules (for the checkout too), then the imports alone timed to the microsecond
of CPU (`python -c` of the modules, the child's rusage).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from cli_search import (  # noqa: E402
    compile_bytecode,
    imported_modules,
    least_of,
    measured,
    package_times,
    print_package_times,
    print_table,
    repertoire_file,
)
from run import FLOOR_APP, Drawn, on_terminal  # noqa: E402

FLOOR = "floor: the bare app"
# What `coptui browse` imports before it draws: the command line, its command, the app.
FIRST_SCREEN_IMPORTS = "import coptui.cli, coptui.cli.reading, coptui.ui.app"
# What the floor app imports: its first lines.
FLOOR_IMPORTS = ";".join(FLOOR_APP.strip().splitlines()[:2])


def cpu_ms(pid: int) -> float:
    """The CPU time (user + system) process `pid` has spent so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


# The community's name, in the masthead (the floor's first widget); then what coptui's overview
# draws once its list is read (its last group's heading, with the count) and its story.
FIRST_SCREEN = b"Benchmark Guild"
OVERVIEW_FILLED = (b"Latest cases (", b"A generated repertoire")


def first_screen(argv: list[str], *, filled: bool = False) -> list[tuple[float, float]]:
    """Wall time until "Benchmark Guild" is drawn, and the CPU spent by then, in ms; with `filled`,
    also until the overview's list and story are drawn."""
    with on_terminal(argv) as (pid, fd):
        drawn = Drawn(fd)
        times = [(drawn.until(FIRST_SCREEN) * 1000, cpu_ms(pid))]
        if filled:
            wall = max(drawn.until(text) for text in OVERVIEW_FILLED) * 1000
            times.append((wall, cpu_ms(pid)))
        return times


def imports_to_first_screen(browse: list[str], runs: int = 5) -> tuple[dict[str, int], list[str]]:
    """What `browse` (`coptui browse --read-only`, or the floor app, on a pseudo-terminal) imports
    until its first screen is drawn, as `-X importtime` counts it: each top-level package's own
    modules, the least of `runs` runs, and the coptui modules (without the package's name in
    front). Everything the command does before it draws counts, not only what its modules import.

    Textual draws on stderr, where `-X importtime` writes too: both go to a file, read until the
    first screen is in it."""
    least: dict[str, int] = {}
    modules: set[str] = set()
    python = browse.index(sys.executable) + 1
    argv = [*browse[:python], "-X", "importtime", *browse[python:]]
    with tempfile.TemporaryDirectory() as folder:
        for run in range(runs):
            log = Path(folder) / f"stderr-{run}"
            with on_terminal(["sh", "-c", f'exec "$@" 2>"{log}"', "sh", *argv]):
                began = time.perf_counter()
                while not log.exists() or FIRST_SCREEN not in log.read_bytes():
                    if time.perf_counter() - began > 30:
                        raise TimeoutError(f"no first screen in {log.read_bytes()[-2000:]!r}")
                    time.sleep(0.005)
            written = log.read_text(errors="replace")
            least = least_of(least, package_times(written))
            modules |= imported_modules(written)
    return least, sorted(name.removeprefix("coptui.") for name in modules if name.startswith("coptui."))


def print_import_cpu(rounds: int, before: Path | None) -> None:
    """The first screen's imports and the floor's, alone, in alternating rounds: finer CPU
    figures than the ticks of /proc, for the part of start-up that imports."""
    first_screen = [sys.executable, "-c", FIRST_SCREEN_IMPORTS]
    runs: dict[str, tuple[list[str], dict[str, str] | None]] = {
        "coptui's imports": (first_screen, None),
        "floor's imports": ([sys.executable, "-c", FLOOR_IMPORTS], None),
    }
    if before:
        runs["coptui's imports, before"] = (first_screen, {**os.environ, "PYTHONPATH": str(before)})
    samples: dict[str, list[tuple[float, float]]] = {what: [] for what in runs}
    for _ in range(rounds):
        for what, (argv, env) in runs.items():
            samples[what].append(measured(argv, env))
    print(f"\nThe imports alone, medians of {rounds} alternating rounds\n")
    print_table(samples, "floor's imports")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--db", type=Path, help="default: benchmarks/out/cases-N.db, generated if missing")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--before", type=Path, help="a checkout whose coptui to measure as well")
    parser.add_argument("--importtime", action="store_true", help="print what the first screen imports")
    args = parser.parse_args()
    db = repertoire_file(args.db, args.cases)
    floor_script = Path(tempfile.mkdtemp()) / "floor.py"
    floor_script.write_text(FLOOR_APP)
    browse = [sys.executable, "-m", "coptui", "--db", str(db), "browse", "--read-only"]
    runs = {"coptui browse --read-only": browse, FLOOR: [sys.executable, str(floor_script)]}
    if args.before:
        runs["coptui browse --read-only, before"] = ["env", f"PYTHONPATH={args.before.resolve()}", *browse]
    compile_bytecode(args.before)
    os.chdir("/")  # not the checkout, whose coptui would shadow the one under test
    for argv in runs.values():
        first_screen(argv)  # once unmeasured: bytecode compiled, files in the page cache
    samples: dict[str, list[tuple[float, float]]] = {what: [] for what in runs}
    filled: dict[str, list[tuple[float, float]]] = {what: [] for what in runs}
    for _ in range(args.rounds):
        for what, argv in runs.items():
            times = first_screen(argv, filled=what != FLOOR)
            samples[what].append(times[0])
            filled[what].append(times[-1])  # the floor fills its table before its first frame
    print(f"start-up to first screen on {db.name}, medians of {args.rounds} alternating rounds\n")
    print_table(samples, FLOOR)
    print("\n... to the overview's list and story drawn (the floor: its first screen, table filled)\n")
    print_table(filled, FLOOR)
    if args.importtime:
        for what, argv in runs.items():
            own, modules = imports_to_first_screen(argv)
            print_package_times(own, f"`{what}`, to its first screen,")
            if modules:
                print(f"\nIts coptui modules: {', '.join(modules)}")
        print_import_cpu(args.rounds, args.before and args.before.resolve())


if __name__ == "__main__":
    main()

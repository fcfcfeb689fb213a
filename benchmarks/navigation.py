"""Key to story in the browser's case list: `python benchmarks/navigation.py --cases 100000`.

Presses `down` in the case list of the real browser (headless, through Pilot; see
`ui.navigation`) and reports, per key, the time to the cursor moved, to the story handed
to the detail pane, to the frame that draws it, and the CPU the process spent from the key
to that frame; then the floor app (`ui.NavigationFloor`) on the same stories. Each run is a
process of its own. `--before DIR` measures the coptui package found in DIR (a checkout of
an earlier commit: `git archive REV | tar -x -C DIR`) too, in alternate rounds with this one,
so both see the same machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Run in a child: `ui.navigation` with the coptui package of the tree given (or the installed one).
CHILD = """
import json, sys
from dataclasses import asdict
from pathlib import Path
tree, bench, db, presses = sys.argv[1:5]
if tree:
    # An editable install finds coptui before sys.path does: leave it out, so `tree`'s is imported.
    sys.meta_path = [f for f in sys.meta_path if not getattr(f, "__module__", "").startswith("__editable__")]
    sys.path.insert(0, tree)
sys.path.insert(1, bench)
import ui
import coptui
assert not tree or Path(coptui.__file__).is_relative_to(tree), coptui.__file__
print(json.dumps(asdict(ui.navigation(Path(db), int(presses)))))
"""

FLOOR = """
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import ui
stories = ui.case_stories(Path(sys.argv[2]), int(sys.argv[3]) + 1)
to_drawn, cpu = ui.navigation_floor(stories)
print(json.dumps({"to_drawn": to_drawn, "cpu": cpu}))
"""


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _child(code: str, *args: str) -> dict[str, list[float]]:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(done.stderr)
    return dict(json.loads(done.stdout.splitlines()[-1]))


def _cell(values: list[float]) -> str:
    return f"{statistics.median(values):,.1f} ms | {_p95(values):,.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="default: benchmarks/out/cases-N.db (run.py generates it)")
    parser.add_argument("--presses", type=int, default=50, help="keys per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", type=Path, help="a checkout whose coptui to measure as well")
    args = parser.parse_args()
    db = (args.db or HERE / "out" / f"cases-{args.cases}.db").resolve()
    if not db.exists():
        sys.exit(f"No repertoire at {db}: run `python benchmarks/generate.py --cases {args.cases}` first.")
    trees = {"now": ""}
    if args.before:
        trees = {"before": str(args.before.resolve()), **trees}
    samples: dict[str, dict[str, list[float]]] = {name: {} for name in [*trees, "floor"]}
    for _ in range(args.rounds):
        for name, tree in trees.items():
            keys = _child(CHILD, tree, str(HERE), str(db), str(args.presses))
            for figure, values in keys.items():
                samples[name].setdefault(figure, []).extend(values)
        floor = _child(FLOOR, str(HERE), str(db), str(args.presses))
        for figure, values in floor.items():
            samples["floor"].setdefault(figure, []).extend(values)
    keys = args.rounds * args.presses
    load = os.getloadavg()[0]
    print(f"{args.cases:,} cases · {keys} keys a run · {os.cpu_count()} cores · load average {load:.1f}\n")
    print("| run | to cursor, median | p95 | to story drawn, median | p95 | CPU per key, median | p95 |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, figures in samples.items():
        cursor = _cell(figures["to_cursor"]) if "to_cursor" in figures else "— | —"
        print(f"| {name} | {cursor} | {_cell(figures['to_drawn'])} | {_cell(figures['cpu'])} |")


if __name__ == "__main__":
    main()

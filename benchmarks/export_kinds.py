"""CPU of making each kind of page of a folder export: `python benchmarks/export_kinds.py --db FILE`.

Makes every page `coptui export repertoire` writes, in one process and writing nothing
(`streamed_pages`, read a slice at a time from the file opened read-only), and adds up the
CPU time (`time.process_time`) each kind took: practices, sessions (their minutes), cases,
topics, members and the community's index page. Reading a slice counts to the kind of the
page made first from it: a run of sessions is read for its minutes and for the pages of the
cases first presented at them, and counts to sessions. `--before DIR` times the coptui found
in DIR as well (a checkout of an earlier commit: `git archive REV | tar -x -C DIR`), in
alternating rounds, each in a fresh process; `--repeat N` runs N rounds and shows each
kind's least CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

KINDS = ("practices", "sessions", "cases", "topics", "members", "index.md")

# Run in a process of its own, with the coptui under test first on its path.
TIMED = """
import json, sys, time
from collections import defaultdict
from pathlib import Path
from coptui.export.pages import streamed_pages
from coptui.store import Repertoire

cpu, pages, size = defaultdict(float), defaultdict(int), defaultdict(int)
with Repertoire.open(Path(sys.argv[1]), read_only=True) as repertoire:
    began = time.process_time()
    for path, text in streamed_pages(repertoire.export_reads()):
        text = text if isinstance(text, str) else "".join(text)  # the index page comes in parts
        now = time.process_time()
        kind = path.partition("/")[0]
        cpu[kind] += now - began
        pages[kind] += 1
        size[kind] += len(text.encode())
        began = now
print(json.dumps({kind: [cpu[kind], pages[kind], size[kind]] for kind in cpu}))
"""


def timed(db: Path, coptui: Path | None) -> dict[str, list[float]]:
    """CPU seconds, pages and bytes of each kind, made by the coptui in `coptui` (None: this one)."""
    env = {**os.environ, "PYTHONPATH": str(coptui.resolve())} if coptui else None
    # From an empty folder, so that no checkout's coptui comes ahead of the one meant.
    done = subprocess.run(
        [sys.executable, "-c", TIMED, str(db)], env=env, cwd="/", capture_output=True, text=True, check=True
    )
    measured: dict[str, list[float]] = json.loads(done.stdout)
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a repertoire file (opened read-only)")
    parser.add_argument("--before", type=Path, help="a checkout whose coptui to measure as well")
    parser.add_argument("--repeat", type=int, default=1, help="rounds; each kind's least CPU is shown")
    args = parser.parse_args()
    db = args.db.resolve()
    trees: dict[str, Path | None] = {"before": args.before, "now": None} if args.before else {"now": None}
    least: dict[str, dict[str, list[float]]] = {what: {} for what in trees}
    for _ in range(args.repeat):
        # Each round times every coptui once, so that a busy spell of the machine hits them alike.
        for what, tree in trees.items():
            for kind, (cpu, pages, size) in timed(db, tree).items():
                held = least[what].get(kind)
                least[what][kind] = [min(cpu, held[0]) if held else cpu, pages, size]
    now, before = _with_total(least["now"]), _with_total(least.get("before", {}))
    print(f"CPU of making the pages of {db.name}, one process, least of {args.repeat}\n")
    print("| kind | pages | MiB | " + ("CPU before | " if before else "") + "CPU |")
    print("| --- | ---: | ---: | " + ("---: | " if before else "") + "---: |")
    for kind in [*KINDS, "total"]:
        cpu, pages, size = now[kind]
        cells = [kind, f"{pages:,.0f}", f"{size / 2**20:,.1f}"]
        if before:
            cells.append(f"{before[kind][0]:.2f} s")
        cells.append(f"{cpu:.2f} s" + (f" ({cpu / before[kind][0] - 1:+.0%})" if before else ""))
        print("| " + " | ".join(cells) + " |")


def _with_total(kinds: dict[str, list[float]]) -> dict[str, list[float]]:
    """The kinds, and their sum as `total` (none if there are no kinds)."""
    if not kinds:
        return {}
    return {**kinds, "total": [sum(measured[i] for measured in kinds.values()) for i in range(3)]}


if __name__ == "__main__":
    main()

"""Keys sent in one burst, as tmux (or SSH) delivers them: where they end, run after run.

    .venv/bin/python benchmarks/key_bursts.py [--runs 6] [--before DIR]

Opens `coptui demo` in a tmux window (80x24, then 160x45), waits for its first screen, and sends
one burst with a single `tmux send-keys` call; then reads the screen as tmux draws it until it
has stayed the same for a second. Each burst has one right outcome, the one the same keys typed
slowly give:

- `/failover` enter ↓ `e`: the strategy ↓ moved to (Strategy 30) in the detail, and no form
  (`e` edits cases, not strategies);
- `/failover` enter `e`: the first hit's case form ("Edit case");
- shift+tab ↓ tab ↓ `e`: from the overview to the Cases pane, the form of its second case.

Prints, per tree, size and burst, how many runs ended right, what the others showed, and the
time from the burst to its last change on screen (median; tmux is read every 20 ms). `--before
DIR` runs the coptui package in DIR (`git archive REV coptui | tar -x -C DIR`) too, in turns
with this one, so both see the same machine. The windows are in a tmux server of their own
(`tmux -L coptui-bench-keys`), each closed after its run.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = [(80, 24), (160, 45)]
BURSTS = {
    "/failover enter ↓ e": (["/", *"failover", "Enter", "Down", "e"], "strategy 30, no form"),
    "/failover enter e": (["/", *"failover", "Enter", "e"], "form: A database failover pages 60"),
    # From the overview to the Cases pane, and e on its second row.
    "shift+tab ↓ tab ↓ e": (["BTab", "Down", "Tab", "Down", "e"], "form: Terraform drift from console"),
}
FIRST_SCREEN_SECONDS = 60.0
STILL_FOR = 1.0  # the screen has not changed for this long: the burst has ended where it ends
SETTLE_AT_MOST = 15.0
POLL = 0.02
SERVER = "coptui-bench-keys"  # the tmux server's socket name: the windows are in one of their own

# Put first on the path of a Python whose editable install would find this checkout's coptui.
SHIM = """
import sys
sys.meta_path = [f for f in sys.meta_path if not getattr(f, "__module__", "").startswith("__editable__")]
sys.path.insert(0, {tree!r})
"""


def tmux(*arguments: str) -> str:
    # A tmux server of its own: others' sessions are never touched.
    command = ["tmux", "-L", SERVER, *arguments]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def new_window(session: str, size: tuple[int, int], command: str) -> None:
    """Open `command` in a tmux session of its own; once more if the server was just exiting (the
    last run's session was its last), as tmux then refuses the first try."""
    arguments = ("new-session", "-d", "-s", session, "-x", str(size[0]), "-y", str(size[1]), command)
    try:
        tmux(*arguments)
    except subprocess.CalledProcessError:
        time.sleep(0.5)
        tmux(*arguments)


def outcome(screen: str) -> str:
    lines = screen.splitlines()
    if "Edit case · F2 saves" in screen:
        # The title field's value: the form's first words, under its label unless scrolled past it.
        top = next(i for i, line in enumerate(lines) if "╭─ Edit case" in line)
        column = lines[top].index("╭─ Edit case") + 2
        # Each line's words up to the form's edge, without the scroll bar drawn beside a field.
        shown = [line[column:].split("│")[0].rstrip(" ▁▂▃▄▅▆▇█").strip() for line in lines[top + 1 : top + 4]]
        first = next((words for words in shown if words not in ("", "Title")), "")
        return "form: " + first[:34]
    if "Strategy 30" in screen and "F2 saves" not in screen:
        return "strategy 30, no form"
    return "no form, and not on Strategy 30"


def one_run(command: str, size: tuple[int, int], keys: list[str], session: str) -> tuple[str, float]:
    """One window, one burst: what it ended on, and how long after the burst it last changed."""
    new_window(session, size, command)
    try:
        deadline = time.monotonic() + FIRST_SCREEN_SECONDS
        while "SRE Guild" not in tmux("capture-pane", "-p", "-t", session):
            if time.monotonic() > deadline:
                return "no first screen", 0.0
            time.sleep(0.1)
        time.sleep(1.0)  # the overview's panes read, as a person would wait to see them
        sent = time.monotonic()
        tmux("send-keys", "-t", session, *keys)
        screen, changed = "", sent
        while time.monotonic() - changed < STILL_FOR and time.monotonic() - sent < SETTLE_AT_MOST:
            now = tmux("capture-pane", "-p", "-t", session)
            if now != screen:
                screen, changed = now, time.monotonic()
            time.sleep(POLL)
        return outcome(screen), changed - sent
    finally:
        subprocess.run(["tmux", "-L", SERVER, "kill-session", "-t", session], capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=6, help="runs of each burst, at each size, per tree")
    parser.add_argument("--before", type=Path, help="a checkout whose coptui to run as well")
    args = parser.parse_args()
    python = shlex.quote(sys.executable)
    trees = {"now": f"{python} -m coptui demo"}
    with tempfile.TemporaryDirectory() as folder:
        if args.before:
            shim = Path(folder, "shim")
            shim.mkdir()
            (shim / "sitecustomize.py").write_text(SHIM.format(tree=str(args.before.resolve())))
            env = f"PYTHONPATH={shlex.quote(str(shim))}"
            trees = {"before": f"cd {shlex.quote(folder)} && {env} {python} -m coptui demo", **trees}
        results: dict[tuple[str, tuple[int, int], str], list[tuple[str, float]]] = {}
        for run in range(args.runs):
            for size in SIZES:
                for burst, (keys, _) in BURSTS.items():
                    for name, command in trees.items():
                        session = f"coptui-bench-keys-{os.getpid()}-{run}"
                        results.setdefault((name, size, burst), []).append(
                            one_run(command, size, keys, session)
                        )
    load = os.getloadavg()[0]
    print(f"{args.runs} runs each · {os.cpu_count()} cores · load average {load:.1f}\n")
    print("| tree | size | burst | right | the others | burst to last change, median |")
    print("| --- | --- | --- | --- | --- | --- |")
    for (name, size, burst), ran in results.items():
        right = BURSTS[burst][1]
        others = sorted({seen for seen, _ in ran if not seen.startswith(right)})
        count = sum(seen.startswith(right) for seen, _ in ran)
        median = statistics.median(seconds for _, seconds in ran) * 1000
        shown = "; ".join(others) or "—"
        print(f"| {name} | {size[0]}x{size[1]} | {burst} | {count}/{len(ran)} | {shown} | {median:,.0f} ms |")


if __name__ == "__main__":
    main()

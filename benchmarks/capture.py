"""Capture under pressure: Enter → durable, bursts, and SIGKILLs at random moments, quiet or loaded.

    python benchmarks/capture.py                 # quiet machine
    python benchmarks/capture.py --load          # one CPU-burning process per core
    python benchmarks/capture.py --kills 100 --load
    python benchmarks/capture.py --locked-kills 10 --locked-only

`coptui run` runs on a pseudo-terminal as a facilitator's would. "Enter → durable" is the time
from writing Enter to the terminal until the entry's row is in the capture journal, seen
through a second connection: what a kill at that moment would keep. The kill run types
entries and phase keys, kills the process at a random moment, resumes, and counts entries
lost (Entered and drawn as taken, yet not journalled), filed in the wrong phase, or filed
twice. The locked kill run holds the file's write lock (as a `sqlite3` shell in a transaction
would) while entries are Entered, kills the app with the lock still held, and counts entries
lost after a resume. Figures are reported, never asserted; the suite's kill tests assert the counts.
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import os
import random
import select
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import drain, on_terminal, read_until  # noqa: E402

from coptui.demo import demo_document  # noqa: E402
from coptui.store import Repertoire  # noqa: E402

F4, F5 = "\x1b[14~", "\x1b[15~"
LAST_REACHABLE_PHASE = 2  # F5 on the last phase asks before ending: the run never goes there
COPTUI = [sys.executable, "-m", "coptui"]


def _burn() -> None:
    while True:
        pass


@contextmanager
def loaded(load: bool) -> Iterator[None]:
    """Every core busy while the block runs, when `load` is set."""
    burners = (
        [multiprocessing.Process(target=_burn, daemon=True) for _ in range(os.cpu_count() or 1)]
        if load
        else []
    )
    for burner in burners:
        burner.start()
    try:
        yield
    finally:
        for burner in burners:
            burner.kill()


def fresh_repertoire(folder: Path) -> Path:
    path = folder / "capture.db"
    document = demo_document()
    with Repertoire.create(path, document.community) as repertoire:
        repertoire.load(document)
    return path


def read_for(fd: int, seconds: float) -> bytes:
    """What the program draws in the next `seconds`."""
    seen = b""
    end = time.perf_counter() + seconds
    while (left := end - time.perf_counter()) > 0:
        if select.select([fd], [], [], min(left, 0.02))[0]:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


def journal(db: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT command, text FROM capture_journal ORDER BY id").fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()


def wait_for_rows(db: Path, count: int, timeout: float = 30.0) -> float:
    """Seconds until the journal holds `count` rows, polled every half millisecond on one connection
    (opening one per poll would take the app's CPU on a small machine)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        began = time.perf_counter()
        while time.perf_counter() - began < timeout:
            if conn.execute("SELECT count(*) FROM capture_journal").fetchone()[0] >= count:
                return time.perf_counter() - began
            time.sleep(0.0005)
    finally:
        conn.close()
    raise TimeoutError(f"the journal did not reach {count} rows")


def start_args(db: Path) -> list[str]:
    return [
        *COPTUI,
        "--db",
        str(db),
        "run",
        "--title",
        "Capture bench",
        "--facilitator",
        "ana",
        "--attendee",
        "ben",
    ]


def durability(db: Path, entries: int, bursts: int) -> tuple[list[float], list[float]]:
    """Enter → durable for single entries, and the time for a burst of 10 to be durable."""
    singles: list[float] = []
    burst_times: list[float] = []
    with on_terminal(start_args(db), 80, 24) as (_, fd):
        read_until(fd, b"check-in")
        rows = len(journal(db))
        for n in range(entries):
            os.write(fd, f"entry {n}".encode())
            drain(fd, 0.05)
            os.write(fd, b"\r")
            singles.append(wait_for_rows(db, rows + 1) * 1000)
            rows += 1
            drain(fd, 0.02)
        for b in range(bursts):
            began = time.perf_counter()
            os.write(fd, "".join(f"burst {b}.{n}\r" for n in range(10)).encode())
            wait_for_rows(db, rows + 10)
            burst_times.append((time.perf_counter() - began) * 1000)
            rows += 10
            drain(fd, 0.1)
    return singles, burst_times


def kills(db: Path, count: int, seed: int) -> dict[str, int]:
    """Kill `coptui run` at random moments while it is typed into; count what went wrong."""
    rng = random.Random(seed)
    with on_terminal(start_args(db), 80, 24) as (_, fd):
        read_until(fd, b"check-in")
    phase, typed_entries, lost, taken_total = 0, 0, 0, 0
    expected: dict[str, int] = {}
    for kill in range(count):
        before = len(journal(db))
        keys: list[tuple[str, str]] = []
        planned = phase  # the phase the keys below leave the session in: never past the third
        for n in range(rng.randint(2, 6)):
            keys.append(("entry", f"k{kill}n{n} entry"))
            roll = rng.random()
            if roll < 0.2 and planned < LAST_REACHABLE_PHASE:
                keys.append(("next_phase", ""))
                planned += 1
            elif roll < 0.3 and planned > 0:
                keys.append(("previous_phase", ""))
                planned -= 1
        shown = b""
        with on_terminal([*COPTUI, "--db", str(db), "run", "--resume"], 80, 24) as (_, fd):
            read_until(fd, b"resumed at")
            for command, text in keys:
                key = text + "\r" if command == "entry" else F5 if command == "next_phase" else F4
                os.write(fd, key.encode())
                shown += read_for(fd, rng.uniform(0, 0.15))
            shown += read_for(fd, rng.uniform(0, 0.8))
        added = journal(db)[before:]
        entries = [t for c, t in keys if c == "entry"]
        typed_entries += len(entries)
        journalled = {t for c, t in added if c == "entry"}
        if b"not filed yet" not in shown:
            taken = {e for e, later in itertools.pairwise(entries) if later.split()[0].encode() in shown}
            taken_total += len(taken)
            lost += len(taken - journalled)
        for command, text in added:
            phase += {"next_phase": 1, "previous_phase": -1}.get(command, 0)
            if command == "entry":
                expected[text] = phase
    with on_terminal([*COPTUI, "--db", str(db), "run", "--resume"], 80, 24) as (_, fd):
        read_until(fd, b"resumed at")
        drain(fd, 2.0)
    conn = sqlite3.connect(db)
    notes = conn.execute(
        "SELECT text, phase FROM notes WHERE session_id = (SELECT max(id) FROM sessions) ORDER BY id"
    ).fetchall()
    conn.close()
    texts = [t for t, _ in notes]
    return {
        "kills": count,
        "entries typed": typed_entries,
        "entries journalled": len(expected),
        "entries taken before the kill": taken_total,
        "lost (taken, not journalled)": lost,
        "journalled, never filed": len(set(expected) - set(texts)),
        "filed twice": len(texts) - len(set(texts)),
        "filed in the wrong phase": sum(1 for t, p in notes if expected.get(t, p) != p),
    }


def kills_under_a_lock(db: Path, count: int, per_kill: int) -> dict[str, object]:
    """Hold the file's write lock, Enter `per_kill` entries, SIGKILL the app with the lock still
    held, let the lock go; `count` times, then resume once and count what was filed."""
    with on_terminal(start_args(db), 80, 24) as (_, fd):
        read_until(fd, b"check-in")
    typed: list[str] = []
    kept_ms: list[float] = []
    for kill in range(count):
        holder = sqlite3.connect(db, isolation_level=None)
        with on_terminal([*COPTUI, "--db", str(db), "run", "--resume"], 80, 24) as (_, fd):
            read_until(fd, b"resumed at")
            holder.execute("BEGIN IMMEDIATE")
            for n in range(per_kill):
                text = f"locked k{kill}n{n}"
                began = time.perf_counter()
                os.write(fd, f"{text}\r".encode())
                if wait_for_kept(db, text):
                    kept_ms.append((time.perf_counter() - began) * 1000)
                typed.append(text)
            read_until(fd, b"not filed yet")
        holder.execute("ROLLBACK")  # only now: the app was killed with the lock held
        holder.close()
    with on_terminal([*COPTUI, "--db", str(db), "run", "--resume"], 80, 24) as (_, fd):
        read_until(fd, b"resumed at", timeout=60)
        drain(fd, 1.0)
    conn = sqlite3.connect(db)
    filed = [
        t
        for (t,) in conn.execute(
            "SELECT text FROM notes WHERE session_id = (SELECT max(id) FROM sessions) ORDER BY id"
        )
    ]
    conn.close()
    return {
        "kills with the lock held": count,
        "entries Entered under the lock": len(typed),
        "Enter → kept beside the file, median": f"{statistics.median(kept_ms):.1f} ms" if kept_ms else "n/a",
        "Enter → kept beside the file, max": f"{max(kept_ms):.1f} ms" if kept_ms else "n/a",
        "lost (Entered, not filed after resume)": len(set(typed) - set(filed)),
        "filed twice": len(filed) - len(set(filed)),
        "filed out of order": int(
            [t for t in filed if t in set(typed)] != [t for t in typed if t in set(filed)]
        ),
    }


def wait_for_kept(db: Path, text: str, timeout: float = 5.0) -> bool:
    """Wait until `text` is in a side journal beside `db`; False if it is not within `timeout`
    (a coptui without one: its pending line is then all there is)."""
    folder = db.with_name(f"{db.name}-capture")
    needle = json.dumps(text).encode()
    began = time.perf_counter()
    while time.perf_counter() - began < timeout:
        if any(needle in p.read_bytes() for p in folder.glob("*.jsonl")):
            return True
        time.sleep(0.0005)
    return False


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--load", action="store_true", help="keep every core busy while measuring")
    parser.add_argument("--entries", type=int, default=100)
    parser.add_argument("--bursts", type=int, default=10)
    parser.add_argument("--kills", type=int, default=0, help="also kill the app this many times")
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument(
        "--locked-kills", type=int, default=0, help="kill the app this many times while a lock is held"
    )
    parser.add_argument("--locked-only", action="store_true", help="skip Enter → durable")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, loaded(options.load):
        if options.locked_kills:
            (Path(folder) / "locked").mkdir()
            locked_db = fresh_repertoire(Path(folder) / "locked")
            for name, value in kills_under_a_lock(locked_db, options.locked_kills, 3).items():
                print(f"{name}: {value}")
            if options.locked_only:
                return
        db = fresh_repertoire(Path(folder))
        singles, bursts = durability(db, options.entries, options.bursts)
        print(f"machine: {os.cpu_count()} cores, {'every core busy' if options.load else 'quiet'}")
        print("| figure | median | p90 | p99 | max | target |")
        print("|---|---|---|---|---|---|")
        target = "≤ 100 ms" if options.load else "≤ 20 ms"
        for name, values, goal in (
            ("Enter → durable", singles, f"p99 {target}"),
            ("burst of 10 → all durable", bursts, "≤ 200 ms"),
        ):
            print(
                f"| {name} | {statistics.median(values):.1f} ms | {percentile(values, 0.9):.1f} ms "
                f"| {percentile(values, 0.99):.1f} ms | {max(values):.1f} ms | {goal} |"
            )
        if options.kills:
            db.unlink()
            for suffix in ("-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            db = fresh_repertoire(Path(folder))
            for name, value in kills(db, options.kills, options.seed).items():
                print(f"{name}: {value}")


if __name__ == "__main__":
    main()

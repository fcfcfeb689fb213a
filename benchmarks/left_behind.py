"""Lines left behind by a participant's screen that went away: what looking for them costs the
facilitator's process, and how soon they are filed once the lock goes.

    python benchmarks/left_behind.py                       # 30 live participants, 200 looks
    python benchmarks/left_behind.py --participants 5 --looks 50

The facilitator's recorder looks beside the file for side journals of participants' processes
that have gone (`LeftBehind.file`) every second and before each batch of its own keys. With
every participant alive, each look opens their files and finds them locked. Reported, never
asserted:

- *a look, nobody gone*: CPU (process_time) and wall time of one look with `--participants`
  live participants' files beside the file (held by another process), and with none;
- *a burst filed*: the facilitator's recorder carries out `--entries` notes pressed at once; CPU
  (process_time, every thread) and wall time per entry, from the first press to the last filed.
  Each command carried out looks first for members' lines Entered before it (so that every
  journal is carried out in the order pressed): with `--participants` live files beside the file,
  and with none;
- *filed after the lock goes*: a participant killed with two lines kept beside the file while
  another connection held the write lock; from the lock released to both lines filed by the
  facilitator's recorder (one look a second, so about half a second on average).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import participants as participants_benchmark  # noqa: E402

from coptui.facilitation import LiveSession  # noqa: E402
from coptui.facilitation.left_behind import FiledForMember, LeftBehind  # noqa: E402
from coptui.facilitation.recorder import Pending, Recorder, Result  # noqa: E402
from coptui.models import Command, CommandKind  # noqa: E402
from coptui.store import Repertoire  # noqa: E402
from coptui.store.journal import CaptureJournal  # noqa: E402

HOLD_FILES = """
import sys
from datetime import UTC, datetime
from pathlib import Path
from coptui.models import Command, CommandKind
from coptui.store.side_journal import SideJournal

path, session, members = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
held = []
for member in members:
    side = SideJournal(path, member)
    line = Command(kind=CommandKind.ENTRY, text="kept", pressed_at=datetime.now(UTC), record_key=member)
    side.keep(session, [line])
    held.append(side)
print("held", flush=True)
sys.stdin.read()
"""


def prepare(folder: Path, participants: int) -> tuple[Path, int, list[str]]:
    """The many-writers benchmark's repertoire: a session live with `participants` more members."""
    path, handles = participants_benchmark.prepare(folder, participants)
    with Repertoire.open(path) as repertoire:
        live = repertoire.live_session()
    assert live is not None and live.id is not None
    return path, live.id, handles


def hold_files(path: Path, session_id: int, members: Sequence[str]) -> subprocess.Popen[str]:
    """Another process keeps a line beside the file for each of `members`, and stays alive."""
    process = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(HOLD_FILES), str(path), str(session_id), *members],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline() == "held\n"
    return process


def looks(path: Path, session_id: int, count: int) -> tuple[list[float], list[float]]:
    """CPU and wall seconds of `count` looks for lines left behind."""
    cpu, wall = [], []
    with Repertoire.open(path) as repertoire:
        journal = CaptureJournal(path)
        left = LeftBehind(journal)
        clock = LiveSession.resume(repertoire).clock
        try:
            for _ in range(count):
                c0, w0 = time.process_time(), time.perf_counter()
                assert left.file(repertoire, session_id, clock) == []
                cpu.append(time.process_time() - c0)
                wall.append(time.perf_counter() - w0)
        finally:
            journal.close()
    return cpu, wall


class Listener:
    def __init__(self) -> None:
        self.filed = threading.Event()
        self.carried = 0
        self.all_carried = threading.Event()
        self.expected = 0

    def opened(self, live: Any, view: Any, replayed: Sequence[tuple[Command, Result]]) -> None: ...

    def open_failed(self, error: Exception) -> None:
        raise SystemExit(f"the session did not open: {error}")

    def carried_out(self, command: Command, result: Result) -> None:
        self.carried += 1
        if self.carried == self.expected:
            self.all_carried.set()

    def viewed(self, view: Any) -> None: ...

    def pending_changed(self, pending: Sequence[Pending], problem: str | None) -> None: ...

    def filed_left_behind(self, filed: Sequence[FiledForMember]) -> None:
        if filed:
            self.filed.set()


def facilitators_recorder(repertoire: Repertoire, listener: Listener) -> Recorder[LiveSession, Any]:
    """The facilitator's recorder on the live session, filing the lines members left behind
    (those Entered `before` a moment; a coptui from before the order across journals asks
    without one)."""
    journal = CaptureJournal(repertoire.path)
    left = LeftBehind(journal)

    def file_left_behind(live: LiveSession, before: datetime | None = None) -> list[FiledForMember]:
        later = () if before is None else (before,)
        return left.file(live.repertoire, live.session_id, live.clock, *later)

    return Recorder(journal, lambda: LiveSession.resume(repertoire), listener, left_behind=file_left_behind)


def filed_after_the_lock(path: Path, session_id: int, member: str) -> float:
    """Seconds from the lock released to a killed participant's two kept lines filed."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    process = hold_files(path, session_id, [member])
    process.kill()
    process.wait()
    listener = Listener()
    with Repertoire.open(path) as repertoire:
        recorder = facilitators_recorder(repertoire, listener)
        recorder.start()
        try:
            time.sleep(1.5)  # a look or two while the lock is held: nothing can be filed
            released = time.perf_counter()
            holder.execute("ROLLBACK")
            if not listener.filed.wait(60):
                raise SystemExit("the lines left behind were never filed")
            return time.perf_counter() - released
        finally:
            recorder.stop()
            holder.close()


def burst_filed(path: Path, entries: int) -> tuple[float, float]:
    """CPU and wall seconds per entry for the facilitator's recorder to carry out `entries` notes
    pressed at once, in the session's problem-sharing phase."""
    listener = Listener()
    listener.expected = entries
    with Repertoire.open(path) as repertoire:
        recorder = facilitators_recorder(repertoire, listener)
        recorder.start()
        try:
            while not recorder.idle:
                time.sleep(0.01)
            c0, w0 = time.process_time(), time.perf_counter()
            for n in range(entries):
                recorder.press(CommandKind.ENTRY, f"burst note {n}")
            if not listener.all_carried.wait(120):
                raise SystemExit("the burst was never filed")
            return (time.process_time() - c0) / entries, (time.perf_counter() - w0) / entries
        finally:
            recorder.stop()


def ms(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"median {statistics.median(ordered) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms"


def each(cpu: float, wall: float) -> str:
    return f"CPU {cpu * 1000:.2f} ms, wall {wall * 1000:.2f} ms an entry"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--looks", type=int, default=200)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--entries", type=int, default=200, help="notes in the burst filed")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        path, session_id, handles = prepare(Path(folder), args.participants)
        cpu, wall = looks(path, session_id, args.looks)
        print(f"a look, no participant files beside the file: CPU {ms(cpu)}; wall {ms(wall)}")
        cpu_each, wall_each = burst_filed(path, args.entries)
        print(f"a burst of {args.entries} notes filed, no participant files: {each(cpu_each, wall_each)}")
        process = hold_files(path, session_id, handles)
        try:
            cpu, wall = looks(path, session_id, args.looks)
            cpu_each, wall_each = burst_filed(path, args.entries)
        finally:
            process.kill()
            process.wait()
        print(f"a look, {args.participants} live participants' files: CPU {ms(cpu)}; wall {ms(wall)}")
        said = f"a burst of {args.entries} notes filed, {args.participants} live participants' files"
        print(f"{said}: {each(cpu_each, wall_each)}")
        for path_ in Path(folder).glob("*-capture/*.jsonl"):
            path_.unlink()  # the holder's files: not lines anyone Entered
        delays = [
            filed_after_the_lock(path, session_id, handles[n % len(handles)]) for n in range(args.kills)
        ]
        said = f"lines left by a killed participant, filed after the lock went: {ms(delays)}"
        print(f"{said} ({args.kills} kills)")
        print(f"at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")


if __name__ == "__main__":
    main()

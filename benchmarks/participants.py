"""Many writers: a facilitator typing and thirty participants voting in bursts, into one file.

    python benchmarks/participants.py                    # 30 participants, 6 bursts
    python benchmarks/participants.py --participants 10 --bursts 2

Each participant is a process of its own, with its own connection, joined to the live
session as a participant's screen would be, and files through the recorder's path: its
command journalled (`CaptureJournal(member=...)`), then carried out and settled in one
transaction (`Participant.perform`). All of them press a key in the same moment, burst
after burst (a dot vote, a note, a strategy, in turn), while the facilitator's process types a note every
200 ms and watches the file as the session screen does: it polls `data_version()` and
reads its view again when another connection has committed.

Reported, never asserted (targets from issue 13):

- *write committed*: from a participant's key to its entry committed (journal + filing),
  p95 ≤ 100 ms;
- *entry visible to the facilitator*: from a participant's entry being filed to the
  facilitator's view showing it, p95 ≤ 1 s;
- entries lost (pressed, never filed) and "database is locked" failures: 0;
- peak RSS of each participant process (the engine's share of a participant's server child).
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from coptui.demo import demo_document  # noqa: E402
from coptui.facilitation import LiveSession, SessionPlan  # noqa: E402
from coptui.facilitation.participant import Participant  # noqa: E402
from coptui.formats import DEFAULT_FORMAT, find_format  # noqa: E402
from coptui.models import Command, CommandKind, Member  # noqa: E402
from coptui.store import Repertoire, RepertoireBusy  # noqa: E402
from coptui.store.journal import CaptureJournal  # noqa: E402

SOLVING = 2
FACILITATOR_EVERY = 0.2  # seconds between the facilitator's notes
POLL_EVERY = 0.05  # how often the facilitator's screen looks at data_version


def prepare(folder: Path, participants: int) -> tuple[Path, list[str]]:
    """A demo repertoire with `participants` more members, a session live in problem solving."""
    path = folder / "participants.db"
    document = demo_document()
    handles = [f"p{n:02}" for n in range(participants)]
    with Repertoire.create(path, document.community) as repertoire:
        repertoire.load(document)
        for handle in handles:
            repertoire.add_member(Member(handle=handle, name=f"Participant {handle}"))
        facilitator = repertoire.members()[0].handle
        plan = SessionPlan(find_format(DEFAULT_FORMAT), facilitator, handles, title="Many writers")
        live = LiveSession.start(repertoire, plan)
        live.jump_to(SOLVING)
        assert live.enter(f"#case @{handles[0]} Alert fatigue at night").ok
        assert live.enter(f"#strategy @{facilitator} Route low-urgency alerts to tickets").ok
    return path, handles


def press(journal: CaptureJournal, engine: Any, session_id: int, text: str) -> tuple[float, bool, str, int]:
    """One key, the recorder's way: journalled, then carried out, each tried again while the file
    is busy as the recorder does; (seconds, filed, message, tries that found the file busy)."""
    began, busy = time.perf_counter(), 0
    key = Command(kind=CommandKind.ENTRY, text=text, pressed_at=datetime.now(UTC))
    while True:
        try:
            command = journal.append(session_id, [key])[0]
            break
        except RepertoireBusy:
            busy += 1
    while True:
        try:
            result = engine.perform(command)
            break
        except RepertoireBusy:
            busy += 1
    return time.perf_counter() - began, result.ok, result.message, busy


def participant(path: Path, member: str, bursts: int, start: Any, results: Any) -> None:
    """A participant's process: join, then one key in each burst: a vote, a note, a strategy, in turn."""
    repertoire = Repertoire.open(path)
    journal = CaptureJournal(path, member=member)
    me = Participant.join(repertoire, member, via="ssh")
    seconds: list[float] = []
    failures: list[str] = []
    busy = 0
    for burst in range(bursts):
        text = ("#vote 1", f"{member} note {burst}", f"#strategy {member} idea {burst}")[burst % 3]
        start.wait()
        took, ok, message, waited = press(journal, me, me.session_id, text)
        seconds.append(took)
        busy += waited
        if not ok:
            failures.append(message)
    results.put((member, seconds, failures, busy, peak_rss_kib()))
    journal.close()
    repertoire.close()


def peak_rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def facilitate(path: Path, until: Any, seen: Any) -> None:
    """The facilitator's process: a note every 200 ms, and the view read again on every commit."""
    repertoire = Repertoire.open(path)
    live = LiveSession.resume(repertoire)
    journal = CaptureJournal(path)
    shown: dict[int, float] = {}
    latencies: list[float] = []
    typed: list[float] = []
    version = repertoire.data_version()
    last_note, stop_by = 0.0, float("inf")
    while not until.is_set() or (len(shown) < seen.get("expected", 0) and time.monotonic() < stop_by):
        now = time.monotonic()
        if until.is_set() and stop_by == float("inf"):
            stop_by = now + 10  # what is not seen by then counts as not shown
        if now - last_note >= FACILITATOR_EVERY and not until.is_set():
            took, *_ = press(
                journal, live, live.session_id, f"@{live.session.facilitator} a facilitator note"
            )
            typed.append(took)
            last_note = now
        current = repertoire.data_version()
        if current != version:
            version = current
            live.view()  # what the session screen reads to redraw
            at = datetime.now(UTC)
            for entry in live.participant_entries_since(max(shown, default=0)):
                shown[entry.id] = (at - entry.filed_at).total_seconds()
                latencies.append(shown[entry.id])
        time.sleep(POLL_EVERY)
    seen["latencies"] = latencies
    seen["typed"] = typed
    journal.close()
    repertoire.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=30)
    parser.add_argument("--bursts", type=int, default=6)
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as folder:
        path, handles = prepare(Path(folder), args.participants)
        manager = context.Manager()
        start = context.Barrier(len(handles))
        until = context.Event()
        seen = manager.dict(expected=len(handles) * args.bursts)
        results = context.Queue()
        watcher = context.Process(target=facilitate, args=(path, until, seen))
        watcher.start()
        writers = [
            context.Process(target=participant, args=(path, handle, args.bursts, start, results))
            for handle in handles
        ]
        for writer in writers:
            writer.start()
        reports = [results.get() for _ in writers]
        for writer in writers:
            writer.join()
        until.set()
        watcher.join(timeout=120)
        with Repertoire.open(path) as repertoire:
            live = repertoire.live_session()
            assert live is not None and live.id is not None
            filed = len(repertoire.participant_entries(live.id))
            unsettled = sum(len(repertoire.unsettled_commands(live.id, h)) for h in handles)
        latencies, typed = list(seen.get("latencies", [])), list(seen.get("typed", []))
        manager.shutdown()

    commits = [s for _, seconds, *_ in reports for s in seconds]
    failures = [f for _, _, fails, *_ in reports for f in fails]
    busy = sum(waited for *_, waited, _ in reports)
    rss = [kib for *_, kib in reports]
    expected = len(handles) * args.bursts

    def ms(value: float) -> str:
        return f"{value * 1000:,.1f} ms"

    print(f"{len(handles)} participants, {args.bursts} bursts of a key each, one facilitator typing\n")
    print("| measure | median | p95 | max | target |")
    print("|---|---|---|---|---|")
    print(
        f"| participant's write committed | {ms(statistics.median(commits))} | "
        f"{ms(percentile(commits, 0.95))} | {ms(max(commits))} | p95 ≤ 100 ms |"
    )
    if typed:
        print(
            f"| facilitator's write committed | {ms(statistics.median(typed))} | "
            f"{ms(percentile(typed, 0.95))} | {ms(max(typed))} | — |"
        )
    if latencies:
        print(
            f"| participant's entry on the facilitator's view | {ms(statistics.median(latencies))} | "
            f"{ms(percentile(latencies, 0.95))} | {ms(max(latencies))} | p95 ≤ 1 s |"
        )
    print(f"\nfiled {filed} of {expected} participant entries; {unsettled} journalled and never carried out")
    print(f"refusals: {len(failures)}" + (f" (first: {failures[0]})" if failures else ""))
    print(f"times a write found the file busy past its timeout (tried again, as the recorder does): {busy}")
    median, most = statistics.median(rss) / 1024, max(rss) / 1024
    print(f"participant process peak RSS: median {median:.1f} MiB, max {most:.1f} MiB")


if __name__ == "__main__":
    main()

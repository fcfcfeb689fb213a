"""A participant's entry on the facilitator's screen: from filed to drawn, with the screen's own poll.

    python benchmarks/participant_on_screen.py                 # 30 entries
    python benchmarks/participant_on_screen.py --entries 100

The facilitator's session screen runs in Textual's headless driver with its real timers; a
participant (a connection of its own, joined as `coptui serve --participants` would join
it) files one check-in at a time, and the clock runs until the screen draws it. The
screen notices other programs' writes by polling the file's data version
(`coptui/ui/screens/recording.py`), so the figure includes the wait for the next poll.
Reported, never asserted; issue 13's target is p95 ≤ 1 s. `benchmarks/participants.py`
measures the engine's side of many writers at once.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from textual.app import App

from coptui.demo import demo_document
from coptui.facilitation import LiveSession, SessionPlan
from coptui.facilitation.participant import Participant
from coptui.formats import DEFAULT_FORMAT, find_format
from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp


def drawn(app: App[None], text: str) -> bool:
    return any(text in strip.text for strip in app.screen._compositor.render_strips())


async def measure(folder: Path, entries: int) -> list[float]:
    path = folder / "on-screen.db"
    document = demo_document()
    with Repertoire.create(path, document.community) as repertoire:
        repertoire.load(document)
        LiveSession.start(
            repertoire, SessionPlan(find_format(DEFAULT_FORMAT), "ana", ["ben"], title="Timing")
        )
    seconds: list[float] = []
    with Repertoire.open(path) as own, Repertoire.open(path) as facilitators:
        ben = Participant.join(own, "ben", via="ssh")
        app = CoptuiApp(facilitators, launch="resume")
        async with app.run_test(size=(120, 40)) as pilot:
            while not drawn(app, "Facilitator: ana"):
                await pilot.pause(0.01)
            for n in range(entries):
                text = f"check-in {n} from ben"
                start = time.perf_counter()
                assert ben.enter(text).ok
                while not drawn(app, text):
                    await asyncio.sleep(0.005)
                seconds.append(time.perf_counter() - start)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        seconds = sorted(asyncio.run(measure(Path(folder), args.entries)))
    p95 = seconds[max(0, round(0.95 * len(seconds)) - 1)]
    p50, most = statistics.median(seconds), seconds[-1]
    print(
        f"participant's entry on the facilitator's screen: n={len(seconds)} "
        f"p50={p50 * 1000:.0f} ms p95={p95 * 1000:.0f} ms max={most * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()

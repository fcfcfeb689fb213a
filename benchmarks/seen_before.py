"""From the last key of a case title to the "seen before" panel drawn beside it, in a live session.

    python benchmarks/seen_before.py                      # 100,000 cases, 15 cases shared
    python benchmarks/seen_before.py --cases 2000 --repeat 3

A facilitator shares cases (`#case @who title`, Enter) in a live session on a copy of a
generated repertoire, through Textual's Pilot in this process. Each sample runs from the
Enter that ends the title to the moment the panel has drawn the cases most like it; the
floor is the same Enter to the case itself drawn in the workspace (filed, and the session
read back), which the lookup follows. The store's own `similar_cases` for each case is
reported too. Then the session moves to its report-back phase, where the matters arising
are listed, and reports back on as many (`#report N`): Enter to the matter drawn as
reported. Timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import write as generate_repertoire  # noqa: E402

from coptui.facilitation import LiveSession, SessionPlan, SessionView  # noqa: E402
from coptui.formats import find_format  # noqa: E402
from coptui.store import Repertoire  # noqa: E402
from coptui.ui.app import CoptuiApp  # noqa: E402
from coptui.ui.widgets.seen_before import SeenBefore  # noqa: E402
from coptui.ui.widgets.workspace import PhaseWorkspace  # noqa: E402

SIZE = (120, 40)
WORDS = [
    "alert",
    "pages",
    "night",
    "deploy",
    "freeze",
    "postgres",
    "latency",
    "rota",
    "handover",
    "certificate",
    "backlog",
]


async def _until(condition: Callable[[], bool], timeout: float = 60.0) -> float:
    """The moment `condition` holds, polled while the app's own tasks run."""
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the session never showed what was asked for")
        await asyncio.sleep(0.0005)
    return time.perf_counter()


def titles(repeat: int) -> list[str]:
    rng = random.Random(7)
    return [f"{' '.join(rng.sample(WORDS, 4)).capitalize()} again, case {n}" for n in range(repeat)]


async def share_cases(db: Path, repeat: int) -> tuple[list[float], list[float], list[float], list[float]]:
    """Share `repeat` cases; for each: Enter to panel, Enter to case drawn, and the store's lookup.
    Then report back on as many matters arising."""
    with Repertoire.open(db) as repertoire:
        facilitator, *members = [m.handle for m in repertoire.members()[:5]]
        live = LiveSession.start(repertoire, SessionPlan(find_format("cop-meeting"), facilitator, members))
        live.next_phase()  # problem sharing
        app = CoptuiApp(repertoire, launch="resume")
        to_panel: list[float] = []
        to_case: list[float] = []
        in_store: list[float] = []
        async with app.run_test(size=SIZE) as pilot:
            workspace = app.screen.query_one(PhaseWorkspace)
            panel = app.screen.query_one(SeenBefore)
            await _until(lambda: workspace.border_title is not None)
            panel_at: dict[str, float] = {}
            case_at: dict[str, float] = {}
            answered, show = panel.answered, workspace.show

            def answered_now(answer: Any) -> None:
                answered(answer)
                if panel.asked is not None:
                    panel_at.setdefault(panel.asked[1], time.perf_counter())

            def shown_now(view: SessionView) -> None:
                show(view)
                if view.focused_case is not None:
                    case_at.setdefault(view.focused_case.title, time.perf_counter())

            panel.answered = answered_now  # type: ignore[method-assign]
            workspace.show = shown_now  # type: ignore[method-assign]
            for title in titles(repeat):
                await pilot.press(*f"#case @{members[0]} {title}")
                began = time.perf_counter()
                await pilot.press("enter")
                await _until(lambda t=title: t in panel_at)  # type: ignore[misc]
                to_panel.append((panel_at[title] - began) * 1000)
                to_case.append((case_at[title] - began) * 1000)
                case_id = repertoire.session_cases(live.session_id)[-1].id
                assert case_id is not None
                store_began = time.perf_counter()
                repertoire.similar_cases(case_id)
                in_store.append((time.perf_counter() - store_began) * 1000)
            reported = await report_back(pilot, workspace, repeat)
        return to_panel, to_case, in_store, reported


async def report_back(pilot: Any, workspace: PhaseWorkspace, repeat: int) -> list[float]:
    """In the report-back phase: Enter on `#report N` to the matter drawn as reported."""
    await pilot.press("f5", "f5")  # problem solving, then report-back
    await _until(lambda: workspace.border_title is not None and "Report" in str(workspace.border_title))
    drawn: dict[int, float] = {}
    show = workspace.show

    def shown_now(view: SessionView) -> None:
        show(view)
        for matter in view.matters.page if view.matters is not None else ():
            if matter.report is not None:
                drawn.setdefault(matter.number, time.perf_counter())

    workspace.show = shown_now  # type: ignore[method-assign]
    samples = []
    for number in range(1, repeat + 1):
        await pilot.press(*f"#report {number} worked Tried it, number {number}")
        began = time.perf_counter()
        await pilot.press("enter")
        await _until(lambda n=number: n in drawn)  # type: ignore[misc]
        samples.append((drawn[number] - began) * 1000)
    return samples


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--out", type=Path, default=HERE / "out", help="where generated repertoires are kept")
    args = parser.parse_args()
    source = args.out / f"cases-{args.cases}.db"
    if not source.exists():
        source.parent.mkdir(parents=True, exist_ok=True)
        generate_repertoire(source, args.cases)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / source.name
        shutil.copyfile(source, db)  # the session writes: the generated file stays as it was
        began = time.process_time()
        to_panel, to_case, in_store, reported = asyncio.run(share_cases(db, args.repeat))
        cpu = time.process_time() - began
    print(f"seen before · {args.cases:,} cases · {args.repeat} cases shared\n")
    print("| figure | median | p95 | target |\n|---|---|---|---|")
    after_case = [panel - case for panel, case in zip(to_panel, to_case, strict=True)]
    for name, samples, target in (
        ("Enter to seen before on screen", to_panel, "≤ 100 ms"),
        ("floor: Enter to the case on screen", to_case, ""),
        ("the panel after the case", after_case, ""),
        ("similar_cases in the store", in_store, "≤ 50 ms p95"),
        ("report-back phase: Enter on #report N to it drawn", reported, ""),
    ):
        print(f"| {name} | {statistics.median(samples):,.1f} ms | {p95(samples):,.1f} ms | {target} |")
    print(f"\nCPU time of the whole run (process_time): {cpu:,.1f} s")


if __name__ == "__main__":
    main()

"""The many-writers benchmark still runs: three participants, one burst, every figure reported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCHMARK = Path(__file__).resolve().parent.parent / "benchmarks" / "participants.py"


def test_the_many_writers_benchmark_runs_and_files_every_entry() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARK), "--participants", "3", "--bursts", "3"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    rows = [
        line.split(" | ")[0].removeprefix("| ") for line in done.stdout.splitlines() if line.startswith("| ")
    ]
    assert rows[1:] == [
        "participant's write committed",
        "facilitator's write committed",
        "participant's entry on the facilitator's view",
    ]
    assert "filed 9 of 9 participant entries; 0 journalled and never carried out" in done.stdout
    assert "refusals: 0" in done.stdout

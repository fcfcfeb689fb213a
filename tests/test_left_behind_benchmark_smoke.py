"""The left-behind benchmark still runs: a few participants, a few looks, one kill."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCHMARK = Path(__file__).resolve().parent.parent / "benchmarks" / "left_behind.py"


def test_the_left_behind_benchmark_runs_and_reports_every_figure() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARK), "--participants", "3", "--looks", "5", "--kills", "1"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    said = done.stdout
    assert "a look, no participant files beside the file: CPU median" in said
    assert "a look, 3 live participants' files: CPU median" in said
    assert "lines left by a killed participant, filed after the lock went: median" in said

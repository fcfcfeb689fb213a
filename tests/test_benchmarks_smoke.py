"""The benchmarks still run: `benchmarks/run.py --quick` on a small generated repertoire."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

RUN = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"


def test_the_quick_benchmarks_run_and_report_every_figure(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(RUN), "--quick", "--cases", "300", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    table = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    names = [line.split(" | ")[0].removeprefix("| ") for line in table[2:]]
    assert names == [
        "start-up to first screen",
        "browser peak RSS",
        "search (store, per keystroke)",
        "search as you type (key to results)",
        "list navigation (key to cursor moved)",
        "list navigation (key to story shown)",
        "list navigation (CPU from key to story)",
        "live follow (write to live pane)",
        "similar cases for a new case (store)",
        "practices ranked: first page (store)",
        "practices ranked: further pages (store)",
        "Practices pane: first page on screen",
        "minutes of a session",
        "repertoire export",
        "import (JSON → new file)",
    ]
    assert (tmp_path / "cases-300.db").exists()


def test_the_export_benchmark_runs_beside_its_floor(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(RUN.parent / "export.py"),
            "--cases",
            "100",
            "--db",
            str(tmp_path / "cases-100.db"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    runs = [
        line.split(" | ")[0].removeprefix("| ") for line in done.stdout.splitlines() if line.startswith("| ")
    ]
    assert runs[2:] == [
        "export",
        "export again, nothing changed",
        "floor: the same files from plain Python",
        "floor, each file under a temporary name renamed into place",
    ]
    assert "- export: first process " in done.stdout  # and each process of it

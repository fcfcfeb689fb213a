"""The start-up and shell-search benchmarks still run and report each run beside its floor."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.mark.parametrize(
    ("script", "options", "runs"),
    [
        ("cli_search.py", ["--repeat", "1"], ["coptui search", "floor: python -c, the same SQL"]),
        ("start_up.py", ["--rounds", "1"], ["coptui browse --read-only", "floor: the bare app"]),
    ],
)
def test_the_benchmark_reports_each_run_beside_its_floor(
    script: str, options: list[str], runs: list[str], tmp_path: Path
) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), "--cases", "50", "--db", str(tmp_path / "c.db"), *options],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    # Each table (start-up has two: to the first screen, to the overview filled) lists every run.
    tables = [table.splitlines() for table in done.stdout.split("\n\n") if table.startswith("| ")]
    assert tables
    for table in tables:
        assert [line.split(" | ")[0].removeprefix("| ") for line in table[2:]] == runs

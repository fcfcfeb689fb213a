"""The SSH capacity benchmark still runs, with members on OpenSSH's own `ssh` client."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SSH_SESSIONS = Path(__file__).resolve().parent.parent / "benchmarks" / "ssh_sessions.py"


def test_the_ssh_benchmark_logs_members_in_with_openssh_and_reports_each_count() -> None:
    done = subprocess.run(
        [sys.executable, str(SSH_SESSIONS), "--members", "1,2", "--floor-repeat", "1", "--openssh"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    rows = [line.split(" | ") for line in done.stdout.splitlines() if line.startswith("| ")]
    assert [row[0] for row in rows[2:]] == ["| 1", "| 2"]
    assert all(row[8].endswith(" MiB") and row[-2].endswith(" s") for row in rows[2:])  # USS, server CPU
    assert "capacity: " in done.stdout

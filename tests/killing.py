"""Killing a process at a known moment: it prints a line there, then waits to be killed."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def kill_when_it_says(line: str, script: str, *args: str) -> None:
    """Run `script` with `args`; SIGKILL it once it has printed `line` (where it then blocks on stdin)."""
    process = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    said = process.stdout.readline()
    process.kill()
    process.wait(timeout=30)
    assert said == f"{line}\n", f"it ended before {line!r}"

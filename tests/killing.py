"""Killing a process at a known moment: it prints a line there, then waits to be killed."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path


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


def endless_pages(pid_file: str) -> Iterator[tuple[str, str]]:
    """Pages for the second process of an export that never run out: it writes its pid to
    `pid_file` first, then makes page after page (over the same ten files) until stopped."""
    # Whole or not at all: the first process goes on as soon as the file is there.
    Path(f"{pid_file}.part").write_text(str(os.getpid()), encoding="utf-8")
    os.replace(f"{pid_file}.part", pid_file)
    for n in itertools.count():
        yield f"cases/{n % 10:04d}-page.md", f"page {n}\n"


def gone(pid: int) -> bool:
    """Process `pid` has exited (a zombie waiting for its new parent to reap it counts)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status

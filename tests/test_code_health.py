"""The checks beside the tests, run as tests: the one command a user (and CI) runs makes them too.

Each runs the tool as a developer would, from the project's folder with its settings
in pyproject.toml, and shows what the tool said when it finds something.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHECKS = {
    "ruff": [["ruff", "check", "."]],
    # The tests and the benchmarks each import their helpers by module name, so each is
    # checked on its own (mypy would meet `benchmarks/generate.py` twice), one after the
    # other, as they share mypy's cache.
    "mypy": [["mypy", "coptui", "tests"], ["mypy", "benchmarks"]],
    "vulture (dead code)": [["vulture"]],
}


@pytest.mark.parametrize("check", CHECKS)
def test_the_code_passes(check: str) -> None:
    for command in CHECKS[check]:
        done = subprocess.run(
            [sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout}{done.stderr}"


def test_ci_runs_the_readme_test_command_word_for_word() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Run the tests", 1)[1]
    command = section.split("```sh\n", 1)[1].split("\n```", 1)[0].strip()
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and line[0] not in "#"]
    assert ci[-1] == command

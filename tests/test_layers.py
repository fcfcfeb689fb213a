"""The layers stay apart: nothing below the UI imports Textual, and importing does nothing."""

from __future__ import annotations

import subprocess
import sys


def run_python(*lines: str) -> None:
    """Run `lines` in a fresh interpreter, so that what it imports is all its own."""
    done = subprocess.run(
        [sys.executable, "-c", "\n".join(lines)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


def test_store_engine_and_cli_do_not_import_textual() -> None:
    run_python(
        "import sys",
        "import coptui.cli, coptui.store, coptui.models, coptui.interchange, coptui.formats, coptui.export",
        "import coptui.export.folder, coptui.export.html, coptui.export.minutes",
        "import coptui.facilitation",
        "assert 'textual' not in sys.modules, 'textual imported below the UI'",
    )


def test_browsing_starts_without_the_live_session_engine() -> None:
    """`coptui browse`, and every member over SSH, starts faster for not loading what runs a session."""
    run_python(
        "import sys",
        "import coptui.cli, coptui.ui.app",
        "engine = ('coptui.facilitation', 'coptui.ui.screens.session')",
        "loaded = [m for m in sys.modules if m.startswith(engine)]",
        "assert not loaded, loaded",
    )

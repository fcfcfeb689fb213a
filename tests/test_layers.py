"""The layers stay apart: nothing below the UI imports Textual, and importing does nothing."""

from __future__ import annotations

import subprocess
import sys


def test_store_engine_and_cli_do_not_import_textual() -> None:
    code = (
        "import sys\n"
        "import coptui.cli, coptui.store, coptui.models, coptui.interchange, coptui.formats, coptui.export\n"
        "import coptui.export.folder, coptui.export.html, coptui.export.minutes\n"
        "import coptui.facilitation\n"
        "assert 'textual' not in sys.modules, 'textual imported below the UI'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_browsing_starts_without_the_live_session_engine() -> None:
    """`coptui browse`, and every member over SSH, starts faster for not loading what runs a session."""
    code = (
        "import sys\n"
        "import coptui.cli, coptui.ui.app\n"
        "engine = ('coptui.facilitation', 'coptui.ui.screens.session')\n"
        "loaded = [m for m in sys.modules if m.startswith(engine)]\n"
        "assert not loaded, loaded\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr

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

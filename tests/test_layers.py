"""The layers stay apart: nothing below the UI imports Textual, and importing does nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


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


def test_browsing_starts_without_the_exporters_or_the_formats() -> None:
    """The browser's stories use the export's dates, not its pages, minutes or session formats."""
    run_python(
        "import sys",
        "import coptui.cli, coptui.cli.reading, coptui.ui.app",
        "unused = ('coptui.export.api', 'coptui.export.pages', 'coptui.export.minutes', 'coptui.formats')",
        "loaded = [m for m in sys.modules if m.startswith(unused)]",
        "assert not loaded, loaded",
    )


# What a browser that has drawn its home and read its lists must not have imported: what only
# a folder export or minutes use, what only writing uses (the migrations, sqlite-utils), the
# edit forms' multi-line box, and what only recording a session uses (the side journals, whose
# pydantic model builds its validator at import, looking up pydantic's plugins in every
# installed package's metadata).
NOT_ON_THE_FIRST_SCREEN = (
    "coptui.export",
    "coptui.store.export_reads",
    "coptui.store.export_rows",
    "coptui.store.practice_export",
    "coptui.store.schema",
    "coptui.store.side_journal",
    "coptui.store.journal",
    "coptui.facilitation",
    "sqlite_utils",
    "textual.widgets._text_area",
    "importlib.metadata",
)

# `coptui browse --read-only` run as the command line runs it, its app drawn headless instead of
# on the terminal: everything the command does around the app (who signed in, the file opened,
# the hang-up's clean-up) imports what it imports.
BROWSE_HEADLESS = """
import asyncio, sys
sys.path.insert(0, {tests!r})
from coptui.cli import launch
from coptui.cli.root import main
from ui_helpers import screen_lines, settle

drawn = []

def run_headless(app):
    async def first_screen():
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            drawn.append("\\n".join(screen_lines(app)))
    asyncio.run(first_screen())

launch.need_terminal = lambda command: None
import textual.app
textual.app.App.run = run_headless
try:
    main(["--db", {db!r}, "browse", "--read-only"])
except SystemExit as ended:
    assert not ended.code, ended.code
assert "SRE Guild" in drawn[0] and "Latest cases" in drawn[0], drawn
loaded = sorted(m for m in sys.modules if m.startswith({unused!r}))
assert not loaded, loaded
"""


def test_the_first_screen_imports_no_exporter_no_writer_and_no_recorder(db_path: Path) -> None:
    """Opened as `coptui browse --read-only` (and every member over SSH) opens it, drawn, its lists
    and story read."""
    tests = str(Path(__file__).parent)
    run_python(BROWSE_HEADLESS.format(tests=tests, db=str(db_path), unused=NOT_ON_THE_FIRST_SCREEN))


def test_the_command_line_imports_only_click_until_a_command_runs() -> None:
    """Each command pays for the store, pydantic and the rest only when it runs and needs them."""
    run_python(
        "import sys",
        "import coptui.cli",
        "heavy = ('coptui.store', 'coptui.models', 'pydantic', 'sqlite_utils', 'textual', 'asyncssh')",
        "loaded = sorted(m for m in sys.modules if m.startswith(heavy))",
        "assert not loaded, loaded",
    )


# Each runs `coptui` to the end in a fresh interpreter, then lists what it imported.
DRAWS_NOTHING = {
    "search": ["search", "tickets"],
    "search --json": ["search", "tickets", "--json"],
    "sessions": ["sessions"],
    "members list": ["members", "list"],
    "export json": ["export", "json"],
    "export minutes": ["export", "minutes", "latest"],
    "export repertoire": ["export", "repertoire", "{tmp}/wiki"],
    "import": ["--db", "{tmp}/copy.db", "import", "{sample}"],
    "schema": ["schema"],
    "formats": ["formats"],
}


@pytest.mark.parametrize("argv", DRAWS_NOTHING.values(), ids=DRAWS_NOTHING.keys())
def test_commands_that_draw_nothing_import_no_textual(
    argv: list[str], db_path: Path, sample_file: Path, tmp_path: Path
) -> None:
    args = [a.format(tmp=tmp_path, sample=sample_file) for a in argv]
    run_python(
        "import sys",
        "from coptui.cli import main",
        "try:",
        f"    main({['--db', str(db_path), *args]!r})",
        "except SystemExit as done:",
        "    assert done.code == 0, done.code",
        "drawing = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'asyncssh'))",
        "assert not drawing, drawing",
    )


@pytest.mark.parametrize("argv", [["search", "tickets"], ["search", "tickets", "--json"]], ids=" ".join)
def test_searching_from_the_shell_reads_the_file_with_sqlite3_alone(argv: list[str], db_path: Path) -> None:
    """`coptui search` builds no models and opens no `Repertoire`: no pydantic, no sqlite-utils."""
    run_python(
        "import sys",
        "from coptui.cli import main",
        "try:",
        f"    main({['--db', str(db_path), *argv]!r})",
        "except SystemExit as done:",
        "    assert done.code == 0, done.code",
        "heavy = ('pydantic', 'pydantic_core', 'sqlite_utils', 'textual', 'coptui.models')",
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in heavy or m in heavy)",
        "assert not loaded, loaded",
    )


def test_the_export_package_names_its_functions_whatever_was_imported_first() -> None:
    """`coptui.export` imports its exporters lazily, yet `minutes` stays the function even when
    the submodule of that name was imported first (through `api`, or on its own)."""
    run_python(
        "import types",
        "import coptui.export.api, coptui.export.minutes",
        "from coptui.export import minutes",
        "assert not isinstance(minutes, types.ModuleType), minutes",
        "assert minutes is coptui.export.api.minutes",
    )

"""A reader's command palette offers nothing that writes, anywhere: every SSH member is a reader."""

from __future__ import annotations

from pathlib import Path

from ui_helpers import open_palette

from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp

# Every command a reader is offered: going places, reading, the look, quitting.
READ_ONLY_COMMANDS = [
    "Go to Overview",
    "Go to Cases",
    "Go to Strategies",
    "Go to Practices",
    "Go to Sessions",
    "Go to Members",
    "Go to Topics",
    "Go to Open actions",
    "Go to What has worked",
    "Go to Live session",
    "Search",
    "Filter",
    "What worked",
    "Go to a reference",
    "Back",
    "Forward",
    "Live",
    "Help",
    "High-contrast theme",
    "Keys",
    "Maximize",
    "Quit",
    "Theme",
]


async def test_a_reader_is_offered_no_command_that_writes(db_path: Path, tmp_path: Path) -> None:
    with Repertoire.open(db_path, read_only=True) as repertoire:
        app = CoptuiApp(repertoire)
        async with app.run_test(size=(100, 45)) as pilot:
            lines = await open_palette(pilot, len(READ_ONLY_COMMANDS))
            # Each command is drawn as its name over its help line.
            assert sorted(lines[::2]) == sorted(READ_ONLY_COMMANDS), lines
            assert not any("screenshot" in line.lower() or "save" in line.lower() for line in lines)
            shots = tmp_path / "downloads"
            shots.mkdir()
            app.deliver_screenshot(path=str(shots))  # what Textual's own "Screenshot" command calls
            await pilot.pause()
            assert list(shots.iterdir()) == []


async def test_a_facilitator_still_has_the_screenshot(db_path: Path) -> None:
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire)
        async with app.run_test(size=(100, 45)) as pilot:
            lines = await open_palette(pilot, len(READ_ONLY_COMMANDS) + 1)
            assert "Screenshot" in lines[::2]

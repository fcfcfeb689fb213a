"""ctrl+p offers every command of the browser by name, as the footer names it, and runs what its
key runs: starting a session, resuming one, editing what the detail shows."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette
from textual.pilot import Pilot
from ui_helpers import browser, browsing, open_palette, screen_lines, settle, words

from coptui.ui.screens.edit import EditCaseScreen
from coptui.ui.screens.start_session import StartSessionScreen
from coptui.ui.widgets.paged_list import Ref

# The keys of a writable browser with a case in the detail pane, and their names in the palette.
ON_A_CASE = {
    "s": "Start a session",
    "r": "Resume the live session",
    "?": "Help",
    "/": "Search",
    "f": "Filter",
    "w": "What worked",
    "g": "Go to a reference",
    "⌫": "Back",
    "]": "Forward",
    "l": "Live",
    "e": "Edit case",
    "n": "Report back",
    "+": "Add member",
}


async def typed_into_palette(pilot: Pilot[None], typed: str) -> list[str]:
    """Open the palette, type `typed`, and read the commands it lists, as drawn."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*typed)
    for _ in range(100):  # the providers answer in the background
        await pilot.pause()
        if any(typed in line.lower() for line in screen_lines(pilot.app)[3:]):
            break
    return [words(line.strip(" ▊▎│")) for line in screen_lines(pilot.app)]


async def test_start_in_the_palette_finds_start_a_session_and_enter_opens_it(db_path: Path) -> None:
    async with browsing(db_path) as (app, pilot):
        lines = await typed_into_palette(pilot, "start")
        assert any(line.startswith("Start a session") for line in lines), lines
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StartSessionScreen)
        assert "Start a session" in screen_lines(app)[0]


async def test_every_key_of_the_browser_is_in_the_palette_by_its_footer_name(db_path: Path) -> None:
    async with browsing(db_path, size=(160, 45)) as (app, pilot):  # wide enough for every key in the footer
        browser(app).follow(Ref("case", 2))
        await settle(pilot)
        footer = screen_lines(app)[-1]
        lines = await open_palette(pilot, len(ON_A_CASE))
        names, helps = lines[::2], lines[1::2]
        for key, name in ON_A_CASE.items():
            assert name in names, f"{name} ({key}) missing from {names}"
            assert any(f"{key})" in help or f"{key}," in help for help in helps), f"key {key} in {helps}"
        for word in ("Search", "Filter", "What worked", "Go to", "Live", "Edit case", "Report back"):
            assert word in footer and any(name.startswith(word) for name in names), word


async def test_edit_case_in_the_palette_edits_the_case_in_the_detail(db_path: Path) -> None:
    async with browsing(db_path) as (app, pilot):
        browser(app).follow(Ref("case", 2))
        await settle(pilot)
        lines = await typed_into_palette(pilot, "edit")
        assert any(line.startswith("Edit case") for line in lines), lines
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EditCaseScreen)
        assert "Runbooks nobody reads" in " ".join(screen_lines(app))

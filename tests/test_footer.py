"""The footer draws whole keys at 80 columns: in the browser the keys a pane most needs stay, the
ones offered elsewhere too (Go to, Live, Filter, What worked) give way, and help and the palette
still offer them; a wide terminal shows them all. (A member's own actions offer Enter to report
back: tests/test_form_keys.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_meeting_day import START, help_page, offers, start_live
from ui_helpers import browser, browsing, open_palette, screen_lines, settle

from coptui.facilitation import ManualClock
from coptui.ui.widgets.paged_list import Ref

EVERYWHERE = "? Help / Search f Filter w What worked g Go to ⌫ Back l Live"

# What the footer draws at 80 columns, with the detail on each kind of item.
AT_80 = {
    None: f"{EVERYWHERE} s Start q Quit",
    Ref("case", 2): "? Help / Search w What worked ⌫ Back e Edit case n Report back s Start q Quit",
    Ref("action", 2): "? Help / Search ⌫ Back a Action status n Report back s Start q Quit",
    Ref("session", 2): "? Help / Search f Filter w What worked ⌫ Back x Export minutes s Start q Quit",
    Ref("practice", 1): "? Help / Search ⌫ Back e Rename m Merge into… u Split off s Start q Quit",
    Ref("strategy", 1): "? Help / Search f Filter w What worked ⌫ Back l Live u Split off s Start q Quit",
    Ref("member", "ana"): f"{EVERYWHERE} s Start q Quit",
}

# What the item in the detail adds to the footer at 160 columns, beside every key above.
ITS_OWN = {
    None: [],
    Ref("case", 2): ["e Edit case", "n Report back"],
    Ref("action", 2): ["a Action status", "n Report back"],
    Ref("session", 2): ["x Export minutes"],
    Ref("practice", 1): ["e Rename", "m Merge into…", "u Split off"],
    Ref("strategy", 1): ["u Split off"],
    Ref("member", "ana"): [],
}


def footer(app: object) -> str:
    return " ".join(screen_lines(app)[-1].split())  # type: ignore[arg-type]


@pytest.mark.parametrize("ref", list(AT_80), ids=lambda ref: ref.kind if ref else "home")
async def test_at_80_columns_the_footer_draws_whole_the_keys_a_pane_needs_most(
    db_path: Path, ref: Ref | None
) -> None:
    async with browsing(db_path) as (app, pilot):
        if ref is not None:
            browser(app).follow(ref)
            await settle(pilot)
        assert footer(app) == AT_80[ref]
        assert len(screen_lines(app)[-1].rstrip()) < 80  # nothing cut at the edge


@pytest.mark.parametrize("ref", list(ITS_OWN), ids=lambda ref: ref.kind if ref else "home")
async def test_at_160_columns_the_footer_draws_every_key(db_path: Path, ref: Ref | None) -> None:
    async with browsing(db_path, size=(160, 45)) as (app, pilot):
        if ref is not None:
            browser(app).follow(ref)
            await settle(pilot)
        assert footer(app) == " ".join([EVERYWHERE, *ITS_OWN[ref], "s Start r Resume q Quit"])


async def test_the_keys_that_gave_way_are_in_help_and_the_palette(db_path: Path) -> None:
    async with browsing(db_path) as (app, pilot):
        browser(app).follow(Ref("practice", 1))
        await settle(pilot)
        for gone in ("f Filter", "w What worked", "g Go to", "l Live", "r Resume"):
            assert gone not in footer(app)
        page = await help_page(pilot, "question_mark")
        for keys, what in [("f ", "Filter"), ("w ", "What worked"), ("g ", "Go to"), ("l ", "Live")]:
            assert offers(page, keys, what), f"{keys} {what} missing from\n{page}"
        assert offers(page, "r ", "Resume the live session"), page
        await pilot.press("escape")
        names = (await open_palette(pilot, 12))[::2]
        for name in ("Filter", "What worked", "Go to a reference", "Live", "Resume the live session"):
            assert name in names, f"{name} missing from {names}"


async def test_the_footer_fits_again_when_the_terminal_is_resized(db_path: Path) -> None:
    async with browsing(db_path, size=(160, 45)) as (app, pilot):
        browser(app).follow(Ref("case", 2))
        await settle(pilot)
        assert "g Go to" in footer(app) and "n Report back" in footer(app)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert footer(app) == AT_80[Ref("case", 2)]
        await pilot.resize_terminal(160, 45)
        await settle(pilot)
        assert "g Go to" in footer(app) and "f Filter" in footer(app)


async def test_while_a_session_is_live_resume_stays_and_start_gives_way(db_path: Path) -> None:
    start_live(db_path, ManualClock(START))
    async with browsing(db_path) as (app, pilot):
        browser(app).follow(Ref("case", 2))
        await settle(pilot)
        assert footer(app) == "? Help / Search w What worked ⌫ Back e Edit case n Report back r Resume q Quit"
        await pilot.resize_terminal(160, 45)
        await settle(pilot)
        assert "s Start r Resume q Quit" in footer(app)

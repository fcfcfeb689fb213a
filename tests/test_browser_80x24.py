"""The browser read at 80x24 and 160x45: dialogs whole and unscrolled, references one line
each and named by what they are, and only keys a terminal can send."""

from __future__ import annotations

from pathlib import Path

from ui_helpers import browser, browsing, screen_lines, scrolled_lines, settle

from coptui.store import Repertoire
from coptui.ui.screens.filter import FilterScreen
from coptui.ui.screens.help import HelpScreen
from coptui.ui.screens.references import ReferenceScreen
from coptui.ui.widgets.paged_list import Ref

LONG = "Do a full rehearsal failover to the DR replica and back, twice a year, with the on-call team"


async def test_the_filter_shows_every_field_with_its_label_at_80x24(db_path: Path) -> None:
    async with browsing(db_path) as (app, pilot):
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FilterScreen)
        drawn = "\n".join(screen_lines(app))
        for label in ("Topic", "Case status", "Outcome reported", "From and to", "results in order of"):
            assert label in drawn, drawn
        assert "relevance" in drawn and "Apply" in drawn, drawn


async def test_references_are_one_line_each_and_actions_say_what_they_are(db_path: Path) -> None:
    with Repertoire.open(db_path) as repertoire:
        repertoire.update_strategy(repertoire.strategy(2).model_copy(update={"text": LONG}))
    async with browsing(db_path) as (app, pilot):
        browser(app).follow(Ref("case", 1))
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, ReferenceScreen)
        drawn = screen_lines(app, app.screen.query_one("OptionList").region)
        rows = [line.strip(" │") for line in drawn[1:-1] if line.strip(" │")]
        assert any(row.startswith("action 2: Start a weekly alert review") for row in rows), rows
        long = [row for row in rows if row.startswith("strategy: Do a full rehearsal")]
        assert len(long) == 1 and long[0].endswith("…"), rows
        assert not any(row.startswith("on-call team") or row.startswith("twice a year") for row in rows), rows


async def test_help_offers_no_key_a_terminal_cannot_send(db_path: Path) -> None:
    async with browsing(db_path) as (app, pilot):
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        page = "\n".join(await scrolled_lines(pilot, app.screen.query_one("#help")))
        assert "Search" in page and "Page down" in page, page  # read to its end
        assert "super" not in page, page


async def test_on_a_session_the_footer_offers_its_minutes(db_path: Path) -> None:
    async with browsing(db_path, size=(160, 45)) as (app, pilot):
        browser(app).follow(Ref("session", 2))
        await settle(pilot)
        assert "x Export minutes" in screen_lines(app)[-1]

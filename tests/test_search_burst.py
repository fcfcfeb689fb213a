"""Keys typed straight after enter in the search box move through the results, however fast
they arrive (a burst over SSH): the same place as typed slowly, never the list shown before."""

from __future__ import annotations

from pathlib import Path

from ui_helpers import browser, browsing, detail, screen_lines, settle, type_burst, words

from coptui.ui.app import CoptuiApp

KEYS = ["slash", *"alert", "enter", "down", "enter"]


def where(app: CoptuiApp) -> tuple[str, str]:
    """The list's title as drawn, and the story in the detail pane."""
    pane = browser(app).query_one("#list")
    return words(screen_lines(app, pane.region)[0]), detail(app)


async def test_down_and_enter_after_a_search_in_one_burst_open_what_they_open_typed_slowly(
    db_path: Path,
) -> None:
    async with browsing(db_path) as (app, pilot):
        for key in KEYS:
            await pilot.press(key)
            await settle(pilot)
        slowly = where(app)
    # The second result (strategy 1) opened in its pane, not the Overview's second session.
    assert slowly[0].startswith("╭─ Strategies ─")
    assert slowly[1].startswith("Strategy 1 Route low-urgency alerts to tickets")
    # Enter typed while the app starts arrives as a newline (ctrl+j): the same keys.
    newlines = [key.replace("enter", "ctrl+j") for key in KEYS]
    for size, keys in (((80, 24), KEYS), ((160, 45), KEYS), ((80, 24), newlines)):
        async with browsing(db_path, size) as (app, pilot):
            type_burst(app, keys)
            await settle(pilot)
            assert where(app)[0].startswith("╭─ Strategies ─"), (size, keys)
            assert where(app)[1] == slowly[1], (size, keys)


async def test_the_search_runs_on_every_letter_typed_before_enter(db_path: Path) -> None:
    """Enter read before the letters ahead of it reached the box still searches for all of them."""
    async with browsing(db_path) as (app, pilot):
        type_burst(app, ["slash", *"runbook", "enter"])
        await settle(pilot)
        assert screen_lines(app)[1].strip() == "runbook"
        title, story = where(app)
        assert title.startswith("╭─ Search: runbook (")
        assert story.startswith("Runbooks nobody reads")
        assert app.focused is app.screen.query_one("#list")

"""A key acts on the item the keys before it put the cursor on, however fast they come: an edit key
typed in one burst behind a search, ↓ and enter opens the form of the row ↓ moved to (or, on a row
it does not edit, nothing), and the F2 behind it saves into that item, never the first hit's."""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import OptionList
from ui_helpers import browsing, detail, screen_lines, settle, words

from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp
from coptui.ui.refs import Ref, RefKind
from coptui.ui.screens import browser, browser_search
from coptui.ui.screens.references import ReferenceScreen

SIZES = [(80, 24), (160, 45)]

# How a burst arrives: each key pressed without waiting for the app to settle (Pilot), or every key
# posted to the app before it handles any (a terminal's read over SSH).
Burst = Callable[[CoptuiApp, Pilot[None], list[str]], Awaitable[None]]


async def pressed(app: CoptuiApp, pilot: Pilot[None], keys: list[str]) -> None:
    await pilot.press(*keys)


async def posted(app: CoptuiApp, pilot: Pilot[None], keys: list[str]) -> None:
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


BURSTS = pytest.mark.parametrize("burst", [pressed, posted], ids=["pressed", "posted"])


def drawn(app: CoptuiApp) -> str:
    return words(" ".join(screen_lines(app)))


def offered(app: CoptuiApp) -> str:
    """The references the dialog in front lists, as drawn (what is behind it may still be settling)."""
    assert isinstance(app.screen, ReferenceScreen), drawn(app)
    return words(" ".join(screen_lines(app, app.screen.query_one(OptionList).region)))


def form_open(app: CoptuiApp) -> bool:
    """Whether the case form is drawn (its border says so; the footer offers `e Edit case`)."""
    return "Edit case · F2 saves" in drawn(app)


def case_titles(db_path: Path) -> dict[int, str]:
    with Repertoire.open(db_path) as repertoire:
        return {case_id: repertoire.case(case_id).title for case_id in (1, 2)}


@BURSTS
@pytest.mark.parametrize("size", SIZES)
async def test_e_after_down_edits_the_case_down_moved_to_and_f2_saves_it_there(
    db_path: Path, size: tuple[int, int], burst: Burst
) -> None:
    # "the" finds case 2 first, then case 1.
    async with browsing(db_path, size) as (app, pilot):
        await burst(app, pilot, ["slash", *"the", "enter", "down", "e"])
        await settle(pilot)
        assert form_open(app), drawn(app)
        title = app.screen.query_one("#title")
        assert words(" ".join(screen_lines(app, title.region))) == "Alert fatigue at night"
        await burst(app, pilot, ["end", *"!!", "f2"])
        await settle(pilot)
        assert not form_open(app), drawn(app)
    assert case_titles(db_path) == {1: "Alert fatigue at night!!", 2: "Runbooks nobody reads"}


@BURSTS
async def test_e_on_the_first_hit_behind_enter_edits_it(db_path: Path, burst: Burst) -> None:
    async with browsing(db_path) as (app, pilot):
        await burst(app, pilot, ["slash", *"alert", "enter", "e", "end", *"!!", "f2"])
        await settle(pilot)
        assert not form_open(app), drawn(app)
    assert case_titles(db_path) == {1: "Alert fatigue at night!!", 2: "Runbooks nobody reads"}


@BURSTS
@pytest.mark.parametrize("size", SIZES)
async def test_e_after_down_onto_a_strategy_opens_no_case_and_saves_nothing(
    db_path: Path, size: tuple[int, int], burst: Burst
) -> None:
    # "alert" finds case 1 first, then strategy 1: `e` edits no strategy.
    async with browsing(db_path, size) as (app, pilot):
        await burst(app, pilot, ["slash", *"alert", "enter", "down", "e", *"!!", "f2"])
        await settle(pilot)
        assert not form_open(app), drawn(app)
        assert detail(app).startswith("Strategy 1 Route low-urgency alerts to tickets")
    assert case_titles(db_path) == {1: "Alert fatigue at night", 2: "Runbooks nobody reads"}


@BURSTS
@pytest.mark.parametrize("size", SIZES)
async def test_e_behind_a_move_to_another_pane_edits_that_panes_case_not_the_one_shown_before(
    db_path: Path, size: tuple[int, int], burst: Burst
) -> None:
    """From the overview (its first row a session, its cases below), shift+tab ↓ tab moves to the
    Cases pane while its rows are still being read: `e` waits for them, and edits the case the
    cursor lands on there; ↓ before `e` moves in those rows, not in the overview's."""
    async with browsing(db_path, size) as (app, pilot):
        await burst(app, pilot, ["shift+tab", "down", "tab", "e", "end", *"!!", "f2"])
        await settle(pilot)
        assert not form_open(app), drawn(app)
        await burst(app, pilot, ["shift+tab", "up", "down", "tab", "down", "e", "end", *"??", "f2"])
        await settle(pilot)
        assert not form_open(app), drawn(app)
    assert case_titles(db_path) == {1: "Alert fatigue at night??", 2: "Runbooks nobody reads!!"}


@BURSTS
async def test_g_after_down_offers_the_references_of_the_row_down_moved_to(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, burst: Burst
) -> None:
    """`g` lists the links of the story under the cursor: it waits for that story to be read."""
    async with browsing(db_path) as (app, pilot):
        for key in ["slash", *"alert", "enter", "down", "g"]:
            await pilot.press(key)
            await settle(pilot)
        slowly = offered(app)
    assert "action 1: Try ticket routing" in slowly
    detail_for = browser.detail_for
    let_go = threading.Event()

    def slow_story(repertoire: Repertoire, ref: Ref | None, *args: object) -> object:
        if ref == Ref(RefKind.STRATEGY, 1):
            assert let_go.wait(60)
        return detail_for(repertoire, ref, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(browser, "detail_for", slow_story)
    async with browsing(db_path) as (app, pilot):
        await burst(app, pilot, ["slash", *"alert", "enter", "down", "g"])
        await pilot.pause()
        let_go.set()
        await settle(pilot)
        assert offered(app) == slowly


async def test_a_search_typing_ran_already_is_not_run_again_under_the_keys_behind_enter(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Enter while typing's own search for the same words is still running: its results take the
    keys behind enter, and no second load of the same results puts the cursor back on the first row."""
    search_rows = browser_search.search_rows
    running = threading.Event()
    let_go = threading.Event()

    def held_search(repertoire: Repertoire, text: str, *args: object) -> object:
        if text == "alert":
            running.set()
            assert let_go.wait(60)
        return search_rows(repertoire, text, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(browser_search, "search_rows", held_search)
    async with browsing(db_path) as (app, pilot):
        await pilot.press("slash", *"alert")
        for _ in range(1000):
            if running.is_set():
                break
            await pilot.pause(0.01)
        await pilot.press("enter", "down")
        let_go.set()
        await settle(pilot)
        assert detail(app).startswith("Strategy 1 Route low-urgency alerts to tickets"), drawn(app)

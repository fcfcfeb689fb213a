"""A paste or a click arriving in one burst behind typed keys applies after them, as done: a line
typed then a member's pasted chat are filed as two check-ins in that order, each for its own member;
the search box reads what was typed, then what was pasted; a click behind ↓ lands last."""

from __future__ import annotations

from pathlib import Path

from test_session_others import facilitating
from textual import events
from textual.app import App
from textual.widgets import OptionList
from ui_helpers import browsing, current, screen_lines, settle, type_burst, words

from coptui.store import Repertoire
from coptui.ui.refs import Ref, RefKind


def drawn(app: App[None]) -> str:
    return words(" ".join(screen_lines(app)))


async def test_a_paste_behind_a_typed_check_in_is_the_next_members_check_in(db_path: Path) -> None:
    async with facilitating(db_path) as (app, pilot):
        await pilot.press("A", "backspace")  # the screen has had keys: nothing waits for it to open
        await settle(pilot)
        type_burst(app, [*"Ana fine", "enter"])
        app.post_message(events.Paste("ben line one\nben line two"))
        await settle(pilot)
        assert "Ana fine" in drawn(app) and "ben line one" in drawn(app)
    with Repertoire.open(db_path) as repertoire:
        filed = [(n.author, n.kind.value, n.text) for n in repertoire.notes(session=3)]
    assert filed == [("ana", "check_in", "Ana fine"), ("ben", "check_in", "ben line one\nben line two")]


async def test_a_paste_behind_typed_search_letters_goes_after_them(db_path: Path) -> None:
    async with browsing(db_path) as (app, pilot):
        await pilot.press("slash")
        await settle(pilot)
        type_burst(app, [*"abc"])
        app.post_message(events.Paste("XYZ"))
        await settle(pilot)
        assert "abcXYZ" in drawn(app), drawn(app)
        assert "XYZabc" not in drawn(app)


async def test_a_click_behind_down_lands_after_the_moves(db_path: Path) -> None:
    async with browsing(db_path) as (app, pilot):
        navigator = app.screen.query_one("#navigator", OptionList)
        navigator.focus()
        navigator.highlighted = 0
        await settle(pilot)
        assert "─ Overview ─" in drawn(app)
        # Overview, where it is drawn, clicked behind ↓ ↓: the moves go first, then the click opens
        # Overview and gives the list the focus, its cursor on the first row. A ↓ behind the
        # click would move that cursor on.
        x, y = navigator.region.x + 3, navigator.region.y + 1
        type_burst(app, ["down", "down"])
        for press in (events.MouseDown, events.MouseUp):
            app.post_message(press(None, x, y, 0, 0, 1, False, False, False, screen_x=x, screen_y=y))
        await settle(pilot)
        assert "─ Overview ─" in drawn(app), drawn(app)
        assert current(app) == Ref(RefKind.SESSION, 2)

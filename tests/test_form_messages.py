"""The browser's forms say what is wrong in the command line's words: the field by its label,
the value quoted, how to write it; never pydantic's "String should match pattern '^[a-z…'"."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input
from ui_helpers import browser, browsing, screen_lines, settle, words

from coptui.store import NotFound, Repertoire
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.edit import EditCaseScreen
from coptui.ui.screens.member_form import MemberScreen
from coptui.ui.widgets.paged_list import Ref

PYDANTIC_WORDS = ("String should", "Value error", "Input should", "pattern", "^[a-z", "topics.", "topics[")


def drawn(app: CoptuiApp) -> str:
    return words(" ".join(screen_lines(app)))


async def saved_with(pilot: Pilot[None], field: str, value: str) -> str:
    """Type `value` into the form's field in place of what it held, press F2, and read what the
    form says is wrong, as drawn (wrapped at 80 columns)."""
    box = pilot.app.screen.query_one(f"#{field}", Input)
    box.value = ""
    box.focus()
    await pilot.press(*value, "f2")
    await pilot.pause()
    said = words(" ".join(screen_lines(pilot.app, pilot.app.screen.query_one("#form-error").region)))
    assert said and not any(word in said for word in PYDANTIC_WORDS), said
    return said


async def test_the_case_form_names_the_field_and_the_topic_that_is_wrong(db_path: Path) -> None:
    async with browsing(db_path) as (app, pilot):
        browser(app).follow(Ref("case", 2))
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EditCaseScreen)
        assert "Title: must not be empty" in await saved_with(pilot, "title", "")
        await pilot.press(*"Runbooks again")
        screen = await saved_with(pilot, "topics", "on-call, no-such-topic, [red]t[/]")
        assert "'[red]t[/]' cannot be a topic: use lower-case letters, digits and '-'" in screen, screen
        screen = await saved_with(pilot, "topics", "on-call, no-such-topic")
        assert "'no-such-topic' is not a known topic" in screen, screen
        assert isinstance(app.screen, EditCaseScreen)
    with Repertoire.open(db_path, read_only=True) as repertoire:
        assert repertoire.case(2).title == "Runbooks nobody reads"


async def test_the_new_member_form_says_what_a_handle_may_be(db_path: Path) -> None:
    async with browsing(db_path) as (app, pilot):
        await pilot.press("plus")
        await pilot.pause()
        assert isinstance(app.screen, MemberScreen)
        screen = drawn(app)
        assert "as in sam" in screen and "Sam Osei" in screen and "kit" not in screen.lower(), screen
        await pilot.press(*"Sam Osei")  # the name, typed where the handle goes
        screen = await saved_with(pilot, "name", "")
        assert "'Sam Osei' cannot be a handle: use lower-case letters, digits, '.', '_' or '-'" in screen
        assert "(and 1 more)" in screen, screen  # the empty name
        assert "Name: must not be empty" in await saved_with(pilot, "handle", "sam")
        assert isinstance(app.screen, MemberScreen)
    with Repertoire.open(db_path, read_only=True) as repertoire, pytest.raises(NotFound):
        repertoire.member("sam")


async def test_a_handle_the_form_refuses_is_quoted_as_typed_not_lower_cased(db_path: Path) -> None:
    async with browsing(db_path) as (app, pilot):
        await pilot.press("plus", *"Zed Bad", "tab", *"Zed", "f2")
        await settle(pilot)
        said = words(" ".join(screen_lines(app, app.screen.query_one("#form-error").region)))
        assert said.startswith("'Zed Bad' cannot be a handle: use lower-case letters"), said
        assert "zed bad" not in said
        screen = await saved_with(pilot, "handle", "[b]Zed[/b]")  # markup in a handle is shown, not drawn
        assert screen.startswith("'[b]Zed[/b]' cannot be a handle"), screen
    with Repertoire.open(db_path, read_only=True) as repertoire:
        assert "zed" not in {member.handle for member in repertoire.members()}

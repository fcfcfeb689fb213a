"""A refused line in the capture box, the facilitator's and a participant's: it comes back
selected, so the next line typed starts afresh instead of being glued onto it; it can be fixed
in place, or brought back with ↑ once typing has gone on."""

from __future__ import annotations

from pathlib import Path

from test_participant_screen import joined
from test_session_others import facilitating
from textual.app import App
from textual.widgets import Static
from ui_helpers import screen_lines, settle, type_burst

from coptui.store import Repertoire
from coptui.ui.widgets.capture import CaptureInput, LineHistory
from coptui.ui.widgets.participant_workspace import CHECKED_IN_PLACEHOLDER


def box_line(app: App[None]) -> str:
    """The capture box's line as drawn, spaces trimmed."""
    return screen_lines(app, app.screen.query_one("#capture-input").content_region)[0].strip()


def box_empty(app: App[None]) -> bool:
    """The box draws its placeholder: nothing is typed in it."""
    return box_line(app) == app.screen.query_one("#capture-input", CaptureInput).placeholder


def selected_on_screen(app: App[None]) -> str:
    """The text the capture box draws with the selection's style."""
    box = app.screen.query_one("#capture-input")
    selection_style = box.get_component_rich_style("input--selection")
    y = box.content_region.y
    strip = app.screen._compositor.render_strips()[y]  # Textual has no public "the screen as text"
    selected = selection_style.bgcolor
    return "".join(s.text for s in strip if s.style is not None and s.style.bgcolor == selected)


def message(app: App[None]) -> str:
    return str(app.screen.query_one("#capture-message", Static).render())


def filed_notes(db_path: Path) -> list[tuple[str | None, str]]:
    with Repertoire.open(db_path) as repertoire:
        return [(n.author, n.text) for n in repertoire.notes(session=3)]


async def test_lines_typed_on_after_a_refused_one_are_filed_each_alone(db_path: Path) -> None:
    """The QA run: a refused line, then more lines Entered without looking, all in one burst."""
    async with facilitating(db_path) as (app, pilot):
        type_burst(app, [*"@zed hi", "enter", *"@ben fine [ok]", "enter", *"@cho *well*", "enter"])
        await settle(pilot)
        assert box_empty(app), "nothing glued"
        assert message(app).startswith("✓ filed a check-in from @cho")
        # The refused line stays in view under the box, whatever was said since.
        assert "✗ 1 line not filed: “@zed hi” · ↑ brings it back" in "\n".join(screen_lines(app))
        await pilot.press("up")
        assert box_line(app) == "@zed hi", "↑ brings the refused line back first"
        await pilot.pause()
        assert "not filed: “@zed hi”" not in "\n".join(screen_lines(app)), "in the box again"
    assert filed_notes(db_path) == [("ben", "fine [ok]"), ("cho", "*well*")]


async def test_a_refused_line_typed_over_stays_in_view_until_it_is_filed(db_path: Path) -> None:
    async with facilitating(db_path) as (app, pilot):
        await pilot.press(*"@zed hi", "enter")
        await settle(pilot)
        assert selected_on_screen(app) == "@zed hi"
        await pilot.press(*"@ben fine", "enter")  # typed over the refused line, not glued to it
        await settle(pilot)
        shown = "\n".join(screen_lines(app))
        assert "✗ 1 line not filed: “@zed hi” · ↑ brings it back" in shown
        await pilot.press("up")
        assert box_line(app) == "@zed hi", "↑ brings the listed refused line first"
        await pilot.press("home", "delete", "delete", "delete", "delete", *"@cho", "enter")
        await settle(pilot)
        assert "not filed" not in "\n".join(screen_lines(app))
    assert filed_notes(db_path) == [("ben", "fine"), ("cho", "hi")]


async def test_a_refused_line_comes_back_selected_and_typing_replaces_it(db_path: Path) -> None:
    async with facilitating(db_path) as (app, pilot):
        await pilot.press(*"@zed hi", "enter")
        await settle(pilot)
        assert box_line(app) == "@zed hi" and selected_on_screen(app) == "@zed hi"
        said = message(app)
        assert said.startswith("✗ @zed is not a member") and "type over it" in said and "↑" in said
        type_burst(app, [*"@ben fine", "enter"])
        await settle(pilot)
        assert box_empty(app)
        assert message(app).startswith("✓ filed a check-in from @ben")
    assert filed_notes(db_path) == [("ben", "fine")]


async def test_a_refused_line_is_fixed_in_place_with_the_editing_keys(db_path: Path) -> None:
    async with facilitating(db_path) as (app, pilot):
        await pilot.press(*"@bem fine", "enter")
        await settle(pilot)
        assert box_line(app) == "@bem fine"
        await pilot.press("backspace")  # fixes its end, as before it was selected
        assert box_line(app) == "@bem fin" and selected_on_screen(app) == ""
        await pilot.press("e", "home", *["right"] * 4, "backspace", "n", "enter")
        await settle(pilot)
        assert message(app).startswith("✓ filed a check-in from @ben")
        await pilot.press(*"@zed x", "enter")
        await settle(pilot)  # refused, and back in the box: only then is there a line to fix
        await pilot.press("right", "!", "enter")  # → goes to the end
        await settle(pilot)
        assert box_line(app) == "@zed x!"
        await pilot.press("ctrl+u", *"#strategy @ben route the urgent ones", "enter")
        await settle(pilot)  # refused (no case yet) and back in the box
        await pilot.press("tab", "?", "enter")
        await settle(pilot)
        assert box_line(app) == "#strategy @ben route the urgent ones?", "Tab goes to the end, takes nothing"
    assert filed_notes(db_path) == [("ben", "fine")]


async def test_ctrl_u_kills_to_the_start_and_at_the_start_the_whole_line(db_path: Path) -> None:
    async with facilitating(db_path) as (app, pilot):
        type_burst(app, [*"half typed", *["left"] * 5, "ctrl+u"])
        await settle(pilot)
        assert box_line(app) == "typed", "readline's kill to the start of the line"
        await pilot.press("ctrl+u")
        assert box_empty(app), "at the start: the whole line"
        type_burst(app, [*"@zed glued", "enter", *"@ben after", "home", "ctrl+u", *"@cho alone", "enter"])
        await settle(pilot)
    assert filed_notes(db_path) == [("cho", "alone")]


async def test_a_participants_refused_line_never_glues_the_next_one(db_path: Path) -> None:
    async with joined(db_path) as (app, pilot, _):
        await pilot.press(*"@cho pretending", "enter")
        await settle(pilot)
        assert selected_on_screen(app) == "@cho pretending"
        assert message(app).startswith("✗ you file as yourself (@ben) only")
        type_burst(app, [*"Glad to be here", "enter", *"#next +1w", "enter", *"Still here", "enter"])
        await settle(pilot)
        assert box_empty(app) and box_line(app) == CHECKED_IN_PLACEHOLDER
        assert message(app).startswith("✓ filed a note from @ben"), "one check-in each: then notes"
        await pilot.press("up")
        assert box_line(app) == "#next +1w", "↑ brings the refused lines back first"
        await pilot.press("up")
        assert box_line(app) == "@cho pretending"
        await pilot.press("up")
        assert box_line(app) == "Still here"
    assert filed_notes(db_path) == [("ben", "Glad to be here"), ("ben", "Still here")]


def test_a_refused_line_brought_forward_is_the_first_one_up() -> None:
    history = LineHistory()
    for line in ["a", "refused", "b", "c"]:
        history.add(line)
    history.bring_forward("refused")
    assert [history.recall(-1, "draft") for _ in range(4)] == ["refused", "c", "b", "a"]
    assert history.recall(1, "") == "b"


async def test_an_undone_line_comes_back_selected_and_typing_replaces_it(db_path: Path) -> None:
    """F8 gives the undone line back as a refused one: typing on starts afresh, not glued to it."""
    async with facilitating(db_path) as (app, pilot):
        await pilot.press(*"@cho Undo me [x]", "enter")
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert box_line(app) == "@cho Undo me [x]" and selected_on_screen(app) == "@cho Undo me [x]"
        assert message(app).startswith("✓ undone: a check-in from @cho") and "type over it" in message(app)
        type_burst(app, [*"@ben typed after undo", "enter"])
        await settle(pilot)
        assert box_empty(app)
    assert filed_notes(db_path) == [("ben", "typed after undo")]


async def test_a_participants_undone_line_comes_back_selected_as_the_facilitators_does(
    db_path: Path,
) -> None:
    async with joined(db_path) as (app, pilot, _):
        await pilot.press(*"ben undo me *x*", "enter")
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert message(app).startswith("✓ undone: a check-in from @ben")
        assert box_line(app) == "ben undo me *x*" and selected_on_screen(app) == "ben undo me *x*"
        type_burst(app, [*"fresh line", "enter"])
        await settle(pilot)
        assert box_empty(app)
    assert filed_notes(db_path) == [("ben", "fresh line")]


def not_filed_list(app: App[None]) -> str:
    return "\n".join(line for line in screen_lines(app) if "not filed:" in line and "“" in line)


async def test_up_steps_through_the_refused_lines_first_each_with_its_reason_and_none_drops_off(
    db_path: Path,
) -> None:
    """The QA burst: three refused lines among good ones. ↑ brings each listed one with why it
    was refused; one walked past stays listed; only Ctrl+U on it drops it on purpose."""
    async with facilitating(db_path, size=(160, 45)) as (app, pilot):
        burst = ["@zed one", "@ben fine", "#action @ben due:banana x", "@yyy two", "@cho well"]
        type_burst(app, [key for line in burst for key in (*line, "enter")])
        await settle(pilot)
        listed = "3 lines not filed: “@zed one” · “#action @ben due:banana x” · “@yyy two”"
        assert listed in not_filed_list(app)
        await pilot.press("up")
        assert box_line(app) == "@yyy two"
        assert message(app).startswith("✗ not filed: @yyy is not a member")
        assert "↑ the next of 2 lines not filed" in message(app)
        assert "2 lines not filed: “@zed one” · “#action @ben due:banana x”" in not_filed_list(app)
        await pilot.press("up")
        assert box_line(app) == "#action @ben due:banana x"
        assert message(app).startswith("✗ not filed: ") and "banana" in message(app)
        await pilot.press("up")
        assert box_line(app) == "@zed one" and "@zed is not a member" in message(app)
        await pilot.press("up")
        assert box_line(app) == "@cho well", "then the lines typed, as before"
        await settle(pilot)  # the message under the box goes at the next frame
        assert "@zed is not a member" not in "\n".join(screen_lines(app)), "said of another line"
        await pilot.press("down", "down", "down", "down")
        assert box_empty(app)
        assert "3 lines not filed" in not_filed_list(app), "walked past, never filed: still listed"
        await pilot.press("up")
        dropped = box_line(app)
        await pilot.press("ctrl+u")
        await settle(pilot)
        assert box_empty(app) and "2 lines not filed" in not_filed_list(app), "dropped on purpose"
        assert f"“{dropped}”" not in not_filed_list(app)
        await pilot.press("up")
        fixed = box_line(app).replace("@zed", "@ana").replace("@yyy", "@ana").replace("banana", "+1w")
        await pilot.press("end", *["backspace"] * len(box_line(app)), *fixed, "enter")
        await settle(pilot)
        assert message(app).startswith("✓ filed"), message(app)
        assert "1 line not filed" in not_filed_list(app), "fixed and filed: no longer listed"

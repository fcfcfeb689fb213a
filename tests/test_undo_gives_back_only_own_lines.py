"""F8 gives a line back to the box only when what it undoes was the facilitator's own line: undoing
a take-back (F11) or a reveal (F10) says what was undone and leaves the box as it was, so Enter
never files the facilitator's last line twice."""

from __future__ import annotations

from pathlib import Path

from test_session_others import a_strategy_to_vote_on, drawn, facilitating, joined, poll_until_shown
from textual.app import App
from ui_helpers import settle

from coptui.store import Repertoire
from coptui.ui.widgets.capture import CaptureInput


def box(app: App[None]) -> str:
    return app.screen.query_one("#capture-input", CaptureInput).value


async def test_undoing_a_take_back_puts_the_members_line_back_and_nothing_in_the_box(db_path: Path) -> None:
    async with facilitating(db_path, size=(160, 45)) as (app, pilot):
        participant_file, ben = joined(db_path, "ben")
        with participant_file:
            assert ben.enter("Out of place [here]").ok
            await poll_until_shown(pilot, "Out of place [here]")
            await pilot.press(*"@cho repro line *X*", "enter")
            await settle(pilot)
            await pilot.press("f11")
            await settle(pilot)
            assert "taken back: a check-in from @ben" in drawn(app)
            await pilot.press("f8")
            await settle(pilot)
            await poll_until_shown(pilot, "Out of place [here]")
            shown = drawn(app)
            assert "✓ undone: the taking back of a check-in from @ben" in shown, shown
            assert "back in the box" not in shown and box(app) == ""
            await pilot.press("enter")
            await settle(pilot)
            assert "nothing to file" in drawn(app)
    with Repertoire.open(db_path) as repertoire:
        assert sorted((n.author or "", n.text) for n in repertoire.notes(session=3)) == [
            ("ben", "Out of place [here]"),
            ("cho", "repro line *X*"),
        ]


async def test_undoing_a_reveal_leaves_the_box_and_undoing_own_lines_after_a_phase_move_gives_them_back(
    db_path: Path,
) -> None:
    async with facilitating(db_path, size=(160, 45)) as (app, pilot):
        await a_strategy_to_vote_on(pilot)
        participant_file, ben = joined(db_path, "ben")
        with participant_file:
            assert ben.enter("#vote 1 2").ok
            await poll_until_shown(pilot, "private dots hidden")
            await pilot.press("f10")
            await settle(pilot)
            await pilot.press("f8")
            await settle(pilot)
            shown = drawn(app)
            assert "✓ undone: the reveal of the votes on “Runbooks rot”" in shown, shown
            assert "back in the box" not in shown and box(app) == ""
        await pilot.press(*"#pick 1", "enter")
        await settle(pilot)
        await pilot.press("f4", "f8")  # a phase moved back: F8 undoes the pick, Entered as a line
        await settle(pilot)
        shown = drawn(app)
        assert "back in the box" in shown and box(app) == "#pick 1", shown
    with Repertoire.open(db_path) as repertoire:
        (case,) = repertoire.session_cases(3)
        assert [(s.text, s.picked) for s in repertoire.strategies(case=case.id)] == [
            ("Review monthly", False)
        ]

"""The end of a session reads out who does what by when: each action agreed in it with its owner,
its case and its due date, and each case shared in it that no action came of yet. Members' words
show as typed (brackets, stars, pipes), and an escape byte another tool wrote reaches no terminal."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from test_session_others import START, facilitating
from ui_helpers import screen_lines, settle

from coptui.facilitation import LiveSession, ManualClock
from coptui.store import Repertoire
from coptui.ui.screens.session_summary import SessionSummaryScreen

HOSTILE = "[b]x[/b] *s* |p| \x1b[31mred"


def agree_on_actions(db_path: Path) -> None:
    """Two cases shared; an action with a due date agreed for the second (the one in focus), and
    one written by another tool for no case, without a date and with an escape byte."""
    with Repertoire.open(db_path) as repertoire:
        live = LiveSession.resume(repertoire, ManualClock(START))
        live.next_phase()
        for line in ("#case @cho Runbooks [rot] *fast*", "#case @ben Flaky deploys"):
            assert live.enter(line).ok, line
        live.next_phase()
        assert live.enter("#action @ben due:2026-12-17 quarantine the ten flakiest tests").ok
        session = live.session_id
    other = sqlite3.connect(db_path)
    with other:
        other.execute(
            "INSERT INTO actions (session_id, owner, text, status) VALUES (?, 'cho', ?, 'open')",
            [session, HOSTILE],
        )
    other.close()


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_the_summary_says_who_does_what_by_when_and_which_case_has_no_action_yet(
    db_path: Path, size: tuple[int, int]
) -> None:
    async with facilitating(db_path, size=size) as (app, pilot):
        agree_on_actions(db_path)
        await pilot.press("f2", "4", "f5", "f5")
        await settle(pilot)
        assert isinstance(app.screen, SessionSummaryScreen)
        drawn = "\n".join(screen_lines(app))
        assert "Who does what by when" in drawn, drawn
        assert "\x1b" not in drawn
        lines = [line.strip() for line in screen_lines(app)]
        ben = next(i for i, line in enumerate(lines) if line.startswith("Ben Okafor"))
        assert "quarantine the ten" in lines[ben] and lines[ben].endswith("Thu 17 Dec 2026"), lines[ben]
        assert any("case: Flaky deploys" in line for line in lines[ben + 1 : ben + 3]), drawn
        cho = next(i for i, line in enumerate(lines) if line.startswith("Cho [lead] *ops*"))
        assert "[b]x[/b] *s* |p| red" in lines[cho] and lines[cho].endswith("no due date"), lines[cho]
        assert "No action yet: Runbooks [rot] *fast* (brought by Cho [lead] *ops*)" in drawn, drawn
        if size == (80, 24):
            return  # the rest is below, a scroll away
        assert "Phase" in drawn and "Participation" in drawn, drawn

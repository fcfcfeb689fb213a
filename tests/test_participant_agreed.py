"""A member's own screen shows what the meeting agreed on the case in focus: the strategy the
presenter picked (✓) and the actions agreed, as the facilitator's screen does (QA's L3)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from ui_helpers import scrolled_lines, settle, words

from coptui.facilitation import LiveSession, ManualClock, SessionPlan
from coptui.formats import find_format
from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.participant import Joining

START = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
SHARING, SOLVING = 1, 2


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_a_member_sees_the_pick_and_the_actions_agreed(db_path: Path, size: tuple[int, int]) -> None:
    clock = ManualClock(START)
    with Repertoire.open(db_path) as repertoire:
        live = LiveSession.start(
            repertoire, SessionPlan(find_format("cop-meeting"), "ana", ["ben", "cho"]), clock
        )
        live.jump_to(SHARING)
        assert live.enter("#case @ben Friday [deploys]").ok
        live.jump_to(SOLVING)
        assert live.enter("#strategy @cho Freeze *Fridays*").ok
        assert live.enter("#strategy @ana Measure it first").ok
        assert live.enter("#pick 2").ok
        assert live.enter("#action @ben due:2026-12-15 chart failures | batch size").ok
    joining = Joining("ben", "local")
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, clock=clock, launch=joining, participant=joining)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            drawn = words(" ".join(await scrolled_lines(pilot, app.screen.query_one("#workspace"))))
            assert "1 Freeze *Fridays* (cho) 2" in drawn and "2 Measure it first (ana) ✓" in drawn
            assert "Actions agreed • ben · chart failures | batch size · due 2026-12-15 · tries 2" in drawn

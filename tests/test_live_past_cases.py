"""Typing over Ctrl+O's past cases: the keys go on to the session's capture box, in order."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from repertoire_templates import RepertoireTemplates, sample_document
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input
from ui_helpers import screen_lines, settle, words

from coptui.facilitation import LiveSession, ManualClock, SessionPlan
from coptui.formats import find_format
from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.past_cases import PastCasesScreen
from coptui.ui.screens.session import SessionScreen

START = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)


@pytest.fixture
def demo_path(tmp_path: Path, repertoire_templates: RepertoireTemplates) -> Path:
    return repertoire_templates.copy(tmp_path / "demo.db", sample_document)


def journalled(repertoire: Repertoire, session_id: int) -> list[str]:
    rows = repertoire.db.execute(
        "SELECT text FROM capture_journal WHERE session_id = ? AND command = 'entry' ORDER BY id",
        [session_id],
    ).fetchall()
    return [text for (text,) in rows]


def drawn(pilot: Pilot[Any]) -> str:
    return words(" ".join(screen_lines(pilot.app)))


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_keys_typed_over_the_past_cases_reach_the_capture_box_in_order(
    demo_path: Path, size: tuple[int, int]
) -> None:
    clock = ManualClock(START)
    with Repertoire.open(demo_path) as repertoire:
        plan = SessionPlan(find_format("cop-meeting"), "ana", ["ben", "cho", "eli"])
        live = LiveSession.start(repertoire, plan, clock)
        live.next_phase()
        assert live.enter("#case @eli Alert storms page the whole on-call rota at night").ok
        app = CoptuiApp(repertoire, clock=clock, launch="resume")
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, SessionScreen)
            box = screen.query_one("#capture-input", Input)
            await pilot.press(*"@ben we tried", "ctrl+o")
            await settle(pilot)
            assert isinstance(app.screen, PastCasesScreen)
            # Typed over the stories, with a slip fixed, and Entered: filed as the one line.
            await pilot.press(*" routinx", "backspace", *"g first", "enter")
            await settle(pilot)
            assert journalled(repertoire, live.session_id)[-1] == "@ben we tried routing first"
            assert repertoire.notes(session=live.session_id)[-1].text == "we tried routing first"
            # The next line shows at the foot as it is typed; ↓ still picks another story.
            await pilot.press(*"half a [thought]", "down")
            await settle(pilot)
            assert isinstance(app.screen, PastCasesScreen)
            assert "typing: half a [thought]▏ goes on in the session's box" in drawn(pilot)
            # Keys sent in one burst, Escape among them: each lands where it was typed, in order.
            for key, character in [("space", " "), ("x", "x"), ("escape", None), ("y", "y")]:
                app.post_message(events.Key(key, character))
            await settle(pilot)
            assert app.screen is screen and box.has_focus
            assert box.value == "half a [thought] xy"
            assert "half a [thought] xy" in drawn(pilot)

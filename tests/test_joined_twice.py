"""A member who joins again (a second terminal, or the same one after leaving) is told they had
joined before, as the facilitator is (QA's L10)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from textual.widgets import Static
from ui_helpers import settle

from coptui.facilitation import LiveSession, ManualClock, SessionPlan
from coptui.facilitation.participant import Participant
from coptui.formats import find_format
from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.participant import Joining

START = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)


async def test_a_member_joining_a_second_terminal_is_told_they_joined_before(db_path: Path) -> None:
    clock = ManualClock(START)
    with Repertoire.open(db_path) as repertoire:
        LiveSession.start(repertoire, SessionPlan(find_format("cop-meeting"), "ana", ["ben", "cho"]), clock)
        Participant.join(repertoire, "ben", via="ssh", clock=clock)
    clock.advance(minutes=5)
    joining = Joining("ben", "local")
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, clock=clock, launch=joining, participant=joining)
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(pilot)
            said = str(app.screen.query_one("#capture-message", Static).render())
            joined_at = START.astimezone().strftime("%H:%M")
            assert (
                f"joined “Session of 3 December 2026” as @ben — Check-in · @ben joined before, at {joined_at}"
                in said
            ), said

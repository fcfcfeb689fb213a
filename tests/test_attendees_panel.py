"""The attendees panel says what each of its lists means in the phase on screen: in report-back,
who has not yet spoken in this phase is not read against who checked in at the start."""

from __future__ import annotations

from pathlib import Path

from test_session_others import drawn, facilitating, joined, poll_until_shown
from ui_helpers import settle


async def test_in_report_back_the_panel_says_who_is_unheard_in_this_phase_beside_who_checked_in(
    db_path: Path,
) -> None:
    async with facilitating(db_path, size=(160, 45)) as (app, pilot):
        participant_file, ben = joined(db_path, "ben")  # checks in from his own terminal
        checked_in = ben.enter("Fine, thanks").ok
        participant_file.close()
        assert checked_in
        await pilot.press("f2", "4")  # report-back
        await settle(pilot)
        await poll_until_shown(pilot, "unheard this phase: ana ben cho")
        panel = drawn(app).partition(" | attendees: ")[2]
        assert "checked in: ben" in panel and "not yet heard" not in panel, panel

"""A toast never covers the capture box: at 80x24 an arrival's toast sat on the right half of the
box, where the words being typed go. Toasts on a live session's screens show at the top, and the
arrival is still said there (and under the attendees)."""

from __future__ import annotations

from pathlib import Path

from test_session_others import drawn, joined, poll_until_shown, started
from textual.widgets import Input
from ui_helpers import screen_lines, settle

from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp

TYPED = "a long line being typed as cho arrives, right to the end of the box here"


async def test_an_arrival_toast_at_80x24_leaves_the_capture_box_and_what_is_typed_in_it_whole(
    db_path: Path,
) -> None:
    clock = started(db_path)
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, clock=clock, launch="resume")
        async with app.run_test(size=(80, 24), notifications=True) as pilot:  # toasts drawn, as in use
            await settle(pilot)
            await pilot.press(*TYPED)
            participant_file, _ = joined(db_path, "cho")
            participant_file.close()
            await poll_until_shown(pilot, "joined over ssh: cho")
            await settle(pilot)
            box = app.screen.query_one("#capture-input", Input)
            (toast,) = app.screen.query("Toast")  # by its CSS type: Textual does not export the class
            assert "@cho joined over ssh" in " ".join(screen_lines(app, toast.region)), drawn(app)
            assert not toast.region.overlaps(box.region), (toast.region, box.region)
            assert any(TYPED in line for line in screen_lines(app, box.region)), screen_lines(app)
            assert box.value == TYPED and box.has_focus

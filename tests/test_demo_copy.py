"""`coptui demo FILE` opens a copy of FILE: a session live in FILE is live only in the copy, and is
no meeting anyone is in, so the screen says the file is a copy and the banner says whose session it is."""

from __future__ import annotations

from pathlib import Path

from test_session_others import started
from ui_helpers import screen_lines, settle

from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp


async def test_a_demo_copy_says_it_is_a_copy_and_its_live_session_is_no_meeting(db_path: Path) -> None:
    clock = started(db_path)
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, clock=clock, demo_of="guild.db")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            masthead, banner = screen_lines(app)[:2]
            assert masthead.strip().endswith("repertoire  [demo · a copy of guild.db]"), masthead
            assert banner.strip().startswith("● LIVE IN THIS COPY, not a meeting: December clinic"), banner
            assert "● LIVE  December clinic" not in "\n".join(screen_lines(app))

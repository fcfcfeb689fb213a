"""A member whose join cannot be written just now (another program holds the file's lock, or the
disk is full) is told so, and the screen tries again by itself, as a pending line is: once the
file can be written, they are in, without leaving and joining again."""

from __future__ import annotations

from pathlib import Path

from locks import write_lock_held
from test_left_behind import drawn_until
from test_participant_screen import START, start_live, type_line
from test_resume_after_kill import query

from coptui.facilitation import ManualClock
from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.participant import Joining


async def test_a_join_that_cannot_be_written_is_retried_and_said_so_until_it_is(db_path: Path) -> None:
    clock = ManualClock(START)
    start_live(db_path, clock)
    joining = Joining("ben", "local")
    with write_lock_held(db_path) as holder, Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, clock=clock, launch=joining, participant=joining)
        async with app.run_test(size=(80, 24)) as pilot:
            await drawn_until(pilot, "retrying: another program is writing to the file", "Not joined yet")
            await drawn_until(pilot, "This screen joins by itself when it can")
            assert query(db_path, "SELECT member FROM participant_arrivals") == []
            holder.execute("ROLLBACK")
            await drawn_until(pilot, "joined “December clinic” as @ben", gone="retrying")
            await type_line(pilot, "ben in at last [x]")
            await drawn_until(pilot, "filed a check-in from @ben")
    assert query(db_path, "SELECT member FROM participant_arrivals") == [("ben",)]
    assert query(db_path, "SELECT author, kind, text FROM notes WHERE author = 'ben' AND session_id = 3") == [
        ("ben", "check_in", "ben in at last [x]")
    ]

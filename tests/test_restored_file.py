"""A file restored from a backup hands a session's id to another meeting: a line a killed process
kept beside the file for the session that had that id is never filed into the new one. It is
said as not filed, listed under the box, and kept beside the file for a person to read."""

from __future__ import annotations

import json
from pathlib import Path

from test_session_others import START, started
from ui_helpers import screen_lines, settle, words

from coptui.facilitation import ManualClock, SessionPlan
from coptui.formats import find_format
from coptui.models import Command, CommandKind
from coptui.store import Repertoire
from coptui.store.journal import CaptureJournal
from coptui.store.side_journal import NOT_FILED_SUFFIX, SideJournal, side_folder
from coptui.ui.app import CoptuiApp

SESSION = 3  # the live session `started` makes in the test repertoire


def left_by_a_killed_process(db_path: Path, text: str, started_at: str | None) -> None:
    """A side journal as a process killed mid-meeting leaves it: a line kept, never journalled."""
    side = SideJournal(db_path, None)
    side.keep(SESSION, [Command(kind=CommandKind.ENTRY, text=text, pressed_at=START)], started_at)
    side.close()  # it holds a line: left for the next recorder, as a kill leaves it


async def test_a_line_of_the_session_that_had_the_id_before_a_restore_is_kept_not_filed(
    db_path: Path,
) -> None:
    # Tuesday's session 3 was live when the process was killed; the file restored from the night
    # before has no session 3, and Thursday's meeting is given that id.
    left_by_a_killed_process(db_path, "@ben TUESDAY line [b]x[/b]", "2026-11-24T17:00:00Z")
    plan = SessionPlan(find_format("cop-meeting"), "ana", ["ben", "cho"], title="Thursday")
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, clock=ManualClock(START), launch=plan)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            drawn = words(" ".join(screen_lines(app)))
            assert "1 line Entered before it closed, carried out now: 1 not filed" in drawn
            assert "@ben TUESDAY line [b]x[/b]" in drawn
        (thursday,) = [s for s in repertoire.sessions() if s.title == "Thursday"]
        assert thursday.id == SESSION
        assert repertoire.notes(session=SESSION) == []
    (kept,) = side_folder(db_path).glob(f"*{NOT_FILED_SUFFIX}")
    line = json.loads(kept.read_text())
    assert (line["session_id"], line["command"]["text"]) == (SESSION, "@ben TUESDAY line [b]x[/b]")


async def test_a_line_kept_for_the_session_the_file_holds_is_filed_into_it(db_path: Path) -> None:
    clock = started(db_path)
    journal = CaptureJournal(db_path)
    journal.keep(
        SESSION, [Command(kind=CommandKind.ENTRY, text="@ben kept before the kill", pressed_at=START)]
    )
    (side,) = side_folder(db_path).glob("*.jsonl")
    with Repertoire.open(db_path) as repertoire:
        started_at = repertoire.conn.execute("SELECT started_at FROM sessions WHERE id = 3").fetchone()[0]
        assert json.loads(side.read_bytes().partition(b"\0")[0])["session_started"] == started_at
        journal.close()  # the process dies: the line stays beside the file
        app = CoptuiApp(repertoire, clock=clock, launch="resume")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert "not filed" not in words(" ".join(screen_lines(app)))
        assert [n.text for n in repertoire.notes(session=SESSION)] == ["kept before the kill"]
    assert not list(side_folder(db_path).glob(f"*{NOT_FILED_SUFFIX}"))

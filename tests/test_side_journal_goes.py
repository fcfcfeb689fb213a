"""A screen that ends takes its own emptied side journal with it, however it ends short of a
SIGKILL: quitting, its terminal closed (SIGHUP), or the SSH server ending it (SIGTERM). Another
live process's file stays where it is."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from test_left_behind import notes, start_session
from test_resume_after_kill import TerminalRun

from coptui.store.side_journal import side_folder


def side_files(db: Path) -> list[str]:
    folder = side_folder(db)
    return sorted(p.name for p in folder.glob("*.jsonl")) if folder.is_dir() else []


def own_file(run: TerminalRun, db: Path) -> str:
    (name,) = [name for name in side_files(db) if name.startswith(f"{run.process.pid}-")]
    return name


def test_a_screen_ended_by_a_hang_up_or_a_polite_kill_removes_its_own_empty_side_journal(
    db_path: Path,
) -> None:
    db = db_path
    session_id = start_session(db)
    facilitator = TerminalRun("--db", str(db), "run", "--resume")
    members = {"ben": signal.SIGHUP, "cho": signal.SIGTERM}
    runs = {handle: TerminalRun("--db", str(db), "join", handle) for handle in members}
    try:
        facilitator.wait_for("the resumed screen", lambda: b"resumed at" in facilitator.output)
        facilitator.type("Ana fine\r")
        facilitator.wait_for("Ana's check-in", lambda: len(notes(db, session_id)) == 1)
        for handle, run in runs.items():
            run.wait_for(f"{handle} to join", lambda run=run: b"joined" in run.output)
            run.type(f"{handle} here\r")
        facilitator.wait_for("the members' check-ins", lambda: len(notes(db, session_id)) == 3)
        kept = own_file(facilitator, db)
        for handle, signum in members.items():
            run = runs[handle]
            gone = own_file(run, db)
            assert (side_folder(db) / gone).stat().st_size == 0
            os.kill(run.process.pid, signum)
            run.wait_for(f"{handle}'s screen to end", lambda run=run: run.process.poll() is not None)
            assert gone not in side_files(db)
        assert side_files(db) == [kept], "the facilitator's screen lives on, and so does its file"
        facilitator.type("\x03")
        facilitator.wait_for("coptui to close", lambda: facilitator.process.poll() is not None)
        assert not side_folder(db).exists()
    finally:
        for run in (facilitator, *runs.values()):
            if run.process.poll() is None:
                run.kill()
            else:
                os.close(run.master)

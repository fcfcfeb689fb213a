"""A screen that ends takes its own emptied side journal with it, however it ends short of a
SIGKILL: quitting, its terminal closed (SIGHUP), or the SSH server ending it (SIGTERM). One that
holds a line waiting stays for the facilitator to file, and another live process's file stays."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from locks import write_lock_held
from test_kill_under_lock import kept_beside
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
            # The journal's writer empties it after the filer is woken: the note can be filed first.
            run.wait_for(
                f"{handle}'s side journal emptied",
                lambda gone=gone: (side_folder(db) / gone).read_bytes().strip(b"\0") == b"",
            )
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


def test_a_screen_ended_politely_with_a_line_waiting_leaves_it_for_the_facilitator_to_file(
    db_path: Path,
) -> None:
    """SIGTERM while a line waits on the lock, which goes at once: the side journal holding it
    stays, as after a kill, and the facilitator's coptui files it (a screen shut down cleanly
    would journal it as it stopped, and leave it unfiled until the session ended)."""
    db = db_path
    session_id = start_session(db)
    facilitator = TerminalRun("--db", str(db), "run", "--resume")
    ben = TerminalRun("--db", str(db), "join", "ben")
    try:
        facilitator.wait_for("the resumed screen", lambda: b"resumed at" in facilitator.output)
        ben.wait_for("Ben to join", lambda: b"joined" in ben.output)
        with write_lock_held(db):
            ben.type("said as the line dropped\r")
            ben.wait_for("the line kept beside the file", lambda: kept_beside(db) == 1)
            kept = own_file(ben, db)
            os.kill(ben.process.pid, signal.SIGTERM)
        ben.wait_for("Ben's screen to end", lambda: ben.process.poll() is not None)
        facilitator.wait_for(
            "the line filed", lambda: notes(db, session_id) == [("ben", "said as the line dropped")]
        )
        facilitator.wait_for("the side journal taken", lambda: kept not in side_files(db))
    finally:
        for run in (facilitator, ben):
            if run.process.poll() is None:
                run.kill()
            else:
                os.close(run.master)


# A process with two side journals whose clean-up fails on a hang-up, as the app's would (the
# exception escaping the handler is swallowed by the event loop there, as `except` does here).
CLEAN_UP_FAILS = """
import os, signal, sys
from pathlib import Path
from coptui.cli import launch
from coptui.store.side_journal import SideJournal

refused, removed = SideJournal(Path(sys.argv[1]), "ben"), SideJournal(Path(sys.argv[1]), "cho")

def cannot_remove():
    raise OSError("the file system refuses")

refused.remove_if_empty = cannot_remove
print(refused.path.name, removed.path.name, flush=True)
with launch.side_journal_removed_on_hangup():
    try:
        os.kill(os.getpid(), signal.SIGTERM)
    except Exception:
        pass
    print("lived on", flush=True)
"""


def test_a_hang_up_ends_the_process_even_when_its_clean_up_fails(db_path: Path) -> None:
    ended = subprocess.run(
        [sys.executable, "-c", CLEAN_UP_FAILS, str(db_path)], capture_output=True, text=True, check=False
    )
    assert ended.returncode == -signal.SIGTERM, ended.stdout + ended.stderr
    (named,) = ended.stdout.splitlines()
    refused, removed = named.split()
    assert removed not in side_files(db_path), "the other empty side journal is removed all the same"
    assert side_files(db_path) == [refused]

"""Lines Entered under a held write lock by a process that then goes away are filed all the same.

A member's screen killed (a dropped ssh connection) with lines kept beside the file: the
facilitator's process files them as soon as the lock goes, in order, each once, and says so.
A facilitator's screen closed with lines waiting says how many; `coptui abandon` files them
before it closes the session.
"""

from __future__ import annotations

import os
from contextlib import ExitStack
from pathlib import Path

from locks import write_lock_held
from test_kill_under_lock import coptui, kept_beside
from test_resume_after_kill import TerminalRun, query
from textual.pilot import Pilot
from ui_helpers import screen_lines, settle

from coptui.facilitation import LiveSession, SessionPlan
from coptui.formats import find_format
from coptui.store import Repertoire
from coptui.store.side_journal import side_folder
from coptui.ui.app import CoptuiApp

POLLS = 6000  # a bound on waiting for the facilitator's process, with every core busy


def notes(db: Path, session_id: int) -> list[tuple[str, str]]:
    return query(db, "SELECT author, text FROM notes WHERE session_id = ? ORDER BY id", session_id)


async def drawn_until(pilot: Pilot[None], *shown: str, gone: str = "") -> None:
    """Wait until the screen draws every one of `shown`, and not `gone`."""
    for _ in range(POLLS):
        drawn = "\n".join(screen_lines(pilot.app))
        if all(s in drawn for s in shown) and not (gone and gone in drawn):
            return
        await pilot.pause(0.01)
    raise AssertionError(f"never drawn: {shown}, without {gone!r}: {drawn}")


def all_it_said(run: TerminalRun) -> str:
    """Everything a process that has closed wrote to its terminal."""
    while True:
        try:
            chunk = os.read(run.master, 65536)
        except OSError:  # the other side is closed and everything is read
            break
        if not chunk:
            break
        run.output += chunk
    return run.output.decode(errors="replace")


def start_session(db: Path) -> int:
    with Repertoire.open(db) as repertoire:
        plan = SessionPlan(find_format("cop-meeting"), "ana", ["ben", "cho"], title="Lock clinic")
        return LiveSession.start(repertoire, plan).session_id


def member_killed_under_lock(db: Path, lines: list[str]) -> None:
    """Ben joins from his own process, Enters `lines` while another program holds the lock,
    and his process is killed with them kept beside the file."""
    ben = TerminalRun("--db", str(db), "join", "ben")
    try:
        ben.wait_for("Ben to join", lambda: b"joined" in ben.output)
        with write_lock_held(db):
            for line in lines:
                ben.type(f"{line}\r")
            ben.wait_for("the lines kept beside the file", lambda: kept_beside(db) == len(lines))
            ben.wait_for("the pending line", lambda: b"not filed yet" in ben.output)
            ben.kill()
    finally:
        if ben.process.poll() is None:
            ben.kill()


async def test_a_members_lines_left_under_a_lock_by_a_killed_process_are_filed_by_the_facilitator(
    db_path: Path,
) -> None:
    db = db_path
    session_id = start_session(db)
    with Repertoire.open(db) as repertoire:
        app = CoptuiApp(repertoire, launch="resume")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            member_killed_under_lock(db, ["orphan A [x] *s*", "orphan B |p|"])
            for _ in range(POLLS):
                if len(notes(db, session_id)) == 2 and "orphan B" in "\n".join(screen_lines(app)):
                    break
                await pilot.pause(0.01)
            await settle(pilot)
            drawn = "\n".join(screen_lines(app))
            assert notes(db, session_id) == [("ben", "orphan A [x] *s*"), ("ben", "orphan B |p|")]
            assert "filed 2 lines that @ben Entered before their screen went away" in drawn, drawn
            assert "orphan A [x] *s*" in drawn
    assert query(
        db, "SELECT member, text, filed FROM capture_journal WHERE session_id = ? ORDER BY id", session_id
    ) == [("ben", "orphan A [x] *s*", 1), ("ben", "orphan B |p|", 1)]
    assert not side_folder(db).exists() or kept_beside(db) == 0


def test_closing_the_screen_with_lines_waiting_says_so_and_abandon_files_them_first(db_path: Path) -> None:
    db = db_path
    session_id = start_session(db)
    member_killed_under_lock(db, ["member line"])
    run = TerminalRun("--db", str(db), "run", "--resume")
    try:
        run.wait_for("the resumed screen", lambda: b"resumed at" in run.output)
        run.wait_for("Ben's line filed", lambda: len(notes(db, session_id)) == 1)
        with write_lock_held(db):
            run.type("quit under lock A\r")
            run.type("quit under lock B\r")
            run.wait_for("the lines kept beside the file", lambda: kept_beside(db) == 2)
            run.type("\x03")  # Ctrl+C
            run.wait_for("coptui to close", lambda: run.process.poll() is not None)
            said = all_it_said(run)
            assert "2 lines Entered are not filed yet: `coptui run --resume` files them" in said, said
            assert "with everything filed so far" not in said
    finally:
        if run.process.poll() is None:
            run.kill()
    assert notes(db, session_id) == [("ben", "member line")]

    abandoned = coptui(db, "abandon", "--yes")
    assert abandoned.returncode == 0, abandoned.stderr
    assert "after filing 2 lines Entered in it and not filed before" in abandoned.stderr
    assert [text for _, text in notes(db, session_id)] == [
        "member line",
        "quit under lock A",
        "quit under lock B",
    ]
    assert query(db, "SELECT status FROM sessions WHERE id = ?", session_id) == [("abandoned",)]
    assert query(
        db, "SELECT count(*) FROM capture_journal WHERE session_id = ? AND settled_at IS NULL", session_id
    ) == [(0,)]


async def test_resuming_under_a_held_lock_draws_the_session_and_lists_every_line_waiting(
    db_path: Path,
) -> None:
    """Lines left by a killed screen wait for the lock: the session is drawn as it stands
    meanwhile (a read does not wait for a writer), with them and any new line listed; once the
    lock goes, all are filed in order."""
    db = db_path
    session_id = start_session(db)
    with ExitStack() as lock:
        lock.enter_context(write_lock_held(db))
        run = TerminalRun("--db", str(db), "run", "--resume")
        try:
            run.wait_for("the resumed screen", lambda: b"resumed at" in run.output)
            run.type("left line A\r")
            run.type("left line B\r")
            run.wait_for("the lines kept beside the file", lambda: kept_beside(db) == 2)
        finally:
            run.kill()
        with Repertoire.open(db) as repertoire:
            app = CoptuiApp(repertoire, launch="resume")
            async with app.run_test(size=(80, 24)) as pilot:
                await drawn_until(pilot, "Problem sharing", "left line B")
                drawn = "\n".join(screen_lines(app))
                assert "Lock clinic" in drawn and "Go round the room" in drawn and "ben" in drawn, drawn
                assert "not filed yet (retrying: another program is writing to the file)" in drawn
                await pilot.press(*"typed on the drawn screen", "enter")
                await drawn_until(pilot, "“typed on the drawn screen”")
                assert notes(db, session_id) == []
                lock.close()
                await drawn_until(pilot, "typed on the drawn screen", "left line A", gone="not filed yet")
                await settle(pilot)
                assert [text for _, text in notes(db, session_id)] == [
                    "left line A",
                    "left line B",
                    "typed on the drawn screen",
                ]

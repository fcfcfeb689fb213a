"""Quitting a live session names the refused lines still listed under the box: they are not in the
file, so a resume cannot list them again, and nobody should wait for them to come back. Each is
printed whole, one a line: the goodbye is the only place their words survive. A session that ends
with refused lines listed names them too, on its summary and as coptui says goodbye."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from locks import write_lock_held
from test_kill_under_lock import kept_beside
from test_left_behind import all_it_said, start_session
from test_resume_after_kill import F5, TerminalRun, query
from test_session_others import facilitating
from ui_helpers import screen_lines, settle

from coptui.ui.screens.session_summary import SessionSummaryScreen

# Refused in the check-in (no member @zed), and longer than any cut the screen or a message makes.
LONG = "@zed said the runbook for the night pager should be rewritten from scratch [soon] *now*"


def at_phase(db: Path, session_id: int, position: int) -> Callable[[], bool]:
    return lambda: query(db, "SELECT current_phase FROM sessions WHERE id = ?", session_id) == [(position,)]


def quit_with_ctrl_c(run: TerminalRun) -> str:
    """Everything coptui wrote to its terminal, once Ctrl+C has closed it."""
    run.type("\x03")
    run.wait_for("coptui to close", lambda: run.process.poll() is not None)
    return all_it_said(run)


def goodbye(said: str) -> list[str]:
    """What coptui said as it closed, after the terminal's own restoring sequences: its lines."""
    return [line[line.index("coptui: ") :].rstrip() for line in said.splitlines() if "coptui: " in line]


def test_ctrl_c_names_the_refused_lines_that_will_not_come_back_beside_the_ones_waiting(
    db_path: Path,
) -> None:
    db = db_path
    start_session(db)
    run = TerminalRun("--db", str(db), "run", "--resume")
    try:
        run.wait_for("the resumed screen", lambda: b"resumed at" in run.output)
        run.type(f"#vote 9 [x] {LONG}\r")
        run.wait_for("the first refusal", lambda: b"type over it" in run.output)
        run.type("#focus 7\r")  # typed over the first, which is listed under the box now
        # Refused, said, and back in the box (the list's count changes as soon as it is Entered).
        run.wait_for("the second refusal", lambda: b"no case has been shared yet" in run.output)
        with write_lock_held(db):
            run.type("\x15waiting on the lock\r")  # Ctrl+U clears the second, which is listed too
            run.wait_for("the line kept beside the file", lambda: kept_beside(db) == 1)
            said = quit_with_ctrl_c(run)
    finally:
        if run.process.poll() is None:
            run.kill()
    said_first, *refused = goodbye(said)
    assert "1 line Entered is not filed yet" in said_first, said_first
    assert said_first.endswith(
        "; 2 refused lines listed under the box are not filed and will not come back:"
    ), said_first
    assert refused == [f"coptui:   refused: #vote 9 [x] {LONG}", "coptui:   refused: #focus 7"]


async def test_refused_lines_listed_as_the_session_ends_are_on_its_summary_whole(db_path: Path) -> None:
    async with facilitating(db_path, size=(160, 45)) as (app, pilot):
        await pilot.press(*LONG, "enter")
        await settle(pilot)
        await pilot.press(*"@ben fine", "enter")  # typed over: listed under the box
        await settle(pilot)
        for _ in range(5):  # to the last phase, then F5 twice ends the session
            await pilot.press("f5")
            await settle(pilot)
        assert isinstance(app.screen, SessionSummaryScreen)
        drawn = [line.strip() for line in screen_lines(app)]
        assert "1 refused line listed under the box was not filed:" in drawn, drawn
        assert LONG in drawn, drawn


def test_a_session_ended_with_refused_lines_listed_names_them_as_coptui_closes(db_path: Path) -> None:
    db = db_path
    session_id = start_session(db)
    run = TerminalRun("--db", str(db), "run", "--resume")
    try:
        run.wait_for("the resumed screen", lambda: b"resumed at" in run.output)
        run.type(f"{LONG}\r")
        run.wait_for("the refusal", lambda: b"type over it" in run.output)
        run.type("@ben fine\r")  # typed over the refused line, which is listed under the box now
        run.wait_for(
            "the check-in", lambda: query(db, "SELECT 1 FROM notes WHERE session_id = ?", session_id)
        )
        for position in (1, 2, 3):
            run.type(F5)
            run.wait_for(f"phase {position}", at_phase(db, session_id, position))
        run.type(F5)
        run.wait_for("the warning", lambda: b"F5 again ends the session" in run.output)
        run.type(F5)
        run.wait_for(
            "the end",
            lambda: query(db, "SELECT status FROM sessions WHERE id = ?", session_id) == [("closed",)],
        )
        run.wait_for("the summary", lambda: b"not filed:" in run.output)
        said = quit_with_ctrl_c(run)
    finally:
        if run.process.poll() is None:
            run.kill()
    assert goodbye(said) == [
        "coptui: 1 refused line listed under the box as the session ended was not filed:",
        f"coptui:   refused: {LONG}",
    ]

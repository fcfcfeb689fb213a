"""Quitting a live session names the refused lines still listed under the box: they are not in the
file, so a resume cannot list them again, and nobody should wait for them to come back."""

from __future__ import annotations

from pathlib import Path

from locks import write_lock_held
from test_kill_under_lock import kept_beside
from test_left_behind import all_it_said, start_session
from test_resume_after_kill import TerminalRun


def test_ctrl_c_names_the_refused_lines_that_will_not_come_back_beside_the_ones_waiting(
    db_path: Path,
) -> None:
    db = db_path
    start_session(db)
    run = TerminalRun("--db", str(db), "run", "--resume")
    try:
        run.wait_for("the resumed screen", lambda: b"resumed at" in run.output)
        run.type("#vote 9 [x]\r")
        run.wait_for("the first refusal", lambda: b"type over it" in run.output)
        run.type("#focus 7\r")  # typed over the first, which is listed under the box now
        # Refused, said, and back in the box (the list's count changes as soon as it is Entered).
        run.wait_for("the second refusal", lambda: b"no case has been shared yet" in run.output)
        with write_lock_held(db):
            run.type("\x15waiting on the lock\r")  # Ctrl+U clears the second, which is listed too
            run.wait_for("the line kept beside the file", lambda: kept_beside(db) == 1)
            run.type("\x03")  # Ctrl+C
            run.wait_for("coptui to close", lambda: run.process.poll() is not None)
            said = all_it_said(run)
    finally:
        if run.process.poll() is None:
            run.kill()
    # After the terminal's own restoring sequences, on the line coptui says goodbye on.
    (goodbye,) = [line for line in said.splitlines() if "coptui: " in line]
    assert "1 line Entered is not filed yet" in goodbye, goodbye
    assert (
        "2 refused lines listed under the box are not filed and will not come back: "
        "“#vote 9 [x]” · “#focus 7”" in goodbye
    ), goodbye

"""Abandoning a live session: from the engine, the CLI and the session screen; nothing is deleted."""

from __future__ import annotations

import io
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from test_session_screen import palette_found
from ui_helpers import screen_lines, settle

from coptui.cli import launch, main
from coptui.facilitation import LiveSession, ManualClock, SessionPlan
from coptui.formats import find_format
from coptui.models import SessionStatus
from coptui.store import Repertoire
from coptui.store.schema import MIGRATION_NAMES
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.session import SessionScreen

START = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)


class Terminal(io.StringIO):
    """Standard input as a terminal would be, with the answers already typed."""

    def isatty(self) -> bool:
        return True


def start_live(db_path: Path, title: str = "Live one") -> int:
    with Repertoire.open(db_path) as repertoire:
        live = LiveSession.start(
            repertoire,
            SessionPlan(find_format("cop-meeting"), "ana", ["ben"], title=title),
            ManualClock(START),
        )
        live.enter("Tired but here")
        return live.session_id


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    return int(exited.value.code or 0), capsys.readouterr().err


@pytest.fixture
def launches(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    seen: list[Any] = []
    monkeypatch.setattr(launch, "run_app", lambda repertoire, launch=None: seen.append(launch))
    return seen


def stored(db_path: Path, session_id: int) -> tuple[SessionStatus, int, bool]:
    """The session's status, how many notes it keeps, and whether it has an end time."""
    with Repertoire.open(db_path) as repertoire:
        session = repertoire.session(session_id)
        return session.status, len(repertoire.notes(session=session_id)), session.ended_at is not None


def test_the_engine_closes_it_as_abandoned_and_keeps_everything(repertoire: Repertoire) -> None:
    clock = ManualClock(START)
    live = LiveSession.start(repertoire, SessionPlan(find_format("cop-meeting"), "ana", ["ben"]), clock)
    live.enter("#case @ben Pager storms")
    clock.advance(minutes=3)
    live.abandon()
    session = repertoire.session(live.session_id)
    assert session.status is SessionStatus.ABANDONED
    assert session.ended_at == session.phases[0].ended_at == START.replace(minute=3)
    assert len(repertoire.session_cases(live.session_id)) == 1
    assert repertoire.live_session() is None
    assert not live.enter("more").ok, "nothing more is filed in an abandoned session"
    # It never blocks the next session.
    LiveSession.start(repertoire, SessionPlan(find_format("cop-meeting"), "ana", ["cho"]), clock)


def test_coptui_abandon_asks_and_keeps_what_was_filed(
    db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    session_id = start_live(db_path)
    monkeypatch.setattr("sys.stdin", Terminal("n\n"))
    code, err = run(capsys, "--db", str(db_path), "abandon")
    assert code == 1 and "still live" in err.splitlines()[-1]
    assert stored(db_path, session_id) == (SessionStatus.LIVE, 1, False)
    monkeypatch.setattr("sys.stdin", Terminal("y\n"))
    code, err = run(capsys, "--db", str(db_path), "abandon")
    assert code == 0 and "Abandoned 'Live one'" in err
    assert stored(db_path, session_id) == (SessionStatus.ABANDONED, 1, True)


def test_abandon_without_a_terminal_needs_yes(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    session_id = start_live(db_path)
    code, err = run(capsys, "--db", str(db_path), "abandon")
    assert code == 1 and "--yes" in err and err.count("\n") == 1
    assert stored(db_path, session_id)[0] is SessionStatus.LIVE
    code, _ = run(capsys, "--db", str(db_path), "abandon", "--yes")
    assert code == 0 and stored(db_path, session_id)[0] is SessionStatus.ABANDONED
    code, err = run(capsys, "--db", str(db_path), "abandon", "--yes")
    assert code == 1 and "no session is live" in err and err.count("\n") == 1


def test_run_abandon_and_answering_no_to_resume_offer_it(
    db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, launches: list[Any]
) -> None:
    session_id = start_live(db_path)
    monkeypatch.setattr("sys.stdin", Terminal("n\ny\n"))
    code, err = run(capsys, "--db", str(db_path), "run")
    assert code == 0 and "Resume it?" in err and "Abandon it?" in err
    assert stored(db_path, session_id)[0] is SessionStatus.ABANDONED
    assert launches == []
    second = start_live(db_path, "Second")
    monkeypatch.setattr("sys.stdin", Terminal("y\n"))
    code, _ = run(capsys, "--db", str(db_path), "run", "--abandon")
    assert code == 0 and stored(db_path, second)[0] is SessionStatus.ABANDONED
    code, err = run(capsys, "--db", str(db_path), "run", "--abandon", "--resume")
    assert code == 1 and "contradict" in err


def test_an_older_file_takes_the_abandoned_status_and_keeps_its_references(db_path: Path) -> None:
    # Make the file as a coptui before abandoning existed made it, then reopen it to upgrade.
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute(
            "UPDATE sqlite_master SET sql = replace(sql, ', ''abandoned''', '') WHERE name = 'sessions'"
        )
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0006_session_abandoned'")
        conn.execute(f"PRAGMA user_version = {MIGRATION_NAMES.index('0006_session_abandoned')}")
    with sqlite3.connect(db_path) as conn:
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'sessions'").fetchone()[0]
        assert "abandoned" not in sql
        before = conn.execute("SELECT count(*) FROM attendance").fetchone()[0]
    session_id = start_live(db_path)
    with Repertoire.open(db_path) as repertoire:
        LiveSession.resume(repertoire).abandon()
        assert repertoire.session(session_id).status is SessionStatus.ABANDONED
        db = repertoire.db
        assert db.execute("SELECT count(*) FROM attendance").fetchone()[0] == before + 2
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'sessions'")}
        assert {"sessions_one_live", "sessions_date"} <= names


def resumed_app(repertoire: Repertoire) -> CoptuiApp:
    return CoptuiApp(repertoire, clock=ManualClock(START), launch="resume")


async def test_f12_in_the_session_screen_asks_then_abandons(db_path: Path) -> None:
    session_id = start_live(db_path)
    with Repertoire.open(db_path) as repertoire:
        app = resumed_app(repertoire)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("f12")
            await pilot.pause()
            assert "Abandon this session?" in "\n".join(screen_lines(app))
            await pilot.press("escape")  # not after all
            await settle(pilot)
            assert isinstance(app.screen, SessionScreen)
            assert repertoire.session(session_id).status is SessionStatus.LIVE
            await pilot.press("f12")
            await pilot.pause()
            await pilot.press("enter")  # an Enter meant for a note never gives the session up
            await settle(pilot)
            assert "Abandon this session?" in "\n".join(screen_lines(app))
            assert repertoire.session(session_id).status is SessionStatus.LIVE
            await pilot.press("y")
            await settle(pilot)
            shown = "\n".join(screen_lines(app))
            assert "Session abandoned: Live one" in shown and "Everything filed in it is kept" in shown
        assert repertoire.session(session_id).status is SessionStatus.ABANDONED
        assert len(repertoire.notes(session=session_id)) == 1


async def test_the_command_palette_abandons_too(db_path: Path) -> None:
    session_id = start_live(db_path)
    with Repertoire.open(db_path) as repertoire:
        app = resumed_app(repertoire)
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+p", *"abandon")
            await palette_found(pilot, "Abandon the session")
            await pilot.press("enter")
            await pilot.pause()
            assert "Abandon this session?" in "\n".join(screen_lines(app))
            await pilot.press("y")
            await settle(pilot)
            assert "Session abandoned" in "\n".join(screen_lines(app))
        assert repertoire.session(session_id).status is SessionStatus.ABANDONED


def test_the_minutes_of_an_abandoned_session_say_so(db_path: Path) -> None:
    from coptui.export import minutes

    session_id = start_live(db_path)
    with Repertoire.open(db_path) as repertoire:
        LiveSession.resume(repertoire).abandon()
        text = minutes(repertoire, session_id, "md")
    assert "> **Abandoned.**" in text and "Tired but here" in text and "Interim" not in text

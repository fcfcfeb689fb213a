"""Faults from outside: another writer holding the file, a full disk, a damaged file.

Clear messages, nothing lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hostile import BIG_NOTE
from test_resume_after_kill import TerminalRun
from test_session_screen import START, start_live
from textual.pilot import Pilot
from ui_helpers import browser, screen_lines

from coptui.cli import main
from coptui.facilitation import ManualClock
from coptui.models import Member, Note
from coptui.store import Repertoire, RepertoireBusy, StoreError
from coptui.store import connection as store_connection
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.browser import BrowserScreen
from coptui.ui.screens.session import SessionScreen
from coptui.ui.sources import Section


def test_a_file_held_by_another_writer_gets_a_wait_and_retry_message(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_connection, "BUSY_TIMEOUT_MS", 100)
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # holds the write lock, as a long import would
    try:
        with Repertoire.open(db_path) as repertoire:
            with pytest.raises(
                RepertoireBusy, match="another program is writing to it; wait a moment and try again"
            ):
                repertoire.add_member(Member(handle="zoe", name="Zoe"))
            other.execute("ROLLBACK")
            repertoire.add_member(Member(handle="zoe", name="Zoe"))  # the retry goes through
            assert repertoire.member("zoe").name == "Zoe"
    finally:
        other.close()


def test_a_reader_keeps_reading_while_a_writer_writes(db_path: Path) -> None:
    with Repertoire.open(db_path) as writer, Repertoire.open(db_path, read_only=True) as reader:
        writer.db.execute("BEGIN IMMEDIATE")
        writer.db.execute("INSERT INTO members (handle, name, role) VALUES ('zoe', 'Zoe', 'member')")
        assert [m.handle for m in reader.members()] == ["ana", "ben", "cho"]
        writer.db.execute("COMMIT")
        assert [m.handle for m in reader.members()] == ["ana", "ben", "cho", "zoe"]


def test_a_full_disk_gets_a_clear_message_and_changes_nothing(repertoire: Repertoire) -> None:
    pages = repertoire.db.execute("PRAGMA page_count").fetchone()[0]
    repertoire.db.execute(f"PRAGMA max_page_count = {pages + 2}")  # the disk fills up after two more pages
    before = repertoire.dump()
    with pytest.raises(StoreError, match="the disk is full; nothing was changed"):
        repertoire.add_note(Note(session=1, text=BIG_NOTE, created_at=datetime(2026, 11, 20, tzinfo=UTC)))
    assert repertoire.dump() == before


# -- a damaged repertoire file -----------------------------------------------------


MALFORMED = "database disk image is malformed"


def page_size(data: bytes) -> int:
    size = int.from_bytes(data[16:18], "big")
    return 65536 if size == 1 else size


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "truncated to a third": lambda data: data[: len(data) // 3],
    "truncated to its header": lambda data: data[:100],
    "truncated to nothing": lambda data: b"",
    "schema page overwritten": lambda data: (
        data[:200] + b"\xff" * (page_size(data) - 200) + data[page_size(data) :]
    ),
}

OPENING_THE_APP = {
    "coptui": [],
    "browse": ["browse"],
    "browse --read-only": ["browse", "--read-only"],
    "run": ["run"],
    "run --resume": ["run", "--resume"],
}


def damage(path: Path, how: str) -> bytes:
    """Damage the file at `path` as `how` says; what it now holds."""
    damaged = DAMAGE[how](path.read_bytes())
    path.write_bytes(damaged)
    return damaged


def the_app_must_not_open(*args: object, **kwargs: object) -> None:
    raise AssertionError("the app was opened on a damaged file")


@pytest.mark.parametrize("how", DAMAGE)
@pytest.mark.parametrize("command", OPENING_THE_APP)
def test_a_damaged_file_is_refused_in_one_line_and_left_as_it_was(
    db_path: Path, how: str, command: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    damaged = damage(db_path, how)
    monkeypatch.setattr("coptui.cli.launch.run_app", the_app_must_not_open)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)  # browse wants a terminal; pytest gives none
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    with pytest.raises(SystemExit) as exited:
        main(["--db", str(db_path), *OPENING_THE_APP[command]])
    err = capsys.readouterr().err
    assert exited.value.code == 1
    assert err.startswith(f"coptui: {db_path} is ") and err.count("\n") == 1, err
    assert "damaged" in err or "empty" in err
    assert db_path.read_bytes() == damaged


def test_the_real_browser_on_a_truncated_file_says_so_in_one_line(db_path: Path) -> None:
    """Through a real process on a terminal, as a member would start it: no traceback on the screen."""
    damaged = damage(db_path, "truncated to a third")
    for argv in (["browse", "--read-only"], []):
        run = TerminalRun("--db", str(db_path), *argv)
        try:
            run.wait_for("coptui to give up", lambda run=run: run.process.poll() is not None)
            while True:  # what it wrote before it went
                ready, _, _ = select.select([run.master], [], [], 0.5)
                chunk = b""
                with contextlib.suppress(OSError):
                    chunk = os.read(run.master, 65536) if ready else b""
                if not chunk:
                    break
                run.output += chunk
        finally:
            os.close(run.master)
        shown = run.output.decode(errors="replace")
        assert run.process.returncode == 1, shown
        assert shown == f"coptui: {db_path} is damaged or not a coptui repertoire ({MALFORMED})\r\n"
    assert db_path.read_bytes() == damaged


async def let_fail(pilot: Pilot[None]) -> None:
    """Wait for the workers a key set off, those that fail included."""
    for _ in range(4):
        await asyncio.gather(*[w.wait() for w in list(pilot.app.workers)], return_exceptions=True)
        await pilot.pause()


def toasts(app: CoptuiApp) -> list[str]:
    """The notifications on screen, their line breaks (even mid-word) taken out."""
    return [
        "".join(screen_lines(app, toast.content_region)).replace(" ", "")
        for toast in app.screen.query("Toast")
    ]


def damaged_toast(path: Path) -> str:
    """How the toast for a damaged file starts (spaces taken out, as `toasts` gives it)."""
    return f"Something went wrong {path} is damaged or not a coptui repertoire (".replace(" ", "")


def damage_all_but_the_schema(path: Path) -> bytes:
    """Overwrite every page but the first: the file opens, and every read of a table fails."""
    data = path.read_bytes()
    size = page_size(data)
    damaged = data[:size] + b"\xff" * (len(data) - size)
    with path.open("r+b") as file:  # in place, as a failing disk or a stray process would
        file.write(damaged)
    return damaged


@pytest.mark.parametrize("read_only", [True, False], ids=["read-only", "writable"])
async def test_a_file_damaged_under_the_browser_gets_one_message_not_a_traceback(
    db_path: Path, read_only: bool
) -> None:
    with Repertoire.open(db_path, read_only=read_only) as repertoire:
        damaged = damage_all_but_the_schema(db_path)
        app = CoptuiApp(repertoire)
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            # The masthead (read on the UI thread), the overview and the live poll (in workers) all fail.
            await let_fail(pilot)
            for _ in range(2):  # two polls more, as the interval would run them
                browser(app).poll_live()
                await let_fail(pilot)
            (toast,) = toasts(app)
            assert toast.startswith(damaged_toast(db_path)), toast
            await pilot.press("f")  # read on the UI thread, to fill the filter form
            await let_fail(pilot)
            assert app.is_running and isinstance(app.screen, BrowserScreen)
            assert toasts(app) == [toast]
            await pilot.press("q")
        assert app.return_code == 0
    assert db_path.read_bytes() == damaged


async def open_the_topics(pilot: Pilot[None]) -> None:
    browser(pilot.app).go_section(Section.TOPICS)  # read by the list's page worker


async def search(pilot: Pilot[None]) -> None:
    await pilot.press("slash", *"alert", "enter")  # read by the screen's search worker


async def open_the_filter(pilot: Pilot[None]) -> None:
    await pilot.press("f")  # read on the UI thread, to fill the form


# What reads the damaged file next: each reads tables nothing had read before the damage.
NEXT_READ = {"the topics list": open_the_topics, "a search": search, "the filter form": open_the_filter}


@pytest.mark.parametrize("next_read", NEXT_READ)
async def test_a_file_damaged_while_browsing_gets_a_message_when_next_read(
    db_path: Path, next_read: str
) -> None:
    with Repertoire.open(db_path, read_only=True) as repertoire:
        app = CoptuiApp(repertoire)
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await let_fail(pilot)
            assert toasts(app) == []
            damage_all_but_the_schema(db_path)
            await NEXT_READ[next_read](pilot)
            await let_fail(pilot)
            (toast,) = toasts(app)
            assert toast.startswith(damaged_toast(db_path)), toast
            assert app.is_running and isinstance(app.screen, BrowserScreen)


async def test_minutes_that_cannot_be_saved_get_a_message_not_a_traceback(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = ManualClock(START)
    start_live(db_path, clock)
    monkeypatch.chdir(tmp_path)
    in_the_way = tmp_path / "2026-12-03-december-clinic-minutes.md"
    in_the_way.mkdir()  # a folder where F9 would write the file
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, clock=clock, launch="resume")
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await let_fail(pilot)
            await pilot.press("f9")
            await let_fail(pilot)
            (toast,) = toasts(app)
            assert toast.startswith("Somethingwentwrong") and "Isadirectory" in toast, toast
            assert app.is_running and isinstance(app.screen, SessionScreen)

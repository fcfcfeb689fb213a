"""On a full disk, lines beyond the room the side journal took are held in memory only: both the
facilitator's and a member's screen say so, plainly, while it is true, and stop saying it once
there is room again and the lines are filed. The room grows ahead of need while the disk has it."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from full_disk import journal_disk
from test_kill_under_lock import kept_beside
from test_left_behind import drawn_until
from test_participant_screen import joined
from test_session_others import facilitating
from textual import events
from textual.pilot import Pilot
from ui_helpers import settle

from coptui.models import Command, CommandKind
from coptui.store import side_journal
from coptui.ui.widgets.capture import CaptureInput

ROOM = 32768  # a small room, so that the second long line outgrows it
LINES = [f"line {n} [x] *s* " + "words " * 4000 for n in (1, 2, 3)]  # many pages of the file each


def filed(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute("SELECT text FROM notes WHERE text LIKE 'line %' ORDER BY id")]


async def paste_and_enter(pilot: Pilot[None], lines: list[str]) -> None:
    box = pilot.app.screen.query_one("#capture-input", CaptureInput)
    for line in lines:
        box.post_message(events.Paste(line))
        await pilot.press("enter")


async def held_then_filed(pilot: Pilot[None], db: Path, full: Callable[[bool], None]) -> None:
    full(True)
    await paste_and_enter(pilot, LINES)
    await drawn_until(pilot, "⚠ 2 lines held in memory only", "the disk is full")
    assert kept_beside(db) == 1 and filed(db) == []
    full(False)
    await settle(pilot)
    await drawn_until(pilot, gone="held in memory only")
    assert filed(db) == [line.strip() for line in LINES]


@pytest.fixture
def small_room(monkeypatch: pytest.MonkeyPatch) -> Callable[[bool], None]:
    monkeypatch.setattr(side_journal, "ROOM", ROOM)
    return journal_disk(monkeypatch)


async def test_the_facilitators_screen_says_which_lines_are_held_in_memory_only(
    db_path: Path, small_room: Callable[[bool], None]
) -> None:
    async with facilitating(db_path) as (_, pilot):
        await held_then_filed(pilot, db_path, small_room)


async def test_a_members_screen_says_which_lines_are_held_in_memory_only(
    db_path: Path, small_room: Callable[[bool], None]
) -> None:
    async with joined(db_path) as (_, pilot, _clock):
        await held_then_filed(pilot, db_path, small_room)


def test_the_room_grows_once_half_of_it_is_used(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(side_journal, "ROOM", ROOM)
    journal = side_journal.SideJournal(db_path, None)
    try:
        assert journal.path is not None and os.stat(journal.path).st_size == ROOM
        line = Command(kind=CommandKind.ENTRY, text="x" * (ROOM // 2), pressed_at=datetime.now(UTC))
        journal.keep(1, [line])
        assert os.stat(journal.path).st_size == 2 * ROOM
    finally:
        journal.empty()
        journal.close()

"""The capture journal: a live session's commands, durable the moment they are given.

The journal has a connection of its own, so that writing a command never waits behind the
engine or the screen reading through the repertoire's; it only has to make the raw command
durable, quickly and in order. What the command means (parsing, checks, the items it files)
comes after, and `Repertoire.settle_command` closes its row in the same transaction.

Before a command is journalled it is kept beside the file (`side_journal`), which needs no
lock of SQLite's: a command Entered while another program holds the write lock outlives the
process, and the next recorder of the same writer journals it (`take_orphans`, `adopt`).
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from coptui.models import Command
from coptui.store.connection import BUSY_TIMEOUT_MS, connect, describe_sqlite_error, immediate_transaction
from coptui.store.rows import stamp
from coptui.store.session_claim import SessionClaim
from coptui.store.side_journal import (
    KeptCommand,
    Orphans,
    SideJournal,
    take_orphans,
    take_participants_orphans,
)
from coptui.text import clean_text

# The facilitator's keys: as long as the screen waits for a key to be on disk (the recorder's
# DURABLE_WAIT_SECONDS), so a lock held longer shows as pending, with its reason, at once;
# the writer retries on its own. Long enough to queue behind a roomful of participants.
JOURNAL_BUSY_TIMEOUT_MS = 2000
SESSION_STARTED = "SELECT started_at FROM sessions WHERE id = ?"  # with its id, a session itself
# A participant's keys wait their turn as long as any write does before showing as pending.
PARTICIPANT_BUSY_TIMEOUT_MS = BUSY_TIMEOUT_MS
_NAMES = (
    "session_id",
    "member",
    "command",
    "text",
    "pressed_at",
    "journalled_at",
    "record_key",
    "speaker",
    "phase",
    "focus",
)
COLUMNS = f"({', '.join(_NAMES)})"
VALUES = f"VALUES ({', '.join('?' for _ in _NAMES)})"


class CaptureJournal:
    """Appends commands to one repertoire's `capture_journal`, each batch in one transaction."""

    def __init__(self, path: Path, member: str | None = None) -> None:
        self.path = path
        self.member = member  # a participant's handle; None for the facilitator's keys
        try:
            waits = JOURNAL_BUSY_TIMEOUT_MS if member is None else PARTICIPANT_BUSY_TIMEOUT_MS
            self._conn = connect(path, busy_timeout_ms=waits)
        except sqlite3.Error as error:
            raise describe_sqlite_error(error, path) from error
        self._lock = threading.Lock()
        self.side = SideJournal(path, member)
        self._claim: SessionClaim | None = None
        self._starts: dict[int, str | None] = {}  # each session's start, as read once

    def claim(self, session_id: int) -> None:
        """The facilitator's journal runs the session's one facilitator screen until it closes;
        `SessionTaken` when another process does."""
        if self.member is None and self._claim is None:
            self._claim = SessionClaim(self.path, session_id)

    def keep(self, session_id: int | None, commands: Sequence[Command]) -> None:
        """Keep `commands` beside the file, on disk; OSError when they cannot be (a full disk)."""
        self.side.keep(session_id, commands, self._started(session_id))

    def _started(self, session_id: int | None) -> str | None:
        """When session `session_id` was started, read once, on a connection of its own so as not
        to wait behind this journal's writes (a read waits for no writer); None when it cannot be
        read, and the lines kept name the session by its id alone."""
        if session_id is None:
            return None
        if session_id not in self._starts:
            uri = f"{self.path.resolve().as_uri()}?mode=ro"
            try:
                with contextlib.closing(sqlite3.connect(uri, uri=True)) as conn:
                    row = conn.execute(SESSION_STARTED, [session_id]).fetchone()
            except sqlite3.Error:
                return None  # read again with the next line kept
            self._starts[session_id] = None if row is None else row[0]
        return self._starts[session_id]

    def take_orphans(self) -> Orphans:
        """What this writer's processes that have gone kept beside the file and may not have journalled."""
        return take_orphans(self.path, self.member)

    def take_participants_orphans(self, session_id: int) -> Orphans:
        """What participants' processes that have gone kept beside the file for the live session
        `session_id`: the facilitator's process journals and files it (`adopt`)."""
        return take_participants_orphans(self.path, session_id)

    def adopt(self, orphans: Orphans, session_id: int) -> list[KeptCommand]:
        """Journal the orphans' commands the journal lacks, in order, as their writers' (those given
        while the session was opening into `session_id`), then delete their files. Returns those
        of a session the file does not hold (deleted since, or a file restored from a backup that
        gave its id to another meeting): not journalled, and kept beside the file, never filed
        into another session."""
        now = stamp(datetime.now(UTC))
        strays: list[KeptCommand] = []
        with self._lock, immediate_transaction(self._conn, self.path):
            for kept in orphans.commands:
                target = session_id if kept.session_id is None else kept.session_id
                row = self._conn.execute(SESSION_STARTED, [target]).fetchone()
                if row is None or kept.session_started not in (None, row[0]):
                    strays.append(kept)
                    continue
                self._conn.execute(
                    f"INSERT OR IGNORE INTO capture_journal {COLUMNS} {VALUES}",
                    self._row(target, kept.command, now, kept.member),
                )
        orphans.release(delete=True, strays=strays)
        return strays

    def append(self, session_id: int, commands: Sequence[Command]) -> list[Command]:
        """Write `commands` in order and return them with their journal ids; all or none are written."""
        now = stamp(datetime.now(UTC))
        with self._lock, immediate_transaction(self._conn, self.path):
            ids = [
                self._conn.execute(
                    f"INSERT INTO capture_journal {COLUMNS} {VALUES}",
                    self._row(session_id, c, now, self.member),
                ).lastrowid
                for c in commands
            ]
        return [c.model_copy(update={"id": i}) for c, i in zip(commands, ids, strict=True)]

    def _row(self, session_id: int, command: Command, now: str, member: str | None) -> list[object]:
        c = command
        return [
            session_id,
            member,
            c.kind.value,
            clean_text(c.text),
            stamp(c.pressed_at),
            now,
            c.record_key,
            c.speaker,
            c.phase,
            c.focus,
        ]

    def close(self) -> None:
        """Close the connection, and the side journal: what it holds not yet journalled stays for
        the next recorder of this writer."""
        with self._lock:
            self._conn.close()
        self.side.close()
        if self._claim is not None:
            self._claim.release()

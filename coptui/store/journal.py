"""The capture journal: a live session's commands, durable the moment they are given.

The journal has a connection of its own, so that writing a command never waits behind the
engine or the screen reading through the repertoire's; it only has to make the raw command
durable, quickly and in order. What the command means (parsing, checks, the items it files)
comes after, and `Repertoire.settle_command` closes its row in the same transaction.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from coptui.models import Command
from coptui.store.connection import BUSY_TIMEOUT_MS, connect, describe_sqlite_error, immediate_transaction
from coptui.store.rows import stamp
from coptui.text import clean_text

# As long as any write waits: with participants, a facilitator's key queues behind a roomful of
# others' (thirty writing in the same second) rather than show as pending. A lock held longer
# is reported, and the writer retries on its own.
JOURNAL_BUSY_TIMEOUT_MS = BUSY_TIMEOUT_MS


class CaptureJournal:
    """Appends commands to one repertoire's `capture_journal`, each batch in one transaction."""

    def __init__(self, path: Path, member: str | None = None) -> None:
        self.path = path
        self.member = member  # a participant's handle; None for the facilitator's keys
        try:
            self._conn = connect(path, busy_timeout_ms=JOURNAL_BUSY_TIMEOUT_MS)
        except sqlite3.Error as error:
            raise describe_sqlite_error(error, path) from error
        self._lock = threading.Lock()

    def append(self, session_id: int, commands: Sequence[Command]) -> list[Command]:
        """Write `commands` in order and return them with their journal ids; all or none are written."""
        now = stamp(datetime.now(UTC))
        with self._lock, immediate_transaction(self._conn, self.path):
            ids = [
                self._conn.execute(
                    "INSERT INTO capture_journal (session_id, member, command, text, pressed_at, "
                    "journalled_at) VALUES (?, ?, ?, ?, ?, ?)",
                    [session_id, self.member, c.kind.value, clean_text(c.text), stamp(c.pressed_at), now],
                ).lastrowid
                for c in commands
            ]
        return [c.model_copy(update={"id": i}) for c, i in zip(commands, ids, strict=True)]

    def close(self) -> None:
        with self._lock:
            self._conn.close()

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

# The facilitator's keys: as long as the screen waits for a key to be on disk (the recorder's
# DURABLE_WAIT_SECONDS), so a lock held longer shows as pending, with its reason, at once;
# the writer retries on its own. Long enough to queue behind a roomful of participants.
JOURNAL_BUSY_TIMEOUT_MS = 2000
# A participant's keys wait their turn as long as any write does before showing as pending.
PARTICIPANT_BUSY_TIMEOUT_MS = BUSY_TIMEOUT_MS


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

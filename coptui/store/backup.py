"""A copy of a live repertoire: SQLite's online backup, taken while others read and write.

The copy is one consistent snapshot (the backup runs in one step, inside one read
transaction, so a facilitator's writes meanwhile are either all in it or not at all),
it is checked with `PRAGMA integrity_check` before it is put in place, and it appears
at its path whole or not at all: it is written under a temporary name, flushed and
renamed, as every file coptui writes.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import sqlite3
from pathlib import Path

from coptui.files import FileNotWritten, not_written, sync_folder
from coptui.store.base import StoreBase, guarded
from coptui.store.connection import SQLITE_HEADER, describe_sqlite_error


class BackupStore(StoreBase):
    @guarded
    def back_up(self, destination: Path) -> int:
        """Copy the repertoire to `destination`, checked; returns the copy's size in bytes."""
        if destination.exists() and destination.resolve() == self.path.resolve():
            raise FileNotWritten(0, f"{destination} is the repertoire itself; back it up to another file")
        if not destination.parent.is_dir():
            raise not_written(FileNotFoundError(errno.ENOENT, "no folder"), destination)
        temporary = destination.with_name(f".{destination.name}.{secrets.token_hex(4)}.tmp")
        try:
            with contextlib.closing(sqlite3.connect(temporary, isolation_level=None)) as copy:
                self.conn.backup(copy)
                problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise FileNotWritten(0, f"the copy fails its check ({problems[0]}); nothing was written")
            with open(temporary, "rb") as written:
                os.fsync(written.fileno())
            os.replace(temporary, destination)
        except sqlite3.OperationalError as error:  # the copy's side: its folder, its disk
            raise not_written(OSError(0, str(error)), destination) from error
        except FileNotWritten:
            raise
        except OSError as error:
            raise not_written(error, destination) from error
        finally:
            temporary.unlink(missing_ok=True)
        sync_folder(destination.parent)
        return destination.stat().st_size


def is_sqlite_file(path: Path) -> bool:
    """Whether `path` begins as an SQLite database does (a repertoire, rather than a JSON export)."""
    try:
        with path.open("rb") as opened:
            return opened.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def copy_repertoire(source: Path, destination: Path) -> None:
    """Copy the repertoire at `source` into the new file `destination` as it stands, whatever its
    schema (SQLite's online backup, reading `source` only): opening the copy upgrades the copy,
    never the original."""
    try:
        with (
            contextlib.closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as original,
            contextlib.closing(sqlite3.connect(destination)) as copy,
        ):
            original.backup(copy)
    except sqlite3.Error as error:
        raise describe_sqlite_error(error, source) from error

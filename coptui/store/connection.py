"""Opening a repertoire file: pragmas, identity and version checks, read-only mode."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from coptui.store import evidence
from coptui.store.errors import (
    NewerSchema,
    NotARepertoire,
    ReadOnlyRepertoire,
    RepertoireBusy,
    RepertoireMissing,
    StoreError,
)

# 'copt' in ASCII: marks a SQLite file as a coptui repertoire.
APPLICATION_ID = 0x636F7074
# How many migrations this coptui has (`schema.MIGRATION_NAMES`): files it writes are at this version.
SCHEMA_VERSION = 17

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


def lenient_text(data: bytes) -> str:
    """Text read back from the file, decoded leniently: another tool may have written bytes that
    are not UTF-8, and one such byte shows as U+FFFD rather than refusing every read that meets it.
    (A plain function: sqlite3 calls it for every text value, and it is faster than a partial.)"""
    return data.decode("utf-8", "replace")


# The repertoire files this process has open through SQLite, with the connections open on each.
# Opening such a file with Python's own open() and closing it again would drop every lock the
# process holds on it (POSIX locks belong to the process, not to a descriptor), so another process
# could checkpoint and delete the WAL under those connections, which would then never see another
# commit: a participant's browser opens a second, writable connection beside its read-only one.
# The header is read only while no connection of this process has the file open.
_OPEN_HERE: dict[Path, set[int]] = {}


def released(path: Path, conn: sqlite3.Connection) -> None:
    """`conn` on `path` is closed (or closing): the file is no longer open through it."""
    _OPEN_HERE.get(path.resolve(), set()).discard(id(conn))


def open_connection(path: Path, *, read_only: bool = False, create: bool = False) -> sqlite3.Connection:
    """Open (or, with `create`, make) the repertoire at `path`, checked to be coptui's.

    A file of a newer schema is refused; an older one too when read-only. Opened for writing,
    it may still need upgrading to this coptui's schema (`schema.open_database` does that).
    Free of sqlite-utils and pydantic: `coptui search` reads through it alone.
    """
    open_here = _OPEN_HERE.setdefault(path.resolve(), set())
    _check_file(path, create=create and not read_only, read_header=not open_here)
    if not read_only:
        _check_writable(path)
    try:
        conn = connect(path, read_only=read_only)
    except sqlite3.Error as error:
        raise describe_sqlite_error(error, path) from error
    with closed_on_failure(conn, path, read_only=read_only):
        version = _check_identity(conn, path)
        if read_only and version < SCHEMA_VERSION:
            raise ReadOnlyRepertoire(
                f"{path} uses an older schema ({version}); open it once without --read-only to upgrade it"
            )
        if not read_only:
            # Only once the file is known to be ours: switching to WAL rewrites its header.
            conn.execute("PRAGMA journal_mode = WAL")
    open_here.add(id(conn))
    return conn


@contextmanager
def closed_on_failure(conn: sqlite3.Connection, path: Path, *, read_only: bool) -> Iterator[None]:
    """Close `conn` if the block fails while opening, with the failure told in the store's words."""
    try:
        yield
    except BaseException as error:
        released(path, conn)
        conn.close()
        if read_only and isinstance(error, sqlite3.OperationalError) and "readonly" in str(error):
            # A WAL file's readers need its -shm index, which SQLite makes beside the file.
            raise StoreError(
                f"cannot open {path} read-only: its folder must be writable by this user "
                f"(for {path.name}-shm), or the writer must have it open"
            ) from error
        if isinstance(error, sqlite3.Error):
            raise describe_sqlite_error(error, path) from error
        raise


@contextmanager
def reading(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to the repertoire at `path` for the block, SQLite's errors told
    in the store's words: what a command that only reads needs, without the `Repertoire`."""
    conn = open_connection(path, read_only=True)
    try:
        yield conn
    except sqlite3.Error as error:
        raise describe_sqlite_error(error, path) from error
    finally:
        released(path, conn)
        conn.close()


def _check_file(path: Path, *, create: bool, read_header: bool = True) -> None:
    if path.is_dir():
        raise NotARepertoire(f"{path} is a folder, not a repertoire file")
    if not path.exists():
        if create:
            if not path.parent.is_dir():
                raise RepertoireMissing(f"cannot create {path}: folder {path.parent} does not exist")
            return
        raise RepertoireMissing(
            f"no repertoire at {path}; create one with `coptui init --name NAME` or `coptui import FILE`"
        )
    if not read_header:  # this process has it open already: it was checked then
        return
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror}") from error
    if header and header != SQLITE_HEADER:
        raise NotARepertoire(f"{path} is not a coptui repertoire (not a SQLite database)")
    if not header and not create:
        # Opening would turn it into an empty repertoire: a file truncated to nothing stays as it is.
        raise NotARepertoire(
            f"{path} is empty, not a coptui repertoire; create one with `coptui init --name NAME`"
        )


def _check_writable(path: Path) -> None:
    """Say which is read-only, the folder or the file: SQLite alone would open either read-only."""
    folder = path.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ReadOnlyRepertoire(
            f"cannot write {path}: its folder {folder} is read-only for this user "
            f"(SQLite writes {path.name}-wal and {path.name}-shm beside the file); make the folder writable"
        )
    if path.exists() and not os.access(path, os.W_OK):
        raise ReadOnlyRepertoire(
            f"{path} is read-only for this user (its permissions), so nothing can be changed; "
            "`coptui browse --read-only` opens it for reading"
        )


def connect(path: Path, *, read_only: bool = False, busy_timeout_ms: int | None = None) -> sqlite3.Connection:
    """A connection with coptui's settings; `open_connection` checks the file before it uses one."""
    if busy_timeout_ms is None:
        busy_timeout_ms = BUSY_TIMEOUT_MS
    timeout = busy_timeout_ms / 1000
    if read_only:
        uri = f"file:{quote(str(path.resolve()))}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=timeout, isolation_level=None)
        conn.execute("PRAGMA query_only = ON")
    else:
        # No implicit transactions: the store opens each one itself (see `Repertoire.transaction`).
        conn = sqlite3.connect(path, check_same_thread=False, timeout=timeout, isolation_level=None)
        # Per connection: a commit is on disk before it returns.
        conn.execute("PRAGMA synchronous = FULL")
    conn.text_factory = lenient_text
    conn.execute("PRAGMA foreign_keys = ON")
    # Triggers that a trigger's write sets off run too (a practice's recount after a use moves),
    # as sqlite-utils sets up every connection it wraps: the store's reads and writes need not wrap it.
    conn.execute("PRAGMA recursive_triggers = ON")
    evidence.ensure_sqrt(conn)
    conn.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
    return conn


@contextmanager
def immediate_transaction(conn: sqlite3.Connection, path: Path) -> Iterator[None]:
    """One write transaction on `conn`: all of it is committed when the block ends, or none of it.

    It starts with `BEGIN IMMEDIATE`, taking the write lock before anything is read: a
    transaction that read first and then wrote could not wait for another writer (SQLite
    answers "busy" at once), so every writer queues for the busy timeout instead. SQLite's
    errors become the store's own, with a message that names `path`.
    """
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as error:
        raise describe_sqlite_error(error, path) from error
    try:
        yield
        conn.execute("COMMIT")
    except BaseException as error:
        with contextlib.suppress(sqlite3.Error):
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        if isinstance(error, sqlite3.Error):
            raise describe_sqlite_error(error, path) from error
        raise


def _check_identity(conn: sqlite3.Connection, path: Path) -> int:
    """The file's schema version, once it is known to be a repertoire this coptui can read."""
    application_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    # Reading the schema now (the header alone is not enough) refuses a damaged file at once,
    # rather than on the first query a screen makes.
    tables = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    if application_id not in (0, APPLICATION_ID) or (application_id == 0 and tables):
        raise NotARepertoire(f"{path} is a SQLite database, but not a coptui repertoire")
    if version > SCHEMA_VERSION:
        raise NewerSchema(
            f"{path} was written by a newer coptui (schema {version}, this one knows {SCHEMA_VERSION}); "
            "upgrade coptui to open it"
        )
    return version


def describe_sqlite_error(error: sqlite3.Error, path: Path) -> StoreError:
    """Turn SQLite's terse errors into messages that say what happened to which file."""
    text = str(error)
    # The primary result code: damage shows as SQLITE_CORRUPT under many texts ("vtable constructor failed").
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    if "locked" in text or "busy" in text:
        busy = "is busy: another program is writing to it; wait a moment and try again"
        return RepertoireBusy(f"{path} {busy}")
    if "readonly" in text or "read-only" in text or "attempt to write" in text:
        return ReadOnlyRepertoire(f"{path} is open read-only: nothing can be changed ({text})")
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB) or "malformed" in text:
        return NotARepertoire(f"{path} is damaged or not a coptui repertoire ({text})")
    if "unable to open" in text:
        return StoreError(f"cannot open {path} ({text})")
    if "disk is full" in text or "full" in text:
        return StoreError(f"cannot write to {path}: the disk is full; nothing was changed")
    if "I/O" in text:
        return StoreError(f"cannot read or write {path}: {text}")
    return StoreError(f"{path}: {text}")

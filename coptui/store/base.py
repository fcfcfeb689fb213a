"""What every part of the store shares: one guarded connection, its transactions and row helpers.

Every write is its own transaction and is committed before the method returns,
so a crash loses nothing that a method call has filed. One connection serves
the whole process (UI workers run in threads), guarded by a lock.

Reads are plain SQL on the sqlite3 connection; sqlite-utils (`StoreBase.db`) is loaded
on first use, by what it is for: migrations, table updates, the search index and
savepoints. A browser that only reads (every member over SSH) never imports it.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from coptui.models import Model, Problem
from coptui.store.connection import describe_sqlite_error, immediate_transaction
from coptui.store.errors import EditConflict, InvalidInput, NotFound, UnreadableRow
from coptui.store.rows import LEFT_OUT, M, readable, reader, row_writer

if TYPE_CHECKING:
    from sqlite_utils import Database

P = ParamSpec("P")
R = TypeVar("R")
S = TypeVar("S", bound="StoreBase")


def guarded(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """Serialise access to the connection and turn SQLite's errors into the store's own."""

    @functools.wraps(method)
    def wrapper(self: S, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._lock:
            left_out = LEFT_OUT.set(self.left_out)
            try:
                return method(self, *args, **kwargs)
            except sqlite3.Error as error:
                raise describe_sqlite_error(error, self.path) from error
            except UnreadableRow as error:
                error.path = error.path or self.path
                raise
            finally:
                LEFT_OUT.reset(left_out)

    return wrapper


class StoreBase:
    """The connection every part of the store shares, and the few ways they all use it."""

    def __init__(
        self, conn: sqlite3.Connection, path: Path, *, read_only: bool, lock: threading.RLock | None = None
    ) -> None:
        """`lock` is given when this store shares another's connection, so that both take turns."""
        self.conn = conn
        self.path = path
        self.read_only = read_only
        self._lock = lock or threading.RLock()
        # None: a row another tool wrote that cannot be read is refused (one line naming it). A list
        # (`showing_what_it_can`): reads show what they can of it, and note it here once.
        self.left_out: dict[tuple[str, str, str], UnreadableRow] | None = None

    def showing_what_it_can(self) -> None:
        """From now on, reads leave out (or show in part) rows they cannot read, and note them in
        `left_out`: for screens, where one bad row must not empty a list or stop a meeting."""
        self.left_out = {}

    @functools.cached_property
    def db(self) -> Database:
        """sqlite-utils over the same connection, made when first used (see the module's note)."""
        from sqlite_utils import Database

        return Database(self.conn, execute_plugins=False)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction that waits for other writers (see `immediate_transaction`);
        nested, it is a savepoint of the one around it."""
        with self._lock:
            if self.conn.in_transaction:
                with self.db.atomic():
                    yield
            else:
                with immediate_transaction(self.conn, self.path):
                    yield

    @contextmanager
    def settling_transaction(self) -> Iterator[None]:
        """The transaction that carries out a journalled command and settles its journal row.

        Its commit is not forced to disk (WAL, `synchronous = NORMAL`): the command's journal
        row was, when it was journalled. A power cut that loses this commit loses its settling
        with it, so the command is carried out again on resume; a crashed process loses nothing.
        One flush a key instead of two: a roomful of participants queue for the lock half as long.
        """
        with self._lock:
            if self.conn.in_transaction:
                with self.transaction():
                    yield
                return
            self.conn.execute("PRAGMA synchronous = NORMAL")
            try:
                with self.transaction():
                    yield
            finally:
                self.conn.execute("PRAGMA synchronous = FULL")

    @contextmanager
    def waiting_at_most(self, milliseconds: int) -> Iterator[None]:
        """Writes in the block give up after `milliseconds` when another program holds the lock
        (`RepertoireBusy`), instead of the usual busy timeout: a form that retries by itself
        keeps the connection free for the screens' reads between its tries."""
        with self._lock:
            (usual,) = self.conn.execute("PRAGMA busy_timeout").fetchone()
            self.conn.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")
            try:
                yield
            finally:
                self.conn.execute(f"PRAGMA busy_timeout = {int(usual)}")

    def data_version(self) -> int:
        """Changes when another connection commits: cheap to poll for live updates."""
        with self._lock:
            return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def write_mark(self) -> tuple[int, int]:
        """Changes when anything is written to the file, by this connection too (which
        `data_version` never counts): a screen compares two to know whether to read again."""
        with self._lock:
            return self.data_version(), self.conn.total_changes

    def _rows(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        # Not `Database.query`: since sqlite-utils 4 it wraps every read in a savepoint,
        # three statements where one does.
        cursor = self.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def _items(self, model: type[M], sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[M]:
        """Rows of one kind as models, straight from the cursor: the path of large reads."""
        cursor = self.conn.execute(sql, params)
        read = reader(model, tuple(d[0] for d in cursor.description))
        return readable(read, cursor.fetchall())

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        """Insert one row and return its new id."""
        return int(
            self.conn.execute(
                f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                list(row.values()),
            ).lastrowid
            or 0
        )

    def _one(self, sql: str, params: Sequence[Any] | dict[str, Any], what: str) -> dict[str, Any]:
        rows = self._rows(sql, params)
        if not rows:
            raise NotFound(f"there is no {what}")
        return rows[0]

    def _require(self, checks: Iterable[tuple[str, str, Any, str]]) -> None:
        """Refuse references that point at nothing: (path, table, value, what) for each one given."""
        key = {"members": "handle", "topics": "slug"}
        problems = [
            Problem(path=path, message=f"{value!r} is not a known {what}")
            for path, table, value, what in checks
            if value is not None
            and not self._rows(f"SELECT 1 FROM {table} WHERE {key.get(table, 'id')} = ?", [value])
        ]
        if problems:
            raise InvalidInput("refused", problems)

    @staticmethod
    def _unchanged_since(what: str, now: M, changes: dict[str, Any], opened: dict[str, Any]) -> M:
        """`now` with `changes` made, unless one of the fields changed no longer holds what it
        held when the change was begun (`opened`): then the change would undo another's."""
        for field in changes:
            if field in opened and getattr(now, field) != opened[field]:
                raise EditConflict(what, field, getattr(now, field))
        return now.model_copy(update=changes)

    def _insert_many(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """The bulk path: one prepared INSERT for every row, each row the values of `columns`."""
        self.conn.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows
        )

    def _insert_items(
        self, table: str, model: type[Model], items: Iterable[Model], exclude: frozenset[str] = frozenset()
    ) -> None:
        """The bulk path for models: each one's values in their stored forms."""
        writer = row_writer(model, exclude)
        self._insert_many(table, writer.columns, map(writer, items))

    def _delete(self, table: str, item_id: int, what: str) -> None:
        with self.transaction():
            self._one(f"SELECT 1 FROM {table} WHERE id = ?", [item_id], what)
            self.conn.execute(f"DELETE FROM {table} WHERE id = ?", [item_id])

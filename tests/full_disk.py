"""A disk that fills up, as a file written with `os.write` or `os.pwrite` meets it: nothing new is
allocated, and a write that would make a file longer fails, but writing into room a file already
has still works."""

from __future__ import annotations

import errno
import fcntl
import os
import sqlite3
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from coptui.store import journal as store_journal


class FullDisk:
    """Installs itself over `os.posix_fallocate`, `os.write` and `os.pwrite`; full while `full` is set."""

    def __init__(self) -> None:
        self.full = threading.Event()
        self._allocate = os.posix_fallocate
        self._pwrite = os.pwrite
        self._write = os.write

    def install(self, monkeypatch: pytest.MonkeyPatch | None = None) -> FullDisk:
        stand_ins = (("posix_fallocate", self.allocate), ("pwrite", self.pwrite), ("write", self.write))
        for name, stand_in in stand_ins:
            if monkeypatch is None:  # in a process of its own, for good
                setattr(os, name, stand_in)
            else:
                monkeypatch.setattr(os, name, stand_in)
        return self

    def allocate(self, fd: int, offset: int, length: int) -> None:
        if self.full.is_set():
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._allocate(fd, offset, length)

    def pwrite(self, fd: int, data: bytes, offset: int) -> int:
        if self.full.is_set() and _lengthens(fd, data, offset):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return self._pwrite(fd, data, offset)

    def write(self, fd: int, data: bytes) -> int:
        if self.full.is_set() and _lengthens(fd, data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return self._write(fd, data)


def journal_disk(monkeypatch: pytest.MonkeyPatch) -> Callable[[bool], None]:
    """A full disk for the capture path: while `full(True)`, the capture journal's file (each one
    opened from now on) can grow by no page, nor a side journal beyond the room it has taken;
    `full(False)` frees the space."""
    made: list[sqlite3.Connection] = []
    real_connect = store_journal.connect
    disk = FullDisk().install(monkeypatch)

    def connect(path: Path, **options: Any) -> sqlite3.Connection:
        conn = real_connect(path, **options)
        made.append(conn)
        return conn

    def full(yes: bool) -> None:
        if yes:
            disk.full.set()
        else:
            disk.full.clear()
        for conn in made:
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count = {pages if yes else 1_000_000}")

    monkeypatch.setattr(store_journal, "connect", connect)
    return full


def _lengthens(fd: int, data: bytes, offset: int | None = None) -> bool:
    """Whether writing `data` at `offset` (None: where the file is, or at its end if it appends)
    makes a regular file longer."""
    status = os.fstat(fd)
    if not stat.S_ISREG(status.st_mode):
        return False
    if offset is None:
        if fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_APPEND:
            return bool(data)
        offset = os.lseek(fd, 0, os.SEEK_CUR)
    return offset + len(data) > status.st_size

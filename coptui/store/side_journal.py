"""A copy of each command beside the repertoire, on disk before the capture journal is tried.

The capture journal needs the file's write lock, and another program may hold that for as long
as it likes (a `sqlite3` shell in a transaction, a backup, an import). What is Entered meanwhile
must outlive the process all the same, so each command is first appended to a side journal: the
folder `<file>-capture` beside the repertoire holds one file per recording process, a JSON line
per command, flushed to disk before the screen moves on. Appending needs no lock but the file's.

Each process holds an exclusive `flock` on its own file while it lives, and the OS drops it when
the process dies, however it dies. A file that nobody holds is an orphan: the next recorder of the
same writer (the facilitator, or that member) takes it, journals what the capture journal lacks
(each command carries a key the journal keeps unique, so nothing is journalled twice) and deletes
it. A process empties its own file whenever everything in it is journalled.

A disk that fills during a meeting must not refuse what is Entered: each file takes room on
disk for some hundreds of commands when its process starts (zeros, allocated ahead), and
commands are written into that room, so a full disk only stops a file that has outgrown it.
Once half of it is used, the file takes as much again, while the disk may still have it.
Readers stop at the first zero byte.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import secrets
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from coptui.models import Command

SUFFIX = ".jsonl"
OPENING_SUFFIX = ".opening"  # a file not yet locked by its owner: never an orphan
NOT_FILED_SUFFIX = "-not-filed.txt"  # lines of a session that is not in the file: kept, never filed
NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
ROOM = 256 * 1024  # taken on disk when a process starts: some hundreds of commands


class KeptCommand(BaseModel):
    """One line of a side journal: a command, whose keys it is, and the session it was given in."""

    model_config = ConfigDict(frozen=True)

    session_id: int | None  # None: given while the session was still opening
    member: str | None  # a participant's handle; None for the facilitator's keys
    command: Command
    # When that session was started, as the file has it: with the id, the session itself. A file
    # restored from a backup hands the same id to another meeting; a line is never filed there.
    session_started: str | None = None


def stray_said(kept: KeptCommand) -> str:
    """Why a line kept beside the file was not filed: its session is not in the file (a file
    restored from a backup, which may have given its id to another meeting)."""
    return (
        f"Entered in a session the file no longer holds (session {kept.session_id} before a restore?): "
        f"not filed here; kept beside the file, in a …{NOT_FILED_SUFFIX} file"
    )


def side_folder(repertoire: Path) -> Path:
    return repertoire.with_name(f"{repertoire.name}-capture")


# This process's own side journals, while it holds them open.
_HELD: weakref.WeakSet[SideJournal] = weakref.WeakSet()


def remove_own_empty() -> None:
    """For a process about to die by a signal: remove its own side journals that hold nothing.
    One being written just then (by another thread) is left as it is, for the next recorder, and
    so is one the system refuses to remove: the others are removed all the same."""
    for journal in _held_now():
        with contextlib.suppress(OSError):
            journal.remove_if_empty()


def _held_now() -> list[SideJournal]:
    """The side journals held, or none: the filer thread may open or close one while they are
    listed (a WeakSet is not safe to list then), and a process about to die must not wait."""
    for _ in range(3):
        with contextlib.suppress(RuntimeError):  # "Set changed size during iteration"
            return list(_HELD)
    return []


class SideJournal:
    """One recording process's side journal: appended to, emptied once journalled, gone when closed empty."""

    def __init__(self, repertoire: Path, member: str | None) -> None:
        self.folder = side_folder(repertoire)
        self.member = member
        self.path: Path | None = None
        self._fd: int | None = None
        self._size = 0  # what the commands kept take up, from the start of the file
        self._room = 0  # what the file has on disk; zeros after `_size`
        self._lock = threading.Lock()
        with contextlib.suppress(OSError):  # a disk full already: `keep` tries again
            self._open()

    def keep(self, session_id: int | None, commands: Sequence[Command], started: str | None = None) -> None:
        """Append `commands` in order and flush them to disk: all of them, or none (then OSError)."""
        lines = (
            KeptCommand(session_id=session_id, member=self.member, command=c, session_started=started)
            for c in commands
        )
        data = b"".join(line.model_dump_json().encode() + b"\n" for line in lines)
        with self._lock:
            fd = self._open()
            end = self._size + len(data)
            if end > self._room:
                self._take_room(max(end, 2 * self._room))
            try:
                if os.pwrite(fd, data, self._size) != len(data):
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                os.fsync(fd)
            except OSError:
                # A torn line would glue itself to the next one: blank it back to the last whole line.
                with contextlib.suppress(OSError):
                    os.pwrite(fd, bytes(len(data)), self._size)
                raise
            self._size = end
            if 2 * self._size > self._room:  # half used: take the next room now, while there may be space
                with contextlib.suppress(OSError):
                    self._take_room(2 * self._room)

    def empty(self) -> None:
        """Everything kept so far is in the capture journal: let the file go back to nothing (zeros,
        keeping its room on disk)."""
        with self._lock:
            if self._fd is not None and self._size:
                os.pwrite(self._fd, bytes(self._size), 0)
                self._size = 0

    def close(self) -> None:
        """Let the file go: deleted if empty, else left for the next recorder of this writer to take."""
        with self._lock:
            self._let_go()
        with contextlib.suppress(OSError):  # only when no other process keeps a file there
            self.folder.rmdir()

    def remove_if_empty(self) -> None:
        """Let the file go if it holds nothing, unless a thread is writing it just now (never waits)."""
        if not self._lock.acquire(blocking=False):
            return
        try:
            if self._size:
                return
            self._let_go()
        finally:
            self._lock.release()
        with contextlib.suppress(OSError):
            self.folder.rmdir()

    def _let_go(self) -> None:
        if self._fd is not None:
            if not self._size and self.path is not None:
                with contextlib.suppress(OSError):
                    self.path.unlink()
            os.close(self._fd)
            self._fd, self._room = None, 0
            _HELD.discard(self)

    def _open(self) -> int:
        """This process's own file, made on first use and locked before anyone can take it for an orphan."""
        if self._fd is not None:
            return self._fd
        name = f"{os.getpid()}-{secrets.token_hex(6)}"
        for _ in range(3):  # another process may remove the empty folder between mkdir and open
            self.folder.mkdir(exist_ok=True)
            opening = self.folder / f"{name}{OPENING_SUFFIX}"
            try:
                fd = os.open(opening, NEW_FILE, 0o666)
            except FileNotFoundError:
                continue
            break
        else:
            raise OSError(errno.ENOENT, f"cannot make a file in {self.folder}")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            self.path = self.folder / f"{name}{SUFFIX}"
            opening.rename(self.path)
            _flush_folder(self.folder)
        except OSError:
            os.close(fd)
            with contextlib.suppress(OSError):
                opening.unlink()
            raise
        self._fd = fd
        _HELD.add(self)
        self._take_room(ROOM)
        return fd

    def _take_room(self, size: int) -> None:
        """Allocate the file on disk up to `size` bytes now, as zeros, so that writing commands into
        it later asks the disk for nothing; OSError when the disk is full already."""
        assert self._fd is not None
        allocate = getattr(os, "posix_fallocate", None)
        try:
            if allocate is None:
                raise OSError(errno.EOPNOTSUPP, "no posix_fallocate")
            allocate(self._fd, self._room, size - self._room)
        except OSError as error:
            if error.errno not in (errno.EOPNOTSUPP, errno.EINVAL):
                raise
            # A file system that cannot allocate ahead: the zeros, written.
            os.pwrite(self._fd, bytes(size - self._room), self._room)
            os.fsync(self._fd)
        self._room = size


@dataclass
class Orphans:
    """Side journals left by processes that have gone, held (locked) by this one until released."""

    commands: list[KeptCommand]
    _files: list[tuple[Path, int]]

    def __bool__(self) -> bool:
        return bool(self._files)

    def release(self, *, delete: bool, strays: Sequence[KeptCommand] = ()) -> None:
        """Let the files go; `delete` once every command in them is in the capture journal but
        `strays`, which no session in the file is theirs: those stay beside it, in a file of their
        own (`…-not-filed.txt`) that no recorder takes, for a person to read."""
        if delete and strays and self._files:
            first = self._files[0][0]
            kept = first.with_name(f"{first.stem}{NOT_FILED_SUFFIX}")
            kept.write_bytes(b"".join(k.model_dump_json().encode() + b"\n" for k in strays))
            with open(kept, "rb") as written:
                os.fsync(written.fileno())
        for path, fd in self._files:
            if delete:
                with contextlib.suppress(OSError):
                    path.unlink()
            os.close(fd)
        self._files = []


def take_orphans(repertoire: Path, member: str | None) -> Orphans:
    """The side journals of `member`'s keys whose processes have gone, oldest first, locked by this one.

    A file is `member`'s when its lines are; a line cut short by a crash (or a full disk) is skipped.
    """
    return _take(repertoire, lambda kept: kept.member == member)


def take_participants_orphans(repertoire: Path, session_id: int) -> Orphans:
    """The side journals left by participants' processes that have gone, with lines for the live
    session `session_id` (or given while it was opening), oldest first, locked by this one."""
    return _take(repertoire, lambda kept: kept.member is not None and kept.session_id in (session_id, None))


def kept_beside(repertoire: Path) -> list[KeptCommand]:
    """Every command the side journals beside `repertoire` hold just now, whoever keeps them."""
    kept: list[KeptCommand] = []
    with contextlib.suppress(OSError):
        for path in sorted(side_folder(repertoire).glob(f"*{SUFFIX}")):
            with contextlib.suppress(OSError):
                fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
                try:
                    kept.extend(_read(fd))
                finally:
                    os.close(fd)
    return kept


def _take(repertoire: Path, belongs: Callable[[KeptCommand], bool]) -> Orphans:
    folder = side_folder(repertoire)
    try:
        paths = sorted(folder.glob(f"*{SUFFIX}"))
    except OSError:
        return Orphans([], [])
    taken: list[tuple[list[KeptCommand], Path, int]] = []
    for path in paths:
        with contextlib.suppress(OSError):
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
            held = False  # the file stays open, and locked, only while it is taken
            try:
                if not _lock_orphan(fd):
                    continue
                kept = list(_read(fd))
                if kept and all(belongs(k) for k in kept):
                    taken.append((kept, path, fd))
                    held = True
                elif not kept:
                    path.unlink()
            finally:
                if not held:
                    os.close(fd)
    taken.sort(key=lambda t: t[0][0].command.pressed_at)
    return Orphans([k for kept, _, _ in taken for k in kept], [(path, fd) for _, path, fd in taken])


def _lock_orphan(fd: int) -> bool:
    """Lock the file open on `fd` if no living process holds it and nobody has deleted it meanwhile."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return os.fstat(fd).st_nlink > 0


def _read(fd: int) -> Iterator[KeptCommand]:
    with os.fdopen(os.dup(fd), "rb") as file:
        kept, _, _room = file.read().partition(b"\0")
    for line in kept.splitlines():
        with contextlib.suppress(ValidationError):
            yield KeptCommand.model_validate_json(line)


def _flush_folder(folder: Path) -> None:
    """The new file's name is on disk too, not only its contents."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

"""Writing a file complete or not at all, with a message that says why when it cannot be written.

A file is written under a temporary name in its own folder, flushed to disk and
renamed over the old one, so a kill or a full disk leaves the old file as it was (or
no file), never a part of the new one. The rename replaces a symbolic link at the
path rather than writing through it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
from pathlib import Path
from typing import NoReturn

DISK_FULL = (errno.ENOSPC, errno.EDQUOT)
REFUSED = (errno.EACCES, errno.EPERM, errno.EROFS)


class FileNotWritten(OSError):
    """A file that could not be written; its message names the cause and says what was left.

    `reason` is the cause alone ("cannot write PATH: the disk is full"), for a caller that
    says what was left in its own words; None where the message is all there is.
    """

    reason: str | None = None

    def __str__(self) -> str:
        return str(self.strerror)


# A file being written is named `.NAME.XXXXXXXX.tmp` beside NAME until it is complete.
_TEMPORARY = re.compile(r"\.(?P<name>.+)\.[0-9a-f]{8}\.tmp")


def left_half_written(name: str, page: re.Pattern[str]) -> bool:
    """Whether `name` is a file coptui was writing as a file `page` names, and did not finish."""
    found = _TEMPORARY.fullmatch(name)
    return found is not None and page.fullmatch(found["name"]) is not None


def replace_file(path: Path, data: bytes, *, sync: bool = True) -> None:
    """Put `data` at `path` whole: the old file stays until the new one is complete on disk.

    `sync=False` skips flushing the file to disk, for the thousands of pages of a folder:
    a killed process still leaves the file whole; a power cut may not. It is also written
    with the fewest system calls (no buffered file), as those thousands of pages cost most in
    creating their files.
    """
    if not sync:
        _put(path, data)
        return
    staged = StagedFile(path)
    staged.write(data)
    staged.commit(sync=sync)


def _put(path: Path, data: bytes) -> None:
    """What a `StagedFile` does with `data`, without flushing it to disk, in a few system calls."""
    temporary = _temporary_name(path)
    try:
        descriptor = os.open(temporary, _NEW_FILE, 0o666)
    except OSError as error:
        raise not_written(error, path) from error
    mode: int | None = None
    try:
        try:
            written = os.write(descriptor, data)
            while written < len(data):  # a write may take part of it
                written += os.write(descriptor, data[written:])
        finally:
            os.close(descriptor)
        mode = _mode(path)
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise not_written(error, path, existed=mode is not None or path.exists()) from error
        raise


# O_EXCL: never opens something already there (a planted link), and the umask applies.
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW


def _temporary_name(path: Path) -> str:
    return f"{os.path.dirname(path)}/.{os.path.basename(path)}.{secrets.token_hex(4)}.tmp"


def _mode(path: Path) -> int | None:
    """The permissions of the file at `path`, which its replacement keeps; None if there is none."""
    try:
        return stat.S_IMODE(os.lstat(path).st_mode)
    except FileNotFoundError:
        return None


class StagedFile:
    """A file's new contents written under a temporary name beside it, then put in its place whole.

    For contents too large to hold at once: `write` them in parts, then `commit`, or
    `discard` to leave the file as it was. Until then, the old file is untouched.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.size = 0
        self._temporary = Path(_temporary_name(path))
        try:
            descriptor = os.open(self._temporary, _NEW_FILE, 0o666)
        except OSError as error:
            raise not_written(error, path) from error
        self._file = os.fdopen(descriptor, "wb")

    def write(self, data: bytes) -> None:
        try:
            self._file.write(data)
        except BaseException as error:
            self._fail(error)
        self.size += len(data)

    def matches(self) -> bool:
        """Whether the file at the path already holds exactly what was written here."""
        try:
            if self.path.stat().st_size != self.size:
                return False
            self._file.flush()
            with open(self.path, "rb") as old, open(self._temporary, "rb") as new:
                while block := new.read(1 << 20):
                    if old.read(len(block)) != block:
                        return False
                return True
        except OSError:
            return False

    def commit(self, *, sync: bool = True) -> None:
        """Put what was written at the path; with `sync`, on disk before this returns."""
        mode = _mode(self.path)
        try:
            self._file.flush()
            if sync:
                os.fsync(self._file.fileno())
            self._file.close()
            if mode is not None:
                os.chmod(self._temporary, mode)
            os.replace(self._temporary, self.path)
        except BaseException as error:
            self._fail(error, existed=mode is not None)
        if sync:
            sync_folder(self.path.parent)

    def discard(self) -> None:
        """Leave the file as it was, and nothing of what was written here."""
        self._file.close()
        self._temporary.unlink(missing_ok=True)

    def _fail(self, error: BaseException, *, existed: bool | None = None) -> NoReturn:
        self.discard()
        if isinstance(error, OSError):
            if existed is None:
                existed = self.path.exists()
            raise not_written(error, self.path, existed=existed) from error
        raise error


def sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (where the system allows a folder to be flushed)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def not_written(error: OSError, path: Path, *, existed: bool = False) -> FileNotWritten:
    """`error` as one line: what could not be written and why (the folder, when it is the folder's fault)."""
    if error.errno in DISK_FULL:
        reason = f"cannot write {path}: the disk is full"
        message = f"{reason}; {path} is as it was" if existed else f"{reason}; nothing was written"
    elif error.errno in REFUSED:
        # The file itself is never opened: a new one is made in the folder and renamed there.
        reason = message = f"cannot write in the folder {path.parent}: {error.strerror}"
    elif error.errno == errno.ENOENT and not path.parent.is_dir():
        reason = message = f"cannot write {path}: there is no folder {path.parent}"
    else:
        reason = message = f"cannot write {path}: {error.strerror or error}"
    problem = FileNotWritten(error.errno or 0, message, str(path))
    problem.reason = reason
    return problem

"""Writing a file complete or not at all, with a message that says why when it cannot be written.

A file is written under a temporary name in its own folder, flushed to disk and
renamed over the old one, so a kill or a full disk leaves the old file as it was (or
no file), never a part of the new one. The rename replaces a symbolic link at the
path rather than writing through it.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path

DISK_FULL = (errno.ENOSPC, errno.EDQUOT)
REFUSED = (errno.EACCES, errno.EPERM, errno.EROFS)


class FileNotWritten(OSError):
    """A file that could not be written; its message names the cause and says what was left."""

    def __str__(self) -> str:
        return str(self.strerror)


def replace_file(path: Path, data: bytes, *, sync: bool = True) -> None:
    """Put `data` at `path` whole: the old file stays until the new one is complete on disk.

    `sync=False` skips flushing each file to disk (for many pages at once, flushed together
    by the caller); a killed process still leaves every file whole.
    """
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        mode = stat.S_IMODE(os.lstat(path).st_mode)
    except FileNotFoundError:
        mode = None
    try:
        # O_EXCL: never opens something already there (a planted link), and the umask applies.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666)
    except OSError as error:
        raise not_written(error, path) from error
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            if sync:
                os.fsync(file.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise not_written(error, path, existed=mode is not None) from error
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    if sync:
        sync_folder(path.parent)


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
    left = f"{path} is as it was" if existed else "nothing was written"
    if error.errno in DISK_FULL:
        message = f"cannot write {path}: the disk is full; {left}"
    elif error.errno in REFUSED:
        # The file itself is never opened: a new one is made in the folder and renamed there.
        message = f"cannot write in the folder {path.parent}: {error.strerror}"
    elif error.errno == errno.ENOENT and not path.parent.is_dir():
        message = f"cannot write {path}: there is no folder {path.parent}"
    else:
        message = f"cannot write {path}: {error.strerror or error}"
    return FileNotWritten(error.errno or 0, message, str(path))

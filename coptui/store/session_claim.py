"""One facilitator screen per live session: an OS lock on a file beside the repertoire.

The process running a session's facilitator screen holds an exclusive `flock` on
`<file>-session-<id>.lock`, which names it (pid and host). Another `coptui run` on that session
is refused with that name: two screens would each keep their own idea of the phase and rewrite
each other's phase times. The OS drops the lock when the process ends, however it ends, so a
resume after a crash is never refused. In one process, claims of the same session share the lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

from coptui.store.errors import StoreError


class SessionTaken(StoreError):
    """Another process runs this session's facilitator screen."""


@dataclass
class _Held:
    fd: int
    claims: int


_HELD: dict[Path, _Held] = {}
_HELD_LOCK = threading.Lock()


def claim_path(repertoire: Path, session_id: int) -> Path:
    return repertoire.with_name(f"{repertoire.name}-session-{session_id}.lock")


class SessionClaim:
    """This process runs the facilitator screen of one session, until `release`."""

    def __init__(self, repertoire: Path, session_id: int, title: str = "") -> None:
        """Claim the session; `SessionTaken`, naming the process that has it, when another one does."""
        self.path = claim_path(repertoire, session_id).resolve()
        self._released = False
        with _HELD_LOCK:
            held = _HELD.get(self.path)
            if held is not None:
                held.claims += 1
                return
            _HELD[self.path] = _Held(_lock(self.path, title), 1)

    def release(self) -> None:
        with _HELD_LOCK:
            if self._released:
                return
            self._released = True
            held = _HELD[self.path]
            held.claims -= 1
            if held.claims:
                return
            del _HELD[self.path]
            with contextlib.suppress(OSError):
                self.path.unlink()  # while still locked: whoever opened it before finds it gone
            os.close(held.fd)

    def __enter__(self) -> SessionClaim:
        return self

    def __exit__(self, *_: object) -> None:
        self.release()


def _lock(path: Path, title: str) -> int:
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 200).decode(errors="replace").split()
            os.close(fd)
            raise SessionTaken(_refusal(holder, title)) from None
        except OSError:
            os.close(fd)
            raise
        # The holder before deletes the file as it lets go: then lock the one made after it.
        if os.fstat(fd).st_nlink == 0:
            os.close(fd)
            continue
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {socket.gethostname()}\n".encode())
        return fd


def _refusal(holder: list[str], title: str) -> str:
    session = f"“{title}”" if title else "this session"
    if not holder:
        return f"{session} is being run in another coptui; close it there, then `coptui run --resume`"
    pid, host = holder[0], holder[1] if len(holder) > 1 else ""
    where = f"pid {pid}" if host in ("", socket.gethostname()) else f"pid {pid} on {host}"
    return (
        f"{session} is being run in another coptui ({where}); close it there, or end that process "
        f"(nothing Entered there is lost), then `coptui run --resume`"
    )

"""Capture that loses nothing: each command is journalled the moment it is given, then carried out in order.

Two threads, so that neither waits on the other's slow part:

- the journal writer makes each command durable, in the order given, with a short immediate
  transaction on a connection of its own. When it cannot (a lock held by another program, a
  full disk, a read-only file), the commands stay pending, in view, and it tries again on its
  own until they are written;
- the filer carries out journalled commands one at a time, in journal order, through the
  engine (`LiveSession.perform`, which settles each in the transaction that files it), then
  reads the session back for the screen.

A command given while the session is still opening waits for it. When a session is resumed,
the commands journalled but never carried out (the process was killed) are carried out first.

They are plain threads rather than Textual workers: the engine knows nothing of Textual, and
they live as long as the session screen does. `RecorderListener` is how they report.

The engine is the facilitator's `LiveSession` or a participant's `Participant`: anything that
is a `JournalledEngine`. Each journal row names whose keys it holds, so each replays only its own.
"""

from __future__ import annotations

import contextlib
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, Protocol, TypeVar

from coptui.facilitation.summary import SessionSummary
from coptui.facilitation.view import EntryResult
from coptui.models import Command, CommandKind
from coptui.store import ReadOnlyRepertoire, Repertoire, RepertoireBusy, StoreError
from coptui.store.journal import CaptureJournal

Result = EntryResult | SessionSummary
V_co = TypeVar("V_co", covariant=True)

# The longest `press` waits for its command to be on disk before the screen draws on. It stops
# waiting at once when the journal reports it cannot write (it gives up on a lock after as
# long), so this bounds only a disk that is very slow to answer.
DURABLE_WAIT_SECONDS = 2.0
RETRY_FIRST_SECONDS = 0.1
RETRY_MOST_SECONDS = 2.0


def reason(error: StoreError) -> str:
    """Why the file cannot be written just now, in a few words for the pending line."""
    if isinstance(error, RepertoireBusy):
        return "another program is writing to the file"
    if isinstance(error, ReadOnlyRepertoire):
        return "the file is read-only"
    if "disk is full" in str(error):
        return "the disk is full"
    return str(error)


@dataclass(frozen=True)
class Pending:
    """A command given and not yet carried out; `saved` once it is in the journal."""

    command: Command
    seq: int
    saved: bool = False


class JournalledEngine(Protocol[V_co]):
    """What the recorder carries commands out through: one writer's side of a live session."""

    @property
    def repertoire(self) -> Repertoire: ...

    @property
    def session_id(self) -> int: ...

    @property
    def member(self) -> str | None:
        """Whose journal rows it carries out: a participant's handle, None for the facilitator."""

    def perform(self, command: Command) -> Result:
        """Carry out one journalled command and settle its row, in one transaction."""

    def view(self) -> V_co: ...


E = TypeVar("E", bound=JournalledEngine[Any])
E_contra = TypeVar("E_contra", contravariant=True)
V = TypeVar("V")
V_contra = TypeVar("V_contra", contravariant=True)


class RecorderListener(Protocol[E_contra, V_contra]):
    """What the recorder reports, from its own threads: implementations must be thread-safe."""

    def opened(self, live: E_contra, view: V_contra, replayed: Sequence[tuple[Command, Result]]) -> None:
        """The session is open; `replayed` are the commands a killed process had left unfiled."""

    def open_failed(self, error: Exception) -> None: ...

    def carried_out(self, command: Command, result: Result) -> None: ...

    def viewed(self, view: V_contra) -> None:
        """The session as it stands after the commands carried out so far."""

    def pending_changed(self, pending: Sequence[Pending], problem: str | None) -> None:
        """What is not yet filed, and why the journal or the filer is waiting, if it is."""


class Recorder(Generic[E, V]):
    """Takes one writer's commands in order and sees each one journalled, then carried out."""

    def __init__(
        self,
        journal: CaptureJournal,
        open_live: Callable[[], E],
        listener: RecorderListener[E, V],
        *,
        durable_wait: float = DURABLE_WAIT_SECONDS,
    ) -> None:
        self.journal = journal
        self.open_live = open_live
        self.listener = listener
        self.durable_wait = durable_wait
        self._changed = threading.Condition()
        self._unsaved: deque[Pending] = deque()
        self._saved: deque[Pending] = deque()
        self._seq = 0
        self._saved_seq = 0
        self._carried_upto = 0  # the journal id of the last command carried out
        self._journal_problem: str | None = None  # why the journal writer is retrying
        self._filer_problem: str | None = None  # why the filer is retrying
        self._live: E | None = None
        self._filing = False  # the filer is carrying out commands or reading the session back
        self._stopping = False
        self._threads = [
            threading.Thread(target=self._write_journal, name="coptui-journal", daemon=True),
            threading.Thread(target=self._file, name="coptui-filer", daemon=True),
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        for thread in self._threads:
            if thread.is_alive() and thread is not threading.current_thread():
                thread.join(timeout)
        self.journal.close()

    # -- the screen's side ------------------------------------------------------------

    def press(self, kind: CommandKind, text: str = "") -> bool:
        """Take one command, in order after every one before it; True once it is on disk.

        Waits a moment for the journal so that, on any machine, what the screen draws next
        is already safe; when the journal cannot write now, the command stays pending.
        """
        command = Command(kind=kind, text=text, pressed_at=datetime.now(UTC))
        with self._changed:
            self._seq += 1
            seq = self._seq
            backlog = bool(self._unsaved)
            self._unsaved.append(Pending(command, seq))
            self._changed.notify_all()
            if not backlog and self._live is not None:
                self._changed.wait_for(
                    lambda: self._saved_seq >= seq or self._journal_problem is not None,
                    timeout=self.durable_wait,
                )
            saved = self._saved_seq >= seq
        if not saved:
            self._report_pending()
        return saved

    def pending(self) -> list[Pending]:
        with self._changed:
            return self._pending()

    @property
    def idle(self) -> bool:
        """Nothing given is waiting to be written or carried out."""
        with self._changed:
            return not (self._unsaved or self._saved or self._filing) and self._live is not None

    def _pending(self) -> list[Pending]:
        return [*self._saved, *self._unsaved]

    @property
    def _problem(self) -> str | None:
        return self._journal_problem or self._filer_problem

    def _report_pending(self) -> None:
        with self._changed:
            pending, problem = self._pending(), self._problem
        self.listener.pending_changed(pending, problem)

    def _wait_to_retry(self, delay: float, problem: str, *, journal: bool = False) -> bool:
        """Say why nothing moves, then wait `delay`; False when the recorder is stopping."""
        with self._changed:
            if journal:
                self._journal_problem = problem
            else:
                self._filer_problem = problem
            self._changed.notify_all()
        self._report_pending()
        with self._changed:
            return not self._changed.wait_for(lambda: self._stopping, timeout=delay)

    # -- the journal writer -------------------------------------------------------------

    def _write_journal(self) -> None:
        delay = RETRY_FIRST_SECONDS
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._stopping or (self._unsaved and self._live is not None))
                if self._stopping or self._live is None:
                    return
                batch, session_id = list(self._unsaved), self._live.session_id
            try:
                saved = self.journal.append(session_id, [p.command for p in batch])
            except StoreError as error:
                if not self._wait_to_retry(delay, reason(error), journal=True):
                    return
                delay = min(delay * 2, RETRY_MOST_SECONDS)
                continue
            delay = RETRY_FIRST_SECONDS
            with self._changed:
                for _ in batch:
                    self._unsaved.popleft()
                # The filer may have read a command from the file and carried it out already.
                self._saved.extend(
                    Pending(command, p.seq, saved=True)
                    for p, command in zip(batch, saved, strict=True)
                    if (command.id or 0) > self._carried_upto
                )
                self._saved_seq = batch[-1].seq
                self._journal_problem = None
                self._changed.notify_all()
            self._report_pending()

    # -- the filer ----------------------------------------------------------------------------

    def _file(self) -> None:
        try:
            live = self.open_live()
            replayed: list[tuple[Command, Result]] = []
            for command in self._journal_backlog(live):
                result = self._carry_out(live, command)
                if result is None:  # stopping
                    return
                replayed.append((command, result))
            view = live.view()
        except Exception as error:  # the session cannot be opened: the screen says why and closes
            with self._changed:
                self._stopping = True
                self._changed.notify_all()
            self.listener.open_failed(error)
            return
        with self._changed:
            self._live = live
            self._changed.notify_all()
        self.listener.opened(live, view, replayed)
        while True:
            with self._changed:
                self._filing = False
                self._changed.wait_for(lambda: self._stopping or bool(self._saved))
                if self._stopping:
                    return
                self._filing = True
            for command in self._journal_backlog(live):
                result = self._carry_out(live, command)
                if result is None:
                    return
                with self._changed:
                    self._carried_upto = command.id or 0
                    while self._saved and (self._saved[0].command.id or 0) <= self._carried_upto:
                        self._saved.popleft()
                self.listener.carried_out(command, result)
            self._read_back(live)

    def _journal_backlog(self, live: E) -> list[Command]:
        """This writer's journalled commands not yet carried out, oldest first."""
        while True:
            try:
                return live.repertoire.unsettled_commands(live.session_id, live.member)
            except StoreError as error:
                if not self._wait_to_retry(RETRY_MOST_SECONDS, reason(error)):
                    return []

    def _carry_out(self, live: E, command: Command) -> Result | None:
        """Carry out `command`, trying again while the file cannot be written; None when stopping."""
        delay = RETRY_FIRST_SECONDS
        while True:
            try:
                result = live.perform(command)
            except StoreError as error:
                if not self._wait_to_retry(delay, reason(error)):
                    return None
                delay = min(delay * 2, RETRY_MOST_SECONDS)
                continue
            except Exception as error:  # a fault of coptui's own: say so, and never jam the queue behind it
                result = EntryResult(False, f"not filed ({type(error).__name__}: {error})")
                with contextlib.suppress(StoreError):  # if not settled now, it is tried again later
                    live.repertoire.settle_command(
                        command.id or 0, filed=False, message=result.message, at=datetime.now(UTC)
                    )
            with self._changed:
                self._filer_problem = None
            return result

    def _read_back(self, live: E) -> None:
        try:
            view = live.view()
        except StoreError as error:
            with self._changed:
                self._filer_problem = reason(error)
        else:
            self.listener.viewed(view)
        self._report_pending()

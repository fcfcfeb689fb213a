"""Capture that loses nothing: each command is journalled the moment it is given, then carried out in order.

Two threads, so that neither waits on the other's slow part:

- the journal writer makes each command durable, in the order given: first a copy beside the
  file (the side journal, which needs no lock of SQLite's), then a row of the capture journal,
  in a short immediate transaction on a connection of its own. When it cannot journal them (a
  lock held by another program, a full disk, a read-only file), the commands stay pending, in
  view, safe beside the file, and it tries again on its own until they are journalled;
- the filer carries out journalled commands one at a time, in journal order, through the
  engine (`LiveSession.perform`, which settles each in the transaction that files it), then
  reads the session back for the screen.

A command given while the session is still opening is kept beside the file and waits for it.
When a session is resumed, what a killed process had kept beside the file and not journalled is
journalled, then the commands journalled but never carried out are carried out first, in order.
The facilitator's recorder also claims the session, so that it has one facilitator screen.

They are plain threads rather than Textual workers: the engine knows nothing of Textual, and
they live as long as the session screen does. `RecorderListener` is how they report.

The engine is the facilitator's `LiveSession` or a participant's `Participant`: anything that
is a `JournalledEngine`. Each journal row names whose keys it holds, so each replays only its own.
"""

from __future__ import annotations

import contextlib
import errno
import threading
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Generic, Protocol, TypeVar

from coptui.facilitation.left_behind import FiledForMember
from coptui.facilitation.summary import SessionSummary
from coptui.facilitation.view import EntryResult
from coptui.models import Command, CommandKind
from coptui.store import ReadOnlyRepertoire, Repertoire, RepertoireBusy, StoreError, UnreadableRow
from coptui.store.journal import CaptureJournal
from coptui.store.side_journal import KeptCommand, stray_said

Result = EntryResult | SessionSummary
V_co = TypeVar("V_co", covariant=True)

# The longest `press` waits for its command to be on disk before the screen draws on. It stops
# waiting at once when the journal reports it cannot write (it gives up on a lock after as
# long), so this bounds only a disk that is very slow to answer.
DURABLE_WAIT_SECONDS = 2.0
RETRY_FIRST_SECONDS = 0.1
RETRY_MOST_SECONDS = 2.0
# Said of a command another process carried out without keeping what became of it.
NOT_KNOWN = (
    "another coptui took this line and kept no word of it: look at the session before Entering it again"
)
# How often the facilitator's recorder looks for lines a participant's gone process left unfiled.
LEFT_BEHIND_SECONDS = 1.0


def os_reason(error: OSError) -> str:
    """Why the copy beside the file cannot be written, in a few words."""
    if error.errno == errno.ENOSPC:
        return "the disk is full"
    return f"no copy beside the file: {error.strerror or error}"


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
    """A command given and not yet carried out; `saved` once it is on disk (kept beside the file,
    or journalled), so that quitting or a crash would not lose it; `in_memory` while keeping it
    beside the file has failed (a full disk, its room used up): a crash now would lose it."""

    command: Command
    seq: int
    saved: bool = False
    in_memory: bool = False


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

    def filed_left_behind(self, filed: Sequence[FiledForMember]) -> None:
        """Lines participants' gone processes had left unfiled, now carried out (`left_behind`)."""


class Recorder(Generic[E, V]):
    """Takes one writer's commands in order and sees each one journalled, then carried out."""

    def __init__(
        self,
        journal: CaptureJournal,
        open_live: Callable[[], E],
        listener: RecorderListener[E, V],
        *,
        durable_wait: float = DURABLE_WAIT_SECONDS,
        left_behind: Callable[[E, datetime | None], Sequence[FiledForMember]] | None = None,
    ) -> None:
        """`left_behind`, for the facilitator's recorder: files what participants' gone processes
        left unfiled and Entered before a moment (`LeftBehind.file`), before each command carried
        out (those Entered before it), and all of it every few moments."""
        self.journal = journal
        self.left_behind = left_behind
        self.open_live = open_live
        self.listener = listener
        self.durable_wait = durable_wait
        self._changed = threading.Condition()
        self._keeping = threading.Lock()  # one copy beside the file at a time, in the order given
        self._unsaved: deque[Pending] = deque()  # not yet journalled: kept beside the file (saved) first
        self._saved: deque[Pending] = deque()  # journalled, not yet carried out
        self._orphans: list[Pending] = []  # what a killed process kept beside the file, while not journalled
        self._seq = 0
        self._saved_seq = 0  # every command up to this one is on disk
        self._keep_problem: str | None = None  # why the copy beside the file failed
        self._carried_upto = 0  # the journal id of the last command carried out
        self._journal_problem: str | None = None  # why the journal writer is retrying
        self._filer_problem: str | None = None  # why the filer is retrying
        self._live: E | None = None
        self._filing = False  # the filer is carrying out commands or reading the session back
        self._shown_opening = False  # the session was drawn while it waited to open
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

    def press(
        self,
        kind: CommandKind,
        text: str = "",
        speaker: str | None = None,
        phase: int | None = None,
        focus: int | None = None,
    ) -> bool:
        """Take one command, in order after every one before it; True once it is on disk.
        `speaker`: for a plain check-in line, whose check-in the box named (`Command.speaker`);
        `phase` and `focus`: the phase and the case in focus the screen showed as it was Entered.

        It is kept beside the file here, on the caller's thread, so that what the screen draws
        next is already safe whatever another program does with the file's lock. When it cannot
        be (a full disk), this waits a moment for the journal instead; failing that, the command
        stays pending, in view, and is kept or journalled as soon as it can be.
        """
        command = Command(
            kind=kind,
            text=text,
            pressed_at=datetime.now(UTC),
            record_key=uuid.uuid4().hex,
            speaker=speaker,
            phase=phase,
            focus=focus,
        )
        with self._changed:
            self._seq += 1
            seq = self._seq
            self._unsaved.append(Pending(command, seq))
            self._changed.notify_all()
        if not self._keep_unkept():
            with self._changed:
                if self._live is not None:
                    self._changed.wait_for(
                        lambda: self._saved_seq >= seq or self._journal_problem is not None,
                        timeout=self.durable_wait,
                    )
        with self._changed:
            saved = self._saved_seq >= seq
            opening = self._live is None  # it waits for the session: in view until it is filed
        if not saved or opening:
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
        return [*self._orphans, *self._saved, *self._unsaved]

    @property
    def _problem(self) -> str | None:
        return self._journal_problem or self._keep_problem or self._filer_problem

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
                self._changed.wait_for(
                    lambda: (
                        self._stopping
                        or self._saved_seq < self._seq
                        or bool(self._unsaved and self._live is not None)
                    )
                )
                if self._stopping:
                    return
                batch, live = list(self._unsaved), self._live
            self._keep_unkept()
            if live is None:  # kept, or not: either way the journal waits for the session
                if self._keep_problem is not None:
                    if not self._wait_to_retry(delay, self._keep_problem, journal=True):
                        return
                    delay = min(delay * 2, RETRY_MOST_SECONDS)
                continue
            try:
                saved = self.journal.append(live.session_id, [p.command for p in batch])
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
                self._saved_seq = max(self._saved_seq, batch[-1].seq)
                self._journal_problem = self._keep_problem = None
                self._changed.notify_all()
            self._empty_side_journal()
            self._report_pending()

    def _empty_side_journal(self) -> None:
        """Let the copy beside the file go back to nothing if all it holds is journalled: not while
        a command kept since the batch (on the pressing thread) is still to be journalled."""
        with self._keeping:
            with self._changed:
                waiting = any(p.saved for p in self._unsaved)
            if not waiting:
                with contextlib.suppress(OSError):
                    self.journal.side.empty()

    def _keep_unkept(self) -> bool:
        """Keep beside the file, in order, what is given and not on disk yet; False, with the
        problem noted, when it cannot be."""
        with self._keeping:
            with self._changed:
                unkept = [p for p in self._unsaved if not p.saved]
                session_id = None if self._live is None else self._live.session_id
            if not unkept:
                return True
            try:
                self.journal.keep(session_id, [p.command for p in unkept])
            except OSError as error:
                with self._changed:
                    self._keep_problem = os_reason(error)
                    self._mark_unsaved({p.seq for p in unkept}, saved=False, in_memory=True)
                    self._changed.notify_all()
                return False
            with self._changed:
                # Some may have been journalled meanwhile, by the writer.
                self._mark_unsaved({p.seq for p in unkept}, saved=True, in_memory=False)
                self._saved_seq = max(self._saved_seq, unkept[-1].seq)
                self._keep_problem = None
                self._changed.notify_all()
            return True

    def _mark_unsaved(self, seqs: set[int], *, saved: bool, in_memory: bool) -> None:
        """Mark the commands numbered `seqs` still waiting to be journalled (the lock held)."""
        for i, p in enumerate(self._unsaved):
            if p.seq in seqs:
                self._unsaved[i] = replace(p, saved=saved, in_memory=in_memory)

    # -- the filer ----------------------------------------------------------------------------

    def _file(self) -> None:
        try:
            live = self.open_live()
            self.journal.claim(live.session_id)
            strays = self._adopt_orphans(live)
            if strays is None:
                return
            replayed: list[tuple[Command, Result]] = [
                (k.command, EntryResult(False, stray_said(k))) for k in strays
            ]
            for command in self._journal_backlog(live):
                # Several journals, one order: members' lines Entered before this key go first.
                self._file_left_behind(live, command.pressed_at)
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
        sweep = None if self.left_behind is None else LEFT_BEHIND_SECONDS
        while True:
            with self._changed:
                self._filing = False
                self._changed.wait_for(lambda: self._stopping or bool(self._saved), timeout=sweep)
                if self._stopping:
                    return
                self._filing = True
                waiting = {p.command.id for p in self._saved}
                first = min((p.command.pressed_at for p in self._saved), default=None)
            if self._file_left_behind(live, first) and not waiting:
                self._read_back(live)
            carried = False
            for command in self._journal_backlog(live):
                self._file_left_behind(live, command.pressed_at)
                result = self._carry_out(live, command)
                if result is None:
                    return
                with self._changed:
                    self._carried_upto = command.id or 0
                    while self._saved and (self._saved[0].command.id or 0) <= self._carried_upto:
                        self._saved.popleft()
                self.listener.carried_out(command, result)
                carried = True
            with self._changed:  # any the backlog lacked, another process carried out meanwhile
                elsewhere = [p.command for p in self._saved if p.command.id in waiting]
                self._saved = deque(p for p in self._saved if p.command.id not in waiting)
            for command in elsewhere:  # said as if carried out here: a refused line comes back
                self._said_from_elsewhere(live, command)
            if waiting:  # members' lines Entered after these keys
                self._file_left_behind(live)
            if waiting or carried:  # a reading after each command carried out: the screen counts on it
                self._read_back(live)

    def _said_from_elsewhere(self, live: E, command: Command) -> None:
        """What became of `command`, which another process (the facilitator's, ending the session)
        carried out: the screen says it, as of a command carried out here. Never nothing: the
        screen counts each command pressed until it hears what became of it."""
        while True:
            try:
                settled = live.repertoire.settled_result(command.id or 0)
                break
            except StoreError as error:
                if not self._wait_to_retry(RETRY_MOST_SECONDS, reason(error)):
                    return  # stopping: the screen goes too
        filed, message = settled or (False, NOT_KNOWN)
        self.listener.carried_out(command, EntryResult(filed, message))

    def _file_left_behind(self, live: E, before: datetime | None = None) -> bool:
        """File what participants' gone processes left (Entered `before` a moment, if given); True
        when there was something. When the file cannot be written, the next look tries again."""
        if self.left_behind is None:
            return False
        try:
            filed = self.left_behind(live, before)
        except StoreError:
            return False
        except Exception as error:  # a fault of coptui's own: say so, and go on filing this screen's lines
            with self._changed:
                self._filer_problem = f"a line a member left was not filed ({type(error).__name__}: {error})"
            self._report_pending()
            return False
        if filed:
            self.listener.filed_left_behind(filed)
        return bool(filed)

    def _adopt_orphans(self, live: E) -> list[KeptCommand] | None:
        """Journal what processes of this writer that have gone kept beside the file and did not
        journal, before the backlog is carried out; those of a session the file does not hold
        (kept aside, not filed); None when the recorder is stopping."""
        orphans = self.journal.take_orphans()
        if not orphans:
            return []
        delay = RETRY_FIRST_SECONDS
        while True:
            try:
                strays = self.journal.adopt(orphans, live.session_id)
            except StoreError as error:
                with self._changed:
                    self._orphans = [Pending(k.command, 0, saved=True) for k in orphans.commands]
                self._show_while_opening(live)
                if not self._wait_to_retry(delay, reason(error), journal=True):
                    orphans.release(delete=False)
                    return None
                delay = min(delay * 2, RETRY_MOST_SECONDS)
                continue
            if self._orphans:
                with self._changed:
                    self._orphans = []
                    self._journal_problem = None
                self._report_pending()
            return strays

    def _show_while_opening(self, live: E) -> None:
        """While what was left unfiled waits for the file's lock, the session as it stands
        (reads do not wait for a writer): the screen is not left blank meanwhile."""
        with self._changed:
            if self._live is not None or self._shown_opening:
                return
            self._shown_opening = True
        with contextlib.suppress(StoreError):
            self.listener.viewed(live.view())

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
            except UnreadableRow as error:  # a row another tool wrote: trying again would not mend it
                result = self._not_filed(live, command, str(error))
            except StoreError as error:
                self._show_while_opening(live)
                if not self._wait_to_retry(delay, reason(error)):
                    return None
                delay = min(delay * 2, RETRY_MOST_SECONDS)
                # A member's screen may have gone meanwhile: its lines Entered before go first.
                self._file_left_behind(live, command.pressed_at)
                continue
            except Exception as error:  # a fault of coptui's own: say so, and never jam the queue behind it
                result = self._not_filed(live, command, f"{type(error).__name__}: {error}")
            with self._changed:
                self._filer_problem = None
            return result

    @staticmethod
    def _not_filed(live: E, command: Command, why: str) -> EntryResult:
        """`command` cannot be carried out, and trying again would not change that: settled as
        not filed, with why, so that the screen says it and the commands behind it go on."""
        result = EntryResult(False, f"not filed ({why})")
        with contextlib.suppress(StoreError):  # if not settled now, it is tried again later
            live.repertoire.settle_command(
                command.id or 0, filed=False, message=result.message, at=datetime.now(UTC)
            )
        return result

    def _read_back(self, live: E) -> None:
        try:
            view = live.view()
        except StoreError as error:
            with self._changed:
                self._filer_problem = reason(error)
        except Exception as error:  # a fault of coptui's own: said, and the filer goes on with the next keys
            with self._changed:
                self._filer_problem = f"the session cannot be shown ({type(error).__name__}: {error})"
        else:
            self.listener.viewed(view)
        self._report_pending()

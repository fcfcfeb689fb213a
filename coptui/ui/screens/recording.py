"""What the facilitator's and a participant's screens share: a recorder behind the capture box,
its reports turned into messages, and a poll that notices what other programs write.

Each screen starts a `Recorder` on its own engine (the facilitator's `LiveSession`, or a
member's `Participant`); the recorder's threads report through `ScreenReports`, which posts a
message to the screen for each report and counts them, so anyone can tell when everything
reported is on screen. Writes by other processes (participants, the facilitator) change the
file's data version; a poll four times a second reads the engine's view again when it moves.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from coptui.facilitation.left_behind import FiledForMember, LeftBehind, said
from coptui.facilitation.recorder import JournalledEngine, Pending, Recorder, Result
from coptui.facilitation.view import EntryResult
from coptui.models import Command, CommandKind
from coptui.store.journal import CaptureJournal
from coptui.ui.render import plain_str
from coptui.ui.widgets.capture import CaptureBox, CaptureInput

if TYPE_CHECKING:
    from coptui.ui.app import CoptuiApp

# How often a screen looks for writes by other programs: what they file shows within a second.
OTHERS_POLL_SECONDS = 0.25


class Opened(Message):
    """The recorder opened the engine; `replayed` are the keys a killed process had left unfiled."""

    def __init__(self, engine: Any, view: Any, replayed: Sequence[tuple[Command, Result]]) -> None:
        super().__init__()
        self.engine, self.view, self.replayed = engine, view, replayed


class OpenFailed(Message):
    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error


class CarriedOut(Message):
    def __init__(self, command: Command, result: Result) -> None:
        super().__init__()
        self.command, self.result = command, result


class Viewed(Message):
    """The session as it stands after the screen's own commands."""

    def __init__(self, view: Any) -> None:
        super().__init__()
        self.view = view


class PendingChanged(Message):
    def __init__(self, pending: Sequence[Pending], problem: str | None) -> None:
        super().__init__()
        self.pending, self.problem = pending, problem


class FiledLeftBehind(Message):
    """Lines participants' gone processes had left unfiled, filed by the facilitator's process."""

    def __init__(self, filed: Sequence[FiledForMember]) -> None:
        super().__init__()
        self.filed = filed


class OthersWrote(Message):
    """Another program wrote to the file: the session as it stands now."""

    def __init__(self, version: int, view: Any) -> None:
        super().__init__()
        self.version, self.view = version, view


class ScreenReports:
    """A recorder's listener: turns each report into a message to the screen, from any thread.

    It counts what it posts and the screen counts what it has handled, so a test (or anything
    else) can tell when everything reported is on screen.
    """

    def __init__(self, screen: Screen[Any]) -> None:
        self.screen = screen
        self._lock = threading.Lock()
        self._posted = 0
        self._handled = 0

    def _post(self, message: Message) -> None:
        with self._lock:
            self._posted += 1
        if not self.screen.post_message(message):
            self.handled()  # the screen has gone: nobody will handle it

    def handled(self) -> None:
        with self._lock:
            self._handled += 1

    @property
    def all_handled(self) -> bool:
        with self._lock:
            return self._handled >= self._posted

    def opened(self, live: Any, view: Any, replayed: Sequence[tuple[Command, Result]]) -> None:
        self._post(Opened(live, view, replayed))

    def open_failed(self, error: Exception) -> None:
        self._post(OpenFailed(error))

    def carried_out(self, command: Command, result: Result) -> None:
        self._post(CarriedOut(command, result))

    def viewed(self, view: Any) -> None:
        self._post(Viewed(view))

    def pending_changed(self, pending: Sequence[Pending], problem: str | None) -> None:
        self._post(PendingChanged(pending, problem))

    def filed_left_behind(self, filed: Sequence[FiledForMember]) -> None:
        self._post(FiledLeftBehind(filed))


class RecordingScreen(Screen[None]):
    """A screen whose capture box writes through a recorder, and which follows others' writes."""

    app: CoptuiApp

    BINDINGS = [
        # Priority, or the capture box (a scrollable one-line Input) takes PgUp/PgDn and does nothing.
        Binding(
            "pageup",
            "scroll_workspace(-1)",
            "Scroll up",
            id="session_page_up",
            show=False,
            priority=True,
            tooltip="scroll the workspace up",
        ),
        Binding(
            "pagedown",
            "scroll_workspace(1)",
            "Scroll down",
            id="session_page_down",
            show=False,
            priority=True,
            tooltip="scroll the workspace down",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.recorder: Recorder[Any, Any] | None = None
        self.reports = ScreenReports(self)
        self._others_seen: int | None = None  # the file's data version when others' writes were last read
        self._catching_up = False  # a scroll to the end of the workspace is on its way
        # The capture box's keystroke count as each command was pressed, oldest first: a line
        # goes back into the box only if nothing was typed there since.
        self._typing_at_press: deque[int] = deque()
        # Members' left lines filed since the screen opened or last pressed a key: said as one sum,
        # however many batches they come in (on a resume, one for each of the facilitator's lines).
        self.left_behind: list[FiledForMember] = []

    def start_recording(self, member: str | None, open_engine: Callable[[], JournalledEngine[Any]]) -> None:
        """Start the recorder on `open_engine`'s engine, journalling as `member` (None: the facilitator).

        Called again once a recorder has stopped (a participant joining after waiting), it
        starts a new one. Raises `StoreError` when the journal cannot be opened.
        """
        first = self.recorder is None
        journal = CaptureJournal(self.app.repertoire.path, member=member)
        left_behind = LeftBehind(journal) if member is None else None
        self.recorder = Recorder(
            journal,
            open_engine,
            self.reports,
            left_behind=None
            if left_behind is None
            else lambda live, before: left_behind.file(live.repertoire, live.session_id, live.clock, before),
        )
        self.recorder.start()
        if first:
            self.set_interval(OTHERS_POLL_SECONDS, self.poll_others)

    def on_unmount(self) -> None:
        if self.recorder is not None:
            self.recorder.stop()

    @property
    def engine(self) -> JournalledEngine[Any] | None:
        """The engine once the recorder has opened it."""
        return None

    @property
    def unfiled(self) -> int:
        """Keys pressed and not yet on disk: what quitting now would drop."""
        return 0 if self.recorder is None else sum(1 for p in self.recorder.pending() if not p.saved)

    @property
    def settled(self) -> bool:
        """Every key pressed has been filed and everything the recorder said is on screen."""
        return self.recorder is not None and self.recorder.idle and self.reports.all_handled

    def poll_others(self) -> None:
        if self.engine is not None:
            self.check_others(self.engine, self._others_seen)

    @work(thread=True, exclusive=True, group="others", exit_on_error=False)
    def check_others(self, engine: JournalledEngine[Any], seen: int | None) -> None:
        """Read the session again when another connection has committed since `seen`.

        A read only: it goes round the recorder, so it never waits behind (or reorders) a key.
        """
        version = engine.repertoire.data_version()
        if version != seen:
            view = engine.view()
            if not get_current_worker().is_cancelled:  # a newer read was asked for meanwhile
                self.post_message(OthersWrote(version, view))

    def others_seen(self, version: int) -> None:
        self._others_seen = version

    def show(self, view: Any) -> None:
        """Draw the session as `view` has it."""
        raise NotImplementedError

    @on(OthersWrote)
    def _others_wrote(self, message: OthersWrote) -> None:
        self.others_seen(message.version)
        workspace = self.query_one("#workspace", ScrollableContainer)
        # Keep up with what arrives, unless the reader has scrolled back. A scroll to the end
        # still on its way (it waits for the layout) counts as being there: two reads in quick
        # succession must not leave the second one behind.
        following = self._catching_up or workspace.scroll_y >= workspace.max_scroll_y
        self.show(message.view)
        if following:
            self._catching_up = True
            workspace.scroll_end(animate=False, on_complete=self._caught_up)

    def _caught_up(self) -> None:
        self._catching_up = False

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # A busy or damaged file: said once (the app keeps repeats quiet), and the next poll tries again.
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.app.report_error(event.worker.error)

    # -- the capture box -------------------------------------------------------------------

    def press(
        self,
        kind: CommandKind,
        text: str = "",
        speaker: str | None = None,
        phase: int | None = None,
        focus: int | None = None,
    ) -> None:
        """Hand a command to the recorder, in order after every key before it; `speaker`: for a
        plain check-in line, whose check-in the box named; `phase` and `focus`: the phase and the
        case in focus a line was Entered with."""
        if self.recorder is not None:
            self.left_behind = []  # what is filed after a key is said afresh
            self._typing_at_press.append(self.query_one("#capture-input", CaptureInput).keystrokes)
            self.recorder.press(kind, text, speaker, phase, focus)

    def untouched_since_press(self) -> bool:
        """For the oldest command carried out: nothing typed in the box, and no key pressed, since."""
        typed_at = self._typing_at_press.popleft() if self._typing_at_press else None
        return (
            typed_at == self.query_one("#capture-input", CaptureInput).keystrokes
            and not self._typing_at_press
        )

    def say_entry_result(self, outcome: EntryResult, typed: str, untouched: bool) -> None:
        """Say what became of an entry; `untouched`: nothing was typed in the box since it was pressed."""
        message = outcome.message
        box = self.query_one("#capture-input", CaptureInput)
        refused = typed if not outcome.ok else ""
        if refused:
            box.history.bring_forward(refused)
        else:
            box.take_from_aside(typed)  # set aside earlier, entered again and filed now
        # A line goes back into the box only if nobody has typed on: never into the middle of
        # the next line. A refused one comes back selected, so typing on starts a fresh line.
        if untouched and not box.value and refused:
            box.give_back(refused, message)
            message = f"{message} · type over it, or ← → to fix it; ↑ brings it back"
        elif untouched and not box.value and outcome.undone_text:
            box.give_back(outcome.undone_text)  # selected, as a refused line: typing on replaces it
            message = f"{message} · back in the box: type over it, or ← → to fix it"
        elif refused:  # typing has gone on: say what was refused, and keep it in view
            message = f"{message} — not filed: {plain_str(refused, 40)} (↑ brings it back)"
            box.put_aside(refused, outcome.message)
        self.query_one(CaptureBox).say(message, ok=outcome.ok)

    @on(FiledLeftBehind)
    def _filed_left_behind(self, message: FiledLeftBehind) -> None:
        self.reports.handled()
        self.left_behind.extend(message.filed)
        self.say_left_behind()

    def say_left_behind(self) -> None:
        """Say what became of the members' left lines filed lately, in one line."""
        self.query_one(CaptureBox).say(said(self.left_behind), ok=all(f.result.ok for f in self.left_behind))

    @on(PendingChanged)
    def _pending_changed(self, message: PendingChanged) -> None:
        self.reports.handled()
        self.query_one(CaptureBox).show_pending(message.pending, message.problem)

    def action_scroll_workspace(self, pages: int) -> None:
        workspace = self.query_one("#workspace", ScrollableContainer)
        if pages < 0:
            workspace.scroll_page_up()
        else:
            workspace.scroll_page_down()

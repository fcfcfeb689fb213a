"""The session screen: agenda, countdown, attendance, the phase's workspace and the capture box.

A thin layer over `LiveSession`: every change runs in a thread worker that calls the engine
(which files it at once) and returns a fresh `SessionView`; the screen only draws views.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static
from textual.worker import Worker, WorkerState

from coptui.facilitation import EntryResult, LiveSession, PhaseTimer, SessionSummary, SessionView, TimerAlert
from coptui.models import PhaseKind
from coptui.text import one_line
from coptui.ui.render import plain
from coptui.ui.screens.dialogs import ConfirmDialog, JumpDialog
from coptui.ui.screens.session_commands import SessionCommands
from coptui.ui.screens.session_help import SessionHelpScreen
from coptui.ui.screens.session_summary import SessionSummaryScreen
from coptui.ui.widgets.agenda import Agenda
from coptui.ui.widgets.attendance import Attendance
from coptui.ui.widgets.capture import CaptureBox
from coptui.ui.widgets.countdown import Countdown
from coptui.ui.widgets.workspace import PhaseWorkspace

if TYPE_CHECKING:
    from coptui.ui.app import CoptuiApp

_SEVERITY = {TimerAlert.NONE: 0, TimerAlert.FIVE_MINUTES: 1, TimerAlert.ONE_MINUTE: 2, TimerAlert.OVER: 3}

Change = Callable[[LiveSession], "EntryResult | SessionSummary | bool | None"]


@dataclass(frozen=True)
class SessionOpened:
    live: LiveSession
    community: str
    view: SessionView


@dataclass(frozen=True)
class MinutesSaved:
    path: Path


@dataclass(frozen=True)
class SessionChanged:
    view: SessionView
    outcome: EntryResult | SessionSummary | bool | None
    typed: str = ""  # what was typed, when the change was an entry


class SessionScreen(Screen[None]):
    """Drives one live session; `open_live` starts or resumes it (it runs in a worker)."""

    app: CoptuiApp

    COMMANDS = {SessionCommands}
    BINDINGS = [
        Binding("f1", "help", "Help", id="session_help", key_display="F1", priority=True),
        Binding("f2", "jump", "Jump", id="session_jump", key_display="F2", priority=True),
        Binding("f3", "shuffle", "Shuffle", id="session_shuffle", key_display="F3", priority=True),
        Binding("f4", "previous_phase", "Back", id="session_back", key_display="F4", priority=True),
        Binding("f5", "next_phase", "Next", id="session_next", key_display="F5", priority=True),
        Binding("f6", "pause", "Pause", id="session_pause", key_display="F6", priority=True),
        Binding("f7", "extend", "+5 min", id="session_extend", key_display="F7", priority=True),
        Binding("f8", "undo", "Undo", id="session_undo", key_display="F8", priority=True),
        Binding("f9", "minutes", "Minutes", id="session_minutes", key_display="F9", priority=True),
        Binding("f12", "abandon", "Abandon", id="session_abandon", key_display="F12", show=False),
        Binding("pageup", "scroll_workspace(-1)", "Scroll up", id="session_page_up", show=False),
        Binding("pagedown", "scroll_workspace(1)", "Scroll down", id="session_page_down", show=False),
    ]

    def __init__(
        self,
        open_live: Callable[[], LiveSession],
        *,
        resumed: bool = False,
        minutes_folder: Path | None = None,
    ) -> None:
        super().__init__()
        self.minutes_folder = minutes_folder or Path.cwd()
        self.open_live = open_live
        self.resumed = resumed
        self._alerts: dict[int, TimerAlert] = {}
        self.live: LiveSession | None = None
        self.view: SessionView | None = None
        self.community = ""
        self._changes: asyncio.Queue[tuple[Change, str]] = asyncio.Queue()
        self._filing = False  # a file_changes worker is draining the queue

    def compose(self) -> ComposeResult:
        yield Static(id="session-masthead")
        with Horizontal(id="session-main"):
            with Vertical(id="session-side"):
                yield Agenda(id="agenda")
                yield Countdown(id="countdown")
                yield Attendance(id="attendance")
            yield PhaseWorkspace(id="workspace")
        yield CaptureBox(id="capture")
        yield Footer(show_command_palette=False)

    def on_resize(self) -> None:
        # A projector or a big window gets a wider side column and a countdown twice as tall.
        self.set_class(self.size.width >= 120 and self.size.height >= 36, "-projector")
        # Ten keys fit 80 columns only without the footer's padding.
        self.query_one(Footer).compact = self.size.width < 100

    def on_mount(self) -> None:
        self.on_resize()
        self.query_one("#agenda").border_title = "Agenda"
        self.query_one("#attendance").border_title = "Attendees"
        self.query_one("#capture-input", Input).focus()
        self.open_session()
        self.set_interval(1, self.tick)

    # -- workers: the engine and the store, off the UI thread -------------------------

    @work(thread=True, group="live-open", exit_on_error=False)
    def open_session(self) -> SessionOpened:
        live = self.open_live()
        return SessionOpened(live, self.app.repertoire.community().name, live.view())

    class Filed(Message):
        """A change has been filed: its outcome and the session as it now stands."""

        def __init__(self, changed: SessionChanged) -> None:
            super().__init__()
            self.changed = changed

    @work(group="live")
    async def file_changes(self, live: LiveSession) -> None:
        """File the queued changes in the order they were made, one at a time, each in a thread.

        One consumer of one queue: entries typed in a burst are filed whole and in order,
        and those typed while the session was still opening wait rather than vanish.
        """
        try:
            while not self._changes.empty():
                change, typed = self._changes.get_nowait()
                try:
                    outcome = await asyncio.to_thread(change, live)
                    view = await asyncio.to_thread(live.view)
                except Exception as error:  # a busy or full disk: say so, and keep filing what comes next
                    self.notify(str(error), title="Not filed", severity="error", markup=False)
                    continue
                self.post_message(self.Filed(SessionChanged(view, outcome, typed)))
        finally:
            self._filing = False

    @work(thread=True, exclusive=True, group="minutes", exit_on_error=False)
    def save_minutes(self, session_id: int) -> MinutesSaved:
        from coptui.export import save_minutes

        return MinutesSaved(save_minutes(self.app.repertoire, session_id, self.minutes_folder))

    def change(self, change: Change, typed: str = "") -> None:
        self._changes.put_nowait((change, typed))
        self._file_queued()

    def _file_queued(self) -> None:
        if self.live is not None and not self._filing:
            self._filing = True
            self.file_changes(self.live)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        result = event.worker.result
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.app.report_error(event.worker.error)
            if event.worker.group == "live-open":
                self.dismiss(None)
        if event.state is not WorkerState.SUCCESS:
            return
        if isinstance(result, SessionOpened):
            self.live, self.community = result.live, result.community
            self._file_queued()
            self.query_one(CaptureBox).set_handles(result.live.member_names)
            self.show(result.view)
            if self.resumed:
                phase = result.view.phase
                self.query_one(CaptureBox).say(
                    f"resumed at {phase.title}, timer as it was; everything filed so far is here", ok=True
                )
        elif isinstance(result, MinutesSaved):
            self.notify(f"Minutes saved to {result.path}", title="Minutes", markup=False)

    def on_session_screen_filed(self, message: Filed) -> None:
        changed = message.changed
        self.show(changed.view)
        self.report(changed.outcome, changed.typed)
        if isinstance(changed.outcome, EntryResult) and changed.outcome.ok:
            # What was just filed is what the room wants to see.
            self.query_one(PhaseWorkspace).scroll_end(animate=False)

    def report(self, outcome: EntryResult | SessionSummary | bool | None, typed: str = "") -> None:
        if isinstance(outcome, SessionSummary):
            self.app.switch_screen(SessionSummaryScreen(outcome))
        elif isinstance(outcome, EntryResult):
            message = outcome.message
            box = self.query_one("#capture-input", Input)
            if not outcome.ok and typed:
                if box.value:  # the facilitator has typed on: keep theirs, say what was refused
                    message = f"{message} — not filed: {one_line(typed, 40)}"
                else:  # give the text back to be corrected
                    box.value = typed
                    box.cursor_position = len(typed)
            self.query_one(CaptureBox).say(message, ok=outcome.ok)

    # -- drawing -------------------------------------------------------------------

    def show(self, view: SessionView) -> None:
        if self.view is not None and view.revision < self.view.revision:
            return  # a worker that finished late: a newer view is already on screen
        self.view = view
        session = view.session
        masthead = Text.assemble(("coptui · ", "bold"), plain(self.community, style="bold"), " · ")
        masthead.append_text(plain(f"“{session.title}”"))
        masthead.append(" · Facilitator: ")
        masthead.append_text(plain(session.facilitator))
        self.query_one("#session-masthead", Static).update(masthead)
        # On a small screen a long format lists a few phases around the current one.
        rows = 4 if self.size.height < 30 else 14
        self.query_one(Agenda).show(session.phases, view.phase.position, self.app.clock, rows)
        self.query_one(PhaseWorkspace).show(view)
        self._placeholder(view)
        self.tick()

    def tick(self) -> None:
        if self.view is None:
            return
        view = self.view
        timer = PhaseTimer(view.phase, self.app.clock)
        self.query_one(Countdown).show(timer)
        self._warn(view.phase.position, view.phase.title, timer.alert)
        round_phase = view.phase.kind is PhaseKind.CHECK_IN
        self.query_one(Attendance).show(view.session, view.speaking, round_phase, self.app.clock.now())

    def _warn(self, position: int, title: str, alert: TimerAlert) -> None:
        """A toast once as each threshold is crossed: colour alone is easy to miss while talking."""
        before = self._alerts.get(position, TimerAlert.NONE)
        self._alerts[position] = alert
        if _SEVERITY[alert] > _SEVERITY[before]:
            message = {
                TimerAlert.FIVE_MINUTES: "5 minutes left",
                TimerAlert.ONE_MINUTE: "1 minute left",
                TimerAlert.OVER: "over time (F7 adds 5 minutes)",
            }[alert]
            self.notify(
                f"{title}: {message}",
                severity="error" if alert is TimerAlert.OVER else "warning",
                markup=False,
            )

    def _placeholder(self, view: SessionView) -> None:
        box = self.query_one("#capture-input", Input)
        kind = view.phase.kind
        speaker = view.speaking.next_speaker
        if kind is PhaseKind.CHECK_IN and speaker:
            box.placeholder = f"{speaker}'s check-in (or @who text) · F1 tags"
        elif kind is PhaseKind.PROBLEM_SHARING:
            box.placeholder = "#case @who title · #context · #question · #topic · or a note"
        elif kind is PhaseKind.PROBLEM_SOLVING:
            box.placeholder = "#strategy @who text · #vote N · #pick N · #action @who due:… text"
        elif kind is PhaseKind.REPORT_BACK:
            box.placeholder = "#report N worked|partly|did-not-work|not-tried story lesson: …"
        else:
            box.placeholder = "Type a note, or a tag (F1 lists them)"

    # -- actions ------------------------------------------------------------------------

    @on(Input.Submitted, "#capture-input")
    def enter(self, event: Input.Submitted) -> None:
        text = event.value
        if not text.strip():
            self.query_one(CaptureBox).say("nothing to file: type a note or a tag", ok=False)
            return
        # The box emptied itself as Enter arrived (CaptureInput), so typing on never joins this line.
        self.change(lambda live: live.enter(text), typed=text)

    def action_next_phase(self) -> None:
        if self.live is None or self.view is None:
            return
        if self.view.phase.position == len(self.view.session.phases) - 1:
            self.app.push_screen(
                ConfirmDialog("End the session?", "It is closed and the summary shown."), self._end
            )
        else:
            self.change(lambda live: live.next_phase())

    def _end(self, yes: bool | None) -> None:
        if yes:
            self.change(lambda live: live.end())

    def action_abandon(self) -> None:
        if self.live is not None:
            self.app.push_screen(
                ConfirmDialog(
                    "Abandon this session?",
                    "Closed as abandoned; nothing is deleted.",
                ),
                self._abandon,
            )

    def _abandon(self, yes: bool | None) -> None:
        if yes:
            self.change(lambda live: live.abandon())

    def action_previous_phase(self) -> None:
        self.change(lambda live: live.previous_phase())

    def action_jump(self) -> None:
        if self.view is not None:
            self.app.push_screen(JumpDialog(self.view.session.phases, self.view.phase.position), self._jump)

    def _jump(self, position: int | None) -> None:
        if position is not None:
            self.go_to(position)

    def go_to(self, position: int) -> None:
        self.change(lambda live: live.jump_to(position))

    def file_entry(self, text: str) -> None:
        """File `text` as if typed in the capture box (the command palette's way in)."""
        self.change(lambda live: live.enter(text))

    def action_pause(self) -> None:
        self.change(lambda live: live.toggle_pause())

    def action_extend(self) -> None:
        self.change(lambda live: live.extend())

    def action_undo(self) -> None:
        self.change(lambda live: live.undo())

    def action_shuffle(self) -> None:
        def shuffle(live: LiveSession) -> EntryResult:
            order = live.shuffle_order()
            return EntryResult(True, "speaking order: " + ", ".join(order))

        self.change(shuffle)

    def action_help(self) -> None:
        self.app.push_screen(SessionHelpScreen())

    def action_minutes(self) -> None:
        """Interim (or final) minutes as Markdown, in the folder coptui was started from."""
        if self.view is not None and self.view.session.id is not None:
            self.save_minutes(self.view.session.id)

    def action_scroll_workspace(self, pages: int) -> None:
        workspace = self.query_one(PhaseWorkspace)
        if pages < 0:
            workspace.scroll_page_up()
        else:
            workspace.scroll_page_down()

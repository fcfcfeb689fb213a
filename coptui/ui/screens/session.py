"""The session screen: agenda, countdown, attendance, the phase's workspace and the capture box.

A thin layer over `LiveSession`: every change runs in a thread worker that calls the engine
(which files it at once) and returns a fresh `SessionView`; the screen only draws views.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Footer, Input, Static
from textual.worker import Worker

from coptui.counts import plural
from coptui.facilitation import EntryResult, LiveSession, PhaseTimer, SessionSummary, SessionView, TimerAlert
from coptui.facilitation.left_behind import FiledForMember
from coptui.facilitation.left_behind import said as left_behind_said
from coptui.facilitation.recorder import Result
from coptui.facilitation.tags import phase_hint
from coptui.facilitation.turns import CheckInTurns
from coptui.models import Command, CommandKind, PhaseKind
from coptui.store import StoreError
from coptui.ui.render import plain, plain_str
from coptui.ui.screens.dialogs import DeliberateConfirmDialog, JumpDialog
from coptui.ui.screens.past_cases import PastCasesScreen
from coptui.ui.screens.recording import (
    CarriedOut,
    Opened,
    OpenFailed,
    RecordingScreen,
    Viewed,
)
from coptui.ui.screens.session_commands import SessionCommands
from coptui.ui.screens.session_help import SessionHelpScreen
from coptui.ui.screens.session_room import Room, arrival_said, read_room, room_lines
from coptui.ui.screens.session_summary import SessionSummaryScreen
from coptui.ui.widgets.agenda import Agenda
from coptui.ui.widgets.attendance import Attendance
from coptui.ui.widgets.capture import CaptureBox, CaptureInput
from coptui.ui.widgets.countdown import Countdown
from coptui.ui.widgets.seen_before import SeenBefore
from coptui.ui.widgets.workspace import PhaseWorkspace
from coptui.ui.worker_results import post_result

if TYPE_CHECKING:
    from coptui.ui.app import CoptuiApp

_SEVERITY = {TimerAlert.NONE: 0, TimerAlert.FIVE_MINUTES: 1, TimerAlert.ONE_MINUTE: 2, TimerAlert.OVER: 3}


@dataclass(eq=False)
class MinutesSaved(Message, bubble=False):
    """The minutes so far, written: posted to the screen when the worker is done."""

    path: Path


def carried_out_on_resume(replayed: Sequence[tuple[Command, Result]]) -> str:
    """What a killed program had journalled and not filed, in the words of how it was given:
    lines Entered, keys pressed; and how many of those lines were refused."""
    lines = sum(1 for command, _ in replayed if command.kind is CommandKind.ENTRY)
    keys = len(replayed) - lines
    given = [f"{plural(lines, 'line')} Entered"] if lines else []
    given += [f"{plural(keys, 'key')} pressed"] if keys else []
    said = f"{' and '.join(given)} before it closed, carried out now"
    refused = len(refused_on_resume(replayed))
    return f"{said}: {refused} not filed, listed under the box (↑ brings it back)" if refused else said


def refused_on_resume(replayed: Sequence[tuple[Command, Result]]) -> list[tuple[str, str]]:
    """The lines a killed program had journalled that were refused when carried out on resume,
    each with why: they were never filed, so they are listed as any refused line is."""
    return [
        (command.text, result.message)
        for command, result in replayed
        if command.kind is CommandKind.ENTRY and isinstance(result, EntryResult) and not result.ok
    ]


@dataclass(frozen=True)
class Opening:
    """What opening the session did, said until the facilitator's first key: the lines a killed
    program had left, carried out, and on a resume the phase it resumed at."""

    replayed: Sequence[tuple[Command, Result]]
    resumed_at: str | None  # the phase's title, on a resume

    def said(self, left_behind: list[FiledForMember]) -> str:
        """One line, what it filed first: the box has three lines for it at 80x24."""
        parts = [carried_out_on_resume(self.replayed)] if self.replayed else []
        if left_behind:  # members' lines filed among them
            parts.append(left_behind_said(left_behind))
        if self.resumed_at is not None:
            more = "" if parts else ", timer as it was; everything filed so far is here"
            parts.append(f"resumed at {self.resumed_at}{more}")
        return "; ".join(parts)


class RoomRead(Message):
    def __init__(self, room: Room) -> None:
        super().__init__()
        self.room = room


class SessionScreen(RecordingScreen):
    """Drives one live session; `open_live` starts or resumes it (in the recorder's filer thread).

    Every key that changes the session goes to the `Recorder` the moment it arrives, which
    journals it and then has the engine carry it out, in the order pressed; the screen draws
    what the recorder reports, as messages posted from its threads.
    """

    app: CoptuiApp

    COMMANDS = {SessionCommands}
    # Short labels for the footer at 80 columns; the tooltip is what help says.
    BINDINGS = [
        Binding(
            "f1", "help", "Help", id="session_help", key_display="F1", priority=True, tooltip="this page"
        ),
        Binding(
            "f2",
            "jump",
            "Jump",
            id="session_jump",
            key_display="F2",
            priority=True,
            tooltip="jump to a phase: F2 then its number",
        ),
        Binding(
            "f3",
            "shuffle",
            "Shuffle",
            id="session_shuffle",
            key_display="F3",
            priority=True,
            tooltip="shuffle the speaking order",
        ),
        Binding(
            "f4",
            "previous_phase",
            "Back",
            id="session_back",
            key_display="F4",
            priority=True,
            tooltip="back to the previous phase",
        ),
        Binding(
            "f5",
            "next_phase",
            "Next",
            id="session_next",
            key_display="F5",
            priority=True,
            tooltip="next phase (on the last phase, F5 twice ends the session)",
        ),
        Binding(
            "f6",
            "pause",
            "Pause",
            id="session_pause",
            key_display="F6",
            priority=True,
            tooltip="pause or resume the timer",
        ),
        Binding(
            "f7",
            "extend",
            "+5 min",
            id="session_extend",
            key_display="F7",
            priority=True,
            tooltip="five more minutes for this phase",
        ),
        Binding(
            "f8",
            "undo",
            "Undo",
            id="session_undo",
            key_display="F8",
            priority=True,
            tooltip="undo the last entry; its text comes back in the box to fix",
        ),
        Binding(
            "f9",
            "minutes",
            "Minutes",
            id="session_minutes",
            key_display="F9",
            priority=True,
            tooltip="save the minutes so far as Markdown, in the folder coptui started from",
        ),
        Binding(
            "f10",
            "reveal_votes",
            "Reveal",
            id="session_reveal",
            key_display="F10",
            show=False,
            priority=True,
            tooltip="reveal the participants' private dots on the case in focus (F8 hides them again)",
        ),
        Binding(
            "ctrl+o",
            "seen_before",
            "Seen before",
            id="session_seen_before",
            priority=True,
            show=False,  # the panel it opens names it; the footer is full at 80 columns
            tooltip="open the stories of the cases seen before, over the session; Escape comes back",
        ),
        Binding(
            "f12",
            "abandon",
            "Abandon",
            id="session_abandon",
            key_display="F12",
            show=False,
            tooltip="abandon the session (after asking, y): closed as abandoned, nothing deleted",
        ),
        Binding(
            "ctrl+c",
            "app.quit",
            "Quit",
            id="session_quit",
            show=False,
            priority=True,
            tooltip="quit; the session stays live, and `coptui run` resumes it",
        ),
        Binding(
            "f11",
            "take_back",
            "Take back",
            id="session_take_back",
            key_display="F11",
            show=False,
            priority=True,
            tooltip="take back the last entry a participant filed (F8 puts it back; Ctrl+P for others)",
        ),
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
        self._opening: Opening | None = None  # what opening did, said until the first key
        self._alerts: dict[int, TimerAlert] = {}
        self.live: LiveSession | None = None
        self.view: SessionView | None = None
        self.community = ""
        self.room: Room | None = None  # who joined from their own terminals, and what they filed
        self._arrivals_seen: int | None = None  # the last arrival toasted
        self.turns = CheckInTurns()  # whose check-in the box names, lines on their way counted
        self._capture: CaptureInput | None = None

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
        capture = self._capture = self.query_one("#capture-input", CaptureInput)
        capture.take_line = self.enter
        capture.focus()
        try:
            self.start_recording(None, self.open_live)
        except StoreError as error:
            self.app.report_error(error)
            self.dismiss(None)
            return
        self.set_interval(1, self.tick)

    @property
    def engine(self) -> LiveSession | None:
        return self.live

    def on_unmount(self) -> None:
        super().on_unmount()
        if self._capture is not None and self.live is not None:
            # In no file, to list again on resume: the command line names them as it says goodbye.
            self.app.refused_at_exit = tuple(
                dict.fromkeys([*self.app.refused_at_exit, *self._capture.refused_listed])
            )

    # -- what the recorder reports, as messages --------------------------------------------

    @on(Opened)
    def _opened(self, message: Opened) -> None:
        self.reports.handled()
        self.live, self.community = message.engine, message.engine.community_name
        self.query_one(CaptureBox).set_handles(message.engine.member_names)
        self.show(message.view)
        refused = refused_on_resume(message.replayed)
        box = self.query_one("#capture-input", CaptureInput)
        for line, why in refused:
            box.history.bring_forward(line)
            box.put_aside(line, why)
        resumed_at = plain_str(message.view.phase.title) if self.resumed else None
        self._opening = Opening(message.replayed, resumed_at)
        if message.replayed or self.resumed or self.left_behind:
            self.say_left_behind()

    def say_left_behind(self) -> None:
        """Until the facilitator's first key, members' left lines are said with what the opening
        did: a resume files them among the facilitator's lines, batch by batch."""
        if self._opening is None:
            super().say_left_behind()
            return
        said = self._opening.said(self.left_behind)
        ok = not refused_on_resume(self._opening.replayed) and all(f.result.ok for f in self.left_behind)
        self.query_one(CaptureBox).say(said, ok=ok)

    @on(OpenFailed)
    def _open_failed(self, message: OpenFailed) -> None:
        self.reports.handled()
        self.app.report_error(message.error)
        self.dismiss(None)

    @on(CarriedOut)
    def _carried_out(self, message: CarriedOut) -> None:
        self.reports.handled()
        command = message.command
        self.turns.carried_out()
        untouched = self.untouched_since_press()
        self.report(message.result, command.text if command.kind is CommandKind.ENTRY else "", untouched)

    @on(Viewed)
    def _viewed(self, message: Viewed) -> None:
        self.reports.handled()
        if message.view.data_version is not None:
            # The journal's own writes move the file's version too: this read has them already,
            # so the poll reads again only for what others write after it.
            self.others_seen(message.view.data_version)
        scrolled = self.view is None or message.view.revision > self.view.revision
        self.turns.read_back()  # read after every command carried out so far
        self.show(message.view)
        if scrolled:
            # What was just filed is what the room wants to see.
            self.query_one(PhaseWorkspace).show_latest()

    @work(thread=True, exclusive=True, group="minutes", exit_on_error=False)
    def save_minutes(self, session_id: int) -> MinutesSaved:
        from coptui.export import save_minutes

        return MinutesSaved(save_minutes(self.app.repertoire, session_id, self.minutes_folder))

    def press_in_key_order(self, kind: CommandKind, text: str = "") -> None:
        """Press `kind` once the capture box has taken every key typed before it.

        The session keys are priority bindings, acted on as they arrive, while the keys typed
        before them may still wait in the capture box's queue. Queuing the command there keeps
        the order pressed: an entry Entered before F5 is filed in the phase it was typed in.
        """
        self.query_one("#capture-input", CaptureInput).call_later(self.press, kind, text)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if (error := post_result(self, event)) is not None:
            self.app.report_error(error)

    @on(MinutesSaved)
    def _minutes_saved(self, saved: MinutesSaved) -> None:
        self.notify(f"Minutes saved to {plain_str(saved.path)}", title="Minutes", markup=False)

    def report(self, outcome: Result, typed: str = "", untouched: bool = True) -> None:
        """Show what became of a command; `untouched`: nothing was typed in the box since it was pressed."""
        if isinstance(outcome, SessionSummary):
            live = self.live
            read_again = None if live is None else live.summary
            refused = () if self._capture is None else tuple(self._capture.refused_listed)
            self.app.switch_screen(SessionSummaryScreen(outcome, read_again, self.app.repertoire, refused))
        elif isinstance(outcome, EntryResult):
            self.say_entry_result(outcome, typed, untouched)

    # -- drawing -------------------------------------------------------------------

    def show(self, view: SessionView) -> None:
        if self.view is not None and view.revision < self.view.revision:
            return  # a worker that finished late: a newer view is already on screen
        self.view = view
        session = view.session
        masthead = Text.assemble(
            ("coptui · ", "bold"), plain(view.community or self.community, style="bold"), " · "
        )
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
        if self.live is not None:
            self.read_room(self.live)

    @work(thread=True, exclusive=True, group="room", exit_on_error=False)
    def read_room(self, live: LiveSession) -> None:
        self.post_message(RoomRead(read_room(live)))

    @on(RoomRead)
    def _room_read(self, message: RoomRead) -> None:
        room = message.room
        if self._arrivals_seen is not None:  # joined before this screen opened: no news
            for arrival in room.arrivals:
                if arrival.id > self._arrivals_seen:
                    self.notify(arrival_said(arrival, room.arrivals), title="Arrived", markup=False)
        self._arrivals_seen = max([a.id for a in room.arrivals], default=0)
        self.room = room
        self.tick()

    def tick(self) -> None:
        if self.view is None:
            return
        view = self.view
        timer = PhaseTimer(view.phase, self.app.clock)
        self.query_one(Countdown).show(timer)
        self._warn(view.phase.position, view.phase.title, timer.alert)
        round_phase = view.phase.kind is PhaseKind.CHECK_IN
        participants = (
            None if self.room is None else room_lines(self.room, view.not_yet_heard, view.hidden_dots)
        )
        self.query_one(Attendance).show(
            view.session, view.speaking, round_phase, self.app.clock.now(), participants
        )

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
                f"{plain_str(title)}: {message}",
                severity="error" if alert is TimerAlert.OVER else "warning",
                markup=False,
            )

    def _placeholder(self, view: SessionView) -> None:
        box = self.query_one("#capture-input", Input)
        speaker = self.turns.next_speaker(view)
        if view.phase.kind is PhaseKind.CHECK_IN and speaker:
            box.placeholder = f"{speaker}'s check-in (or @who text) · F1 tags"
        elif view.phase.kind is PhaseKind.CHECK_IN and self.turns.unsure and not view.speaking.done:
            # A key on its way (F8, a phase moved, #arrived …) decides who is next once it is filed.
            box.placeholder = "the next check-in (or @who text) · F1 tags"
        else:
            box.placeholder = phase_hint(view.phase.kind) or "Type a note, or a tag (F1 lists them)"

    # -- actions ------------------------------------------------------------------------

    def press(
        self,
        kind: CommandKind,
        text: str = "",
        speaker: str | None = None,
        phase: int | None = None,
        focus: int | None = None,
    ) -> None:
        """Hand a command to the recorder; a plain check-in line carries whose check-in the box
        named, the lines Entered before it counted, so that it is theirs when it is filed, and
        a line the phase it was Entered in. (The focus is the facilitator's own to change, in the
        order of their keys: their lines need none bound.)"""
        if self.recorder is None:
            return
        self._opening = None  # said once: what is filed from now on is said on its own
        today = self.app.clock.now().astimezone().date()
        phase = self.turns.phase(self.view) if kind is CommandKind.ENTRY else None
        super().press(kind, text, self.turns.pressed(kind, text, self.view, today), phase, focus)
        if self.view is not None:
            self._placeholder(self.view)

    def enter(self, text: str) -> None:
        """A line Entered in the capture box: taken as Enter arrives, before any key after it."""
        if not text.strip():
            self.query_one(CaptureBox).say("nothing to file: type a note or a tag", ok=False)
            return
        # The box emptied itself as Enter arrived (CaptureInput), so typing on never joins this line.
        self.press(CommandKind.ENTRY, text)

    def action_next_phase(self) -> None:
        self.press_in_key_order(CommandKind.NEXT_PHASE)

    def action_abandon(self) -> None:
        if self.live is not None:
            self.app.push_screen(
                DeliberateConfirmDialog(
                    "Abandon this session?",
                    "Closed as abandoned; nothing is deleted.",
                ),
                self._abandon,
            )

    def _abandon(self, yes: bool | None) -> None:
        if yes:
            self.press(CommandKind.ABANDON)

    def action_reveal_votes(self) -> None:
        self.press_in_key_order(CommandKind.REVEAL_VOTES)

    def action_take_back(self, entry_id: int | None = None) -> None:
        """Take back a participant's entry: the last one filed, unless told which."""
        entries = () if self.room is None else self.room.entries
        if entry_id is None and not entries:
            self.query_one(CaptureBox).say("nothing a participant filed is left to take back", ok=False)
            return
        self.press_in_key_order(CommandKind.TAKE_BACK, str(entry_id or entries[-1].id))

    def action_previous_phase(self) -> None:
        self.press_in_key_order(CommandKind.PREVIOUS_PHASE)

    def action_jump(self) -> None:
        if self.view is not None:
            self.app.push_screen(JumpDialog(self.view.session.phases, self.view.phase.position), self._jump)

    def _jump(self, position: int | None) -> None:
        if position is not None:
            self.go_to(position)

    def go_to(self, position: int) -> None:
        self.press_in_key_order(CommandKind.JUMP, str(position))

    def file_entry(self, text: str) -> None:
        """File `text` as if typed in the capture box (the command palette's way in)."""
        self.press_in_key_order(CommandKind.ENTRY, text)

    def action_pause(self) -> None:
        self.press_in_key_order(CommandKind.PAUSE)

    def action_extend(self) -> None:
        self.press_in_key_order(CommandKind.EXTEND)

    def action_undo(self) -> None:
        self.press_in_key_order(CommandKind.UNDO)

    def action_shuffle(self) -> None:
        self.press_in_key_order(CommandKind.SHUFFLE)

    def action_help(self) -> None:
        self.app.push_screen(SessionHelpScreen(self))

    def action_minutes(self) -> None:
        """Interim (or final) minutes as Markdown, in the folder coptui was started from."""
        if self.view is not None and self.view.session.id is not None:
            self.save_minutes(self.view.session.id)

    def action_seen_before(self) -> None:
        """The cases like the one in focus, their stories over the session (which runs on)."""
        # After the keys typed before Ctrl+O have reached the box: they stay there, or are filed.
        self.query_one("#capture-input", CaptureInput).call_later(self._open_seen_before)

    def _open_seen_before(self) -> None:
        similar = self.query_one(SeenBefore).similar
        if self.view is None or not similar:
            self.query_one(CaptureBox).say(
                "no case seen before to open: share a case, or #focus one", ok=False
            )
            return
        self.app.push_screen(
            PastCasesScreen(similar, self.view, self.query_one("#capture-input", CaptureInput))
        )

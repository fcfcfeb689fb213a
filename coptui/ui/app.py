"""The coptui Textual app: it holds the open repertoire and wires the screens together.

Data flows one way. Screens ask for data in thread workers (`@work(thread=True)`)
that call the store (or the live-session engine) and return a typed message; workers
never touch widgets. `Worker.StateChanged` reaches only the worker's own screen or
widget, never the app: there `post_result` (ui/worker_results.py) posts the message to
an `@on` handler of its own, and hands errors to `report_error`, so a failed query (a
damaged file, a full disk) is a notification and never takes the app down: every
thread worker says `exit_on_error=False`, or Textual would.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from coptui.store import Repertoire
from coptui.ui.key_queue import QUEUED, KeyQueue
from coptui.ui.render import plain_str
from coptui.ui.screens.home import HomeScreen
from coptui.ui.terminal_input import read_pastes_whole
from coptui.ui.themes import DEFAULT_THEME, HIGH_CONTRAST

# The live session's engine and screens load when a session is run, not for browsing:
# `coptui browse` (and every SSH member) starts without them.
if TYPE_CHECKING:
    from coptui.facilitation import Clock, SessionPlan
    from coptui.ui.screens.participant import Joining
    from coptui.ui.screens.start_session import StartAnswers

# What the app opens on, above the home screen: the start screen with some answers given,
# a session to start at once, the live session to resume, or a member's participant screen.
Launch: TypeAlias = "StartAnswers | SessionPlan | Joining | Literal['resume'] | None"

# Textual's own palette commands that write a file (an SVG in the download folder):
# never offered to a reader, who may be a member signed in over SSH on the server.
WRITING_SYSTEM_COMMANDS = {"Screenshot"}


class CoptuiApp(App[None]):
    CSS_PATH = "coptui.tcss"
    TITLE = "coptui"
    BINDINGS = [
        Binding("ctrl+c", "quit", "Quit", id="quit", show=False, priority=True),
        Binding("q", "quit", "Quit", id="quit_q"),
        # Screens with help of their own (the browser, the session) bind F1 themselves.
        Binding("f1", "help", "Help", id="help", key_display="F1"),
        # Tab moves focus the moment it is read, before the keys behind it are handed to the
        # field in focus: as Textual's screen binding it would wait its turn in the field it
        # leaves, and the letters typed after it would land there. A field that takes Tab itself
        # (the capture box's suggestion) says so in `check_consume_key`, which drops this binding.
        Binding(
            "tab",
            "focus_next",
            "Next field",
            id="focus_next",
            show=False,
            priority=True,
            tooltip="Next pane or field",
        ),
        Binding(
            "shift+tab",
            "focus_previous",
            "Previous field",
            id="focus_previous",
            show=False,
            priority=True,
            tooltip="Previous pane or field",
        ),
    ]
    # The refused lines a session's screen still listed under its box as it closed (left live or
    # ended): they are in no file to come back, so the command line names them as it says goodbye.
    refused_at_exit: tuple[str, ...] = ()

    def __init__(
        self,
        repertoire: Repertoire,
        *,
        clock: Clock | None = None,
        launch: Launch = None,
        theme: str | None = None,
        viewer: str | None = None,
        participant: Joining | None = None,
    ) -> None:
        super().__init__()
        read_pastes_whole()
        self.repertoire = repertoire
        # A row another tool wrote that cannot be read is left out of a list, not the list emptied.
        repertoire.showing_what_it_can()
        self._rows_left_out_said = 0
        self.viewer = viewer  # the member signed in over SSH, shown in the browser's masthead
        self.participant = participant  # the member who may join the live session from here
        self._clock = clock
        self.launch = launch
        self._errors_shown: dict[str, float] = {}  # message -> when its toast goes
        self._quit_asked = False
        # Keys are handed on in order, each once what the one before set off is done.
        self.keys = KeyQueue(self, super().on_event)
        self.register_theme(HIGH_CONTRAST)
        self.theme = theme or DEFAULT_THEME

    @property
    def clock(self) -> Clock:
        """The live session's clock: the system's, unless a test gave its own."""
        if self._clock is None:
            from coptui.facilitation import SystemClock

            self._clock = SystemClock()
        return self._clock

    async def on_event(self, event: events.Event) -> None:
        """Keys, pastes and mouse buttons wait their turn in `keys` (see ui/key_queue.py), so they
        apply in the order typed; every other event is the app's at once."""
        if isinstance(event, events.Key) and event.key == "ctrl+j" and not event.is_forwarded:
            # Enter typed while the app is still starting reaches it as a newline (the terminal
            # turns \r into \n until the app takes it over): it is Enter, as in a shell.
            event = events.Key("enter", "\r")
        if isinstance(event, QUEUED) and not event.is_forwarded:
            await self.keys.read(event)
            return
        await super().on_event(event)

    def get_default_screen(self) -> HomeScreen:
        # The home screen is the first one drawn: no key typed at start-up lands on an empty screen.
        return HomeScreen()

    def on_mount(self) -> None:
        self.set_interval(1.0, self._say_rows_left_out)
        launch = self.launch
        if launch is None:
            return
        from coptui.facilitation import LiveSession, SessionPlan
        from coptui.ui.screens.participant import Joining, ParticipantScreen
        from coptui.ui.screens.session import SessionScreen
        from coptui.ui.screens.start_session import StartSessionScreen

        if launch == "resume":
            self.resume_session()
        elif isinstance(launch, Joining):
            self.push_screen(ParticipantScreen(launch, leaving_exits=True))
        elif isinstance(launch, SessionPlan):
            self.push_screen(SessionScreen(lambda: LiveSession.start(self.repertoire, launch, self.clock)))
        else:
            self.push_screen(StartSessionScreen(launch))

    def _say_rows_left_out(self) -> None:
        """Rows another tool wrote that the screens left out, or showed without a value: said once each."""
        left_out = list((self.repertoire.left_out or {}).values())
        for problem in left_out[self._rows_left_out_said :]:
            self.notify(
                f"{plain_str(str(problem), 240)}: left out, or shown without that value, until it is mended",
                title="A row cannot be read",
                severity="warning",
                timeout=30,
                markup=False,
            )
        self._rows_left_out_said = len(left_out)

    def resume_session(self) -> None:
        from coptui.facilitation import LiveSession
        from coptui.ui.screens.session import SessionScreen

        self.push_screen(SessionScreen(lambda: LiveSession.resume(self.repertoire, self.clock), resumed=True))

    async def action_quit(self) -> None:
        """Quit; but while a live session has keys not yet filed, only when asked twice (the
        session may be under a form or help: every open screen is asked)."""
        unfiled = sum(getattr(screen, "unfiled", 0) for screen in self.screen_stack)
        if unfiled and not self._quit_asked:
            self._quit_asked = True
            self.notify(
                f"{unfiled} not filed yet: quitting now drops {'them' if unfiled > 1 else 'it'}. "
                "Wait for the file, or press Ctrl+C again to quit anyway.",
                title="Not filed yet",
                severity="warning",
                markup=False,
            )
            return
        self.exit()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if not (self.repertoire.read_only and command.title in WRITING_SYSTEM_COMMANDS):
                yield command

    def deliver_screenshot(self, *args: Any, **kwargs: Any) -> str | None:
        """Screenshots write a file: a reader (an SSH member) gets a refusal, not a file on the server."""
        if self.repertoire.read_only:
            self.notify("This repertoire is open read-only: nothing is saved from here.", markup=False)
            return None
        return super().deliver_screenshot(*args, **kwargs)

    def action_help(self) -> None:
        """Every key of the screen in front, read off its bindings."""
        from coptui.ui.screens.help import HelpScreen, key_rows

        self.push_screen(HelpScreen(key_rows(self.screen)))

    def toggle_high_contrast(self) -> None:
        self.theme = DEFAULT_THEME if self.theme == HIGH_CONTRAST.name else HIGH_CONTRAST.name

    def report_error(self, error: BaseException) -> None:
        """Say what went wrong (a damaged file, a full disk) and carry on: once while it is on
        screen, since a damaged file fails every read the panes and the live poll make."""
        message, now = str(error), time.monotonic()
        if self._errors_shown.get(message, 0.0) > now:
            return
        self._errors_shown[message] = now + self.NOTIFICATION_TIMEOUT
        from coptui.store import NotFound, Refused, RepertoireBusy
        from coptui.store.session_claim import SessionTaken

        # Another screen running the session, another program writing, or a change refused as
        # things stand is no fault: said as what it is.
        title = "Something went wrong"
        severity: Literal["warning", "error"] = "error"
        if isinstance(error, SessionTaken):
            title = "Open in another coptui"
        elif isinstance(error, RepertoireBusy):
            title = "The file is busy"
        elif isinstance(error, NotFound | Refused):
            title, severity = "Not done", "warning"
        self.notify(message, title=title, severity=severity, markup=False)

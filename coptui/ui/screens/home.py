"""The app's home: the repertoire browser, opened on the community overview.

The overview keeps what the home always showed — recent sessions, open actions
and the latest cases — as its list, with the community's summary beside it.
Commands that belong to the home rather than to browsing go here: starting a
live session, and resuming the one that is live.
"""

from __future__ import annotations

from textual.binding import Binding

from coptui.ui.screens.browser import BrowserScreen


class HomeScreen(BrowserScreen):
    BINDINGS = [
        # Short for the footer at 80 columns; the tooltip is what help says.
        Binding("s", "start_session", "Start", id="home.start_session", tooltip="Start a session"),
        Binding("r", "resume_session", "Resume", id="home.resume_session", tooltip="Resume the live session"),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A read-only repertoire cannot run a session: the keys leave the footer and the help.
        if action in ("start_session", "resume_session") and self.app.repertoire.read_only:
            return False
        return super().check_action(action, parameters)

    def on_screen_resume(self) -> None:
        # Back from a session: read the live session afresh. The poll skips a read while the
        # file's data version stands still, and SQLite moves that version only for commits
        # made by other connections, never for this app's own (the session it just ended).
        self.check_live(None)

    def action_start_session(self) -> None:
        if self.app.repertoire.read_only:
            self.notify("This repertoire is open read-only: sessions cannot be run from here.")
        elif self.live_story is not None:
            self.notify("A session is live already: press r to resume it.")
        else:
            from coptui.ui.screens.start_session import StartSessionScreen

            self.app.push_screen(StartSessionScreen())

    def action_resume_session(self) -> None:
        if self.app.repertoire.read_only:
            self.notify("This repertoire is open read-only: sessions cannot be run from here.")
        elif self.live_story is None:
            self.notify("No session is live; press s to start one.")
        else:
            self.app.resume_session()

"""The app's home: the repertoire browser, opened on the community overview.

The overview keeps what the home always showed — recent sessions, open actions
and the latest cases — as its list, with the community's summary beside it.
Commands that belong to the home rather than to browsing go here: starting a
live session, and resuming the one that is live; and for a member who may take part
(`coptui serve --participants`), joining the live session and their own actions.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Input, Static

from coptui.ui.screens.browser import BrowserScreen
from coptui.ui.stories import live_banner


class HomeScreen(BrowserScreen):
    BINDINGS = [
        # Short for the footer at 80 columns; the tooltip is what help says.
        # Priority, as the browser's keys that open a screen: the keys typed behind them go to it.
        Binding(
            "s", "start_session", "Start", id="home.start_session", tooltip="Start a session", priority=True
        ),
        Binding(
            "r",
            "resume_session",
            "Resume",
            id="home.resume_session",
            tooltip="Resume the live session",
            priority=True,
        ),
        # Priority over the list's j (down) while a session is live and this member may join it.
        Binding(
            "j", "join", "Join", id="home.join", tooltip="Join the live session as yourself", priority=True
        ),
        # y, "your actions": m merges practices in the browser a writable home is.
        Binding(
            "y", "my_actions", "My actions", id="home.my_actions", tooltip="Report back on your own actions"
        ),
    ]

    _live_seen = False

    def footer_gives_way(self) -> Sequence[str]:
        # s while a session is live, or r while none is, only says to press the other.
        idle = "start_session" if self.live_story is not None else "resume_session"
        return (idle, *super().footer_gives_way())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A read-only repertoire cannot run a session: the keys leave the footer and the help.
        if action in ("start_session", "resume_session") and self.app.repertoire.read_only:
            return False
        # Joining and one's own actions are for a member who may take part, nobody else.
        if action in ("join", "my_actions") and self.app.participant is None:
            return False
        if action == "join" and (self.live_story is None or isinstance(self.focused, Input)):
            return False  # j moves down the list, or is typed into the search box
        return super().check_action(action, parameters)

    def tick_live(self) -> None:
        super().tick_live()
        if self._live_seen != (self.live_story is not None):
            self._live_seen = self.live_story is not None
            # j joins while a session is live, and moves down the list otherwise; s or r gives way.
            self.refresh_bindings()
        if self.app.participant is None:
            return
        if self.live_story is not None:
            banner = live_banner(self.live_story.session, in_a_copy=self.app.demo_of is not None)
            self.query_one("#live-banner", Static).update(
                Text(f"j joins · {banner}", no_wrap=True, overflow="ellipsis")
            )

    def action_join(self) -> None:
        from coptui.ui.screens.participant import ParticipantScreen

        if self.app.participant is not None:
            self.app.push_screen(ParticipantScreen(self.app.participant))

    def action_my_actions(self) -> None:
        from coptui.ui.screens.my_actions import MyActionsScreen

        if self.app.participant is not None:
            self.app.push_screen(MyActionsScreen(self.app.participant.member))

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

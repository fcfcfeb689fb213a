"""The session screen's command palette (Ctrl+P): go to a phase, mark someone absent, focus a case."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from coptui.ui.render import plain_str

if TYPE_CHECKING:
    from coptui.ui.screens.session import SessionScreen


class SessionCommands(Provider):
    def _commands(self) -> list[tuple[str, Callable[[], None], str]]:
        from coptui.ui.screens.session import SessionScreen

        screen = self.screen
        if not isinstance(screen, SessionScreen) or screen.view is None:
            return []
        return session_commands(screen)

    async def discover(self) -> Hits:
        for text, command, help_text in self._commands():
            # Names and titles are the community's text: plain Content, never markup.
            yield DiscoveryHit(Content(text), command, text=text, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, command, help_text in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, Content(text), command, text=text, help=help_text)


def session_commands(screen: SessionScreen) -> list[tuple[str, Callable[[], None], str]]:
    view = screen.view
    assert view is not None
    commands: list[tuple[str, Callable[[], None], str]] = [
        (
            f"Go to phase {p.position + 1}: {plain_str(p.title)}",
            partial(screen.go_to, p.position),
            "F2 lists them too",
        )
        for p in view.session.phases
        if p.position != view.phase.position
    ]
    commands += [
        (
            f"Mark @{plain_str(handle)} absent",
            partial(screen.file_entry, f"#absent @{handle}"),
            "not there after all",
        )
        for handle in view.session.attendees
    ]
    commands += [
        (
            f"Focus case {i}: {plain_str(case.title, 60)}",
            partial(screen.file_entry, f"#focus {i}"),
            "#focus N",
        )
        for i, case in enumerate(view.cases, start=1)
    ]
    if view.hidden_dots:
        commands.append(("Reveal the votes on the case in focus", screen.action_reveal_votes, "F10"))
    entries = () if screen.room is None else screen.room.entries
    commands += [
        (
            f"Take back {plain_str(entry.description, 60)}",
            partial(screen.action_take_back, entry.id),
            "F11 takes back the last; F8 puts it back",
        )
        for entry in reversed(entries)
    ]
    commands.append(("Shuffle the speaking order", screen.action_shuffle, "F3"))
    commands.append(("Undo the last entry", screen.action_undo, "F8"))
    commands.append(("Abandon the session", screen.action_abandon, "F12; asks first, deletes nothing"))
    return commands

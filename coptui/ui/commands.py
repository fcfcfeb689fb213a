"""The browser's commands in the command palette (ctrl+p): every key's action, by name.

The commands are read off the screen's own bindings, as the footer and help are, so a key
added to the browser is in the palette too. Each is named as the footer names it, or by
its tooltip where that says the same at more length ("Start" is "Start a session"), and
runs the very action the key runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from coptui.ui.screens.browser import BrowserScreen

# What a command does, beyond its name, by action (the key is added to it).
EXPLAINED = {
    "start_session": "Pick the format, who attends and who sent apologies, and begin",
    "resume_session": "Carry on the live session at its phase, with its timer",
    "join": "Take part from here: your check-in, cases, strategies and private votes",
    "help": "Every key of the browser",
    "search": "Search everything members wrote",
    "filter": "Narrow by topic, status, outcome, member and date",
    "what_worked": "Strategies ranked by what members reported",
    "references": "A member, session or strategy the detail names",
    "back": "Return to where you were",
    "forward": "Go forward again",
    "live": "Follow the live session as it runs",
    "edit_case": "Change the case's title, context, question, topics or status",
    "add_report_back": "File what happened when the action was tried",
    "edit_member": "Rename the member, or mark them as having left",
    "add_member": "A new member of the community",
    "export_minutes": "Save this session's minutes as Markdown where coptui runs",
    "merge_practice": "Merge this practice into another; their track records combine",
    "split_strategy": "Make a strategy a practice of its own again",
}

Command = tuple[str, str, Callable[[], object]]


def _name(binding: Binding) -> str:
    """The footer's word for the binding, or its tooltip where that starts with the same words."""
    said, tooltip = binding.description, binding.tooltip
    return tooltip if tooltip.lower().startswith(said.rstrip("…").lower()) else said


class BrowserCommands(Provider):
    def key_commands(self) -> Iterator[Command]:
        """A command for each binding of the screen's own that it offers now, in the order declared."""
        screen: BrowserScreen = self.screen  # type: ignore[assignment]
        keys: dict[str, list[str]] = {}
        declared: dict[str, Binding] = {}
        # The home's bindings, then the browser's: coptui's classes, not Textual's Screen's focus keys.
        for cls in type(screen).__mro__:
            if cls.__module__.startswith("coptui.") and "BINDINGS" in cls.__dict__:
                for binding in Binding.make_bindings(cls.__dict__["BINDINGS"]):
                    declared.setdefault(binding.action, binding)
                    keys.setdefault(binding.action, []).append(screen.app.get_key_display(binding))
        for action, binding in declared.items():
            if not screen.check_action(action, ()):
                continue
            name = _name(binding)
            about = EXPLAINED.get(action) or (binding.tooltip if binding.tooltip != name else "")
            pressed = ", ".join(keys[action])
            run = partial(screen.app.run_action, action, screen)
            yield name, f"{about} ({pressed})" if about else pressed, run

    def commands(self) -> list[Command]:
        from coptui.ui.sources import NAVIGATOR, Section

        screen: BrowserScreen = self.screen  # type: ignore[assignment]
        found = list(self.key_commands())
        found += [
            (
                f"Go to {section.value}",
                f"Show {section.value.lower()} in the list",
                partial(screen.go_section, section),
            )
            for section in [*NAVIGATOR, Section.LIVE]
        ]
        found.append(
            (
                "High-contrast theme",
                "Switch between the default and the high-contrast theme",
                partial(screen.app.toggle_high_contrast),
            )
        )
        return found

    async def discover(self) -> Hits:
        for name, help_text, callback in self.commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self.commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)

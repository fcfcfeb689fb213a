"""The browser's commands in the command palette (ctrl+p): every key's action, by name."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from coptui.ui.screens.browser import BrowserScreen


class BrowserCommands(Provider):
    def commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        from coptui.ui.sources import NAVIGATOR, Section

        screen: BrowserScreen = self.screen  # type: ignore[assignment]
        found: list[tuple[str, str, Callable[[], object]]] = [
            (
                f"Go to {section.value}",
                f"Show {section.value.lower()} in the list",
                partial(screen.go_section, section),
            )
            for section in [*NAVIGATOR, Section.LIVE]
        ]
        found += [
            ("Search", "Search everything members wrote (/)", screen.action_search),
            ("Filter", "Narrow by topic, status, outcome, member and date (f)", screen.action_filter),
            ("What has worked", "Strategies ranked by what members reported (w)", screen.action_what_worked),
            (
                "Follow a reference",
                "Go to a member, session, strategy the detail names (g)",
                screen.action_references,
            ),
            ("Back", "Return to where you were (backspace, [)", screen.action_back),
            ("Forward", "Go forward again (], alt+right)", screen.action_forward),
            ("Help", "Every key of the browser (?)", screen.action_help),
            (
                "High-contrast theme",
                "Switch between the default and the high-contrast theme",
                partial(screen.app.toggle_high_contrast),
            ),
        ]
        for action, name, help_text in (
            ("edit_case", "Edit case", "Change the case's title, context, question, topics or status (e)"),
            ("action_status", "Change action status", "Mark the action open, done or dropped (a)"),
            ("add_report_back", "Add a report-back", "File what happened when the action was tried (n)"),
            (
                "export_minutes",
                "Export minutes",
                "Save this session's minutes as Markdown where coptui runs (x)",
            ),
            ("edit_member", "Edit member", "Rename the member, or mark them as having left (e)"),
            ("add_member", "Add member", "A new member of the community (+)"),
            ("rename_practice", "Rename practice", "Give this practice a new name (e)"),
            ("merge_practice", "Merge practice", "Merge it into another; their records combine (m)"),
            ("split_strategy", "Split strategy off", "Make a strategy a practice of its own again (u)"),
        ):
            if screen.check_action(action, ()):
                found.append((name, help_text, getattr(screen, f"action_{action}")))
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

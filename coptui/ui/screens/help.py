"""Every key of the browser, with what it does: built from the bindings themselves."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from coptui.ui.widgets.paged_list import PagedList

EXTRA_KEYS = [
    ("tab / shift+tab", "Move between search, navigator, list and detail"),
    ("up / down, j / k", "Move through a list"),
    ("pageup / pagedown, home / end", "Move a page, or to the first or last row"),
    ("ctrl+p", "Command palette: every command by name"),
    ("q / ctrl+c", "Quit"),
]


def key_table(screen: Screen[Any]) -> Table:
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    bindings: list[Binding] = [*screen.BINDINGS, *PagedList.BINDINGS[-1:]]  # type: ignore[list-item]
    for binding in bindings:
        keys = binding.key.replace("left_square_bracket", "[").replace("right_square_bracket", "]")
        keys = keys.replace("question_mark", "?").replace("slash", "/").replace(",", " / ")
        table.add_row(keys, binding.description)
    for keys, description in EXTRA_KEYS:
        table.add_row(keys, description)
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, browser: Screen[Any]) -> None:
        super().__init__()
        self.browser = browser

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help") as scroll:
            scroll.border_title = "Keys · escape closes"
            scroll.can_focus = True
            yield Static(key_table(self.browser))
            yield Static(
                "Edits (e, a, n) are offered only when the repertoire is open for writing. "
                "Writes by a facilitator elsewhere show in the live banner within a second.",
                classes="help-note",
            )

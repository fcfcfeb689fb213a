"""Help: every key the screen in front of the user answers now, read off its active bindings.

Built when help is asked for, from `Screen.active_bindings` (the focused widget's, the
screen's and the app's bindings that `check_action` allows), so a new key shows up here
without anyone listing it twice, and a key that cannot be used here (a read-only
repertoire, no case under the cursor) is not offered.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.keys import key_to_character
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Static

# Textual's own keys, in the words of this app.
_BUILT_IN = {
    "app.focus_next": "Next pane or field",
    "app.focus_previous": "Previous pane or field",
    "command_palette": "Commands by name (command palette)",
    "screen.copy_text": "Copy the selected text",
}


def key_rows(screen: Screen[Any], longer: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(keys, what they do) for each binding active on `screen`, its own keys first.

    A binding's tooltip, or `longer` by binding id, says more than its footer label.
    Left out: keys the focused widget takes as typing (letters in an input box), and a
    widget's id-less built-in keys (Textual's line editing and scrolling).
    """
    longer = longer or {}
    focused = screen.focused
    grouped: dict[tuple[int, str, str], list[str]] = {}  # (rank, action, what) -> keys
    in_footer: set[tuple[int, str, str]] = set()
    for key, active in screen.active_bindings.items():
        binding, node = active.binding, active.node
        # A key the focused widget binds itself (the capture box's Tab) is its own, not typing.
        if (
            focused is not None
            and node is not focused
            and focused.check_consume_key(key, key_to_character(key))
        ):
            continue
        if key.startswith("super+"):
            continue  # Textual's; most terminals never send the super key
        ours = binding.id is not None
        if not ours and isinstance(node, Widget) and not isinstance(node, Screen):
            continue
        what = longer.get(binding.id or "") or (binding.tooltip if ours else _BUILT_IN.get(binding.action))
        # The screen's own keys, then the focused widget's, then the screen's and the app's built-in ones.
        rank = (0 if ours else 2) if node is screen else 1 if isinstance(node, Widget) else 3
        group = (rank, binding.action, what or binding.description)
        grouped.setdefault(group, []).append(screen.app.get_key_display(binding))
        if binding.show:
            in_footer.add(group)
    # Within each, the keys the footer shows come first.
    order = sorted(grouped, key=lambda group: (group[0], group not in in_footer))
    return [(" / ".join(grouped[group]), group[2]) for group in order]


def key_table(
    rows: Iterable[tuple[str, str]], title: str | None = None, *, keys_at_most: int | None = None
) -> Table:
    """`keys_at_most`: the widest the first column grows; a longer entry wraps, so the second keeps room."""
    table = Table(title=title, title_justify="left", show_header=False, box=None, padding=(0, 2, 0, 0))
    table.add_column(style="bold", no_wrap=keys_at_most is None, max_width=keys_at_most)
    table.add_column(ratio=1)
    for keys, what in rows:
        table.add_row(Text(keys), Text(what))  # `[count]` is text, not markup
    return table


class HelpScreen(ModalScreen[None]):
    """The keys of the screen help was asked on, and any notes that screen adds."""

    BINDINGS = [
        Binding("escape,question_mark,q,f1", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, rows: list[tuple[str, str]], *notes: RenderableType) -> None:
        super().__init__()
        self.rows = rows
        self.notes = notes

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help") as scroll:
            scroll.border_title = "Keys · escape closes"
            scroll.can_focus = True
            yield Static(key_table(self.rows), id="help-keys")
            for note in self.notes:
                yield Static(note, classes="help-note")

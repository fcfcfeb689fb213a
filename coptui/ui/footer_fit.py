"""A footer that shows whole keys: at a narrow width the keys a screen names as least needed
give way, and every key it leaves out is still in help (? or F1) and the command palette.

Textual's footer draws each key the screen's `active_bindings` marks `show`, and cuts what
does not fit mid-word. A screen with this mixin marks fewer of them shown, in the order it
names, until the rest fit the width it has; help reads the same bindings, and lists the
ones the footer shows first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from rich.cells import cell_len
from textual.binding import ActiveBinding
from textual.screen import Screen
from textual.widgets import Footer


def footer_width(active: dict[str, ActiveBinding], key_display: dict[str, str], compact: bool) -> int:
    """The columns the footer takes for the keys `active` marks shown: one item per action."""
    widths: dict[str, int] = {}
    for key, (_node, binding, _enabled, _tooltip) in active.items():
        if binding.show and binding.action not in widths:
            padding = 2 if compact else 3  # around the key, and after its words
            widths[binding.action] = cell_len(key_display[key]) + cell_len(binding.description) + padding
    return sum(widths.values())


def fitted(
    active: dict[str, ActiveBinding],
    key_display: dict[str, str],
    width: int,
    gives_way: Sequence[str],
) -> tuple[dict[str, ActiveBinding], bool]:
    """`active` as the footer fits it in `width`, and whether the footer is compact.

    Every key with room around it if they all fit; else compact (one space between a key and
    its words, one after), with the actions of `gives_way` no longer shown, in that order,
    until the rest fit.
    """
    if footer_width(active, key_display, compact=False) <= width:
        return active, False
    fitting = dict(active)
    for action in gives_way:
        if footer_width(fitting, key_display, compact=True) <= width:
            break
        for key, held in fitting.items():
            if held.binding.action == action:
                fitting[key] = held._replace(binding=replace(held.binding, show=False))
    return fitting, True


class FooterFits(Screen[None]):
    """A screen whose footer gives way as `footer_gives_way` says (the least needed key first)."""

    # What the footer showed at the last resize (compact, actions shown): it is made again only
    # when that changes, as making it again at every resize costs each member's memory over SSH.
    _footer_showed: tuple[bool, frozenset[str]] | None = None

    def footer_gives_way(self) -> Sequence[str]:
        return ()

    def _footer_fit(self) -> tuple[dict[str, ActiveBinding], bool]:
        active = super().active_bindings
        if not self.size.width:  # not laid out yet: the footer is drawn again once it is
            return active, False
        display = {key: self.app.get_key_display(held.binding) for key, held in active.items()}
        return fitted(active, display, self.size.width, self.footer_gives_way())

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return self._footer_fit()[0]

    def on_mount(self) -> None:
        self.bindings_updated_signal.subscribe(self, self._compact_footer)

    def _compact_footer(self, _screen: Screen[None] | None = None) -> None:
        self.query_one(Footer).compact = self._footer_fit()[1]

    def on_resize(self) -> None:
        shown = self._footer_shows()
        self._compact_footer()
        if shown != self._footer_showed:  # what fits changes with the width
            self._footer_showed = shown
            self.refresh_bindings()  # the footer is made again: only when it would change

    def _footer_shows(self) -> tuple[bool, frozenset[str]]:
        active, compact = self._footer_fit()
        return compact, frozenset(held.binding.action for held in active.values() if held.binding.show)

"""A list of ticks that ticks the row the cursor is on when the key is handled, however fast keys come.

Textual's `SelectionList` (8.2) ticks through a message: space posts "option selected", and the
row toggled is whichever is highlighted when that message is handled. In a burst (`Down space
Down space`, as keys arrive over SSH or from a quick hand) the cursor has moved on by then, so
one row is ticked twice and another never: a facilitator ticking who attends started the session
without some of them. Here space (and Enter) tick the highlighted row at once.
"""

from __future__ import annotations

from textual.widgets import SelectionList


class Ticks(SelectionList[str]):
    """A `SelectionList` whose keys tick the row they were pressed on."""

    def action_select(self) -> None:
        highlighted = self.highlighted
        if highlighted is None:
            return
        option = self.get_option_at_index(highlighted)
        if not option.disabled:
            self.toggle(option)

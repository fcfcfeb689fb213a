"""Following a reference from the keyboard: the detail pane's links as a list to choose from."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from coptui.ui.refs import Ref
from coptui.ui.render import plain


class ReferenceScreen(ModalScreen[Ref | None]):
    BINDINGS = [Binding("escape", "dismiss_none", "Close", id="references.close")]

    def __init__(self, refs: list[tuple[str, Ref]]) -> None:
        super().__init__()
        self.refs = refs

    def compose(self) -> ComposeResult:
        options = OptionList(*[Option(plain(label), id=str(i)) for i, (label, _) in enumerate(self.refs)])
        options.border_title = "Follow a reference (enter) · escape closes"
        yield options

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.refs[int(event.option.id or 0)][1])

    def action_dismiss_none(self) -> None:
        self.dismiss(None)

"""Small modal questions: confirm something, or pick a phase to jump to."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from coptui.models import PhaseRun
from coptui.ui.render import plain


class ConfirmDialog(ModalScreen[bool]):
    """Enter says yes, Escape says no."""

    BINDINGS = [
        Binding("enter", "answer(True)", "Yes", id="confirm_yes", priority=True),
        Binding("escape", "answer(False)", "No", id="confirm_no"),
        Binding("q", "answer(False)", "No", id="confirm_no_q", show=False),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(plain(self.question, style="bold"))
            if self.detail:
                yield Label(plain(self.detail, width=300))
            yield Label("Enter: yes    Escape: no", classes="dialog-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class JumpDialog(ModalScreen[int | None]):
    """Pick a phase to go to; Escape stays where we are."""

    BINDINGS = [
        Binding("escape", "cancel", "Stay", id="jump_cancel"),
        Binding("q", "cancel", "Stay", id="jump_cancel_q", show=False),
    ]

    def __init__(self, phases: list[PhaseRun], current: int) -> None:
        super().__init__()
        self.phases = phases
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Go to which phase?", classes="dialog-title")
            yield OptionList(
                *(
                    Option(
                        plain(f"{p.position + 1}. {p.title} ({p.timebox_minutes} min)"), id=str(p.position)
                    )
                    for p in self.phases
                ),
                id="jump-phases",
            )
            yield Label("Enter: go    Escape: stay", classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = self.current

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def action_cancel(self) -> None:
        self.dismiss(None)

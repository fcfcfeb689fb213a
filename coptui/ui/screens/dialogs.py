"""Small modal questions: confirm something, or pick a phase to jump to."""

from __future__ import annotations

from rich.text import Text
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

    KEYS_HINT = "Enter: yes    Escape: no"
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
            yield Label(self.KEYS_HINT, classes="dialog-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class DeliberateConfirmDialog(ConfirmDialog, inherit_bindings=False):
    """For what cannot be taken back mid-meeting: only `y` says yes; an Enter meant for a note never does."""

    KEYS_HINT = "y: yes    n or Escape: no"
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="deliberate_yes"),
        Binding("n,escape", "answer(False)", "No", id="deliberate_no"),
    ]


class JumpDialog(ModalScreen[int | None]):
    """Pick a phase to go to by its number (or the list and Enter); Escape stays where we are.

    With more than nine phases, a digit that could begin a longer number (1 of 12) waits
    for the next one, or for Enter.
    """

    BINDINGS = [
        Binding("escape", "cancel", "Stay", id="jump_cancel"),
        Binding("q", "cancel", "Stay", id="jump_cancel_q", show=False),
        *(
            Binding(str(digit), f"digit({digit})", f"Phase {digit}", id=f"jump_digit_{digit}", show=False)
            for digit in range(10)
        ),
    ]

    def __init__(self, phases: list[PhaseRun], current: int) -> None:
        super().__init__()
        self.phases = phases
        self.current = current
        self.typed = ""  # the digits of the phase number typed so far

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Go to which phase? (▶ is where we are)", classes="dialog-title")
            yield OptionList(*(self._option(p) for p in self.phases), id="jump-phases")
            yield Label("Its number, or ↑↓ and Enter: go    Escape: stay", classes="dialog-keys")

    def _option(self, phase: PhaseRun) -> Option:
        mark = "▶" if phase.position == self.current else " "
        number = str(phase.position + 1).rjust(len(str(len(self.phases))))
        text = Text.assemble(f"{mark} {number}. ", plain(f"{phase.title} ({phase.timebox_minutes} min)"))
        return Option(text, id=str(phase.position))

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = self.current

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def action_digit(self, digit: int) -> None:
        count = len(self.phases)
        typed = self.typed + str(digit)
        if not 1 <= int(typed) <= count:  # not a longer number: start again from this digit
            typed = str(digit)
        if not 1 <= int(typed) <= count:
            self.app.bell()
            return
        number = int(typed)
        if number * 10 > count:  # no phase number begins with these digits and goes on
            self.dismiss(number - 1)
            return
        self.typed = typed
        self.query_one(OptionList).highlighted = number - 1

    def action_cancel(self) -> None:
        self.dismiss(None)

"""Curating practices in the writable browser: a new name, a practice to merge into, a strategy to split."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from coptui.counts import plural
from coptui.models import Practice
from coptui.store.practice_records import PracticeRecord, PracticeUse
from coptui.ui.render import plain, plain_str
from coptui.ui.screens.edit import Form, Saver
from coptui.ui.widgets.clean_input import CleanInput


class RenamePracticeScreen(Form[Practice]):
    """A practice's new name; its uses and track record stay as they are."""

    EDITED = ("name",)

    def __init__(self, practice: Practice, save: Saver[Practice]) -> None:
        super().__init__(save, practice)
        self.practice = practice
        self.TITLE_TEXT = f"Rename practice {practice.id}"

    def form_fields(self) -> ComposeResult:
        yield Label("Name, as shown")
        yield CleanInput(plain_str(self.practice.name), id="name")

    def build(self) -> Practice:
        return Practice.model_validate({**self.practice.model_dump(), "name": self.value("name")})


# A choice on one line, cut with an ellipsis: a list of long names stays a list.
ONE_LINE: dict[str, Any] = {"no_wrap": True, "overflow": "ellipsis"}


def practice_choice(found: PracticeRecord) -> tuple[Text, int]:
    practice = found.practice
    label = Text.assemble(
        (f"{practice.id}  {found.record.marks()} ", "bold"),
        plain(practice.name),
        (f"  {plural(found.cases, 'case')}", "dim"),
        **ONE_LINE,
    )
    return label, practice.id or 0


def use_choice(use: PracticeUse) -> tuple[Text, int]:
    strategy = use.strategy
    label = Text.assemble(
        (f"strategy {strategy.id}  ", "bold"),
        plain(strategy.text, width=50),
        (" — for ", "dim"),
        plain(use.case_title),
        **ONE_LINE,
    )
    return label, strategy.id or 0


class PickScreen(ModalScreen[int | None]):
    """Choose one of a list (enter), or with `numbers` type an item's number; escape chooses nothing."""

    BINDINGS = [Binding("escape", "dismiss_none", "Cancel", id="pick.cancel")]

    def __init__(self, title: str, choices: list[tuple[Text, int]], *, numbers: bool = False) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.numbers = numbers

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = "escape cancels"
            yield Label(Text(self.title_text), classes="dialog-keys")
            yield OptionList(*[Option(label, id=str(key)) for label, key in self.choices], id="pick-list")
            if self.numbers:
                yield CleanInput(placeholder="or its number, then enter", id="pick-number")
                yield Label("", id="pick-error")

    @on(OptionList.OptionSelected, "#pick-list")
    def picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    @on(Input.Submitted, "#pick-number")
    def typed(self, event: Input.Submitted) -> None:
        number = event.value.strip().lstrip("#")
        if not number.isdigit():
            self.query_one("#pick-error", Label).update(plain(f"{event.value!r} is not a number.", width=60))
            return
        self.dismiss(int(number))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)

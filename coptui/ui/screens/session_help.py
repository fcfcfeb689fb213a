"""The session screen's keys (read off its active bindings) and the capture box's forms, on one page."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from textual.screen import Screen

from coptui.facilitation.dates import month_first
from coptui.facilitation.tags import OUTCOME_WORDS, SYNTAX
from coptui.models import CaseStatus
from coptui.ui.screens.help import HelpScreen, key_rows, key_table

CASE_STATUSES = [
    (status.marked, meaning)
    for status, meaning in (
        (CaseStatus.OPEN, "shared; nothing agreed to try yet"),
        (CaseStatus.IN_TRIAL, "someone has an action to try a strategy for it"),
        (CaseStatus.REPORTED, "someone reported back on what they tried"),
        (CaseStatus.RESOLVED, "a strategy worked and the presenter says it is solved"),
        (CaseStatus.REOPENED, "it came back after all, and is open again"),
    )
]


def due_help(month_first: bool) -> str:
    order = "month/day, as your locale writes dates" if month_first else "day/month"
    return f"Due dates: due:14 Dec, due:2026-12-14, or numbers only ({order}); no year means the next one."


# The widest the forms' column grows: the two longest wrap, rather than squeeze every meaning at 80 columns.
SYNTAX_COLUMN = 26


def capture_table() -> Table:
    """The capture box's forms, each with what it files; a word inside a tag is indented under it."""
    return key_table(
        [(f"  {form.syntax}" if form.inside_a_tag else form.syntax, form.meaning) for form in SYNTAX],
        "Capture box",
        keys_at_most=SYNTAX_COLUMN,
    )


class SessionHelpScreen(HelpScreen):
    def __init__(self, session: Screen[Any]) -> None:
        super().__init__(
            key_rows(session),
            capture_table(),
            key_table(CASE_STATUSES, "What a case's status means"),
            f"Outcomes: {OUTCOME_WORDS}.",
            due_help(month_first()),
        )

"""What every modal form shares: compact fields, so a whole form fits a 80x24 terminal, and
what is wrong with what was typed, in the command line's words."""

from __future__ import annotations

import re
from collections.abc import Mapping

from pydantic import ValidationError
from rich.text import Text
from textual.widgets import Button, Input, Select, TextArea

from coptui.ui.render import block


def make_compact(screen: object) -> None:
    """Drop the fields' borders: one line each instead of three."""
    for widget in screen.query("Select, Input, Button, TextArea"):  # type: ignore[attr-defined]
        if isinstance(widget, Select | Input | Button | TextArea):
            widget.compact = True


def form_problem(
    error: ValidationError, labels: Mapping[str, str] = {}, typed: Mapping[str, object] = {}
) -> Text:
    """The first thing wrong, named by its field's label ("Title: must not be empty"), in bold;
    a message that quotes the value ("'X y' cannot be a handle: …") says what it is about itself,
    and quotes the fields in `typed` as typed, not as the model cleaned them (lower-cased)."""
    from coptui.problems import validation_problems

    problems = validation_problems(error, typed)
    first = problems[0]
    field = re.split(r"[.\[]", first.path, maxsplit=1)[0]
    label = labels.get(field, field.replace("_", " ").capitalize())
    named = first.message.startswith(("'", '"')) or not label
    more = len(problems) - 1
    return Text.assemble(
        "" if named else f"{label}: ",
        block(first.message),
        f" (and {more} more)" if more else "",
        style="bold",
    )

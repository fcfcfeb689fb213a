"""What every modal form shares: compact fields, so a whole form fits a 80x24 terminal."""

from __future__ import annotations

from textual.widgets import Button, Input, Select, TextArea


def make_compact(screen: object) -> None:
    """Drop the fields' borders: one line each instead of three."""
    for widget in screen.query("Select, Input, Button, TextArea"):  # type: ignore[attr-defined]
        if isinstance(widget, Select | Input | Button | TextArea):
            widget.compact = True

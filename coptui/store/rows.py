"""Models to rows and back, in one place: the only code that knows column names differ from fields."""

from __future__ import annotations

from typing import Any, TypeVar

from coptui.models import Action, Case, Model, Note, ReportBack, Session, Strategy

M = TypeVar("M", bound=Model)

# Fields that refer to another item are stored as `<field>_id` columns.
_REFERENCE_FIELDS = ("session", "case", "strategy", "action")


def to_row(item: Model, *, exclude: set[str] | None = None) -> dict[str, Any]:
    """A model as a row: JSON-mode values (ISO dates, enum values), references renamed to `*_id`."""
    row = item.model_dump(mode="json", exclude=exclude)
    for field in _REFERENCE_FIELDS:
        if field in row:
            row[f"{field}_id"] = row.pop(field)
    if "picked" in row:
        row["picked"] = int(row["picked"])
    return row


def from_row(model: type[M], row: dict[str, Any], **extra: Any) -> M:
    values = dict(row)
    for field in _REFERENCE_FIELDS:
        column = f"{field}_id"
        if column in values:
            values[field] = values.pop(column)
    values.update(extra)
    return model.model_validate(values)


SESSION_SIDE_FIELDS = {"attendees", "apologies", "absent", "phases"}
CASE_SIDE_FIELDS = {"topics"}

# The columns each kind's table holds, for statements that name them.
COLUMNS: dict[type[Model], str] = {
    Case: "id, session_id, presenter, title, context, question, status, opened_on",
    Strategy: "id, case_id, session_id, proposer, text, votes, picked",
    Action: "id, case_id, strategy_id, session_id, owner, text, due, status",
    ReportBack: (
        "id, action_id, case_id, session_id, member, outcome, story, lesson, value_cycle, reported_on"
    ),
    Note: "id, session_id, phase, author, kind, text, case_id, created_at",
    Session: "id, title, date, format, facilitator, status, started_at, ended_at, current_phase",
}

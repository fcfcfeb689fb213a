"""Models to rows and back, in one place: the only code that knows column names differ from fields."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

from coptui.models import (
    Action,
    ActionStatus,
    Case,
    CaseStatus,
    Community,
    Member,
    Model,
    Note,
    NoteKind,
    Outcome,
    PhaseKind,
    PhaseRun,
    ReportBack,
    Role,
    Session,
    SessionStatus,
    Strategy,
    Topic,
    ValueCycle,
    in_utc,
)

M = TypeVar("M", bound=Model)

# Fields that refer to another item are stored as `<field>_id` columns.
_REFERENCE_FIELDS = ("session", "case", "strategy", "action")
_FIELD_OF_COLUMN = {f"{field}_id": field for field in _REFERENCE_FIELDS}


def to_row(item: Model, *, exclude: set[str] | None = None) -> dict[str, Any]:
    """A model as a row: JSON-mode values (ISO dates, enum values), references renamed to `*_id`."""
    row = item.model_dump(mode="json", exclude=exclude)
    for field in _REFERENCE_FIELDS:
        if field in row:
            row[f"{field}_id"] = row.pop(field)
    if "picked" in row:
        row["picked"] = int(row["picked"])
    return row


def _enum(kind: type[StrEnum]) -> Callable[[str], StrEnum]:
    return {member.value: member for member in kind}.__getitem__


def _timestamp(text: str) -> datetime:
    return in_utc(datetime.fromisoformat(text))


# How a stored value becomes a field's value again, for every field not stored as it is.
_FROM_STORED: dict[type[Model], dict[str, Callable[[Any], Any]]] = {
    Community: {},
    Topic: {},
    Member: {"role": _enum(Role)},
    PhaseRun: {
        "kind": _enum(PhaseKind),
        "started_at": _timestamp,
        "ended_at": _timestamp,
        "paused_at": _timestamp,
    },
    Session: {
        "date": date.fromisoformat,
        "status": _enum(SessionStatus),
        "started_at": _timestamp,
        "ended_at": _timestamp,
    },
    Case: {"status": _enum(CaseStatus), "opened_on": date.fromisoformat},
    Strategy: {"picked": bool},
    Action: {"due": date.fromisoformat, "status": _enum(ActionStatus)},
    ReportBack: {
        "outcome": _enum(Outcome),
        "value_cycle": _enum(ValueCycle),
        "reported_on": date.fromisoformat,
    },
    Note: {"kind": _enum(NoteKind), "created_at": _timestamp},
}
_set = object.__setattr__


class RowReader(Generic[M]):
    """Models of one kind from rows of the given columns (with side fields from other tables last).

    Rows are not validated again: only the store writes its tables, from models it
    validated, and the schema's constraints hold the values there, so a row needs
    its stored forms (ISO dates, enum values, 0/1) turned back into Python values and
    nothing more. Validating every row again made reading a large repertoire several
    times slower. The model is made as `model_construct` makes one, without walking
    its fields for every row. Rows that lack a field are validated as before.
    """

    def __init__(self, model: type[M], columns: Sequence[str]) -> None:
        self.model = model
        fields = [_FIELD_OF_COLUMN.get(column, column) for column in columns]
        self._fields = set(model.model_fields)
        self._complete = sorted(fields) == sorted(self._fields)
        convert = _FROM_STORED[model]
        position = {field: i for i, field in enumerate(fields)}
        # (field, where in the row, how to convert), in the fields' order: the order
        # validation leaves them in, and so the order they are dumped in.
        self._plan = [
            (field, position[field], convert.get(field)) for field in model.model_fields if field in position
        ]

    def __call__(self, row: Sequence[Any]) -> M:
        values = {
            field: row[i] if convert is None or row[i] is None else convert(row[i])
            for field, i, convert in self._plan
        }
        if not self._complete:
            return self.model.model_validate(values)
        item = self.model.__new__(self.model)
        _set(item, "__dict__", values)
        _set(item, "__pydantic_fields_set__", set(self._fields))
        _set(item, "__pydantic_extra__", None)
        _set(item, "__pydantic_private__", None)
        return item


@functools.lru_cache(maxsize=256)
def reader(model: type[M], columns: tuple[str, ...]) -> RowReader[M]:
    """The reader for rows of `columns`, made once."""
    return RowReader(model, columns)


def from_row(model: type[M], row: dict[str, Any], **extra: Any) -> M:
    """A model from a row of its table, and `extra` fields from other tables (see `RowReader`)."""
    return reader(model, (*row, *extra))((*row.values(), *extra.values()))


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

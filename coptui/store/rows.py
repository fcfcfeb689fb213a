"""Models to rows and back, in one place: the only code that knows column names differ from fields."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
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
_COLUMN_OF_FIELD = {field: column for column, field in _FIELD_OF_COLUMN.items()}


def to_row(item: Model, *, exclude: AbstractSet[str] = frozenset()) -> dict[str, Any]:
    """A model as a row: stored forms (ISO dates, enum values, 0/1), references renamed to `*_id`."""
    writer = row_writer(type(item), frozenset(exclude))
    return dict(zip(writer.columns, writer(item), strict=True))


class RowWriter:
    """The columns a model is stored in, and each model's values in their stored forms, in that order.

    The stored forms are those of `model_dump(mode="json")`, made here without it:
    loading a large repertoire spent a third of its time in it.
    """

    def __init__(self, model: type[Model], exclude: frozenset[str]) -> None:
        self._fields = [field for field in model.model_fields if field not in exclude]
        self.columns = tuple(_COLUMN_OF_FIELD.get(field, field) for field in self._fields)

    def __call__(self, item: Model) -> list[Any]:
        values = item.__dict__
        stored = _TO_STORED.get
        return [
            value if (convert := stored(type(value))) is None else convert(value)
            for value in map(values.__getitem__, self._fields)
        ]


@functools.lru_cache(maxsize=64)
def row_writer(model: type[Model], exclude: frozenset[str] = frozenset()) -> RowWriter:
    """The writer for `model` without the fields in `exclude`, made once."""
    return RowWriter(model, exclude)


def _stamp(moment: datetime) -> str:
    """A timestamp as pydantic writes it in JSON: ISO 8601, with UTC as 'Z'."""
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _value(member: StrEnum) -> str:
    return member.value


_ENUMS = (Role, SessionStatus, PhaseKind, NoteKind, CaseStatus, ActionStatus, Outcome, ValueCycle)
_TO_STORED: dict[type, Callable[[Any], Any]] = {
    date: date.isoformat,
    datetime: _stamp,
    bool: int,
    **{kind: _value for kind in _ENUMS},
}


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


class RowReader(Generic[M]):
    """Models of one kind from rows of the given columns (with side fields from other tables last).

    Rows are not validated again: only the store writes its tables, from models it
    validated (and the schema's CHECK constraints guard the enumerations), so a row
    needs its stored forms (ISO dates, enum values, 0/1) turned back into Python
    values and nothing more. Validating every row again made reading a large
    repertoire several times slower. Rows that lack a field are validated as before.
    """

    def __init__(self, model: type[M], columns: Sequence[str]) -> None:
        self.model = model
        fields = [_FIELD_OF_COLUMN.get(column, column) for column in columns]
        self._complete = sorted(fields) == sorted(model.model_fields)
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
        return self.model.trusted(values)


@functools.lru_cache(maxsize=256)
def reader(model: type[M], columns: tuple[str, ...]) -> RowReader[M]:
    """The reader for rows of `columns`, made once."""
    return RowReader(model, columns)


def from_row(model: type[M], row: dict[str, Any], **extra: Any) -> M:
    """A model from a row of its table, and `extra` fields from other tables (see `RowReader`)."""
    return reader(model, (*row, *extra))((*row.values(), *extra.values()))


SESSION_SIDE_FIELDS = frozenset({"attendees", "apologies", "absent", "phases"})
CASE_SIDE_FIELDS = frozenset({"topics"})

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

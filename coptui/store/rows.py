"""Models to rows and back, in one place: the only code that knows column names differ from fields."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from contextvars import ContextVar
from datetime import date, datetime
from enum import StrEnum
from types import UnionType
from typing import Annotated, Any, Generic, TypeVar, Union, cast, get_args, get_origin

from coptui.models import (
    Action,
    Case,
    Member,
    Model,
    Note,
    PhaseRun,
    Practice,
    ReportBack,
    Session,
    Strategy,
    Topic,
    in_utc,
)
from coptui.store.errors import UnreadableRow

M = TypeVar("M", bound=Model)

# Fields that refer to another item are stored as `<field>_id` columns.
_REFERENCE_FIELDS = ("session", "case", "strategy", "action", "practice")
_FIELD_OF_COLUMN = {f"{field}_id": field for field in _REFERENCE_FIELDS}
_COLUMN_OF_FIELD = {field: column for column, field in _FIELD_OF_COLUMN.items()}
_UNCHECKED = frozenset({"id", *_REFERENCE_FIELDS})


# Where the app's reads note the rows they show only in part or leave out, as another tool wrote
# them: a list while a store that shows what it can is reading (`StoreBase.showing_what_it_can`),
# None while one refuses them (the CLI, exports: one line naming the row).
LEFT_OUT: ContextVar[dict[tuple[str, str, str], UnreadableRow] | None] = ContextVar(
    "coptui_rows_left_out", default=None
)


def readable(read: Callable[[Any], M], rows: Iterable[Any]) -> list[M]:
    """Each row read by `read`; while showing what it can, one that cannot be read is left out, noted."""
    left_out = LEFT_OUT.get()
    if left_out is None:
        return [read(row) for row in rows]
    kept = []
    for row in rows:
        try:
            kept.append(read(row))
        except UnreadableRow as error:
            left_out.setdefault(error.key, error)
    return kept


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
        to_stored = _converters(model, _to_stored)
        self._convert = [to_stored.get(field) for field in self._fields]

    def __call__(self, item: Model) -> list[Any]:
        values = map(item.__dict__.__getitem__, self._fields)
        return [
            value if convert is None or value is None else convert(value)
            for value, convert in zip(values, self._convert, strict=True)
        ]


@functools.lru_cache(maxsize=64)
def row_writer(model: type[Model], exclude: frozenset[str] = frozenset()) -> RowWriter:
    """The writer for `model` without the fields in `exclude`, made once."""
    return RowWriter(model, exclude)


def stamp(moment: datetime) -> str:
    """A timestamp as pydantic writes it in JSON: ISO 8601, with UTC as 'Z'."""
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _value(member: StrEnum) -> str:
    return member.value


def _enum(kind: type[StrEnum]) -> Callable[[str], StrEnum]:
    return {member.value: member for member in kind}.__getitem__


def timestamp(text: str) -> datetime:
    return in_utc(datetime.fromisoformat(text))


def attendance_time(text: str, session_id: int, member: str, column: str) -> datetime:
    """An arrival or a leaving, or which attendance row holds something else, and what."""
    try:
        return timestamp(text)
    except (ValueError, TypeError):
        where = f"session_id {session_id}, member {member!r}"
        raise UnreadableRow("attendance", where, column, text, expected(datetime)) from None


def _to_stored(kind: type) -> Callable[[Any], Any] | None:
    """How a value of `kind` is stored, when not as it is."""
    if issubclass(kind, StrEnum):
        return _value
    stored: dict[type, Callable[[Any], Any]] = {date: date.isoformat, datetime: stamp, bool: int}
    return stored.get(kind)


def whole_number(value: Any) -> int:
    """A stored count or position, checked: another tool may have written text there."""
    if type(value) is not int:
        raise TypeError(f"{value!r} is not a whole number")
    return value


def _from_stored(kind: type) -> Callable[[Any], Any] | None:
    """How a stored value becomes a value of `kind` again, when it is not one already."""
    if issubclass(kind, StrEnum):
        return _enum(kind)
    read: dict[type, Callable[[Any], Any]] = {
        date: date.fromisoformat,
        datetime: timestamp,
        bool: bool,
        int: whole_number,
    }
    return read.get(kind)


# The table each kind is read from, to name it when a row cannot be read.
TABLES: dict[type[Model], str] = {
    Session: "sessions",
    PhaseRun: "phase_runs",
    Case: "cases",
    Strategy: "strategies",
    Practice: "practices",
    Action: "actions",
    ReportBack: "report_backs",
    Note: "notes",
    Member: "members",
    Topic: "topics",
}
# What a column of each type should hold, in words.
_EXPECTED: dict[type, str] = {
    date: "a date (YYYY-MM-DD)",
    datetime: "a time (ISO 8601, as 2026-12-01T17:00:00Z)",
    bool: "0 or 1",
    int: "a whole number",
}


def expected(kind: Any) -> str:
    """What a column of values of `kind` should hold, in words."""
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        return "one of " + ", ".join(repr(member.value) for member in kind)
    return _EXPECTED.get(kind, "what it should hold")


def unreadable_light_row(
    table: str, columns: str, rows: Sequence[Sequence[Any]], read: Callable[[Sequence[Any]], Any]
) -> UnreadableRow:
    """What is wrong with the first of `rows` (of `table`'s `columns`) that `read` cannot read."""
    model = next(kind for kind, name in TABLES.items() if name == table)
    fields = [_FIELD_OF_COLUMN.get(column.strip(), column.strip()) for column in columns.split(",")]
    for row in rows:
        try:
            read(row)
        except (ValueError, KeyError, TypeError):
            return unreadable(model, fields, row)
    return UnreadableRow(table, "?", "?", None, "readable")


def unreadable(model: type[Model], fields: Sequence[str], row: Sequence[Any]) -> UnreadableRow:
    """What is wrong with `row` (the values of `fields`), which could not be read as a `model`."""
    values = dict(zip(fields, row, strict=False))
    if "id" in values:
        where = str(values["id"])
    else:  # a phase run, a member, a topic: named by what identifies it
        keys = [k for k in ("session", "position", "handle", "slug") if k in values]
        where = ", ".join(f"{_COLUMN_OF_FIELD.get(k, k)} {values[k]!r}" for k in keys) or "?"
    convert = _converters(model, _from_stored)
    for field, value in values.items():
        if field in convert and value is not None:
            try:
                convert[field](value)
            except (ValueError, KeyError, TypeError):
                column = _COLUMN_OF_FIELD.get(field, field)
                kind = _value_type(model.model_fields[field].annotation)
                return UnreadableRow(TABLES.get(model, model.__name__), where, column, value, expected(kind))
    return UnreadableRow(TABLES.get(model, model.__name__), where, "?", None, "readable")


def _value_type(annotation: Any) -> Any:
    """The one type a field's values have, `None` and `Annotated` constraints aside."""
    if get_origin(annotation) is Annotated:
        return _value_type(get_args(annotation)[0])
    if get_origin(annotation) in (Union, UnionType):
        kinds = [kind for kind in get_args(annotation) if kind is not type(None)]
        return _value_type(kinds[0]) if len(kinds) == 1 else None
    return annotation


@functools.cache
def _converters(
    model: type[Model], conversion: Callable[[type], Callable[[Any], Any] | None]
) -> dict[str, Callable[[Any], Any]]:
    """Each field of `model` that `conversion` converts, by the type its annotation gives."""
    converters = {}
    for name, field in model.model_fields.items():
        kind = _value_type(field.annotation)
        if isinstance(kind, type) and (convert := conversion(kind)) is not None:
            converters[name] = convert
    return converters


class RowReader(Generic[M]):
    """Models of one kind from rows of the given columns (with side fields from other tables last).

    Rows are not validated again: only the store writes its tables, from models it
    validated (and the schema's CHECK constraints guard the enumerations), so a row
    needs its stored forms (ISO dates, enum values, 0/1) turned back into Python
    values and nothing more. Validating every row again made reading a large
    repertoire several times slower; they are built with pydantic's `model_construct`.
    (The folder export, which reads every row several times, reads light rows instead:
    `coptui.store.export_rows`.) Rows that lack a field are validated as before.
    """

    def __init__(self, model: type[M], columns: Sequence[str]) -> None:
        self.model = model
        fields = [_FIELD_OF_COLUMN.get(column, column) for column in columns]
        self._complete = sorted(fields) == sorted(model.model_fields)
        self._fields = fields
        convert = _converters(model, _from_stored)
        position = {field: i for i, field in enumerate(fields)}
        # (field, where in the row, how to convert), in the fields' order: the order
        # validation leaves them in, and so the order they are dumped in. An id or a
        # reference is not checked: SQLite keeps ids whole, and a dangling one is looked up.
        self._plan = [
            (field, position[field], None if field in _UNCHECKED else convert.get(field))
            for field in model.model_fields
            if field in position
        ]

    def __call__(self, row: Sequence[Any]) -> M:
        try:
            values = {
                field: row[i] if convert is None or row[i] is None else convert(row[i])
                for field, i, convert in self._plan
            }
        except (ValueError, KeyError, TypeError):
            values = self._what_can_be_read(row)
        if not self._complete:
            return self.model.model_validate(values)
        return cast(M, self.model.model_construct(**values))

    def _what_can_be_read(self, row: Sequence[Any]) -> dict[str, Any]:
        """A row that does not hold what its columns should: refused, or, while showing what it
        can, read with each optional value that cannot be read left empty (and noted)."""
        problem = unreadable(self.model, self._fields, row)
        left_out = LEFT_OUT.get()
        if left_out is None:
            raise problem
        values = {}
        for field, i, convert in self._plan:
            try:
                values[field] = row[i] if convert is None or row[i] is None else convert(row[i])
            except (ValueError, KeyError, TypeError):
                if self.model.model_fields[field].is_required():
                    raise problem from None
                values[field] = None
        left_out.setdefault(problem.key, problem)
        return values


@functools.lru_cache(maxsize=256)
def reader(model: type[M], columns: tuple[str, ...]) -> RowReader[M]:
    """The reader for rows of `columns`, made once."""
    return RowReader(model, columns)


def from_row(model: type[M], row: dict[str, Any], **extra: Any) -> M:
    """A model from a row of its table, and `extra` fields from other tables (see `RowReader`)."""
    return reader(model, (*row, *extra))((*row.values(), *extra.values()))


SESSION_SIDE_FIELDS = frozenset({"attendees", "apologies", "absent", "arrived", "left", "phases"})
CASE_SIDE_FIELDS = frozenset({"topics"})

# The columns each kind's table holds, for statements that name them.
COLUMNS: dict[type[Model], str] = {
    Case: (
        "id, session_id, presenter, title, context, question, status, opened_on, "
        "dots, discussed_at, extra_minutes"
    ),
    Strategy: "id, case_id, session_id, proposer, text, votes, picked, practice_id",
    Practice: "id, name, created_on",
    Action: "id, case_id, strategy_id, session_id, owner, text, due, status",
    ReportBack: (
        "id, action_id, case_id, session_id, member, outcome, story, lesson, value_cycle, reported_on"
    ),
    Note: "id, session_id, phase, author, kind, text, case_id, created_at",
    Session: (
        "id, title, date, format, facilitator, status, started_at, ended_at, current_phase, next_meeting"
    ),
}

"""What can go wrong with a format file, in one line naming the file, the field and the problem."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from coptui.formats.model import TIMEBOX_MAX, TIMEBOX_MIN, PhaseSpec, SessionFormat
from coptui.models import PhaseKind, Problem

# More than this many problems on one line stops being readable; the rest are counted.
_SHOWN_PROBLEMS = 3


class FormatError(Exception):
    """A session format that cannot be used; its message is meant for the user as it is."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)

    @classmethod
    def in_file(cls, source: str, problems: Sequence[Problem]) -> FormatError:
        shown = "; ".join(str(problem) for problem in problems[:_SHOWN_PROBLEMS])
        hidden = len(problems) - _SHOWN_PROBLEMS
        more = f"; and {hidden} more problem{'s' if hidden > 1 else ''}" if hidden > 0 else ""
        return cls(f"{source}: {shown}{more}", problems)


def problems_from(error: ValidationError) -> list[Problem]:
    """Each pydantic error as a `Problem` located by its path in the file (`phases[2].kind`)."""
    return [Problem(path=Problem.path_of(d["loc"]), message=_message(d)) for d in error.errors()]


def _got(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _fields(model: type[BaseModel]) -> str:
    return ", ".join(model.model_fields)


def _message(detail: ErrorDetails) -> str:
    kind = detail["type"]
    loc = detail["loc"]
    value = detail["input"]
    ctx = detail.get("ctx", {})
    field = loc[-1] if loc else ""
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        model = PhaseSpec if len(loc) > 1 and loc[0] == "phases" else SessionFormat
        return f"unknown field (known fields: {_fields(model)})"
    if kind == "enum" or field == "kind":
        kinds = ", ".join(k.value for k in PhaseKind)
        return f"must be one of {kinds} (got {_got(value)})"
    if field == "timebox_minutes":
        if kind in ("greater_than_equal", "less_than_equal"):
            return f"must be between {TIMEBOX_MIN} and {TIMEBOX_MAX} (got {_got(value)})"
        return f"must be a whole number of minutes (got {_got(value)})"
    if field == "name" and kind == "string_pattern_mismatch":
        return f"must be lower-case letters, digits and '-', at most 48 characters (got {_got(value)})"
    if field == "phases":
        if kind == "too_short":
            return "needs at least one phase (add a [[phases]] table)"
        if kind == "list_type":
            return f"must be a list of [[phases]] tables (got {_got(value)})"
    if kind in ("model_type", "dict_type"):
        return f"must be a table with kind, title and timebox_minutes (got {_got(value)})"
    if kind == "string_type":
        return f"must be text (got {_got(value)})"
    # Text fields are cleaned before their length is checked, so pydantic calls these `too_short`.
    if kind == "string_too_short" or (kind == "too_short" and isinstance(value, str)):
        return "must not be empty"
    if kind == "string_too_long" or (kind == "too_long" and isinstance(value, str)):
        return f"is too long (at most {ctx.get('max_length')} characters)"
    message = detail["msg"]
    return f"{message[:1].lower()}{message[1:]} (got {_got(value)})"

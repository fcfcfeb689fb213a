"""pydantic's validation errors in coptui's words: one place for the command line's options,
the import's problems and the browser's forms.

A person reads these, so no regular expressions, no "Value error," and no "Input should be":
each says what is wrong with the value and how to write it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, get_args

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from coptui.models import Handle, Problem, Slug

HANDLE_RULE = "use lower-case letters, digits, '.', '_' or '-', at most 32 characters"
TOPIC_RULE = "use lower-case letters, digits and '-', at most 48 characters"


def _pattern(annotated: Any) -> str:
    return next(str(part.pattern) for part in get_args(annotated)[1:] if getattr(part, "pattern", None))


# What a value that does not match a model's pattern cannot be, and how to write one.
_PATTERNS = {_pattern(Handle): ("a handle", HANDLE_RULE), _pattern(Slug): ("a topic", TOPIC_RULE)}


def shown(value: Any) -> str:
    """A value as a message quotes it: its repr, cut short."""
    text = repr(value)
    return text if len(text) <= 42 else text[:41] + "…"


def not_a_handle(value: Any) -> str:
    return f"{shown(value)} cannot be a handle: {HANDLE_RULE}"


def validation_problems(error: ValidationError, typed: Mapping[str, object] = {}) -> list[Problem]:
    """pydantic's errors as problems with JSON paths (`cases[3].presenter`) and plain messages.

    `typed` holds what was typed into fields the model cleans first (a handle is lower-cased):
    a message quotes those as typed, not as cleaned."""
    problems: list[Problem] = []
    for detail in error.errors(include_url=False):
        if detail["type"] == "broken_reference":
            problems.extend(Problem.model_validate(p) for p in detail["ctx"]["problems"])
            continue
        loc = detail["loc"]
        value = typed[str(loc[0])] if len(loc) == 1 and loc[0] in typed else detail.get("input")
        problems.append(Problem(path=Problem.path_of(loc), message=_message(detail, value)))
    return problems


def _message(detail: ErrorDetails, value: object) -> str:
    kind, ctx = detail["type"], detail.get("ctx", {})
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a field of the format"
    if kind in ("string_too_short", "too_short") and value is not None:
        return "must not be empty"
    if kind in ("string_too_long", "too_long") and isinstance(value, str):
        return f"must be at most {ctx.get('max_length')} characters"
    if kind == "string_pattern_mismatch" and ctx.get("pattern") in _PATTERNS:
        what, rule = _PATTERNS[ctx["pattern"]]
        return f"{shown(value)} cannot be {what}: {rule}"
    if kind.startswith(("date_", "datetime_")):
        what = "a date, as 2026-12-14" if kind.startswith("date_") else "a time, as 2026-11-05T17:40:00Z"
        return f"must be {what} (not {shown(value)})"
    message = str(detail["msg"]).removeprefix("Value error, ")
    if message.startswith("Input should be "):
        return "must be " + message.removeprefix("Input should be ")
    return message[0].lower() + message[1:] if message else kind

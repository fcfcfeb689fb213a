"""The JSON interchange format: reading a file into a validated repertoire, and writing one out.

The format is `RepertoireDocument` serialised by pydantic: members are referred to
by handle, every other item by its id, each list in id order. Writing what was read
gives back the same bytes, so a repertoire can be moved between files losslessly.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from coptui.models import Problem, RepertoireDocument
from coptui.store.errors import InvalidInput, StoreError


class InterchangeError(StoreError):
    """A file that cannot be read as the interchange format at all."""


def to_json(document: RepertoireDocument) -> str:
    return document.model_dump_json(indent=2) + "\n"


def json_schema() -> str:
    return json.dumps(RepertoireDocument.model_json_schema(), indent=2, ensure_ascii=False) + "\n"


def read_document(path: Path) -> RepertoireDocument:
    """Read and validate an interchange file; every problem is located by its JSON path."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InterchangeError(f"{path}: no such file") from None
    except OSError as error:
        raise InterchangeError(f"{path}: cannot read it ({error.strerror})") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise InterchangeError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise InterchangeError(
            f"{path}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    return parse_document(data, str(path))


def parse_document(data: Any, source: str) -> RepertoireDocument:
    if not isinstance(data, dict) or data.get("format") != "coptui-repertoire":
        raise InterchangeError(
            f'{source}: not a coptui repertoire file (expected "format": "coptui-repertoire")'
        )
    try:
        return RepertoireDocument.model_validate(data)
    except ValidationError as error:
        raise InvalidInput(f"{source} was not imported", validation_problems(error)) from None


def validation_problems(error: ValidationError) -> list[Problem]:
    """pydantic's errors as problems with JSON paths (`cases[3].presenter`) and plain messages."""
    problems: list[Problem] = []
    for detail in error.errors(include_url=False):
        if detail["type"] == "broken_reference":
            problems.extend(Problem.model_validate(p) for p in detail["ctx"]["problems"])
            continue
        problems.append(Problem(path=Problem.path_of(detail["loc"]), message=_message(detail)))
    return problems


def _message(detail: Any) -> str:
    kind = detail["type"]
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a field of the format"
    if kind in ("string_too_short", "too_short") and detail.get("input") is not None:
        return "must not be empty"
    message = str(detail["msg"])
    if message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    return message[0].lower() + message[1:] if message else kind

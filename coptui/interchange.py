"""The JSON interchange format: reading a file into a validated repertoire, and writing one out.

The format is `RepertoireDocument` serialised by pydantic: members are referred to
by handle, every other item by its id, each list in id order. Writing what was read
gives back the same bytes, so a repertoire can be moved between files losslessly.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from coptui.models import FORMAT_VERSION, Problem, RepertoireDocument
from coptui.problems import validation_problems
from coptui.store.errors import InvalidInput, StoreError

# The largest file `coptui import` reads: a repertoire of 100,000 cases is about 600 MB.
IMPORT_LIMIT_BYTES = 2**30


class InterchangeError(StoreError):
    """A file that cannot be read as the interchange format at all."""


def to_json(document: RepertoireDocument) -> str:
    return document.model_dump_json(indent=2) + "\n"


def json_schema() -> str:
    return json.dumps(RepertoireDocument.model_json_schema(), indent=2, ensure_ascii=False) + "\n"


def read_document(path: Path) -> RepertoireDocument:
    """Read and validate an interchange file; every problem is located by its JSON path."""
    return parse_json(_read_bounded(path), str(path))


def parse_json(raw: bytes, source: str) -> RepertoireDocument:
    """The interchange format from its bytes; `source` names them in messages."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise InterchangeError(f"{source}: not UTF-8 text (byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise InterchangeError(
            f"{source}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except RecursionError:
        raise InterchangeError(f"{source}: nested too deeply to be a coptui repertoire file") from None
    return parse_document(data, source)


def _read_bounded(path: Path) -> bytes:
    """The file's bytes, refused without reading them all when it is too big (or endless) to import."""
    too_big = f"{path}: too big to import (the limit is {IMPORT_LIMIT_BYTES // 2**20:,} MiB)"
    try:
        with path.open("rb") as file:
            status = os.fstat(file.fileno())
            if status.st_size > IMPORT_LIMIT_BYTES:
                raise InterchangeError(too_big)
            head = file.read(64 * 1024)
            # A device or a pipe has no size: its first bytes tell whether it can be JSON at all.
            if not stat.S_ISREG(status.st_mode) and head.lstrip(b" \t\r\n")[:1] not in (b"{", b""):
                raise InterchangeError(f"{path}: not a coptui repertoire file (not a JSON object)")
            raw = head + file.read(IMPORT_LIMIT_BYTES + 1 - len(head))
    except FileNotFoundError:
        raise InterchangeError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InterchangeError(f"{path}: a folder, not a file") from None
    except OSError as error:
        raise InterchangeError(f"{path}: cannot read it ({error.strerror})") from None
    if len(raw) > IMPORT_LIMIT_BYTES:
        raise InterchangeError(too_big)
    return raw


def parse_document(data: Any, source: str) -> RepertoireDocument:
    if not isinstance(data, dict) or data.get("format") != "coptui-repertoire":
        raise InterchangeError(
            f'{source}: not a coptui repertoire file (expected "format": "coptui-repertoire")'
        )
    version = data.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise InterchangeError(
            f"{source} is from a newer coptui (format version {version}; this one reads version "
            f"{FORMAT_VERSION}); upgrade coptui to import it"
        )
    try:
        return RepertoireDocument.model_validate(data)
    except ValidationError as error:
        problems = validation_problems(error)
        problems += _references_beside(data, problems)
        raise InvalidInput(f"{source} was not imported", sorted(problems, key=_in_file_order)) from None
    except RecursionError:
        raise InterchangeError(f"{source}: nested too deeply to be a coptui repertoire file") from None


def _references_beside(data: dict[str, Any], said: list[Problem]) -> list[Problem]:
    """The references that point at nothing, in a file with a field that is wrong too.

    pydantic checks references only once every field is valid, so a file with both kinds of
    mistake would be mended one kind per try. Here each item with a wrong field stands in
    with its values as written, so the ids and handles it holds still count as known, and a
    reference problem already said as a field problem is left out. Items too broken to
    stand in (not an object, a field missing) leave their field problems to say it.
    """
    sections: dict[str, Any] = {}
    for name, field in RepertoireDocument.model_fields.items():
        item = get_args(field.annotation)
        if isinstance(data.get(name), list) and item and isinstance(item[0], type):
            sections[name] = [_as_written(item[0], value) for value in data[name]]
    try:
        found = RepertoireDocument.model_construct(**sections).reference_problems()
    except (TypeError, AttributeError, ValueError):
        return []
    paths = {problem.path for problem in said}
    # A wrong handle or id leaves unknown what was meant: what refers to its kind is not judged.
    keys = [re.fullmatch(r"(\w+)\[\d+\]\.(?:handle|slug|id)", path) for path in paths]
    unsure = {_KIND_OF.get(key[1]) for key in keys if key is not None}
    return [
        problem
        for problem in found
        if problem.path not in paths
        and not any(problem.message.endswith(f"is not a known {kind}") for kind in unsure)
    ]


def _as_written(model: type[BaseModel], value: Any) -> BaseModel:
    try:
        return model.model_validate(value)
    except ValidationError:
        if not isinstance(value, dict):
            raise TypeError("not an object") from None
        return model.model_construct(**{k: v for k, v in value.items() if k in model.model_fields})


_SECTIONS = list(RepertoireDocument.model_fields)
# The kind of item each section holds, as a broken reference names it.
_KIND_OF = {
    "members": "member",
    "topics": "topic",
    "sessions": "session",
    "cases": "case",
    "practices": "practice",
    "strategies": "strategy",
    "actions": "action",
    "report_backs": "report-back",
    "notes": "note",
}


def _in_file_order(problem: Problem) -> tuple[int, int]:
    """Problems in the order of the file: by section (as the format lists them), then item."""
    found = re.match(r"(\w+)(?:\[(\d+)\])?", problem.path)
    if found is None or found[1] not in _SECTIONS:
        return (-1, 0)
    return (_SECTIONS.index(found[1]), int(found[2] or 0))

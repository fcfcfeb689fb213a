"""The JSON interchange format: reading a file into a validated repertoire, and writing one out.

The format is `RepertoireDocument` serialised by pydantic: members are referred to
by handle, every other item by its id, each list in id order. Writing what was read
gives back the same bytes, so a repertoire can be moved between files losslessly.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from coptui.models import FORMAT_VERSION, RepertoireDocument
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
        raise InvalidInput(f"{source} was not imported", validation_problems(error)) from None
    except RecursionError:
        raise InterchangeError(f"{source}: nested too deeply to be a coptui repertoire file") from None

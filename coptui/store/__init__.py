"""The SQLite repertoire: the only code that speaks SQL. It never imports Textual.

Importing the package costs nothing heavy: `Repertoire` (and with it pydantic, the models
and sqlite-utils) is imported when first named, so that `coptui search` can use the search and the opening
checks on a bare sqlite3 connection.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coptui.store.errors import (
    EditConflict,
    InvalidInput,
    NewerSchema,
    NotARepertoire,
    NotFound,
    ReadOnlyRepertoire,
    Refused,
    RepertoireBusy,
    RepertoireMissing,
    StoreError,
    UnreadableRow,
)
from coptui.store.search import MATCH_END, MATCH_START, HitKind, SearchHit

if TYPE_CHECKING:
    from coptui.store.repertoire import Repertoire

__all__ = [
    "MATCH_END",
    "MATCH_START",
    "EditConflict",
    "HitKind",
    "InvalidInput",
    "NewerSchema",
    "NotARepertoire",
    "NotFound",
    "ReadOnlyRepertoire",
    "Refused",
    "Repertoire",
    "RepertoireBusy",
    "RepertoireMissing",
    "SearchHit",
    "StoreError",
    "UnreadableRow",
]


def __getattr__(name: str) -> Any:
    if name == "Repertoire":
        from coptui.store.repertoire import Repertoire

        return Repertoire
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""The SQLite repertoire: the only code that speaks SQL. It never imports Textual."""

from coptui.store.errors import (
    InvalidInput,
    NewerSchema,
    NotARepertoire,
    NotFound,
    ReadOnlyRepertoire,
    RepertoireBusy,
    RepertoireMissing,
    StoreError,
)
from coptui.store.repertoire import Repertoire
from coptui.store.search import MATCH_END, MATCH_START, HitKind, SearchHit

__all__ = [
    "MATCH_END",
    "MATCH_START",
    "HitKind",
    "InvalidInput",
    "NewerSchema",
    "NotARepertoire",
    "NotFound",
    "ReadOnlyRepertoire",
    "Repertoire",
    "RepertoireBusy",
    "RepertoireMissing",
    "SearchHit",
    "StoreError",
]

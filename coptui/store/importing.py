"""Importing a whole repertoire into a new file: the file is there complete, or not at all."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from coptui.files import sync_folder
from coptui.models import RepertoireDocument
from coptui.store.errors import RepertoireMissing, StoreError
from coptui.store.repertoire import Repertoire

SIDE_FILES = ("-wal", "-shm", "-journal")


def import_new_repertoire(path: Path, document: RepertoireDocument) -> None:
    """Make a new repertoire file at `path` holding `document`.

    The file is built under a temporary name in the same folder and renamed to `path`
    once it is complete and closed, so an import that fails or is killed leaves nothing
    at `path` that a later command could take for a repertoire. An existing repertoire
    is never changed: import makes a new file (an empty file there is taken as new).
    """
    if path.is_dir():
        raise StoreError(f"{path} is a folder; import makes a new repertoire file: name one with --db")
    if path.exists() and path.stat().st_size > 0:
        raise StoreError(
            f"{path} exists already; import makes a new repertoire file and changes no other: "
            "name a new one with --db"
        )
    if not path.parent.is_dir():
        raise RepertoireMissing(f"cannot create {path}: folder {path.parent} does not exist")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise StoreError(f"cannot write {path}: its folder {path.parent} is read-only for this user")
    building = path.with_name(f".{path.name}.importing-{secrets.token_hex(4)}")
    try:
        with Repertoire.create(building, document.community) as repertoire:
            repertoire.load(document)
        # Closing the last connection folds the write-ahead log into the file and removes it.
        if Path(f"{building}-wal").exists():
            raise StoreError(f"cannot finish {path}: its write-ahead log was not folded in; nothing was made")
        os.replace(building, path)
    except OverflowError:
        _remove(building)
        raise StoreError(f"{path} was not made: a number in the file is too large to store") from None
    except BaseException:
        _remove(building)
        raise
    sync_folder(path.parent)


def _remove(building: Path) -> None:
    for suffix in ("", *SIDE_FILES):
        Path(f"{building}{suffix}").unlink(missing_ok=True)

"""The repertoire: typed reads and writes over one community's SQLite file.

`Repertoire` is the one object callers hold. Each job lives in its own module:
  base.py       the guarded connection, transactions, row helpers
  community.py  the community, its topics and members
  sessions.py   sessions, attendance, phase timers, the capture journal read back
  cases.py      cases, strategies, actions, report-backs, notes
  undo.py       taking back what a live session just filed
  browse.py     the browser's lists, track records and search
  stories.py    the story of a case, strategy, member or session
  documents.py  the whole repertoire as a document: dump, load, a session's slice
  practices.py  practices: strategies as their uses, ranked track records, similar cases
  practice_curation.py  merging, renaming and splitting practices
  practice_browse.py  the cases a practice was tried on, what has worked for a case
  backup.py     a checked copy of the live file (SQLite's online backup)
  participants.py  what participants write beside the facilitator: arrivals, entries, private dots
  matters.py    a session's matters arising, a numbered page at a time

The reads of a folder export and of minutes (export_reads.py, practice_export.py) are an
object of their own over the same connection (`Repertoire.export_reads`): browsing never
exports, and every browser's start would otherwise import the export's row types.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from coptui.models import Community
from coptui.store.backup import BackupStore
from coptui.store.connection import open_connection, released
from coptui.store.documents import DocumentStore
from coptui.store.errors import StoreError
from coptui.store.matters import MattersStore
from coptui.store.participants import ParticipantStore
from coptui.store.practice_browse import PracticeBrowseStore
from coptui.store.practice_curation import PracticeCurationStore
from coptui.store.stories import StoryStore
from coptui.store.undo import UndoStore

if TYPE_CHECKING:
    from coptui.store.export_reads import ExportReads


class Repertoire(
    StoryStore,
    UndoStore,
    PracticeCurationStore,
    PracticeBrowseStore,
    DocumentStore,
    BackupStore,
    ParticipantStore,
    MattersStore,
):
    """One community's repertoire, opened for writing or (with `read_only`) for browsing only."""

    @classmethod
    def open(cls, path: Path, *, read_only: bool = False) -> Repertoire:
        """Open an existing repertoire; fails with a clear message if it is missing or foreign."""
        repertoire = cls(_connection(path, read_only=read_only), path, read_only=read_only)
        if not read_only and repertoire._community_row() is None:
            repertoire.close()
            raise StoreError(f"{path} holds no community yet; create one with `coptui init --name NAME`")
        return repertoire

    @classmethod
    def create(cls, path: Path, community: Community) -> Repertoire:
        """Make a new repertoire file for `community`; refuses a file that already holds one."""
        repertoire = cls(_connection(path, read_only=False, create=True), path, read_only=False)
        if repertoire._community_row() is not None:
            repertoire.close()
            raise StoreError(f"{path} already holds the repertoire of a community")
        repertoire.set_community(community)
        return repertoire

    def export_reads(self) -> ExportReads:
        """What minutes and a folder export read, over this repertoire's connection and lock."""
        from coptui.store.export_reads import ExportReads

        return ExportReads(self.conn, self.path, read_only=self.read_only, lock=self._lock)

    def close(self) -> None:
        with self._lock:
            released(self.path, self.conn)
            self.conn.close()

    def __enter__(self) -> Repertoire:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _connection(path: Path, *, read_only: bool, create: bool = False) -> sqlite3.Connection:
    """The checked connection; for writing, upgraded to this coptui's schema. Reading migrates
    nothing, so a read-only browser loads neither the migrations nor sqlite-utils."""
    if read_only:
        return open_connection(path, read_only=True)
    from coptui.store.schema import open_database

    return open_database(path, create=create)

"""The whole repertoire as a folder of linked Markdown pages that a wiki or static-site generator takes as is.

    index.md                                the community: sessions, cases, open actions, topics, members
    sessions/0007-2026-11-04-pre-peak-clinic.md   each session's minutes
    cases/0018-a-database-failover-pages-60-services-at-once.md
    topics/alerting.md
    members/ana.md

Names are an id plus a slug, so exporting again rewrites the same files (and leaves a
file whose text has not changed untouched, so its date and a wiki's history stay
quiet: a page the last export recorded with the same hash, untouched since, is not
even read). Every link is relative and points at a page of the same export.

Files of items that no longer exist: the export keeps a list of the files it wrote,
each with a hash of what it wrote, in `.coptui-export` in the folder. The next export
into that folder removes the files on that list it no longer writes (a case whose
title changed, a deleted topic) if they are unchanged since, and never touches any
other file, so a wiki's own pages can live beside it.

A folder is often a shared wiki checkout, which anyone may have changed: the export
never writes through a symbolic link or outside the folder (it refuses a link where it
would write), and writes each page whole, the index last.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO

from coptui.export.pages import INDEX
from coptui.files import FileNotWritten, not_written, replace_file

MANIFEST = ".coptui-export"
# The pages written so far by an export under way; left behind, it marks an interrupted one.
JOURNAL = ".coptui-export.journal"
# What an export may have written: only such names are ever removed from a folder.
SUBFOLDERS = ("cases", "sessions", "topics", "members", "practices")
_EXPORTED_NAME = re.compile(rf"^(index\.md|({'|'.join(SUBFOLDERS)})/[A-Za-z0-9._-]+\.md)$")


@dataclass(frozen=True)
class FolderExport:
    """What an export into a folder did."""

    folder: Path
    pages: int
    written: int
    removed: int
    kept: list[str] = field(default_factory=list)  # stale pages left because they were changed
    repaired: bool = False  # an earlier, interrupted export was completed


class UnsafeFolder(FileNotWritten):
    """A folder the export refuses to write into: a symbolic link where it would write."""


Pages = Iterable[tuple[str, str]]


def write_pages(pages: Pages, folder: Path, *, beside: Callable[[], Pages] | None = None) -> FolderExport:
    """Write `pages` into `folder`, rewriting only what changed and removing what an earlier export left.

    Each page is written whole (a temporary file renamed over it), the index last, so an
    interrupted export leaves the earlier index with every page it links to; the pages
    written so far are listed in a journal, from which the next export repairs the folder.
    Nothing is written through a symbolic link or outside the folder, and a page is removed
    only if this export's list says it wrote it and it is unchanged since.

    With `beside` (a picklable function giving the other pages), a process of its own
    writes those pages in the same way while this one writes `pages`: a large export
    makes its pages on two cores.
    """
    folder.mkdir(parents=True, exist_ok=True)
    folder = folder.resolve()
    journal_path = folder / JOURNAL
    recorded = _read_list(folder / MANIFEST)
    interrupted = journal_path.exists()
    before = {**recorded, **_read_list(journal_path)} if interrupted else recorded
    target = _Target(folder, _scan(folder), recorded, _modified(folder / MANIFEST))
    with _journal(journal_path) as journal:
        if beside is None:
            done = target.write(pages, journal)
        else:
            done = _written_beside(target, pages, beside, journal)
        index = done.index  # written last: it may name only pages already there
        if index is not None and target.write_if_changed(INDEX, index, done.exported[INDEX], sync=True):
            done.written += 1
        removed, kept = _remove_stale(folder, before, done.exported)
        replace_file(
            folder / MANIFEST, "".join(f"{h}  {p}\n" for p, h in sorted(done.exported.items())).encode()
        )
    journal_path.unlink()
    return FolderExport(
        folder=folder,
        pages=len(done.exported),
        written=done.written,
        removed=removed,
        kept=kept,
        repaired=interrupted,
    )


@dataclass
class _Written:
    """What one process wrote: the hash of every page it made, how many it wrote, and the index held back."""

    exported: dict[str, str] = field(default_factory=dict)
    written: int = 0
    index: bytes | None = None

    def add(self, other: _Written) -> None:
        self.exported.update(other.exported)
        self.written += other.written
        self.index = self.index if other.index is None else other.index


@dataclass(frozen=True)
class _Target:
    """The folder an export writes into, as it was found: what is there, and what the last export recorded."""

    folder: Path
    existing: set[str]
    recorded: dict[str, str | None]
    listed_at: int | None  # when the last export's list was written

    def write(self, pages: Pages, journal: IO[str]) -> _Written:
        """Write each page that changed, listing it in the journal; the index is held back, not written."""
        done = _Written()
        for relative_path, text in pages:
            data = text.encode("utf-8")
            digest = done.exported[relative_path] = _digest(data)
            if relative_path == INDEX:
                done.index = data
                continue
            if self.write_if_changed(relative_path, data, digest):
                done.written += 1
            journal.write(f"{digest}  {relative_path}\n")
            journal.flush()
        return done

    def write_if_changed(self, relative_path: str, data: bytes, digest: str, *, sync: bool = False) -> bool:
        target = self.folder / relative_path
        as_recorded = self.recorded.get(relative_path) == digest
        if relative_path in self.existing and _unchanged(target, data, as_recorded, self.listed_at):
            return False
        replace_file(target, data, sync=sync)
        return True


def _written_beside(target: _Target, pages: Pages, beside: Callable[[], Pages], journal: IO[str]) -> _Written:
    """Write `pages` here while a process of its own writes what `beside` gives; what both wrote.

    If this process fails, the other is stopped; if this one is killed, the other stops at
    its next page. Either way the journal says the export was interrupted, and the next
    export completes it.
    """
    from multiprocessing import get_context

    # A new interpreter, not a fork: nothing of this process (its connection, its threads) is shared.
    spawn = get_context("spawn")
    receiving, sending = spawn.Pipe(duplex=False)
    other = spawn.Process(
        target=_write_beside, args=(target, beside, sending, os.getpid()), name="coptui export", daemon=True
    )
    other.start()
    sending.close()  # the other process holds the only sending end: its end is this one's EOF
    try:
        done = target.write(pages, journal)
        try:
            theirs, error = receiving.recv()
        except EOFError:
            other.join()  # it has ended: its exit code says how
            stopped = f"the export's second process stopped before it was done (exit code {other.exitcode})"
            raise FileNotWritten(errno.EIO, stopped, str(target.folder)) from None
        if error is not None:
            raise error
        done.add(theirs)
        return done
    finally:
        if other.is_alive():  # this process failed first
            other.terminate()
        other.join()
        receiving.close()


def _write_beside(target: _Target, pages: Callable[[], Pages], sending: Connection, parent: int) -> None:
    """In the second process: write what `pages` gives, listing each page in the same journal, and
    send back what was written (or what stopped it). Stops at once if the first process is gone."""
    try:
        with _journal(target.folder / JOURNAL) as journal:
            sending.send((target.write(_while_alive(pages(), parent), journal), None))
    except Exception as error:  # said by the first process, as if it had met it itself
        sending.send((None, error))


def _while_alive(pages: Pages, parent: int) -> Pages:
    """`pages`, up to the moment process `parent` is gone (its children pass to another parent)."""
    for page in pages:
        if os.getppid() != parent:
            raise SystemExit(1)
        yield page


def _scan(folder: Path) -> set[str]:
    """The names in the export's folders; refuses a symbolic link where the export would write or remove."""
    for name in (INDEX, MANIFEST, JOURNAL, *SUBFOLDERS):
        if (folder / name).is_symlink():
            _refuse(folder / name)
    existing: set[str] = set()
    for sub in ("", *SUBFOLDERS):
        where = folder / sub
        where.mkdir(exist_ok=True)
        with os.scandir(where) as entries:
            for entry in entries:
                relative = f"{sub}/{entry.name}" if sub else entry.name
                if sub and entry.is_symlink() and entry.name.endswith(".md"):
                    _refuse(where / entry.name)
                existing.add(relative)
    return existing


def _refuse(link: Path) -> None:
    raise UnsafeFolder(
        errno.ELOOP,
        f"{link} is a symbolic link; the export writes only real files inside the folder, "
        "so nothing was written (remove the link, or export into another folder)",
        str(link),
    )


def _read_list(path: Path) -> dict[str, str | None]:
    """The pages an earlier export wrote, each with the hash of what it wrote (None from old lists)."""
    if not path.is_file():
        return {}
    listed: dict[str, str | None] = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        digest, _, name = line.partition("  ")
        if name and re.fullmatch(r"[0-9a-f]{64}", digest):
            listed[name] = digest
        elif line:
            listed[line] = None
    return listed


@contextmanager
def _journal(path: Path) -> Iterator[IO[str]]:
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o666)
    except OSError as error:
        raise not_written(error, path) from error
    with os.fdopen(descriptor, "w", encoding="utf-8") as journal:
        yield journal


def _unchanged(target: Path, data: bytes, as_recorded: bool, listed_at: int | None) -> bool:
    """`target` holds `data` already. The last export's list vouches for a page it recorded with
    the same hash, if nothing has touched the file since the list was written; any other page
    is read back, and only when its size matches."""
    try:
        status = target.stat()
    except FileNotFoundError:
        return False
    if status.st_size != len(data):
        return False
    if as_recorded and listed_at is not None and status.st_mtime_ns < listed_at:
        return True
    return target.read_bytes() == data


def _modified(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return None


def _remove_stale(
    folder: Path, before: dict[str, str | None], exported: dict[str, str]
) -> tuple[int, list[str]]:
    """Remove the pages an earlier export wrote and this one did not, if nobody has changed them since.

    Returns how many were removed, and the ones kept because they changed (or an old list
    gave no way to tell).
    """
    removed, kept = 0, []
    for relative_path in sorted(set(before) - set(exported)):
        target = folder / relative_path
        if not _EXPORTED_NAME.match(relative_path) or target.parent.resolve() != folder / target.parent.name:
            continue
        try:
            unchanged = (
                not target.is_symlink()
                and hashlib.sha256(target.read_bytes()).hexdigest() == before[relative_path]
            )
        except FileNotFoundError:
            continue
        if unchanged:
            target.unlink()
            removed += 1
        else:
            kept.append(relative_path)
    return removed, kept


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

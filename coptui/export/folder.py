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

import bisect
import errno
import fcntl
import functools
import hashlib
import os
import re
import secrets
import time
from array import array
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO

from coptui.export.pages import INDEX, PageText
from coptui.files import FileNotWritten, StagedFile, left_half_written, not_written, replace_file

MANIFEST = ".coptui-export"
# The pages written so far by an export under way; left behind, it marks an interrupted one.
JOURNAL = ".coptui-export.journal"
# What an export may have written: only such names are ever removed from a folder.
SUBFOLDERS = ("cases", "sessions", "topics", "members", "practices")
_HASH = re.compile(r"[0-9a-f]{64}")
# The names the export writes in its folder, and in each of its pages' folders.
_ROOT_FILE = re.compile(rf"{re.escape(INDEX)}|{re.escape(MANIFEST)}")
_PAGE_NAME = re.compile(r"[A-Za-z0-9._-]+\.md")
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


Pages = Iterable[tuple[str, PageText]]
# Begins each export's part of the journal: what comes before it an interrupted export wrote.
_RUN = "# export"


def write_pages(pages: Pages, folder: Path, *, beside: Callable[[], Pages] | None = None) -> FolderExport:
    """Write `pages` into `folder`, rewriting only what changed and removing what an earlier export left.

    Each page is written whole (a temporary file renamed over it), the index last, so an
    interrupted export leaves the earlier index with every page it links to; the pages
    written so far are listed in a journal, from which the next export repairs the folder.
    Nothing is written through a symbolic link or outside the folder, and a page is removed
    only if this export's list says it wrote it and it is unchanged since. What the export
    keeps of each page while it runs is on disk (the journal), and the last export's list is
    held at 16 bytes a page; only at the end, to write the new list in order, is a line per
    page read back into memory.

    With `beside` (a picklable function giving the other pages), a process of its own
    writes those pages in the same way while this one writes `pages`: a large export
    makes its pages on two cores.
    """
    folder.mkdir(parents=True, exist_ok=True)
    folder = folder.resolve()
    for name in (INDEX, MANIFEST, JOURNAL, *SUBFOLDERS):
        if (folder / name).is_symlink():
            _refuse(folder / name)
    journal_path = folder / JOURNAL
    run = f"{_RUN} {secrets.token_hex(8)}\n"
    target = _Target(folder, _modified(folder / MANIFEST))
    with _journal(journal_path) as journal:  # held by one export of the folder at a time
        interrupted = os.fstat(journal.fileno()).st_size > 0
        try:
            _look_over(folder)
            # On a line of its own, whatever an interrupted export left at the journal's end.
            journal.write(("\n" if interrupted else "") + run)
            journal.flush()  # before the second process lists its first page
            if beside is None:
                done = target.write(pages, journal)
            else:
                done = _written_beside(target, pages, beside, journal)
        except OSError as error:  # a page, or the journal (whose errors name no file)
            raise _stopped(error, journal_path) from error
        if done.index is not None:  # written last: it may name only pages already there
            if done.index.unchanged:
                done.index.staged.discard()
            else:
                done.index.staged.commit(sync=True)
                done.written += 1
            journal.write(f"{done.index.digest}  {INDEX}\n")
        journal.flush()
        exported = _this_run(journal_path, run)
        removed, kept = _remove_stale(folder, _listed_before(folder, run), exported)
        replace_file(folder / MANIFEST, "".join(_manifest_line(line) for line in exported).encode())
        journal_path.unlink()
    return FolderExport(
        folder=folder,
        pages=done.pages,
        written=done.written,
        removed=removed,
        kept=kept,
        repaired=interrupted,
    )


@dataclass(frozen=True)
class _StagedIndex:
    """The index page, written beside its place until every page it names is there."""

    staged: StagedFile
    digest: str
    unchanged: bool  # the page there already says the same


@dataclass
class _Written:
    """What one process wrote: how many pages it made and wrote, and the index, held back."""

    pages: int = 0
    written: int = 0
    index: _StagedIndex | None = None

    def add(self, other: _Written) -> None:
        self.pages += other.pages
        self.written += other.written

    def drop(self) -> None:
        """Leave the index as it was: the export did not finish."""
        if self.index is not None:
            self.index.staged.discard()


@dataclass(frozen=True)
class _Target:
    """The folder an export writes into, and when the last export's list was written there."""

    folder: Path
    listed_at: int | None

    def write(self, pages: Pages, journal: IO[str]) -> _Written:
        """Write each page that changed, listing it in the journal; the index is staged, not put in place."""
        done = _Written()
        recorded = _Recorded(_listed(self.folder / MANIFEST))
        try:
            for relative_path, text in pages:
                done.pages += 1
                target = self.folder / relative_path
                if relative_path == INDEX:
                    done.index = self._stage(target, text, recorded)
                    continue
                assert isinstance(text, str), "only the index page comes in parts"
                data = text.encode("utf-8")
                digest = _digest(data)
                as_recorded = recorded.has(relative_path, digest)
                reads_back = functools.partial(_holds, target, data)
                if not _unchanged(target, len(data), reads_back, as_recorded, self.listed_at):
                    replace_file(target, data, sync=False)
                    done.written += 1
                journal.write(f"{digest}  {relative_path}\n")
                journal.flush()
        except BaseException:
            done.drop()
            if isinstance(pages, Generator):  # its pages are done with now, not when it is collected
                pages.close()
            raise
        return done

    def _stage(self, target: Path, text: PageText, recorded: _Recorded) -> _StagedIndex:
        """The index page written beside `target` a part at a time, its hash, and whether it changed."""
        staged, digest = StagedFile(target), hashlib.sha256()
        try:
            for part in [text] if isinstance(text, str) else text:
                data = part.encode("utf-8")
                staged.write(data)
                digest.update(data)
        except BaseException:
            staged.discard()
            raise
        hexdigest = digest.hexdigest()
        as_recorded = recorded.has(INDEX, hexdigest)
        return _StagedIndex(
            staged, hexdigest, _unchanged(target, staged.size, staged.matches, as_recorded, self.listed_at)
        )


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
            done.drop()
            other.join()  # it has ended: its exit code says how
            stopped = f"the export's second process stopped before it was done (exit code {other.exitcode})"
            raise FileNotWritten(errno.EIO, stopped, str(target.folder)) from None
        if error is not None:
            done.drop()
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
        with _journal(target.folder / JOURNAL, lock=False) as journal:  # the first process holds it
            sending.send((target.write(_while_alive(pages(), parent), journal), None))
    except Exception as error:  # said by the first process, as if it had met it itself
        sending.send((None, error))


def _while_alive(pages: Pages, parent: int) -> Pages:
    """`pages`, up to the moment process `parent` is gone (its children pass to another parent)."""
    for page in pages:
        if os.getppid() != parent:
            raise SystemExit(1)
        yield page


def _look_over(folder: Path) -> None:
    """Refuses a symbolic link where the export would write or remove a page; makes the export's
    folders; removes what a stopped export left half-written (its temporary files, from before
    this one: the journal's lock says no other export is writing now)."""
    began = time.time_ns()
    for sub in ("", *SUBFOLDERS):
        where = folder / sub
        where.mkdir(exist_ok=True)
        page = _ROOT_FILE if not sub else _PAGE_NAME
        with os.scandir(where) as entries:
            for entry in entries:
                if sub and entry.name.endswith(".md") and entry.is_symlink():
                    _refuse(where / entry.name)
                if (
                    left_half_written(entry.name, page)
                    and entry.is_file(follow_symlinks=False)
                    and entry.stat(follow_symlinks=False).st_mtime_ns < began
                ):
                    os.unlink(where / entry.name)


def _stopped(error: OSError, journal: Path) -> FileNotWritten:
    """A page (or the journal) that could not be written, said as what it means for the folder:
    the pages written before it stay, the index still links only to pages that are there, and
    the next export completes the folder."""
    if not isinstance(error, FileNotWritten):
        error = not_written(error, Path(error.filename) if error.filename else journal)
    if error.reason is None:  # the message already says what the export left
        return error
    left = "the export stopped there (index.md is as it was; export again to complete the folder)"
    return FileNotWritten(error.errno, f"{error.reason}; {left}", error.filename)


def _refuse(link: Path) -> None:
    raise UnsafeFolder(
        errno.ELOOP,
        f"{link} is a symbolic link; the export writes only real files inside the folder, "
        "so nothing was written (remove the link, or export into another folder)",
        str(link),
    )


def _listed(path: Path, *, until: str | None = None) -> Iterator[tuple[str, str | None]]:
    """The pages a list names (the last export's, or the journal up to the line `until`), each
    with the hash of what was written (None from old lists)."""
    if not path.is_file():
        return
    with path.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            if line == until:
                return
            line = line.rstrip("\n")
            digest, _, name = line.partition("  ")
            if name and _HASH.fullmatch(digest):
                yield name, digest
            elif line and not line.startswith(_RUN):
                yield line, None


class _Recorded:
    """The hash the last export recorded for each page, in 16 bytes a page whatever the size: a
    number made from the page's path (sorted, to be found by bisection) and the first 8 bytes of
    its hash. Two paths sharing a number at worst cost reading a page back."""

    def __init__(self, listed: Iterable[tuple[str, str | None]]) -> None:
        keys, hashes = array("q"), array("Q")
        for path, digest in listed:
            if digest is not None:
                keys.append(hash(path))
                hashes.append(int(digest[:16], 16))
        order = sorted(range(len(keys)), key=keys.__getitem__)
        self._keys = array("q", (keys[i] for i in order))
        self._hashes = array("Q", (hashes[i] for i in order))

    def has(self, path: str, digest: str) -> bool:
        """Whether the last export recorded the page at `path` with this hash."""
        key = hash(path)
        at = bisect.bisect_left(self._keys, key)
        return at < len(self._keys) and self._keys[at] == key and self._hashes[at] == int(digest[:16], 16)


def _this_run(journal: Path, run: str) -> list[str]:
    """The pages this export wrote, from its part of the journal: 'path  hash' lines, in path order.

    A journal without this export's first line was changed under it: nothing of it can be
    trusted to say what is stale, so the export stops there, and the next one completes it.
    """
    lines: list[str] = []
    with journal.open(encoding="utf-8", errors="replace") as listed:
        if run not in listed:  # reads up to and past this export's first line
            raise FileNotWritten(
                errno.EIO,
                f"the list of pages written in {journal} changed while the export ran; nothing was "
                "removed, and the next export into the folder completes it",
                str(journal),
            )
        for line in listed:
            digest, _, name = line.rstrip("\n").partition("  ")
            lines.append(f"{name}  {digest}")
    lines.sort()
    return lines


def _listed_before(folder: Path, run: str) -> Iterator[tuple[str, str | None]]:
    """What earlier exports wrote: the pages of interrupted ones (from the journal), and the last
    complete one's list."""
    yield from _listed(folder / JOURNAL, until=run)
    yield from _listed(folder / MANIFEST)


@contextmanager
def _journal(path: Path, *, lock: bool = True) -> Iterator[IO[str]]:
    """The journal, to append to; with `lock`, held by this export alone until it is closed
    (a second export into the folder is refused rather than let the two undo each other)."""
    while True:
        descriptor = _open_journal(path)
        if not lock:
            break
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            raise FileNotWritten(
                errno.EBUSY,
                f"another coptui is exporting into {path.parent}; nothing was written "
                "(export again once it is done)",
                str(path.parent),
            ) from None
        if os.fstat(descriptor).st_ino == _inode(path):
            break
        os.close(descriptor)  # the export that held it ended, and removed it, meanwhile
    with os.fdopen(descriptor, "w", encoding="utf-8") as journal:
        yield journal


def _open_journal(path: Path) -> int:
    try:
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o666)
    except OSError as error:
        raise not_written(error, path) from error


def _inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except FileNotFoundError:
        return None


def _unchanged(
    target: Path, size: int, same: Callable[[], bool], as_recorded: bool, listed_at: int | None
) -> bool:
    """`target` holds what was made (`size` bytes; `same` reads it back to compare). The last
    export's list vouches for a page it recorded with the same hash, if nothing has touched the
    file since the list was written; any other page is read back, and only when its size matches."""
    try:
        status = target.stat()
    except FileNotFoundError:
        return False
    if status.st_size != size:
        return False
    if as_recorded and listed_at is not None and status.st_mtime_ns < listed_at:
        return True
    return same()


def _holds(target: Path, data: bytes) -> bool:
    return target.read_bytes() == data


def _modified(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return None


def _remove_stale(
    folder: Path, before: Iterable[tuple[str, str | None]], exported: list[str]
) -> tuple[int, list[str]]:
    """Remove the pages earlier exports wrote and this one did not (`exported`: 'path  hash' lines
    in order), if nobody has changed them since an export wrote them.

    Returns how many were removed, and the ones kept because they changed (or an old list
    gave no way to tell).
    """
    stale: dict[str, set[str | None]] = {}
    for relative_path, digest in before:
        at = bisect.bisect_left(exported, f"{relative_path}  ")
        if at == len(exported) or not exported[at].startswith(f"{relative_path}  "):
            stale.setdefault(relative_path, set()).add(digest)
    removed, kept = 0, []
    for relative_path in sorted(stale):
        target = folder / relative_path
        if not _EXPORTED_NAME.match(relative_path) or target.parent.resolve() != folder / target.parent.name:
            continue
        try:
            unchanged = not target.is_symlink() and _digest(target.read_bytes()) in stale[relative_path]
        except FileNotFoundError:
            continue
        if unchanged:
            target.unlink()
            removed += 1
        else:
            kept.append(relative_path)
    return removed, kept


def _manifest_line(exported: str) -> str:
    """A 'path  hash' line as the list says it: 'hash  path', as `sha256sum --check` reads it."""
    name, _, digest = exported.rpartition("  ")
    return f"{digest}  {name}\n"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

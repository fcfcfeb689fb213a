"""What the CLI and the live-session screen call: minutes of one session, and the whole repertoire."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from coptui.export.folder import FolderExport, write_pages
from coptui.export.index import RepertoireIndex
from coptui.export.minutes import REGISTER_SHOWN, render_minutes
from coptui.export.names import minutes_file_name
from coptui.export.pages import PageText, Share, SharedQueue, streamed_pages
from coptui.files import not_written, replace_file
from coptui.formats import shows_participation
from coptui.store import NotFound, Repertoire

MinutesFormat = Literal["md", "html"]
SUFFIXES: dict[MinutesFormat, str] = {"md": ".md", "html": ".html"}


def resolve_session(repertoire: Repertoire, which: str) -> int:
    """A session as a user names it: its id, `latest` (the last one held) or `live`.

    Raises `ValueError` for anything else, and `NotFound` when there is no such session.
    """
    spec = which.strip().lower()
    if spec == "live":
        live = repertoire.live_session()
        if live is None or live.id is None:
            raise NotFound("no session is live")
        return live.id
    if spec == "latest":
        latest = repertoire.latest_session()
        if latest is None or latest.id is None:
            raise NotFound("no session has been held yet")
        return latest.id
    if not spec.isdigit():
        raise ValueError(f"{which!r} is not a session id, 'latest' or 'live'")
    return int(repertoire.session(int(spec)).id or 0)


def minutes(repertoire: Repertoire, session_id: int, fmt: MinutesFormat = "md") -> str:
    """The minutes of one session as Markdown, or as a self-contained HTML page."""
    slice_ = repertoire.session_slice(session_id, carried=REGISTER_SHOWN)
    index = RepertoireIndex(*repertoire.export_reads().with_practice_records(slice_))
    shown = shows_participation(index.sessions[session_id].format)
    text = render_minutes(
        index,
        session_id,
        participation=repertoire.participation(session_id) if shown else (),
        carried=repertoire.carried_forward(session_id),
    )
    if fmt == "html":
        from coptui.export.html import render_html

        session = index.sessions[session_id]
        return render_html(text, f"{session.title} — minutes, {session.date.isoformat()}")
    return text


def save_minutes(repertoire: Repertoire, session_id: int, folder: Path, fmt: MinutesFormat = "md") -> Path:
    """Write a session's minutes into `folder` as `<date>-<title>-minutes.md` (or `.html`); returns the file.

    Saving again (interim minutes during a live session, then the final ones)
    replaces the same file, whole: a kill or a full disk leaves the earlier minutes
    (`FileNotWritten` says which). The folder is made if it is missing. Meant for the
    live-session screen's minutes key: call it in a worker and name the file it returns.
    """
    text = minutes(repertoire, session_id, fmt)
    path = folder / _minutes_name(repertoire, session_id, SUFFIXES[fmt])
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise not_written(error, path) from error
    replace_file(path, text.encode("utf-8"))
    return path


def _minutes_name(repertoire: Repertoire, session_id: int, suffix: str) -> str:
    """The name of a session's minutes: its date and title, and its id too where an earlier session
    of that day has the same name, so that saving one session's minutes never replaces another's."""
    session = repertoire.session(session_id)
    name = minutes_file_name(session, suffix)
    earlier = (s for s in repertoire.sessions_on(session.date) if (s.id or 0) < session_id)
    shared = any(minutes_file_name(s, suffix) == name for s in earlier)
    return minutes_file_name(session, suffix, numbered=True) if shared else name


# From this many cases on, a second process makes half the pages of a folder export.
TWO_PROCESSES_FROM = 1000


def export_repertoire(repertoire: Repertoire, folder: Path) -> FolderExport:
    """The whole repertoire as a folder of linked Markdown pages (see `coptui.export.folder`),
    read a slice at a time (see `coptui.export.pages`); a large one on two cores."""
    reads = repertoire.export_reads()
    if repertoire.count_browse_cases() < TWO_PROCESSES_FROM:
        return write_pages(streamed_pages(reads), folder)
    sessions, practices = SharedQueue(), SharedQueue()
    theirs = Share(first=False, last=True, sessions=sessions, practices=practices)
    return write_pages(
        streamed_pages(reads, Share(first=True, last=False, sessions=sessions, practices=practices)),
        folder,
        beside=functools.partial(_share_of_pages, repertoire.path, theirs),
    )


def _share_of_pages(path: Path, share: Share) -> Iterator[tuple[str, PageText]]:
    """A share of the pages of the repertoire at `path`, read in a process of its own."""
    with Repertoire.open(path, read_only=True) as repertoire:
        yield from streamed_pages(repertoire.export_reads(), share)

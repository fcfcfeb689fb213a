"""The whole repertoire as a folder of linked Markdown pages that a wiki or static-site generator takes as is.

    index.md                                the community: sessions, cases, open actions, topics, members
    sessions/0007-2026-11-04-pre-peak-clinic.md   each session's minutes
    cases/0018-a-database-failover-pages-60-services-at-once.md
    topics/alerting.md
    members/ana.md

Names are an id plus a slug, so exporting again rewrites the same files (and leaves a
file whose text has not changed untouched, so its date and a wiki's history stay
quiet). Every link is relative and points at a page of the same export.

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
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from coptui.counts import plural
from coptui.export import escape, names
from coptui.export.index import RepertoireIndex
from coptui.export.markdown import (
    PageLinks,
    table,
)
from coptui.export.minutes import render_minutes
from coptui.files import FileNotWritten, not_written, replace_file
from coptui.models import ActionStatus, Case, Member, NoteKind, Outcome, ReportBack, Role, Strategy, Topic

MANIFEST = ".coptui-export"
# The pages written so far by an export under way; left behind, it marks an interrupted one.
JOURNAL = ".coptui-export.journal"
INDEX = "index.md"
# What an export may have written: only such names are ever removed from a folder.
SUBFOLDERS = ("cases", "sessions", "topics", "members")
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


def repertoire_pages(index: RepertoireIndex) -> Iterator[tuple[str, str]]:
    """Every page of the export with its path relative to the folder, one at a time.

    A page is made as it is written: at 100,000 cases the pages together are several
    hundred megabytes, more than a laptop should hold at once.
    """
    links = PageLinks(index, "index.md")
    yield "index.md", _index_page(index, links)
    for session in index.document.sessions:
        path = names.session_path(session)
        yield path, render_minutes(index, session.id or 0, links.on(path))
    for case in index.document.cases:
        path = names.case_path(case)
        yield path, _case_page(index, case, links.on(path))
    for topic in index.document.topics:
        path = names.topic_path(topic.slug)
        yield path, _topic_page(index, topic, links.on(path))
    for member in index.document.members:
        path = names.member_path(member.handle)
        yield path, _member_page(index, member, links.on(path))


class UnsafeFolder(FileNotWritten):
    """A folder the export refuses to write into: a symbolic link where it would write."""


def write_pages(pages: Iterable[tuple[str, str]], folder: Path) -> FolderExport:
    """Write `pages` into `folder`, rewriting only what changed and removing what an earlier export left.

    Each page is written whole (a temporary file renamed over it), the index last, so an
    interrupted export leaves the earlier index with every page it links to; the pages
    written so far are listed in a journal, from which the next export repairs the folder.
    Nothing is written through a symbolic link or outside the folder, and a page is removed
    only if this export's list says it wrote it and it is unchanged since.
    """
    folder.mkdir(parents=True, exist_ok=True)
    folder = folder.resolve()
    existing = _scan(folder)
    journal_path = folder / JOURNAL
    before = _read_list(folder / MANIFEST)
    interrupted = journal_path.exists()
    if interrupted:
        before.update(_read_list(journal_path))
    exported: dict[str, str] = {}
    written = 0
    index_text: bytes | None = None
    with _journal(journal_path) as journal:
        for relative_path, text in pages:
            data = text.encode("utf-8")
            exported[relative_path] = _digest(data)
            if relative_path == INDEX:
                index_text = data  # written last: it may name only pages already there
                continue
            if _write_if_changed(folder, relative_path, data, existing):
                written += 1
            journal.write(f"{exported[relative_path]}  {relative_path}\n")
            journal.flush()
        if index_text is not None and _write_if_changed(folder, INDEX, index_text, existing, sync=True):
            written += 1
        removed, kept = _remove_stale(folder, before, exported)
        replace_file(folder / MANIFEST, "".join(f"{h}  {p}\n" for p, h in sorted(exported.items())).encode())
    journal_path.unlink()
    return FolderExport(
        folder=folder, pages=len(exported), written=written, removed=removed, kept=kept, repaired=interrupted
    )


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


def _write_if_changed(
    folder: Path, relative_path: str, data: bytes, existing: set[str], *, sync: bool = False
) -> bool:
    target = folder / relative_path
    # A page is read back only when it is there with the same size: it may be unchanged.
    if relative_path in existing and _holds(target, data):
        return False
    replace_file(target, data, sync=sync)
    return True


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


def _holds(target: Path, data: bytes) -> bool:
    try:
        return target.stat().st_size == len(data) and target.read_bytes() == data
    except FileNotFoundError:
        return False


# -- pages ------------------------------------------------------------------------


def _footer(index: RepertoireIndex) -> str:
    from coptui import __version__

    community = escape.inline(index.community.name)
    return f"---\n\n*Exported by coptui {__version__} from the repertoire of {community}.*"


def _index_page(index: RepertoireIndex, links: PageLinks) -> str:
    doc = index.document
    open_actions = [a for a in doc.actions if a.status is ActionStatus.OPEN]
    blocks = [f"# {escape.heading(index.community.name)}"]
    if index.community.domain:
        blocks.append(escape.block(index.community.domain))
    blocks.append(
        " · ".join(
            [
                plural(len(doc.sessions), "session"),
                plural(len(doc.cases), "case"),
                plural(len(doc.strategies), "strategy", "strategies"),
                f"{plural(len(doc.actions), 'action')} ({len(open_actions)} open)",
                plural(len(doc.report_backs), "report-back"),
                plural(len(doc.members), "member"),
            ]
        )
    )
    sessions = sorted(doc.sessions, key=lambda s: (s.date, s.id or 0), reverse=True)
    blocks.append("## Sessions")
    blocks.append(
        table(
            ["Date", "Session", "Facilitator", "Cases"],
            [
                [
                    s.date.isoformat(),
                    links.session(s, cell=True),
                    links.member(s.facilitator, cell=True),
                    str(len(index.cases_by_session.get(s.id or 0, []))),
                ]
                for s in sessions
            ],
        )
        if sessions
        else "No sessions yet."
    )
    blocks.append("## Cases")
    blocks.append(_case_table(index, doc.cases, links) if doc.cases else "No cases yet.")
    blocks.append("## Open actions")
    blocks.append(
        table(
            ["Owner", "Action", "Due", "Case"],
            [
                [
                    links.member(a.owner, cell=True),
                    escape.cell(a.text),
                    a.due.isoformat() if a.due else "—",
                    links.case(index.cases[a.case], cell=True) if a.case in index.cases else "—",
                ]
                for a in sorted(open_actions, key=lambda a: (a.due is None, a.due or 0, a.id or 0))
            ],
        )
        if open_actions
        else "No open actions."
    )
    blocks.append("## Topics")
    blocks.append(
        "\n".join(
            f"- {links.topic(t.slug)} ({plural(len(index.cases_by_topic.get(t.slug, [])), 'case')})"
            + (f": {escape.inline(t.description)}" if t.description else "")
            for t in sorted(doc.topics, key=lambda t: t.name.lower())
        )
        or "No topics yet."
    )
    blocks.append("## Members")
    blocks.append(
        "\n".join(
            f"- {links.member(m.handle)}"
            + (" (facilitator)" if m.role is Role.FACILITATOR else "")
            + (f", {escape.inline(m.organisation)}" if m.organisation else "")
            for m in sorted(doc.members, key=lambda m: m.name.lower())
        )
        or "No members yet."
    )
    blocks.append(_footer(index))
    return "\n\n".join(blocks) + "\n"


def _case_table(
    index: RepertoireIndex, cases: list[Case], links: PageLinks, *, presenter: bool = True
) -> str:
    """Cases newest first; a member's own page leaves out who presented them."""
    ordered = sorted(cases, key=lambda c: (c.opened_on, c.id or 0), reverse=True)
    headers = ["Opened", "Case", "Presented by", "Status", "Topics"]
    rows = [
        [
            c.opened_on.isoformat(),
            links.case(c, cell=True),
            links.member(c.presenter, cell=True),
            c.status.label,
            links.topics(c.topics, cell=True),
        ]
        for c in ordered
    ]
    if not presenter:
        headers.pop(2)
        for row in rows:
            row.pop(2)
    return table(headers, rows)


def _track_record(index: RepertoireIndex, strategy: Strategy) -> str:
    """How often a strategy was tried, and with what outcomes: 'tried 2×: worked, partly worked'."""
    reports: list[ReportBack] = []
    for action in index.actions_by_strategy.get(strategy.id or 0, []):
        reports.extend(index.report_backs_by_action.get(action.id or 0, []))
    tried = [r for r in reports if r.outcome is not Outcome.NOT_TRIED]
    if not tried:
        return ""
    return f" — tried {len(tried)}×: " + ", ".join(r.outcome.label for r in tried)


def _case_page(index: RepertoireIndex, case: Case, links: PageLinks) -> str:
    cid = case.id or 0
    blocks = [links.index_page(f"← {index.community.name}"), f"# {escape.heading(case.title)}"]
    about = [f"Brought by {links.member(case.presenter)}"]
    session = index.sessions.get(case.session or 0)
    about.append(f"at {links.session(session)}, {case.opened_on}" if session else f"on {case.opened_on}")
    line = " ".join(about) + f" · status: **{case.status.label}**"
    if case.topics:
        line += f" · topics: {links.topics(case.topics)}"
    blocks.append(line)
    if case.context:
        blocks += ["## Context", escape.block(case.context)]
    if case.question:
        blocks += ["## Question", escape.block(case.question)]
    strategies = index.strategies_by_case.get(cid, [])
    blocks.append("## Strategies")
    if strategies:
        blocks.append(
            "\n".join(
                f"- {'**Picked:** ' if s.picked else ''}{escape.block(s.text, indent='  ')} "
                f"*({links.member(s.proposer)}, {plural(s.votes, 'vote')}){_track_record(index, s)}*"
                for s in strategies
            )
        )
    else:
        blocks.append("No strategies yet.")
    actions = index.actions_by_case.get(cid, [])
    if actions:
        blocks.append("## Actions")
        blocks.append(
            table(
                ["Owner", "Action", "Due", "Status"],
                [
                    [
                        links.member(a.owner, cell=True),
                        escape.cell(a.text),
                        a.due.isoformat() if a.due else "—",
                        a.status.label,
                    ]
                    for a in actions
                ],
            )
        )
    reports = index.report_backs_by_case.get(cid, [])
    if reports:
        blocks.append("## Report-backs")
        for report in reports:
            where = index.sessions.get(report.session or 0)
            heading = f"### {escape.heading(index.name(report.member))}: {report.outcome.label}"
            parts = [heading, f"{report.reported_on}" + (f", at {links.session(where)}" if where else "")]
            action = index.actions.get(report.action or 0)
            if action is not None:
                parts.append(f"**Action:** {escape.block(action.text)}")
            if report.story:
                parts.append(escape.block(report.story))
            if report.lesson:
                parts.append(f"**Lesson:** {escape.block(report.lesson)}")
            blocks.append("\n\n".join(parts))
    notes = index.notes_by_case.get(cid, [])
    if notes:
        blocks.append("## Notes")
        blocks.append(
            "\n".join(
                f"- {'**Decision:** ' if n.kind is NoteKind.DECISION else ''}"
                f"{escape.block(n.text, indent='  ')}"
                + (f" *({links.member(n.author)})*" if n.author else "")
                for n in notes
            )
        )
    blocks.append(_footer(index))
    return "\n\n".join(blocks) + "\n"


def _topic_page(index: RepertoireIndex, topic: Topic, links: PageLinks) -> str:
    blocks = [links.index_page(f"← {index.community.name}"), f"# {escape.heading(topic.name)}"]
    if topic.description:
        blocks.append(escape.block(topic.description))
    cases = index.cases_by_topic.get(topic.slug, [])
    blocks.append(f"## Cases ({len(cases)})")
    blocks.append(_case_table(index, cases, links) if cases else "No cases on this topic yet.")
    blocks.append(_footer(index))
    return "\n\n".join(blocks) + "\n"


def _member_page(index: RepertoireIndex, member: Member, links: PageLinks) -> str:
    handle = member.handle
    blocks = [links.index_page(f"← {index.community.name}"), f"# {escape.heading(member.name)}"]
    about = [f"@{escape.inline(handle)}"]
    if member.role is Role.FACILITATOR:
        about.append("facilitator")
    if member.organisation:
        about.append(escape.inline(member.organisation))
    blocks.append(" · ".join(about))
    cases = index.cases_by_presenter.get(handle, [])
    blocks.append(f"## Cases brought ({len(cases)})")
    blocks.append(_case_table(index, cases, links, presenter=False) if cases else "None yet.")
    actions = index.actions_by_owner.get(handle, [])
    blocks.append(f"## Actions ({len(actions)})")
    blocks.append(
        table(
            ["Action", "Due", "Status", "Case"],
            [
                [
                    escape.cell(a.text),
                    a.due.isoformat() if a.due else "—",
                    a.status.label,
                    links.case(index.cases[a.case], cell=True) if a.case in index.cases else "—",
                ]
                for a in actions
            ],
        )
        if actions
        else "None yet."
    )
    reports = index.report_backs_by_member.get(handle, [])
    if reports:
        blocks.append(f"## Report-backs ({len(reports)})")
        blocks.append(
            "\n".join(
                f"- {r.reported_on}: {r.outcome.label}"
                + (f", on {links.case(index.cases[r.case])}" if r.case in index.cases else "")
                for r in reports
            )
        )
    proposed = index.strategies_by_proposer.get(handle, [])
    if proposed:
        blocks.append(f"## Strategies proposed ({len(proposed)})")
        blocks.append(
            "\n".join(
                f"- {escape.inline(s.text)} *("
                + ", ".join(
                    ([f"for {links.case(index.cases[s.case])}"] if s.case in index.cases else [])
                    + [plural(s.votes, "vote")]
                    + (["picked"] if s.picked else [])
                )
                + ")*"
                for s in proposed
            )
        )
    sessions = index.sessions_by_member.get(handle, [])
    blocks.append(f"## Sessions attended ({len(sessions)})")
    blocks.append("\n".join(f"- {s.date.isoformat()}: {links.session(s)}" for s in sessions) or "None yet.")
    blocks.append(_footer(index))
    return "\n\n".join(blocks) + "\n"

"""Small Markdown builders the pages share: links between pages, tables and dates.

Everything that takes user text escapes it here or in `escape`; a caller passes
plain strings and gets Markdown back.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime

from coptui.export import escape, names
from coptui.export.index import RepertoireIndex
from coptui.store.export_rows import CaseItem, SessionItem


class _Built:
    """The links of one export already built for the pages of one folder: [text links, table-cell links]."""

    def __init__(self) -> None:
        self.members: tuple[dict[str | None, str], dict[str | None, str]] = ({}, {})
        self.cases: tuple[dict[int | None, str], dict[int | None, str]] = ({}, {})
        self.sessions: tuple[dict[int | None, str], dict[int | None, str]] = ({}, {})
        self.topics: tuple[dict[str, str], dict[str, str]] = ({}, {})


class PageLinks:
    """Links from one page of an exported folder to the others; plain text when `page` is None.

    Standalone minutes have no folder around them, so they name things without linking.
    A name is linked on many pages (a member on every page they appear on), so the
    pages of one export share what was built: each link is built once per folder it is
    linked from (a link reads the same from every page of a folder). A page that links each
    case and session once (the community's, which links every one) keeps none of theirs:
    `remember=False`.
    """

    def __init__(
        self,
        index: RepertoireIndex,
        page: str | None = None,
        memo: dict[str | None, _Built] | None = None,
        *,
        remember: bool = True,
    ) -> None:
        self.index = index
        self.page = page
        self._remember = remember
        self._memo = {} if memo is None else memo
        folder = None if page is None else page.rpartition("/")[0]
        built = self._memo.get(folder)
        if built is None:
            built = self._memo[folder] = _Built()
        self._built = built

    def on(self, page: str) -> PageLinks:
        """The same links, from another page of the same export."""
        return PageLinks(self.index, page, self._memo, remember=self._remember)

    def _to(self, target: str, text_md: str) -> str:
        if self.page is None:
            return text_md
        return f"[{text_md}]({names.relative(target, self.page)})"

    def member(self, handle: str | None, *, cell: bool = False) -> str:
        built = self._built.members[cell]
        found = built.get(handle)
        if found is None:
            found = (escape.cell if cell else escape.link_text)(self.index.name(handle))
            if handle is not None and handle in self.index.members:
                found = self._to(names.member_path(handle), found)
            built[handle] = found
        return found

    def members(self, handles: Sequence[str]) -> str:
        return ", ".join(self.member(h) for h in handles) if handles else "none"

    def case(self, case: CaseItem, text: str | None = None, *, cell: bool = False) -> str:
        escaped = escape.cell if cell else escape.link_text
        if text is not None:
            return self._to(names.case_path(case), escaped(text))
        built = self._built.cases[cell]
        found = built.get(case.id)
        if found is None:
            found = self._to(names.case_path(case), escaped(case.title))
            if self._remember:
                built[case.id] = found
        return found

    def session(self, session: SessionItem, *, cell: bool = False) -> str:
        built = self._built.sessions[cell]
        found = built.get(session.id)
        if found is None:
            escaped = escape.cell if cell else escape.link_text
            found = self._to(names.session_path(session), escaped(session.title))
            if self._remember:
                built[session.id] = found
        return found

    def topic(self, slug: str, *, cell: bool = False) -> str:
        built = self._built.topics[cell]
        found = built.get(slug)
        if found is None:
            found = (escape.cell if cell else escape.link_text)(self.index.topic_name(slug))
            if slug in self.index.topics:
                found = self._to(names.topic_path(slug), found)
            built[slug] = found
        return found

    def topics(self, slugs: Sequence[str], *, cell: bool = False) -> str:
        return ", ".join(self.topic(s, cell=cell) for s in slugs)

    def index_page(self, text: str, section: str = "") -> str:
        """A link to the community page, or to the section whose heading's anchor is `section`."""
        return self._to(f"index.md#{section}" if section else "index.md", escape.link_text(text))


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A pipe table; cells are Markdown already (escape user text with `escape.cell`)."""
    return "\n".join(table_lines(headers, rows))


def table_lines(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> Iterator[str]:
    """The lines of a pipe table, made as they are read: for a table too long to hold whole."""
    yield "| " + " | ".join(headers) + " |"
    yield "|" + "|".join("---" for _ in headers) + "|"
    for row in rows:
        yield "| " + " | ".join(row) + " |"


def long_date(day: date) -> str:
    """'Wednesday 4 November 2026': how minutes date a meeting."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def duration(start: datetime, end: datetime) -> str:
    minutes = round((end - start).total_seconds() / 60)
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if hours else f"{rest} min"

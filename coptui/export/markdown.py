"""Small Markdown builders the pages share: links between pages, tables, labels and dates.

Everything that takes user text escapes it here or in `escape`; a caller passes
plain strings and gets Markdown back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from coptui.export import escape, names
from coptui.export.index import RepertoireIndex
from coptui.models import ActionStatus, Case, CaseStatus, Outcome, Session

OUTCOME_LABELS = {
    Outcome.WORKED: "worked",
    Outcome.PARTLY: "partly worked",
    Outcome.DID_NOT_WORK: "did not work",
    Outcome.NOT_TRIED: "not tried",
}
CASE_STATUS_LABELS = {
    CaseStatus.OPEN: "open",
    CaseStatus.IN_TRIAL: "in trial",
    CaseStatus.REPORTED: "reported",
    CaseStatus.RESOLVED: "resolved",
    CaseStatus.REOPENED: "reopened",
}
ACTION_STATUS_LABELS = {ActionStatus.OPEN: "open", ActionStatus.DONE: "done", ActionStatus.DROPPED: "dropped"}


class PageLinks:
    """Links from one page of an exported folder to the others; plain text when `page` is None.

    Standalone minutes have no folder around them, so they name things without linking.
    A name is linked on many pages (a member on every page they appear on), so the
    pages of one export share `memo`: each link is built once per folder it is linked from.
    """

    def __init__(
        self, index: RepertoireIndex, page: str | None = None, memo: dict[tuple[Any, ...], str] | None = None
    ) -> None:
        self.index = index
        self.page = page
        self._folder = None if page is None else page.rpartition("/")[0]
        self._memo = {} if memo is None else memo

    def on(self, page: str) -> PageLinks:
        """The same links, from another page of the same export."""
        return PageLinks(self.index, page, self._memo)

    def _to(self, target: str, text_md: str) -> str:
        if self.page is None:
            return text_md
        return f"[{text_md}]({names.relative(target, self.page)})"

    def _memoised(self, key: tuple[Any, ...], build: Callable[[], str]) -> str:
        key = (*key, self._folder)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = build()
        return found

    def member(self, handle: str | None, *, cell: bool = False) -> str:
        def build() -> str:
            text = (escape.cell if cell else escape.link_text)(self.index.name(handle))
            if handle is None or handle not in self.index.members:
                return text
            return self._to(names.member_path(handle), text)

        return self._memoised(("member", handle, cell), build)

    def members(self, handles: Sequence[str]) -> str:
        return ", ".join(self.member(h) for h in handles) if handles else "none"

    def case(self, case: Case, text: str | None = None, *, cell: bool = False) -> str:
        escaped = escape.cell if cell else escape.link_text
        if text is not None:
            return self._to(names.case_path(case), escaped(text))
        return self._memoised(
            ("case", case.id, cell), lambda: self._to(names.case_path(case), escaped(case.title))
        )

    def session(self, session: Session, *, cell: bool = False) -> str:
        escaped = escape.cell if cell else escape.link_text
        return self._memoised(
            ("session", session.id, cell),
            lambda: self._to(names.session_path(session), escaped(session.title)),
        )

    def topic(self, slug: str, *, cell: bool = False) -> str:
        def build() -> str:
            text = (escape.cell if cell else escape.link_text)(self.index.topic_name(slug))
            return self._to(names.topic_path(slug), text) if slug in self.index.topics else text

        return self._memoised(("topic", slug, cell), build)

    def topics(self, slugs: Sequence[str], *, cell: bool = False) -> str:
        return ", ".join(self.topic(s, cell=cell) for s in slugs)

    def index_page(self, text: str) -> str:
        return self._to("index.md", escape.link_text(text))


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A pipe table; cells are Markdown already (escape user text with `escape.cell`)."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return "\n".join(lines)


def long_date(day: date) -> str:
    """'Wednesday 4 November 2026': how minutes date a meeting."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def clock(moment: datetime) -> str:
    return f"{moment:%H:%M}"


def duration(start: datetime, end: datetime) -> str:
    minutes = round((end - start).total_seconds() / 60)
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if hours else f"{rest} min"


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else words or word + 's'}"

"""The repertoire read for a folder export a slice at a time, so that memory holds a slice, not the whole.

Each slice is a partial document holding one run of pages' items and everything those
pages name (for links, track records and names), each list in id order as `dump` gives
it, so a page made from a slice is the page made from the whole repertoire. A slice
costs a few queries, never one per item.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any, NamedTuple

from coptui.models import (
    Action,
    ActionStatus,
    Case,
    CaseStatus,
    Member,
    Note,
    RepertoireDocument,
    ReportBack,
    Session,
    Strategy,
    Topic,
)
from coptui.store.base import guarded
from coptui.store.community import CommunityStore
from coptui.store.practice_export import PRACTICES_PER_SLICE, PracticeExportReads
from coptui.store.rows import COLUMNS
from coptui.store.sessions import SessionStore

# Pages per slice: enough that the queries of a slice are a small part of its cost.
CASES_PER_SLICE = 500
SESSIONS_PER_SLICE = 200
MEMBERS_PER_SLICE = 20
CASES_PER_TOPIC_SLICE = 5000


class Totals(NamedTuple):
    """How many of each kind the repertoire holds, for the index page."""

    sessions: int
    cases: int
    strategies: int
    actions: int
    report_backs: int


# Rows of the index page's tables, as plain tuples: at 100,000 cases, models would not fit.
SessionLine = tuple[int, str, date, str | None, int]  # id, title, date, facilitator, cases presented
CaseLine = tuple[
    int, str, date, str, CaseStatus, list[str]
]  # id, title, opened on, presenter, status, topics
# owner, text, due, case id and title (None if it names no case)
OpenActionLine = tuple[str, str, date | None, int | None, str | None]


class Outline(NamedTuple):
    """What the index page lists: every session and case in brief, newest first; the open
    actions, soonest due first; how many cases each topic has; and how many of each kind."""

    common: RepertoireDocument  # the community, its topics and members
    totals: Totals
    sessions: list[SessionLine]
    cases: list[CaseLine]
    open_actions: list[OpenActionLine]
    topic_cases: dict[str, int]


class ExportReads(PracticeExportReads, SessionStore, CommunityStore):
    """Slices of the repertoire for the pages of a folder export."""

    def _slice(self, common: RepertoireDocument, **lists: Sequence[Any]) -> RepertoireDocument:
        """A partial document: the given lists, with the community, topics and members of `common`."""
        return common.model_copy(update={kind: list(items) for kind, items in lists.items()})

    @guarded
    def _common(self) -> RepertoireDocument:
        """What every page names: the community, its topics and its members, read once per run of slices."""
        return RepertoireDocument.model_construct(
            community=self.community(),
            topics=self._items(Topic, "SELECT * FROM topics ORDER BY slug"),
            members=self._items(Member, "SELECT * FROM members ORDER BY handle"),
        )

    def _sessions(self, where: str, params: Sequence[Any] | dict[str, Any]) -> list[Session]:
        return self._sessions_from_rows(
            self._rows(f"SELECT {COLUMNS[Session]} FROM sessions WHERE {where} ORDER BY id", params)
        )

    def _cases(self, where: str, params: Sequence[Any] | dict[str, Any]) -> list[Case]:
        return self._cases_from_rows(
            self._rows(f"SELECT {COLUMNS[Case]} FROM cases WHERE {where} ORDER BY id", params)
        )

    @guarded
    def _case_ids(self, after: int, limit: int) -> list[int]:
        return [
            r[0]
            for r in self.db.execute("SELECT id FROM cases WHERE id > ? ORDER BY id LIMIT ?", [after, limit])
        ]

    def case_slices(self, size: int | None = None) -> Iterator[RepertoireDocument]:
        """The cases in runs of `size`, each with what its page shows: strategies and their track
        records, actions, report-backs, notes, and the sessions it names."""
        common, after = self._common(), 0
        while ids := self._case_ids(after, size or CASES_PER_SLICE):
            after = ids[-1]
            yield self._case_slice(common, ids[0], ids[-1])

    @guarded
    def _case_slice(self, common: RepertoireDocument, first: int, last: int) -> RepertoireDocument:
        span = {"first": first, "last": last}
        strategies_here = "SELECT id FROM strategies WHERE case_id BETWEEN :first AND :last"
        tried_here = f"SELECT id FROM actions WHERE strategy_id IN ({strategies_here})"
        return self._slice(
            common,
            cases=self._cases("id BETWEEN :first AND :last", span),
            strategies=self._items(
                Strategy,
                f"SELECT {COLUMNS[Strategy]} FROM strategies WHERE case_id BETWEEN :first AND :last "
                "ORDER BY id",
                span,
            ),
            actions=self._items(
                Action,
                f"SELECT {COLUMNS[Action]} FROM actions WHERE case_id BETWEEN :first AND :last "
                f"OR id IN ({tried_here}) "
                "OR id IN (SELECT action_id FROM report_backs WHERE case_id BETWEEN :first AND :last) "
                "ORDER BY id",
                span,
            ),
            report_backs=self._items(
                ReportBack,
                f"SELECT {COLUMNS[ReportBack]} FROM report_backs WHERE case_id BETWEEN :first AND :last "
                f"OR action_id IN ({tried_here}) ORDER BY id",
                span,
            ),
            notes=self._items(
                Note,
                f"SELECT {COLUMNS[Note]} FROM notes WHERE case_id BETWEEN :first AND :last ORDER BY id",
                span,
            ),
            sessions=self._sessions(
                "id IN (SELECT session_id FROM cases WHERE id BETWEEN :first AND :last) "
                "OR id IN (SELECT session_id FROM report_backs WHERE case_id BETWEEN :first AND :last)",
                span,
            ),
        )

    def practice_slices(self, size: int | None = None) -> Iterator[RepertoireDocument]:
        """The practices in runs of `size`, each with its uses, their cases and what was reported."""
        common, after = self._common(), 0
        while ids := self._practice_ids(after, size or PRACTICES_PER_SLICE):
            after = ids[-1]
            yield self._practice_slice(common, ids[0], ids[-1])

    @guarded
    def _session_run(self, after: tuple[str, int], limit: int) -> list[tuple[str, int]]:
        return [
            (r[0], r[1])
            for r in self.db.execute(
                "SELECT date, id FROM sessions WHERE (date, id) > (?, ?) ORDER BY date, id LIMIT ?",
                [*after, limit],
            )
        ]

    def session_slices(
        self, size: int = SESSIONS_PER_SLICE
    ) -> Iterator[tuple[list[int], RepertoireDocument]]:
        """The sessions in the order they were held, in runs of `size`: each run's ids in that order,
        and what their minutes name (as `session_slice` gives it for one session, but for the action
        register of actions carried forward, which the exporter keeps as it goes)."""
        common, after = self._common(), ("", 0)
        while run := self._session_run(after, size or SESSIONS_PER_SLICE):
            after = run[-1]
            ids = [session_id for _, session_id in run]
            yield ids, self._session_slice(common, ids)

    @guarded
    def _session_slice(self, common: RepertoireDocument, ids: list[int]) -> RepertoireDocument:
        here = "(SELECT value FROM json_each(:ids))"
        s = {"ids": json.dumps(ids)}
        actions = self._items(
            Action,
            f"SELECT {COLUMNS[Action]} FROM actions WHERE session_id IN {here} "
            f"OR id IN (SELECT action_id FROM report_backs WHERE session_id IN {here}) ORDER BY id",
            s,
        )
        cases = self._cases(
            f"session_id IN {here} "
            f"OR id IN (SELECT case_id FROM notes WHERE session_id IN {here}) "
            f"OR id IN (SELECT case_id FROM strategies WHERE session_id IN {here}) "
            f"OR id IN (SELECT case_id FROM actions WHERE session_id IN {here}) "
            f"OR id IN (SELECT case_id FROM report_backs WHERE session_id IN {here})",
            s,
        )
        tried = json.dumps([a.strategy for a in actions if a.strategy is not None])
        named = {c.session for c in cases} | {a.session for a in actions}
        earlier = {e for e in named if e is not None} - set(ids)
        return self._slice(
            common,
            sessions=self._sessions(
                "id IN (SELECT value FROM json_each(?))", [json.dumps(sorted({*ids, *earlier}))]
            ),
            cases=cases,
            strategies=self._items(
                Strategy,
                f"SELECT {COLUMNS[Strategy]} FROM strategies WHERE session_id IN {here} "
                f"OR case_id IN (SELECT id FROM cases WHERE session_id IN {here}) "
                "OR id IN (SELECT value FROM json_each(:tried)) ORDER BY id",
                {**s, "tried": tried},
            ),
            actions=actions,
            report_backs=self._items(
                ReportBack,
                f"SELECT {COLUMNS[ReportBack]} FROM report_backs WHERE session_id IN {here} ORDER BY id",
                s,
            ),
            notes=self._items(
                Note, f"SELECT {COLUMNS[Note]} FROM notes WHERE session_id IN {here} ORDER BY id", s
            ),
        )

    @guarded
    def _topic_runs(self, most: int) -> list[list[str]]:
        """The topics in runs holding at most `most` cases between them (a larger topic runs alone)."""
        runs: list[list[str]] = [[]]
        held = 0
        for slug, cases in self.db.execute(
            "SELECT slug, (SELECT count(*) FROM case_topics WHERE topic = slug) FROM topics ORDER BY slug"
        ):
            if runs[-1] and held + cases > most:
                runs.append([])
                held = 0
            runs[-1].append(slug)
            held += cases
        return [run for run in runs if run]

    def topic_slices(
        self, most: int = CASES_PER_TOPIC_SLICE
    ) -> Iterator[tuple[list[str], RepertoireDocument]]:
        """The topics in runs, each with the cases on its topics."""
        common = self._common()
        for run in self._topic_runs(most or CASES_PER_TOPIC_SLICE):
            yield run, self._topic_slice(common, run)

    @guarded
    def _topic_slice(self, common: RepertoireDocument, slugs: list[str]) -> RepertoireDocument:
        return self._slice(
            common,
            cases=self._cases(
                "id IN (SELECT case_id FROM case_topics WHERE topic IN (SELECT value FROM json_each(?)))",
                [json.dumps(slugs)],
            ),
        )

    @guarded
    def _handles(self, after: str, limit: int) -> list[str]:
        return [
            r[0]
            for r in self.db.execute(
                "SELECT handle FROM members WHERE handle > ? ORDER BY handle LIMIT ?", [after, limit]
            )
        ]

    def member_slices(self, size: int | None = None) -> Iterator[tuple[list[str], RepertoireDocument]]:
        """The members in runs of `size`, with what their pages list: cases brought, actions,
        report-backs, strategies proposed and sessions attended, and the cases those name."""
        common, after = self._common(), ""
        while handles := self._handles(after, size or MEMBERS_PER_SLICE):
            after = handles[-1]
            yield handles, self._member_slice(common, handles)

    @guarded
    def _member_slice(self, common: RepertoireDocument, handles: list[str]) -> RepertoireDocument:
        these = "(SELECT value FROM json_each(:handles))"
        h = {"handles": json.dumps(handles)}
        return self._slice(
            common,
            cases=self._cases(
                f"presenter IN {these} "
                f"OR id IN (SELECT case_id FROM actions WHERE owner IN {these}) "
                f"OR id IN (SELECT case_id FROM report_backs WHERE member IN {these}) "
                f"OR id IN (SELECT case_id FROM strategies WHERE proposer IN {these})",
                h,
            ),
            actions=self._items(
                Action, f"SELECT {COLUMNS[Action]} FROM actions WHERE owner IN {these} ORDER BY id", h
            ),
            report_backs=self._items(
                ReportBack,
                f"SELECT {COLUMNS[ReportBack]} FROM report_backs WHERE member IN {these} ORDER BY id",
                h,
            ),
            strategies=self._items(
                Strategy,
                f"SELECT {COLUMNS[Strategy]} FROM strategies WHERE proposer IN {these} ORDER BY id",
                h,
            ),
            sessions=self._sessions(
                f"id IN (SELECT session_id FROM attendance WHERE presence = 'attended' "
                f"AND member IN {these})",
                h,
            ),
        )

    @guarded
    def outline(self) -> Outline:
        """The index page's rows, read as tuples."""
        sessions: list[SessionLine] = [
            (i, title, date.fromisoformat(day), by, cases)
            for i, title, day, by, cases in self.db.execute(
                "SELECT id, title, date, facilitator, "
                "(SELECT count(*) FROM cases WHERE session_id = sessions.id) "
                "FROM sessions ORDER BY date DESC, id DESC"
            )
        ]
        cases: list[CaseLine] = [
            (i, title, date.fromisoformat(opened_on), presenter, CaseStatus(status), json.loads(topics))
            for i, title, opened_on, presenter, status, topics in self.db.execute(
                "SELECT id, title, opened_on, presenter, status, (SELECT json_group_array(topic) FROM "
                "(SELECT topic FROM case_topics WHERE case_id = cases.id ORDER BY position)) "
                "FROM cases ORDER BY opened_on DESC, id DESC"
            )
        ]
        open_actions: list[OpenActionLine] = [
            (owner, text, date.fromisoformat(due) if due else None, case_id, title)
            for owner, text, due, case_id, title in self.db.execute(
                "SELECT owner, text, due, cases.id, cases.title FROM actions "
                "LEFT JOIN cases ON cases.id = actions.case_id WHERE actions.status = ? "
                "ORDER BY due IS NULL, due, actions.id",
                [ActionStatus.OPEN.value],
            )
        ]
        counts = (
            self.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("strategies", "actions", "report_backs")
        )
        return Outline(
            common=self._common(),
            totals=Totals(len(sessions), len(cases), *counts),
            sessions=sessions,
            cases=cases,
            open_actions=open_actions,
            topic_cases=dict(
                self.db.execute("SELECT topic, count(*) FROM case_topics GROUP BY topic").fetchall()
            ),
        )

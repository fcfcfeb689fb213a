"""The repertoire read for a folder export a slice at a time, so that memory holds a slice, not the whole.

Each slice holds one run of pages' items and everything those pages name (for links,
track records and names), each list in id order as `dump` gives it, so a page made
from a slice is the page made from the whole repertoire. Items are light rows
(`coptui.store.export_rows`), not models. A slice costs a few queries, never one per item.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from operator import attrgetter
from typing import Any, NamedTuple, TypeVar

from coptui.models import ActionStatus, CaseStatus, Member, Topic
from coptui.store.base import guarded
from coptui.store.between_meetings import BetweenMeetingsReads
from coptui.store.browsing import TrackRecord
from coptui.store.community import CommunityStore
from coptui.store.export_rows import (
    ActionRow,
    CaseRow,
    Document,
    ExportSlice,
    NoteRow,
    PhaseRow,
    PracticeRow,
    ReportBackRow,
    SessionRow,
    StrategyRow,
)
from coptui.store.practice_export import PRACTICES_PER_SLICE, PracticeExportReads
from coptui.store.rows import attendance_time, unreadable_light_row

R = TypeVar("R")
Params = Sequence[Any] | dict[str, Any]
# Which of a session's lists an attendance row's presence puts the member in.
_PRESENCE = {"attended": "attendees", "apologies": "apologies", "absent": "absent"}

# Pages per slice: enough that the queries of a slice are a small part of its cost.
CASES_PER_SLICE = 500
SESSIONS_PER_SLICE = 200
MEMBERS_PER_SLICE = 20
CASES_PER_TOPIC_SLICE = 5000
USES_PER_PRACTICE_SLICE = 5000


class Totals(NamedTuple):
    """How many of each kind the repertoire holds, for the index page."""

    sessions: int
    cases: int
    strategies: int
    actions: int
    report_backs: int
    open_actions: int


# Rows of the index page's tables, as plain tuples: at 100,000 cases, models would not fit.
SessionLine = tuple[int, str, date, str | None, int]  # id, title, date, facilitator, cases presented
CaseLine = tuple[
    int, str, date, str, CaseStatus, list[str]
]  # id, title, opened on, presenter, status, topics
# owner, text, due, case id and title (None if it names no case)
OpenActionLine = tuple[str, str, date | None, int | None, str | None]


# Gives, each time it is called, the place of the next run of pages a process is to make (the
# next that no process exporting with it has taken), counting from 0.
Take = Callable[[], int]


class SessionRun(NamedTuple):
    """A run of sessions, in the order they were held, read for the pages of this process (`pages`),
    or, where another process makes those, only for the register of open actions carried forward,
    which each process keeps from the first session on."""

    ids: list[int]
    part: ExportSlice
    pages: bool


class Outline(NamedTuple):
    """What the index page lists: every session and case in brief, newest first; the open
    actions, soonest due first; how many cases each topic has; and how many of each kind.
    The three lists are read as the page is written, a batch of rows at a time."""

    common: Document  # the community, its topics and members
    totals: Totals
    sessions: Iterable[SessionLine]
    cases: Iterable[CaseLine]
    open_actions: Iterable[OpenActionLine]
    topic_cases: dict[str, int]


# Ids of the report-backs filed between meetings that a run of sessions' minutes list.
_BEFORE = "(SELECT value FROM json_each(:before))"


# How sqlite3 says a text value is not UTF-8, when it decodes text itself.
_NOT_UTF8 = "Could not decode to UTF-8"


def _ids(ids: Iterable[int | None]) -> str:
    """Ids as a JSON list for `json_each`, leaving out None."""
    return json.dumps(sorted(i for i in ids if i is not None))


def _tried(cases: str) -> str:
    """SQL for the ids of the actions taken on the strategies for `cases` (SQL for case ids, in brackets)."""
    return f"SELECT id FROM actions WHERE strategy_id IN (SELECT id FROM strategies WHERE case_id IN {cases})"


class ExportReads(PracticeExportReads, BetweenMeetingsReads, CommunityStore):
    """Slices of the repertoire for the pages of a folder export, as rows (see `export_rows`)."""

    @guarded
    def _common(self) -> ExportSlice:
        """What every page names: the community, its topics and its members, read once per run of slices."""
        return ExportSlice(
            community=self.community(),
            topics=self._items(Topic, "SELECT * FROM topics ORDER BY slug"),
            members=self._items(Member, "SELECT * FROM members ORDER BY handle"),
        )

    def _read(
        self, read: Callable[[Sequence[Any]], R], columns: str, table: str, where: str, params: Params
    ) -> list[R]:
        """Rows of `table` that match `where`, in id order, each made by `read`."""
        rows = self._fetched(f"SELECT {columns} FROM {table} WHERE {where} ORDER BY id", params)
        try:
            return [read(row) for row in rows]
        except (ValueError, KeyError, TypeError):  # a row another tool wrote: which, and what is wrong
            raise unreadable_light_row(table, columns, rows, read) from None

    def _fetched(self, sql: str, params: Params) -> list[Any]:
        """The rows of a query, their text decoded by SQLite's own decoder, which is cheaper than the
        connection's lenient one (a Python call per value: 1.8 million at 10,000 cases); should a value
        not be UTF-8 (another tool wrote it), the query is read again with the lenient one."""
        lenient = self.conn.text_factory
        self.conn.text_factory = str
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as error:
            if not str(error).startswith(_NOT_UTF8):
                raise
        finally:
            self.conn.text_factory = lenient
        return self.conn.execute(sql, params).fetchall()

    def _sessions(
        self, where: str, params: Params, *, minutes: bool = False, attendance_of: Sequence[str] = ()
    ) -> list[SessionRow]:
        """Sessions; for `minutes`, with their times, their phases and everyone's attendance
        (other pages link to a session and give its date, no more).

        Other pages link to sessions without saying who came, but a member's page lists the
        sessions they attended: `attendance_of` reads only those members' attendance. (A session
        has as many attendance rows as members came: reading them all for every slice was much
        of the cost of the pages of cases and members.)
        """
        columns = SessionRow.COLUMNS if minutes else SessionRow.BRIEF_COLUMNS
        sessions = self._read(SessionRow.read, columns, "sessions", where, params)
        if not sessions:
            return []
        by_id = {s.id: s for s in sessions}
        ids = [json.dumps(list(by_id))]
        if minutes or attendance_of:
            self._attendance(by_id, ids[0], None if minutes else attendance_of)
        if minutes:
            for row in self.conn.execute(
                f"SELECT {PhaseRow.COLUMNS} FROM phase_runs "
                "WHERE session_id IN (SELECT value FROM json_each(?)) ORDER BY session_id, position",
                ids,
            ):
                try:
                    by_id[row[0]].phases.append(PhaseRow.read(row))
                except (ValueError, KeyError, TypeError):  # a row another tool wrote
                    raise unreadable_light_row("phase_runs", PhaseRow.COLUMNS, [row], PhaseRow.read) from None
        return sessions

    def _attendance(self, by_id: dict[int, SessionRow], ids: str, members: Sequence[str] | None) -> None:
        """Fill in who attended sessions `ids`, sent apologies or was absent: everyone, or `members`."""
        # Some members' attendance is found through the members' index; rows of sessions not read are skipped.
        which = (
            "session_id IN (SELECT value FROM json_each(?))"
            if members is None
            else "member IN (SELECT value FROM json_each(?))"
        )
        for session_id, member, presence, arrived_at, left_at in self.conn.execute(
            "SELECT session_id, member, presence, arrived_at, left_at FROM attendance "
            f"WHERE {which} ORDER BY session_id, position",
            [ids if members is None else json.dumps(members)],
        ):
            session = by_id.get(session_id)
            if session is None:
                continue
            getattr(session, _PRESENCE[presence]).append(member)
            if arrived_at:
                session.arrived[member] = attendance_time(arrived_at, session_id, member, "arrived_at")
            if left_at:
                session.left[member] = attendance_time(left_at, session_id, member, "left_at")

    def _cases(
        self, where: str, params: Params, *, brief: bool = False, topics: bool = True
    ) -> list[CaseRow]:
        """Cases with their topics; `brief`, without their context and question (which only the
        case's own page and its minutes show); without `topics`, with none."""
        columns = CaseRow.BRIEF_COLUMNS if brief else CaseRow.COLUMNS
        cases = self._read(CaseRow.read, columns, "cases", where, params)
        if cases and topics:
            by_id = {c.id: c for c in cases}
            for case_id, topic in self.conn.execute(
                "SELECT case_id, topic FROM case_topics WHERE case_id IN (SELECT value FROM json_each(?)) "
                "ORDER BY case_id, position",
                [json.dumps(list(by_id))],
            ):
                by_id[case_id].topics.append(topic)
        return cases

    def _strategies(self, where: str, params: Params) -> list[StrategyRow]:
        return self._read(StrategyRow.read, StrategyRow.COLUMNS, "strategies", where, params)

    def _actions(self, where: str, params: Params) -> list[ActionRow]:
        return self._read(ActionRow.read, ActionRow.COLUMNS, "actions", where, params)

    def _report_backs(self, where: str, params: Params) -> list[ReportBackRow]:
        return self._read(ReportBackRow.read, ReportBackRow.COLUMNS, "report_backs", where, params)

    def _notes(self, where: str, params: Params) -> list[NoteRow]:
        return self._read(NoteRow.read, NoteRow.COLUMNS, "notes", where, params)

    @guarded
    def _case_ids(self, after: int, limit: int, *, loose: bool) -> list[int]:
        sessionless = (
            "AND (session_id IS NULL OR session_id NOT IN (SELECT id FROM sessions)) " if loose else ""
        )
        return [
            r[0]
            for r in self.conn.execute(
                f"SELECT id FROM cases WHERE id > ? {sessionless}ORDER BY id LIMIT ?", [after, limit]
            )
        ]

    def case_slices(self, size: int | None = None, *, loose: bool = False) -> Iterator[ExportSlice]:
        """The cases in runs of `size`, each with what its page shows: strategies and their track
        records, actions, report-backs, notes, and the sessions it names. With `loose`, only the
        cases presented at no session the repertoire holds: the page of every other case is made
        with its session's minutes (see `session_slices`)."""
        common, after = self._common(), 0
        while ids := self._case_ids(after, size or CASES_PER_SLICE, loose=loose):
            after = ids[-1]
            yield self._case_slice(common, ids)

    @guarded
    def _case_slice(self, common: ExportSlice, ids: list[int]) -> ExportSlice:
        these = "(SELECT value FROM json_each(:ids))"
        c = {"ids": json.dumps(ids)}
        tried = _tried(these)
        return common.but(
            cases=self._cases(f"id IN {these}", c),
            strategies=self._strategies(f"case_id IN {these}", c),
            actions=self._actions(
                f"case_id IN {these} OR id IN ({tried}) "
                f"OR id IN (SELECT action_id FROM report_backs WHERE case_id IN {these})",
                c,
            ),
            report_backs=self._report_backs(f"case_id IN {these} OR action_id IN ({tried})", c),
            notes=self._notes(f"case_id IN {these}", c),
            sessions=self._sessions(
                f"id IN (SELECT session_id FROM cases WHERE id IN {these}) "
                f"OR id IN (SELECT session_id FROM report_backs WHERE case_id IN {these})",
                c,
            ),
        )

    def practice_slices(self, size: int | None = None, *, take: Take | None = None) -> Iterator[ExportSlice]:
        """The practices in runs of at most `size`, each with its uses, their cases and what was
        reported. With `take`, only the runs it gives the places of, in turn (see `session_slices`)."""
        take = take or itertools.count().__next__
        common = self._common()
        runs = self._practice_runs(size or PRACTICES_PER_SLICE, USES_PER_PRACTICE_SLICE)
        while (place := take()) < len(runs):
            yield self._practice_slice(common, *runs[place])

    @guarded
    def _practice_runs(self, most: int, most_uses: int) -> list[tuple[int, int]]:
        """The practices in id order, in runs (first id, last id) of at most `most` practices whose
        uses add up to at most `most_uses`; a practice used more often runs alone. The practices
        a repertoire has longest are the most used: a run of a fixed count would hold a third of
        every strategy."""
        uses = dict(
            self.conn.execute(
                "SELECT practice_id, count(*) FROM strategies "
                "WHERE practice_id IS NOT NULL GROUP BY practice_id"
            ).fetchall()
        )
        runs: list[tuple[int, int]] = []
        count, held = 0, 0
        for (practice,) in self.conn.execute("SELECT id FROM practices ORDER BY id").fetchall():
            used = uses.get(practice, 0)
            if count and (count == most or held + used > most_uses):
                count = 0
            if not count:
                runs.append((practice, practice))
                held = 0
            runs[-1] = (runs[-1][0], practice)
            count += 1
            held += used
        return runs

    @guarded
    def _practice_slice(self, common: ExportSlice, first: int, last: int) -> ExportSlice:
        """Practices `first` to `last`, every use of them, the cases those answer, and what was reported."""
        span = {"first": first, "last": last}
        uses = "SELECT id FROM strategies WHERE practice_id BETWEEN :first AND :last"
        tried = f"SELECT id FROM actions WHERE strategy_id IN ({uses})"
        return common.but(
            practices=self._read(
                PracticeRow.read, PracticeRow.COLUMNS, "practices", "id BETWEEN :first AND :last", span
            ),
            strategies=self._strategies("practice_id BETWEEN :first AND :last", span),
            # A practice's page shows each case's title, date and status only.
            cases=self._cases(
                f"id IN (SELECT case_id FROM strategies WHERE id IN ({uses}))", span, brief=True, topics=False
            ),
            actions=self._actions(f"id IN ({tried})", span),
            report_backs=self._report_backs(f"action_id IN ({tried})", span),
        )

    @guarded
    def with_practices(self, part: ExportSlice) -> tuple[ExportSlice, dict[int, TrackRecord]]:
        """The slice with the practices its strategies use, and their track records."""
        ids = sorted({s.practice for s in part.strategies if s.practice is not None})
        found = self._practice_records(ids)
        return part.but(practices=[PracticeRow.read(c) for c, _ in found]), {c[0]: r for c, r in found}

    @guarded
    def _session_run(self, after: tuple[str, int], limit: int) -> list[tuple[str, int]]:
        return [
            (r[0], r[1])
            for r in self.conn.execute(
                "SELECT date, id FROM sessions WHERE (date, id) > (?, ?) ORDER BY date, id LIMIT ?",
                [*after, limit],
            )
        ]

    def session_slices(self, size: int | None = None, *, take: Take | None = None) -> Iterator[SessionRun]:
        """The sessions in the order they were held, in runs of `size`: each run's ids in that order,
        and what their minutes name (as `session_slice` gives it for one session, but for the action
        register of actions carried forward, which the exporter keeps as it goes) and what the pages
        of the cases first presented at them show.

        With `take` (for processes exporting together), only the runs it gives the places of, in
        turn, are read for their pages; the others only for the register (see `SessionRun`).
        """
        take = take or itertools.count().__next__
        common, after, mine = self._common(), ("", 0), take()
        for place in itertools.count():
            run = self._session_run(after, size or SESSIONS_PER_SLICE)
            if not run:
                return
            after = run[-1]
            ids = [session_id for _, session_id in run]
            if place == mine:
                yield SessionRun(ids, self._session_slice(common, ids), pages=True)
                mine = take()
            else:
                yield SessionRun(ids, self._register_slice(common, ids), pages=False)

    @guarded
    def _session_slice(self, common: ExportSlice, ids: list[int]) -> ExportSlice:
        """What the minutes of sessions `ids` name, and what the pages of the cases first presented
        at them show (as `case_slices` reads it): a case's page is made beside its first minutes,
        from the same rows, so that what both show is read (and made) once."""
        here = "(SELECT value FROM json_each(:ids))"
        filed_before = self._filed_before(ids)
        before = _ids(itertools.chain.from_iterable(filed_before.values()))
        s = {"ids": json.dumps(ids), "before": before}
        reported = f"(SELECT action_id FROM report_backs WHERE session_id IN {here} OR id IN {_BEFORE})"
        presented = f"(SELECT id FROM cases WHERE session_id IN {here})"
        tried = _tried(presented)
        actions = self._actions(
            f"session_id IN {here} OR id IN {reported} "
            # For the cases' pages: their actions, wherever agreed, and those their strategies led to.
            f"OR case_id IN {presented} OR id IN ({tried}) "
            f"OR id IN (SELECT action_id FROM report_backs WHERE case_id IN {presented})",
            s,
        )
        strategies = self._strategies(
            f"session_id IN {here} OR case_id IN {presented} OR id IN (SELECT value FROM json_each(:tried))",
            {**s, "tried": _ids(a.strategy for a in actions)},
        )
        # For the cases' pages, too: what was reported on them, and noted about them, at later sessions.
        report_backs = self._report_backs(
            f"session_id IN {here} OR case_id IN {presented} OR action_id IN ({tried}) OR id IN {_BEFORE}", s
        )
        notes = self._notes(f"session_id IN {here} OR case_id IN {presented}", s)
        # The cases worked on at these sessions, from the rows filed at them (as for a member's slice).
        held, listed = set(ids), set(json.loads(before))
        named = {n.case for n in notes if n.session in held}
        named.update(r.case for r in report_backs if r.session in held or r.id in listed)
        named.update(st.case for st in strategies if st.session in held)
        named.update(a.case for a in actions if a.session in held)
        cases = self._cases(
            f"session_id IN {here} OR id IN (SELECT value FROM json_each(:named))",
            {**s, "named": _ids(named)},
        )
        named_sessions = (
            {c.session for c in cases} | {a.session for a in actions} | {r.session for r in report_backs}
        )
        others = {e for e in named_sessions if e is not None} - held
        # Only the minutes' own sessions are read with their phases and attendance; others are linked to.
        sessions = [
            *self._sessions(f"id IN {here}", s, minutes=True),
            *self._sessions("id IN (SELECT value FROM json_each(?))", [_ids(others)]),
        ]
        return common.but(
            sessions=sorted(sessions, key=attrgetter("id")),
            cases=cases,
            strategies=strategies,
            actions=actions,
            report_backs=report_backs,
            notes=notes,
            filed_before=filed_before,
        )

    @guarded
    def _register_slice(self, common: ExportSlice, ids: list[int]) -> ExportSlice:
        """What the register of open actions takes from sessions `ids` whose pages another process
        makes: the actions agreed at them that are open, and the sessions and cases those name."""
        here = "(SELECT value FROM json_each(:ids))"
        actions = self._actions(
            f"session_id IN {here} AND status = :open",
            {"ids": json.dumps(ids), "open": ActionStatus.OPEN.value},
        )
        return common.but(
            sessions=self._sessions(f"id IN {here}", {"ids": json.dumps(ids)}),
            cases=self._cases(
                "id IN (SELECT value FROM json_each(?))",
                [_ids(a.case for a in actions)],
                brief=True,
                topics=False,
            ),
            actions=actions,
        )

    @guarded
    def _topic_runs(self, most: int) -> list[list[str]]:
        """The topics in runs holding at most `most` cases between them (a larger topic runs alone)."""
        runs: list[list[str]] = [[]]
        held = 0
        for slug, cases in self.conn.execute(
            "SELECT slug, (SELECT count(*) FROM case_topics WHERE topic = slug) FROM topics ORDER BY slug"
        ):
            if runs[-1] and held + cases > most:
                runs.append([])
                held = 0
            runs[-1].append(slug)
            held += cases
        return [run for run in runs if run]

    def topic_slices(self, most: int = CASES_PER_TOPIC_SLICE) -> Iterator[tuple[list[str], ExportSlice]]:
        """The topics in runs, each with the cases on its topics."""
        common = self._common()
        for run in self._topic_runs(most or CASES_PER_TOPIC_SLICE):
            yield run, self._topic_slice(common, run)

    @guarded
    def _topic_slice(self, common: ExportSlice, slugs: list[str]) -> ExportSlice:
        return common.but(
            cases=self._cases(
                "id IN (SELECT case_id FROM case_topics "
                "WHERE topic IN (SELECT value FROM json_each(:slugs)))",
                {"slugs": json.dumps(slugs)},
                brief=True,
            ),
        )

    @guarded
    def _handles(self, after: str, limit: int) -> list[str]:
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT handle FROM members WHERE handle > ? ORDER BY handle LIMIT ?", [after, limit]
            )
        ]

    def member_slices(self, size: int | None = None) -> Iterator[tuple[list[str], ExportSlice]]:
        """The members in runs of `size`, with what their pages list: cases brought, actions,
        report-backs, strategies proposed and sessions attended (holding the attendance of
        the run's members only), and the cases those name."""
        common, after = self._common(), ""
        while handles := self._handles(after, size or MEMBERS_PER_SLICE):
            after = handles[-1]
            yield handles, self._member_slice(common, handles)

    @guarded
    def _member_slice(self, common: ExportSlice, handles: list[str]) -> ExportSlice:
        these = "(SELECT value FROM json_each(:handles))"
        h = {"handles": json.dumps(handles)}
        actions = self._actions(f"owner IN {these}", h)
        report_backs = self._report_backs(f"member IN {these}", h)
        strategies = self._strategies(f"proposer IN {these}", h)
        # The cases these rows name, from the rows: finding them again in SQL cost as much as reading them.
        named = {a.case for a in actions} | {r.case for r in report_backs} | {s.case for s in strategies}
        brought = self._cases(f"presenter IN {these}", h, brief=True)
        # The others are only linked to: no topics.
        named.difference_update(c.id for c in brought)
        linked = self._cases(
            "id IN (SELECT value FROM json_each(?))", [_ids(named)], brief=True, topics=False
        )
        return common.but(
            cases=sorted([*brought, *linked], key=attrgetter("id")),
            actions=actions,
            report_backs=report_backs,
            strategies=strategies,
            sessions=self._sessions(
                f"id IN (SELECT session_id FROM attendance "
                f"WHERE presence = 'attended' AND member IN {these})",
                h,
                attendance_of=handles,
            ),
        )

    def outline(self) -> Outline:
        """The index page's rows, as tuples read a batch at a time while the page is written."""
        sessions = (
            (i, title, date.fromisoformat(day), by, cases)
            for i, title, day, by, cases in self._in_batches(
                "SELECT id, title, date, facilitator, "
                "(SELECT count(*) FROM cases WHERE session_id = sessions.id) "
                "FROM sessions ORDER BY date DESC, id DESC"
            )
        )
        cases = (
            (i, title, date.fromisoformat(opened_on), presenter, CaseStatus(status), json.loads(topics))
            for i, title, opened_on, presenter, status, topics in self._in_batches(
                "SELECT id, title, opened_on, presenter, status, (SELECT json_group_array(topic) FROM "
                "(SELECT topic FROM case_topics WHERE case_id = cases.id ORDER BY position)) "
                "FROM cases ORDER BY opened_on DESC, id DESC"
            )
        )
        open_actions = (
            (owner, text, date.fromisoformat(due) if due else None, case_id, title)
            for owner, text, due, case_id, title in self._in_batches(
                "SELECT owner, text, due, cases.id, cases.title FROM actions "
                "LEFT JOIN cases ON cases.id = actions.case_id WHERE actions.status = ? "
                "ORDER BY due IS NULL, due, actions.id",
                [ActionStatus.OPEN.value],
            )
        )
        return Outline(
            common=self._common(),
            totals=self._totals(),
            sessions=sessions,
            cases=cases,
            open_actions=open_actions,
            topic_cases=self._topic_cases(),
        )

    @guarded
    def _totals(self) -> Totals:
        return Totals(
            *self.conn.execute(
                "SELECT (SELECT count(*) FROM sessions), (SELECT count(*) FROM cases), "
                "(SELECT count(*) FROM strategies), (SELECT count(*) FROM actions), "
                "(SELECT count(*) FROM report_backs), (SELECT count(*) FROM actions WHERE status = ?)",
                [ActionStatus.OPEN.value],
            ).fetchone()
        )

    @guarded
    def _topic_cases(self) -> dict[str, int]:
        return dict(self.conn.execute("SELECT topic, count(*) FROM case_topics GROUP BY topic").fetchall())

    def _in_batches(self, sql: str, params: Params = ()) -> Iterator[Sequence[Any]]:
        """The rows of a query, fetched a batch at a time, each batch under the connection's guard:
        a list as long as the repertoire (every case, for the index page) is never held whole."""
        cursor = self._cursor(sql, params)
        while batch := self._batch(cursor):
            yield from batch

    @guarded
    def _cursor(self, sql: str, params: Params) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    @guarded
    def _batch(self, cursor: sqlite3.Cursor) -> list[Any]:
        return cursor.fetchmany(1000)

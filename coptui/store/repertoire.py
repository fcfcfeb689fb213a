"""The repertoire: typed reads and writes over one community's SQLite file.

Every write is its own transaction and is committed before the method returns,
so a crash loses nothing that a method call has filed. One connection serves
the whole process (UI workers run in threads), guarded by a lock.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from pydantic import BaseModel
from sqlite_utils import Database

from coptui.models import (
    Action,
    ActionStatus,
    Case,
    CaseStatus,
    Command,
    Community,
    Member,
    Model,
    Note,
    Outcome,
    PhaseRun,
    Problem,
    RepertoireDocument,
    ReportBack,
    Session,
    Strategy,
    Topic,
)
from coptui.store import browsing
from coptui.store.connection import describe_sqlite_error, immediate_transaction, open_database
from coptui.store.errors import InvalidInput, NotFound, StoreError
from coptui.store.participants import ParticipantStore
from coptui.store.rows import (
    CASE_SIDE_FIELDS,
    COLUMNS,
    SESSION_SIDE_FIELDS,
    M,
    from_row,
    reader,
    row_writer,
    stamp,
    timestamp,
    to_row,
)
from coptui.store.schema import SEARCHED_COLUMNS
from coptui.store.search import MATCH_END, MATCH_START, SearchHit, fts_query

P = ParamSpec("P")
R = TypeVar("R")


def _guarded(method: Callable[Concatenate[Repertoire, P], R]) -> Callable[Concatenate[Repertoire, P], R]:
    """Serialise access to the connection and turn SQLite's errors into the store's own."""

    @functools.wraps(method)
    def wrapper(self: Repertoire, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._lock:
            try:
                return method(self, *args, **kwargs)
            except sqlite3.Error as error:
                raise describe_sqlite_error(error, self.path) from error

    return wrapper


class CaseFilter(BaseModel):
    """What narrows a list of cases; every field left empty matches everything."""

    topic: str | None = None
    status: CaseStatus | None = None
    presenter: str | None = None
    since: date | None = None
    until: date | None = None

    def where(self) -> tuple[str, dict[str, Any]]:
        clauses: list[str] = []
        params: dict[str, Any] = {}
        if self.topic:
            clauses.append("id IN (SELECT case_id FROM case_topics WHERE topic = :topic)")
            params["topic"] = self.topic
        if self.status:
            clauses.append("status = :status")
            params["status"] = self.status.value
        if self.presenter:
            clauses.append("presenter = :presenter")
            params["presenter"] = self.presenter
        if self.since:
            clauses.append("opened_on >= :since")
            params["since"] = self.since.isoformat()
        if self.until:
            clauses.append("opened_on <= :until")
            params["until"] = self.until.isoformat()
        return (" AND ".join(clauses) or "1"), params


class Repertoire(ParticipantStore):
    """One community's repertoire, opened for writing or (with `read_only`) for browsing only."""

    def __init__(self, db: Database, path: Path, *, read_only: bool) -> None:
        self.db = db
        self.path = path
        self.read_only = read_only
        self._lock = threading.RLock()

    # -- opening -----------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, read_only: bool = False) -> Repertoire:
        """Open an existing repertoire; fails with a clear message if it is missing or foreign."""
        repertoire = cls(open_database(path, read_only=read_only), path, read_only=read_only)
        if not read_only and repertoire._community_row() is None:
            repertoire.close()
            raise StoreError(f"{path} holds no community yet; create one with `coptui init --name NAME`")
        return repertoire

    @classmethod
    def create(cls, path: Path, community: Community) -> Repertoire:
        """Make a new repertoire file for `community`; refuses a file that already holds one."""
        repertoire = cls(open_database(path, create=True), path, read_only=False)
        if repertoire._community_row() is not None:
            repertoire.close()
            raise StoreError(f"{path} already holds the repertoire of a community")
        repertoire.set_community(community)
        return repertoire

    def close(self) -> None:
        with self._lock:
            self.db.close()

    def __enter__(self) -> Repertoire:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction that waits for other writers (see `immediate_transaction`);
        nested, it is a savepoint of the one around it."""
        with self._lock:
            if self.db.conn.in_transaction:
                with self.db.atomic():
                    yield
            else:
                with immediate_transaction(self.db.conn, self.path):
                    yield

    def data_version(self) -> int:
        """Changes when another connection commits: cheap to poll for live updates."""
        with self._lock:
            return int(self.db.execute("PRAGMA data_version").fetchone()[0])

    def _rows(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        cursor = self.db.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def _items(self, model: type[M], sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[M]:
        """Rows of one kind as models, straight from the cursor: the path of large reads."""
        cursor = self.db.execute(sql, params)
        read = reader(model, tuple(d[0] for d in cursor.description))
        return [read(row) for row in cursor.fetchall()]

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        """Insert one row and return its new id."""
        return int(
            self.db.execute(
                f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                list(row.values()),
            ).lastrowid
            or 0
        )

    def _one(self, sql: str, params: Sequence[Any] | dict[str, Any], what: str) -> dict[str, Any]:
        rows = self._rows(sql, params)
        if not rows:
            raise NotFound(f"there is no {what}")
        return rows[0]

    # -- community, topics, members -----------------------------------------

    def _community_row(self) -> dict[str, Any] | None:
        rows = self._rows("SELECT name, domain FROM community WHERE id = 1")
        return rows[0] if rows else None

    @_guarded
    def community(self) -> Community:
        row = self._community_row()
        if row is None:
            raise NotFound("this repertoire has no community yet")
        return from_row(Community, row)

    @_guarded
    def set_community(self, community: Community) -> None:
        with self.transaction():
            self.db.table("community").upsert({"id": 1, **to_row(community)}, pk="id")

    @_guarded
    def topics(self) -> list[Topic]:
        return self._items(Topic, "SELECT * FROM topics ORDER BY name")

    @_guarded
    def add_topic(self, topic: Topic) -> Topic:
        with self.transaction():
            if self._rows("SELECT 1 FROM topics WHERE slug = ?", [topic.slug]):
                raise InvalidInput(
                    "cannot add topic", [Problem(path="slug", message=f"{topic.slug!r} exists")]
                )
            self.db.table("topics").insert(to_row(topic))
        return topic

    @_guarded
    def members(self) -> list[Member]:
        return self._items(Member, "SELECT * FROM members ORDER BY handle")

    @_guarded
    def member(self, handle: str) -> Member:
        return from_row(
            Member, self._one("SELECT * FROM members WHERE handle = ?", [handle], f"member @{handle}")
        )

    @_guarded
    def add_member(self, member: Member) -> Member:
        with self.transaction():
            if self._rows("SELECT 1 FROM members WHERE handle = ?", [member.handle]):
                raise InvalidInput(
                    "cannot add member",
                    [Problem(path="handle", message=f"@{member.handle} is already a member")],
                )
            self.db.table("members").insert(to_row(member))
        return member

    @_guarded
    def update_member(self, member: Member) -> Member:
        """Write back a member's name, role, organisation and leaving date; never their handle."""
        with self.db.atomic():
            self._one("SELECT 1 FROM members WHERE handle = ?", [member.handle], f"member @{member.handle}")
            self.db.table("members").update(member.handle, to_row(member, exclude={"handle"}))
        return member

    @_guarded
    def delete_member(self, handle: str) -> None:
        """Remove a member added by mistake; refused once anything refers to them."""
        with self.db.atomic():
            self._one("SELECT 1 FROM members WHERE handle = ?", [handle], f"member @{handle}")
            try:
                self.db.execute("DELETE FROM members WHERE handle = ?", [handle])
            except sqlite3.IntegrityError:
                raise StoreError(f"@{handle} is named in what was filed since, so stays a member") from None

    def _require(self, checks: Iterable[tuple[str, str, Any, str]]) -> None:
        """Refuse references that point at nothing: (path, table, value, what) for each one given."""
        key = {"members": "handle", "topics": "slug"}
        problems = [
            Problem(path=path, message=f"{value!r} is not a known {what}")
            for path, table, value, what in checks
            if value is not None
            and not self._rows(f"SELECT 1 FROM {table} WHERE {key.get(table, 'id')} = ?", [value])
        ]
        if problems:
            raise InvalidInput("refused", problems)

    # -- sessions ------------------------------------------------------------

    def _sessions_from_rows(self, rows: list[dict[str, Any]]) -> list[Session]:
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        marks = ",".join("?" * len(ids))
        people: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        arrived: dict[int, dict[str, datetime]] = defaultdict(dict)
        left: dict[int, dict[str, datetime]] = defaultdict(dict)
        for r in self._rows(
            f"SELECT session_id, member, presence, arrived_at, left_at FROM attendance "
            f"WHERE session_id IN ({marks}) ORDER BY session_id, position",
            ids,
        ):
            people[r["session_id"]][r["presence"]].append(r["member"])
            if r["arrived_at"]:
                arrived[r["session_id"]][r["member"]] = timestamp(r["arrived_at"])
            if r["left_at"]:
                left[r["session_id"]][r["member"]] = timestamp(r["left_at"])
        phases: dict[int, list[PhaseRun]] = defaultdict(list)
        for r in self._rows(
            f"SELECT * FROM phase_runs WHERE session_id IN ({marks}) ORDER BY session_id, position", ids
        ):
            phases[r.pop("session_id")].append(from_row(PhaseRun, r))
        return [
            from_row(
                Session,
                row,
                attendees=people[row["id"]]["attended"],
                apologies=people[row["id"]]["apologies"],
                absent=people[row["id"]]["absent"],
                arrived=arrived[row["id"]],
                left=left[row["id"]],
                phases=phases[row["id"]],
            )
            for row in rows
        ]

    @_guarded
    def sessions(self, *, limit: int | None = None, offset: int = 0) -> list[Session]:
        """Sessions, newest first."""
        rows = self._rows(
            f"SELECT {COLUMNS[Session]} FROM sessions ORDER BY date DESC, id DESC LIMIT ? OFFSET ?",
            [-1 if limit is None else limit, offset],
        )
        return self._sessions_from_rows(rows)

    @_guarded
    def session(self, session_id: int) -> Session:
        rows = self._rows(f"SELECT {COLUMNS[Session]} FROM sessions WHERE id = ?", [session_id])
        if not rows:
            raise NotFound(f"there is no session {session_id}")
        return self._sessions_from_rows(rows)[0]

    @_guarded
    def live_session(self) -> Session | None:
        rows = self._rows(f"SELECT {COLUMNS[Session]} FROM sessions WHERE status = 'live'")
        return self._sessions_from_rows(rows)[0] if rows else None

    @_guarded
    def add_session(self, session: Session) -> Session:
        """File a session with its attendance and phases; returns it with its new id."""
        handles = [session.facilitator, *session.attendees, *session.apologies, *session.absent]
        with self.transaction():
            self._require(
                ("facilitator" if i == 0 else "attendance", "members", h, "member")
                for i, h in enumerate(handles)
            )
            row = to_row(session, exclude=SESSION_SIDE_FIELDS | {"id"})
            session_id = self._insert("sessions", row)
            self._write_session_sides(session_id, session)
        return session.model_copy(update={"id": session_id})

    def _write_session_sides(self, session_id: int, session: Session) -> None:
        self._insert_many("attendance", _ATTENDANCE_COLUMNS, _attendance_rows(session_id, session))
        self._insert_many("phase_runs", _PHASE_COLUMNS, _phase_rows(session_id, session))

    @_guarded
    def update_session(self, session: Session) -> Session:
        """Write back a session's fields, attendance and phase timers as they now stand."""
        if session.id is None:
            raise NotFound("a session must be filed before it can be updated")
        with self.transaction():
            self._one("SELECT 1 FROM sessions WHERE id = ?", [session.id], f"session {session.id}")
            self.db.table("sessions").update(
                session.id, to_row(session, exclude=SESSION_SIDE_FIELDS | {"id"})
            )
            self.db.execute("DELETE FROM attendance WHERE session_id = ?", [session.id])
            self.db.execute("DELETE FROM phase_runs WHERE session_id = ?", [session.id])
            self._write_session_sides(session.id, session)
        return session

    @_guarded
    def update_phase(self, session_id: int, phase: PhaseRun) -> None:
        """Write one phase's timer state: the cheap, frequent write of a live session."""
        with self.transaction():
            self.db.table("phase_runs").update((session_id, phase.position), to_row(phase))

    # -- cases -----------------------------------------------------------------

    def _cases_from_rows(self, rows: list[dict[str, Any]]) -> list[Case]:
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        topics: dict[int, list[str]] = defaultdict(list)
        for r in self._rows(
            f"SELECT case_id, topic FROM case_topics WHERE case_id IN ({','.join('?' * len(ids))}) "
            "ORDER BY case_id, position",
            ids,
        ):
            topics[r["case_id"]].append(r["topic"])
        return [from_row(Case, row, topics=topics[row["id"]]) for row in rows]

    @_guarded
    def cases(
        self, filter: CaseFilter | None = None, *, limit: int | None = None, offset: int = 0
    ) -> list[Case]:
        """Cases matching `filter`, newest first, one page at a time."""
        where, params = (filter or CaseFilter()).where()
        rows = self._rows(
            f"SELECT {COLUMNS[Case]} FROM cases WHERE {where} "
            "ORDER BY opened_on DESC, id DESC LIMIT :limit OFFSET :offset",
            {**params, "limit": -1 if limit is None else limit, "offset": offset},
        )
        return self._cases_from_rows(rows)

    @_guarded
    def count_cases(self, filter: CaseFilter | None = None) -> int:
        where, params = (filter or CaseFilter()).where()
        return int(self.db.execute(f"SELECT count(*) FROM cases WHERE {where}", params).fetchone()[0])

    @_guarded
    def case(self, case_id: int) -> Case:
        rows = self._rows(f"SELECT {COLUMNS[Case]} FROM cases WHERE id = ?", [case_id])
        if not rows:
            raise NotFound(f"there is no case {case_id}")
        return self._cases_from_rows(rows)[0]

    @_guarded
    def add_case(self, case: Case) -> Case:
        with self.transaction():
            self._require(
                [
                    ("presenter", "members", case.presenter, "member"),
                    ("session", "sessions", case.session, "session"),
                ]
                + [(f"topics[{i}]", "topics", t, "topic") for i, t in enumerate(case.topics)]
            )
            case_id = self._insert("cases", to_row(case, exclude=CASE_SIDE_FIELDS | {"id"}))
            self._write_case_topics(case_id, case.topics)
        return case.model_copy(update={"id": case_id})

    def _write_case_topics(self, case_id: int, topics: list[str]) -> None:
        self._insert_many("case_topics", _TOPIC_COLUMNS, _topic_rows(case_id, topics))

    @_guarded
    def update_case(self, case: Case) -> Case:
        if case.id is None:
            raise NotFound("a case must be filed before it can be updated")
        with self.transaction():
            self._one("SELECT 1 FROM cases WHERE id = ?", [case.id], f"case {case.id}")
            self._require(
                [("presenter", "members", case.presenter, "member")]
                + [(f"topics[{i}]", "topics", t, "topic") for i, t in enumerate(case.topics)]
            )
            self.db.table("cases").update(case.id, to_row(case, exclude=CASE_SIDE_FIELDS | {"id"}))
            self.db.execute("DELETE FROM case_topics WHERE case_id = ?", [case.id])
            self._write_case_topics(case.id, case.topics)
        return case

    # -- strategies, actions, report-backs, notes -----------------------------

    @_guarded
    def strategies(self, *, case: int | None = None) -> list[Strategy]:
        where, params = ("case_id = ?", [case]) if case is not None else ("1", [])
        return self._items(
            Strategy, f"SELECT {COLUMNS[Strategy]} FROM strategies WHERE {where} ORDER BY id", params
        )

    @_guarded
    def strategy(self, strategy_id: int) -> Strategy:
        row = self._one(
            f"SELECT {COLUMNS[Strategy]} FROM strategies WHERE id = ?",
            [strategy_id],
            f"strategy {strategy_id}",
        )
        return from_row(Strategy, row)

    @_guarded
    def add_strategy(self, strategy: Strategy) -> Strategy:
        with self.transaction():
            self._require(
                [
                    ("case", "cases", strategy.case, "case"),
                    ("proposer", "members", strategy.proposer, "member"),
                    ("session", "sessions", strategy.session, "session"),
                ]
            )
            strategy_id = self._insert("strategies", to_row(strategy, exclude={"id"}))
        return strategy.model_copy(update={"id": strategy_id})

    @_guarded
    def update_strategy(self, strategy: Strategy) -> Strategy:
        if strategy.id is None:
            raise NotFound("a strategy must be filed before it can be updated")
        with self.transaction():
            self._one("SELECT 1 FROM strategies WHERE id = ?", [strategy.id], f"strategy {strategy.id}")
            self.db.table("strategies").update(strategy.id, to_row(strategy, exclude={"id"}))
        return strategy

    @_guarded
    def actions(
        self, *, status: ActionStatus | None = None, owner: str | None = None, case: int | None = None
    ) -> list[Action]:
        clauses, params = [], []
        for column, value in (("status", status), ("owner", owner), ("case_id", case)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value.value if isinstance(value, ActionStatus) else value)
        return self._items(
            Action,
            f"SELECT {COLUMNS[Action]} FROM actions WHERE {' AND '.join(clauses) or '1'} "
            "ORDER BY due IS NULL, due, id",
            params,
        )

    @_guarded
    def action(self, action_id: int) -> Action:
        row = self._one(
            f"SELECT {COLUMNS[Action]} FROM actions WHERE id = ?", [action_id], f"action {action_id}"
        )
        return from_row(Action, row)

    @_guarded
    def add_action(self, action: Action) -> Action:
        """File an action; the case it belongs to is now being tried (in_trial)."""
        with self.transaction():
            self._require(
                [
                    ("owner", "members", action.owner, "member"),
                    ("case", "cases", action.case, "case"),
                    ("strategy", "strategies", action.strategy, "strategy"),
                    ("session", "sessions", action.session, "session"),
                ]
            )
            action_id = self._insert("actions", to_row(action, exclude={"id"}))
            if action.case is not None:
                self.db.execute(
                    "UPDATE cases SET status = 'in_trial' WHERE id = ? AND status IN ('open', 'reopened')",
                    [action.case],
                )
        return action.model_copy(update={"id": action_id})

    @_guarded
    def set_action_status(self, action_id: int, status: ActionStatus) -> Action:
        with self.transaction():
            self._one("SELECT 1 FROM actions WHERE id = ?", [action_id], f"action {action_id}")
            self.db.table("actions").update(action_id, {"status": status.value})
        return self.action(action_id)

    @_guarded
    def report_backs(
        self, *, case: int | None = None, member: str | None = None, session: int | None = None
    ) -> list[ReportBack]:
        clauses, params = [], []
        for column, value in (("case_id", case), ("member", member), ("session_id", session)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        return self._items(
            ReportBack,
            f"SELECT {COLUMNS[ReportBack]} FROM report_backs WHERE {' AND '.join(clauses) or '1'} "
            "ORDER BY reported_on, id",
            params,
        )

    @_guarded
    def add_report_back(self, report: ReportBack) -> ReportBack:
        """File what happened when a member tried an action, and move the loop on.

        The action is done unless it was not tried (then it stays open, to come up
        again); its case becomes `reported` once something was tried.
        """
        with self.transaction():
            self._require(
                [
                    ("member", "members", report.member, "member"),
                    ("action", "actions", report.action, "action"),
                    ("case", "cases", report.case, "case"),
                    ("session", "sessions", report.session, "session"),
                ]
            )
            case_id = report.case
            if report.action is not None:
                action_id: int = report.action
                action = self._one("SELECT case_id FROM actions WHERE id = ?", [report.action], "action")
                case_id = case_id or action["case_id"]
                report = report.model_copy(update={"case": case_id})
                if report.outcome is not Outcome.NOT_TRIED:
                    self.db.table("actions").update(action_id, {"status": ActionStatus.DONE.value})
            report_id = self._insert("report_backs", to_row(report, exclude={"id"}))
            if case_id is not None and report.outcome is not Outcome.NOT_TRIED:
                self.db.execute(
                    "UPDATE cases SET status = 'reported' "
                    "WHERE id = ? AND status IN ('open', 'in_trial', 'reopened')",
                    [case_id],
                )
        return report.model_copy(update={"id": report_id})

    @_guarded
    def notes(self, *, session: int | None = None, case: int | None = None) -> list[Note]:
        clauses, params = [], []
        for column, value in (("session_id", session), ("case_id", case)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        return self._items(
            Note,
            f"SELECT {COLUMNS[Note]} FROM notes WHERE {' AND '.join(clauses) or '1'} ORDER BY id",
            params,
        )

    @_guarded
    def add_note(self, note: Note) -> Note:
        with self.transaction():
            self._require(
                [
                    ("session", "sessions", note.session, "session"),
                    ("author", "members", note.author, "member"),
                    ("case", "cases", note.case, "case"),
                ]
            )
            note_id = self._insert("notes", to_row(note, exclude={"id"}))
        return note.model_copy(update={"id": note_id})

    # -- search ------------------------------------------------------------------

    @_guarded
    def search(self, text: str, *, limit: int = 50) -> list[SearchHit]:
        """The best `limit` matches for what was typed, across every kind of text, best first."""
        hits: list[SearchHit] = [*self.browse_search(text, limit=limit)]
        hits.sort(key=lambda hit: hit.rank)
        return hits[:limit]

    # -- the whole repertoire -------------------------------------------------------

    @_guarded
    def is_empty(self) -> bool:
        """True when nothing but the community has been filed yet."""
        return not any(
            self._rows(f"SELECT 1 FROM {table} LIMIT 1")
            for table in ("topics", "members", "sessions", "cases")
        )

    @_guarded
    def dump(self) -> RepertoireDocument:
        """Everything, in the interchange format, each list in id order."""
        return RepertoireDocument.model_construct(
            community=self.community(),
            topics=self._items(Topic, "SELECT * FROM topics ORDER BY slug"),
            members=self.members(),
            sessions=self._sessions_from_rows(
                self._rows(f"SELECT {COLUMNS[Session]} FROM sessions ORDER BY id")
            ),
            cases=self._cases_from_rows(self._rows(f"SELECT {COLUMNS[Case]} FROM cases ORDER BY id")),
            strategies=self.strategies(),
            actions=self._items(Action, f"SELECT {COLUMNS[Action]} FROM actions ORDER BY id"),
            report_backs=self._items(
                ReportBack, f"SELECT {COLUMNS[ReportBack]} FROM report_backs ORDER BY id"
            ),
            notes=self.notes(),
        )

    @_guarded
    def load(self, document: RepertoireDocument) -> None:
        """File a whole repertoire into this empty one, in one transaction: all of it or nothing."""
        if not self.is_empty():
            raise StoreError(
                f"{self.path} already holds members, sessions or cases; import into a new file instead"
            )
        sessions = document.sessions
        with self.transaction(), self._search_index_rebuilt_after():
            self.set_community(document.community)
            self._insert_items("topics", Topic, document.topics)
            self._insert_items("members", Member, document.members)
            self._insert_items("sessions", Session, sessions, SESSION_SIDE_FIELDS)
            self._insert_many(
                "attendance",
                _ATTENDANCE_COLUMNS,
                (r for s in sessions for r in _attendance_rows(s.id or 0, s)),
            )
            self._insert_many(
                "phase_runs", _PHASE_COLUMNS, (r for s in sessions for r in _phase_rows(s.id or 0, s))
            )
            self._insert_items("cases", Case, document.cases, CASE_SIDE_FIELDS)
            self._insert_many(
                "case_topics",
                _TOPIC_COLUMNS,
                (r for c in document.cases for r in _topic_rows(c.id or 0, c.topics)),
            )
            self._insert_items("strategies", Strategy, document.strategies)
            self._insert_items("actions", Action, document.actions)
            self._insert_items("report_backs", ReportBack, document.report_backs)
            self._insert_items("notes", Note, document.notes)

    # -- export ---------------------------------------------------------------------
    # Reads for coptui.export, kept together here: a few queries each, never one per item.

    @_guarded
    def session_slice(self, session_id: int) -> RepertoireDocument:
        """Everything the minutes of one session mention, as a partial (unvalidated) document.

        The session itself; its notes, the strategies and actions filed in it, and the
        report-backs given in it; the cases all of those are about (with every strategy
        of a case first presented here); the earlier actions reported on and the
        strategies they tried; the sessions those cases and actions came from; and the
        community, members and topics for names.
        """
        sessions = self._sessions_from_rows(
            self._rows(f"SELECT {COLUMNS[Session]} FROM sessions WHERE id = ?", [session_id])
        )
        if not sessions:
            raise NotFound(f"there is no session {session_id}")
        s = {"s": session_id, "d": sessions[0].date.isoformat()}
        notes = self._items(Note, f"SELECT {COLUMNS[Note]} FROM notes WHERE session_id = :s ORDER BY id", s)
        report_backs = self._items(
            ReportBack, f"SELECT {COLUMNS[ReportBack]} FROM report_backs WHERE session_id = :s ORDER BY id", s
        )
        actions = self._items(
            Action,
            f"SELECT {COLUMNS[Action]} FROM actions WHERE session_id = :s "
            "OR id IN (SELECT action_id FROM report_backs WHERE session_id = :s) "
            f"OR id IN ({_CARRIED_FORWARD}) ORDER BY id",
            s,
        )
        case_rows = self._rows(
            f"SELECT {COLUMNS[Case]} FROM cases WHERE session_id = :s "
            "OR id IN (SELECT case_id FROM notes WHERE session_id = :s) "
            "OR id IN (SELECT case_id FROM strategies WHERE session_id = :s) "
            "OR id IN (SELECT case_id FROM actions WHERE session_id = :s) "
            "OR id IN (SELECT case_id FROM report_backs WHERE session_id = :s) "
            f"OR id IN (SELECT case_id FROM actions WHERE id IN ({_CARRIED_FORWARD})) ORDER BY id",
            s,
        )
        strategy_ids = [a.strategy for a in actions if a.strategy is not None]
        strategies = self._items(
            Strategy,
            f"SELECT {COLUMNS[Strategy]} FROM strategies WHERE session_id = ? "
            "OR case_id IN (SELECT id FROM cases WHERE session_id = ?) "
            f"OR id IN ({','.join('?' * len(strategy_ids))}) ORDER BY id",
            [session_id, session_id, *strategy_ids],
        )
        earlier = {r["session_id"] for r in case_rows} | {a.session for a in actions}
        earlier -= {None, session_id}
        other_sessions = self._sessions_from_rows(
            self._rows(
                f"SELECT {COLUMNS[Session]} FROM sessions WHERE id IN ({','.join('?' * len(earlier))}) "
                "ORDER BY id",
                sorted(earlier),
            )
        )
        return RepertoireDocument.model_construct(
            community=self.community(),
            topics=self._items(Topic, "SELECT * FROM topics ORDER BY slug"),
            members=self.members(),
            sessions=sorted([*sessions, *other_sessions], key=lambda item: item.id or 0),
            cases=self._cases_from_rows(case_rows),
            strategies=strategies,
            actions=actions,
            report_backs=report_backs,
            notes=notes,
        )

    @_guarded
    def latest_session(self) -> Session | None:
        """The session held most recently (live or closed): what `latest` means to a secretary."""
        rows = self._rows(
            f"SELECT {COLUMNS[Session]} FROM sessions WHERE status <> 'planned' "
            "ORDER BY date DESC, id DESC LIMIT 1"
        )
        return self._sessions_from_rows(rows)[0] if rows else None

    @contextmanager
    def _search_index_rebuilt_after(self) -> Iterator[None]:
        """For bulk loads: index the text once at the end rather than row by row through triggers."""
        triggers = self._rows(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN "
            f"({', '.join('?' * len(SEARCHED_COLUMNS))})",
            list(SEARCHED_COLUMNS),
        )
        for trigger in triggers:
            self.db.execute(f"DROP TRIGGER {trigger['name']}")
        yield
        for table in SEARCHED_COLUMNS:
            self.db.execute(f"INSERT INTO {table}_fts ({table}_fts) VALUES ('rebuild')")
        for trigger in triggers:
            self.db.execute(trigger["sql"])

    def _insert_many(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """The bulk path: one prepared INSERT for every row, each row the values of `columns`."""
        self.db.conn.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", rows
        )

    def _insert_items(
        self, table: str, model: type[Model], items: Iterable[Model], exclude: frozenset[str] = frozenset()
    ) -> None:
        """The bulk path for models: each one's values in their stored forms."""
        writer = row_writer(model, exclude)
        self._insert_many(table, writer.columns, map(writer, items))

    # -- live session ------------------------------------------------------------
    # The capture journal (written by `coptui.store.journal`), read back and settled here.

    @_guarded
    def unsettled_commands(self, session_id: int, member: str | None = None) -> list[Command]:
        """The journalled commands of a session not yet acted on, in the order they were given;
        the facilitator's, or (with `member`) that participant's."""
        return [
            Command(kind=row["command"], text=row["text"], pressed_at=row["pressed_at"], id=row["id"])
            for row in self._rows(
                "SELECT id, command, text, pressed_at FROM capture_journal "
                "WHERE session_id = ? AND member IS ? AND settled_at IS NULL ORDER BY id",
                [session_id, member],
            )
        ]

    @_guarded
    def settle_command(self, command_id: int, *, filed: bool, message: str, at: datetime) -> None:
        """Record what became of a journalled command; inside the transaction that acted on it."""
        with self.transaction():
            self.db.execute(
                "UPDATE capture_journal SET settled_at = ?, filed = ?, message = ? WHERE id = ?",
                [stamp(at), int(filed), message, command_id],
            )

    # What a facilitator's undo needs: taking back the last item filed, exactly.

    @_guarded
    def session_cases(self, session_id: int) -> list[Case]:
        """The cases shared in one session, in the order they were filed."""
        rows = self._rows(f"SELECT {COLUMNS[Case]} FROM cases WHERE session_id = ? ORDER BY id", [session_id])
        return self._cases_from_rows(rows)

    @_guarded
    def delete_note(self, note_id: int) -> None:
        self._delete("notes", note_id, f"note {note_id}")

    @_guarded
    def delete_case(self, case_id: int) -> None:
        """Remove a case filed by mistake; refused once strategies, actions or notes point at it."""
        self._delete("cases", case_id, f"case {case_id}")

    @_guarded
    def delete_strategy(self, strategy_id: int) -> None:
        self._delete("strategies", strategy_id, f"strategy {strategy_id}")

    @_guarded
    def delete_action(self, action_id: int) -> None:
        self._delete("actions", action_id, f"action {action_id}")

    @_guarded
    def delete_report_back(self, report_id: int) -> None:
        self._delete("report_backs", report_id, f"report-back {report_id}")

    @_guarded
    def set_case_status(self, case_id: int, status: CaseStatus) -> None:
        with self.transaction():
            self._one("SELECT 1 FROM cases WHERE id = ?", [case_id], f"case {case_id}")
            self.db.execute("UPDATE cases SET status = ? WHERE id = ?", [status.value, case_id])

    def _delete(self, table: str, item_id: int, what: str) -> None:
        with self.transaction():
            self._one(f"SELECT 1 FROM {table} WHERE id = ?", [item_id], what)
            self.db.execute(f"DELETE FROM {table} WHERE id = ?", [item_id])

    # -- browsing ------------------------------------------------------------------
    # What the repertoire browser asks: pages of each list under one `BrowseFilter`,
    # track records, and the stories of a case, member, session and strategy.
    # Result types and shared SQL fragments live in coptui/store/browsing.py.

    @_guarded
    def overview(self) -> browsing.Overview:
        def count(sql: str) -> int:
            return int(self.db.execute(sql).fetchone()[0])

        return browsing.Overview(
            community=self.community(),
            case_count=count("SELECT count(*) FROM cases"),
            member_count=count("SELECT count(*) FROM members"),
            session_count=count("SELECT count(*) FROM sessions"),
            open_action_count=count("SELECT count(*) FROM actions WHERE status = 'open'"),
            sessions=self.sessions(limit=5),
            actions=self.browse_actions(limit=8),
            cases=self.cases(limit=8),
        )

    def _case_where(self, filter: browsing.BrowseFilter) -> tuple[str, dict[str, Any]]:
        clauses, params = filter.clauses(case="c.id", member="c.presenter", on="c.opened_on")
        return browsing.where(clauses), params

    @_guarded
    def browse_cases(
        self, filter: browsing.BrowseFilter | None = None, *, limit: int = 100, offset: int = 0
    ) -> list[Case]:
        """Cases under `filter`, newest first, one page at a time."""
        where, params = self._case_where(filter or browsing.BrowseFilter())
        columns = ", ".join(f"c.{column.strip()}" for column in COLUMNS[Case].split(","))
        rows = self._rows(
            f"SELECT {columns} FROM cases c WHERE {where} "
            "ORDER BY c.opened_on DESC, c.id DESC LIMIT :limit OFFSET :offset",
            {**params, "limit": limit, "offset": offset},
        )
        return self._cases_from_rows(rows)

    @_guarded
    def count_browse_cases(self, filter: browsing.BrowseFilter | None = None) -> int:
        where, params = self._case_where(filter or browsing.BrowseFilter())
        return int(self.db.execute(f"SELECT count(*) FROM cases c WHERE {where}", params).fetchone()[0])

    def _track_records(self, strategy_ids: list[int]) -> dict[int, browsing.TrackRecord]:
        """What was reported on each strategy, from the actions taken to try it."""
        records: dict[int, browsing.TrackRecord] = defaultdict(browsing.TrackRecord)
        for chunk in range(0, len(strategy_ids), 500):
            ids = strategy_ids[chunk : chunk + 500]
            for strategy_id, outcome, count in self.db.execute(
                browsing.TRACK_RECORD_SQL.format(marks=",".join("?" * len(ids))), ids
            ).fetchall():
                setattr(records[strategy_id], outcome, count)
        return records

    def _strategy_records(
        self, where: str, params: dict[str, Any] | list[Any], order: str
    ) -> list[browsing.StrategyRecord]:
        columns = ", ".join(f"s.{column.strip()}" for column in COLUMNS[Strategy].split(","))
        rows = self._rows(
            f"SELECT {columns}, c.title AS case_title "
            f"FROM strategies s JOIN cases c ON c.id = s.case_id WHERE {where} ORDER BY {order}",
            params,
        )
        records = self._track_records([row["id"] for row in rows])
        return [
            browsing.StrategyRecord(
                strategy=from_row(Strategy, {k: v for k, v in row.items() if k != "case_title"}),
                case_title=row["case_title"],
                record=records.get(row["id"]) or browsing.TrackRecord(),
            )
            for row in rows
        ]

    def _strategies_by_id(self, ids: list[int]) -> list[browsing.StrategyRecord]:
        """Records for `ids`, in that order."""
        if not ids:
            return []
        found = {
            r.strategy.id: r
            for r in self._strategy_records(f"s.id IN ({','.join('?' * len(ids))})", ids, "s.id")
        }
        return [found[i] for i in ids if i in found]

    @_guarded
    def browse_strategies(
        self, filter: browsing.BrowseFilter | None = None, *, limit: int = 100, offset: int = 0
    ) -> list[browsing.StrategyRecord]:
        """Strategies under `filter`, newest first, each with its track record."""
        clauses, params = browsing.strategy_filter(filter or browsing.BrowseFilter())
        ids = [
            r[0]
            for r in self.db.execute(
                f"SELECT s.id FROM strategies s JOIN cases c ON c.id = s.case_id "
                f"WHERE {browsing.where(clauses)} ORDER BY s.id DESC LIMIT :limit OFFSET :offset",
                {**params, "limit": limit, "offset": offset},
            ).fetchall()
        ]
        return self._strategies_by_id(ids)

    @_guarded
    def count_browse_strategies(self, filter: browsing.BrowseFilter | None = None) -> int:
        clauses, params = browsing.strategy_filter(filter or browsing.BrowseFilter())
        return int(
            self.db.execute(
                f"SELECT count(*) FROM strategies s JOIN cases c ON c.id = s.case_id "
                f"WHERE {browsing.where(clauses)}",
                params,
            ).fetchone()[0]
        )

    def _action_where(self, status: ActionStatus | None, member: str | None) -> tuple[str, dict[str, Any]]:
        clauses, params = [], {}
        if status is not None:
            clauses.append("status = :status")
            params["status"] = status.value
        if member:
            clauses.append("owner = :owner")
            params["owner"] = member
        return browsing.where(clauses), params

    @_guarded
    def browse_actions(
        self,
        *,
        status: ActionStatus | None = ActionStatus.OPEN,
        member: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Action]:
        """Actions (open ones unless told otherwise), soonest due first, one page at a time."""
        where, params = self._action_where(status, member)
        rows = self._rows(
            f"SELECT {COLUMNS[Action]} FROM actions WHERE {where} "
            "ORDER BY due IS NULL, due, id LIMIT :limit OFFSET :offset",
            {**params, "limit": limit, "offset": offset},
        )
        return [from_row(Action, r) for r in rows]

    @_guarded
    def count_browse_actions(
        self, *, status: ActionStatus | None = ActionStatus.OPEN, member: str | None = None
    ) -> int:
        where, params = self._action_where(status, member)
        return int(self.db.execute(f"SELECT count(*) FROM actions WHERE {where}", params).fetchone()[0])

    @_guarded
    def count_sessions(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM sessions").fetchone()[0])

    @_guarded
    def topic_summaries(self) -> list[browsing.TopicSummary]:
        rows = self._rows(
            "SELECT t.slug, t.name, t.description, "
            "(SELECT count(*) FROM case_topics ct WHERE ct.topic = t.slug) AS cases "
            "FROM topics t ORDER BY t.name"
        )
        return [
            browsing.TopicSummary(
                topic=Topic.model_validate({k: r[k] for k in r if k != "cases"}), cases=r["cases"]
            )
            for r in rows
        ]

    @_guarded
    def what_has_worked(
        self, *, topic: str | None = None, text: str | None = None, limit: int = 100
    ) -> list[browsing.StrategyRecord]:
        """Strategies that were tried, best track record first, for a topic, a search, or everything.

        A search matches strategies whose own text matches, or whose case's does.
        """
        clauses: list[str] = []
        params: dict[str, Any] = {"limit": limit}
        if topic:
            clauses.append("s.case_id IN (SELECT case_id FROM case_topics WHERE topic = :topic)")
            params["topic"] = topic
        if text is not None:
            query = fts_query(text)
            if query is None:
                return []
            clauses.append(
                "(s.id IN (SELECT rowid FROM strategies_fts WHERE strategies_fts MATCH :query) "
                "OR s.case_id IN (SELECT rowid FROM cases_fts WHERE cases_fts MATCH :query))"
            )
            params["query"] = query
        ids = [
            r[0]
            for r in self.db.execute(
                browsing.WHAT_HAS_WORKED_SQL.format(where=browsing.where(clauses)), params
            )
        ]
        return self._strategies_by_id(ids)

    @_guarded
    def case_story(self, case_id: int) -> browsing.CaseStory:
        case = self.case(case_id)
        slugs = ",".join("?" * len(case.topics))
        topics = {
            r["slug"]: Topic.model_validate(r)
            for r in self._rows(f"SELECT * FROM topics WHERE slug IN ({slugs})", case.topics)
        }
        report_backs = self.report_backs(case=case_id)
        actions = self.actions(case=case_id)
        strategies = self._strategy_records("s.case_id = :case", {"case": case_id}, "s.id")
        notes = self.notes(case=case_id)
        session_ids: set[int | None] = {case.session}
        session_ids.update(a.session for a in actions)
        session_ids.update(r.session for r in report_backs)
        session_ids.update(n.session for n in notes)
        session_ids.update(r.strategy.session for r in strategies)
        session_ids.discard(None)
        marks = ",".join("?" * len(session_ids))
        sessions = self._sessions_from_rows(
            self._rows(
                f"SELECT {COLUMNS[Session]} FROM sessions WHERE id IN ({marks}) ORDER BY date, id",
                list(session_ids),
            )
        )
        return browsing.CaseStory(
            case=case,
            presenter=self.member(case.presenter),
            topics=[topics[slug] for slug in case.topics if slug in topics],
            strategies=strategies,
            actions=actions,
            report_backs=report_backs,
            sessions=sessions,
            notes=notes,
        )

    @_guarded
    def strategy_story(self, strategy_id: int) -> browsing.StrategyStory:
        records = self._strategy_records("s.id = :id", {"id": strategy_id}, "s.id")
        if not records:
            raise NotFound(f"there is no strategy {strategy_id}")
        rows = self._rows(
            f"SELECT {COLUMNS[Action]} FROM actions WHERE strategy_id = ? ORDER BY id", [strategy_id]
        )
        actions = [from_row(Action, r) for r in rows]
        marks = ",".join("?" * len(actions))
        report_backs = [
            from_row(ReportBack, r)
            for r in self._rows(
                f"SELECT {COLUMNS[ReportBack]} FROM report_backs WHERE action_id IN ({marks}) "
                "ORDER BY reported_on, id",
                [a.id for a in actions],
            )
        ]
        return browsing.StrategyStory(
            strategy=records[0],
            case=self.case(records[0].strategy.case),
            session=self.session(session_id) if (session_id := records[0].strategy.session) else None,
            actions=actions,
            report_backs=report_backs,
        )

    @_guarded
    def member_story(self, handle: str) -> browsing.MemberStory:
        member = self.member(handle)
        limit = browsing.STORY_LIMIT
        return browsing.MemberStory(
            member=member,
            cases=self.browse_cases(browsing.BrowseFilter(member=handle), limit=limit),
            strategies=self._strategy_records(
                "s.proposer = :handle", {"handle": handle}, f"s.id DESC LIMIT {limit}"
            ),
            actions=self.browse_actions(status=None, member=handle, limit=limit),
            report_backs=[
                from_row(ReportBack, r)
                for r in self._rows(
                    f"SELECT {COLUMNS[ReportBack]} FROM report_backs WHERE member = ? "
                    "ORDER BY reported_on DESC, id DESC LIMIT ?",
                    [handle, limit],
                )
            ],
            sessions_attended=int(
                self.db.execute(
                    "SELECT count(*) FROM attendance WHERE member = ? AND presence = 'attended'", [handle]
                ).fetchone()[0]
            ),
        )

    @_guarded
    def session_story(self, session_id: int) -> browsing.SessionStory:
        session = self.session(session_id)
        by_session = {"session": session_id}
        return browsing.SessionStory(
            session=session,
            cases=self._cases_from_rows(
                self._rows(
                    f"SELECT {COLUMNS[Case]} FROM cases WHERE session_id = :session ORDER BY id", by_session
                )
            ),
            strategies=[
                from_row(Strategy, r)
                for r in self._rows(
                    f"SELECT {COLUMNS[Strategy]} FROM strategies WHERE session_id = :session ORDER BY id",
                    by_session,
                )
            ],
            actions=[
                from_row(Action, r)
                for r in self._rows(
                    f"SELECT {COLUMNS[Action]} FROM actions WHERE session_id = :session ORDER BY id",
                    by_session,
                )
            ],
            report_backs=self.report_backs(session=session_id),
            notes=self.notes(session=session_id),
        )

    @_guarded
    def report_back(self, report_id: int) -> ReportBack:
        row = self._one(
            f"SELECT {COLUMNS[ReportBack]} FROM report_backs WHERE id = ?",
            [report_id],
            f"report-back {report_id}",
        )
        return from_row(ReportBack, row)

    @_guarded
    def note(self, note_id: int) -> Note:
        row = self._one(f"SELECT {COLUMNS[Note]} FROM notes WHERE id = ?", [note_id], f"note {note_id}")
        return from_row(Note, row)

    @_guarded
    def action_report_backs(self, action_id: int) -> list[ReportBack]:
        rows = self._rows(
            f"SELECT {COLUMNS[ReportBack]} FROM report_backs WHERE action_id = ? ORDER BY reported_on, id",
            [action_id],
        )
        return [from_row(ReportBack, r) for r in rows]

    @_guarded
    def live_story(self) -> browsing.SessionStory | None:
        """The live session and everything filed in it so far, or None when no session is live."""
        live = self.live_session()
        return None if live is None or live.id is None else self.session_story(live.id)

    @_guarded
    def browse_search(
        self, text: str, filter: browsing.BrowseFilter | None = None, *, limit: int = 50
    ) -> list[browsing.DatedHit]:
        """Up to `limit` matches of each kind under `filter`, grouped by kind (cases first)."""
        query = fts_query(text)
        if query is None:
            return []
        filter = filter or browsing.BrowseFilter()
        hits: list[browsing.DatedHit] = []
        marks = {"query": query, "start": MATCH_START, "end": MATCH_END}
        for kind in browsing.HIT_ORDER:
            sql, params = browsing.hit_sql(kind, filter)
            rows = self._rows(sql, {**params, **marks, "limit": limit})
            if not rows:
                continue
            ids = [row["id"] for row in rows]
            snippets = dict(
                self.db.execute(
                    browsing.snippet_sql(kind),
                    {**marks, "low": min(ids), "high": max(ids), "ids": json.dumps(ids)},
                ).fetchall()
            )
            for row in rows:
                on = row.pop("on_date")
                hits.append(
                    browsing.DatedHit(
                        kind=kind,
                        case=row.pop("case_id"),
                        session=row.pop("session_id"),
                        on=date.fromisoformat(on[:10]) if on else None,
                        snippet=snippets.get(row["id"], ""),
                        **row,
                    )
                )
        return hits


# The actions agreed at sessions held before session :s (on date :d) that are open now.
_CARRIED_FORWARD = (
    "SELECT id FROM actions WHERE status = 'open' AND session_id IN "
    "(SELECT id FROM sessions WHERE date < :d OR (date = :d AND id < :s))"
)
_ATTENDANCE_COLUMNS = ("session_id", "member", "presence", "position", "arrived_at", "left_at")
_PHASE_COLUMNS = ("session_id", *row_writer(PhaseRun).columns)
_TOPIC_COLUMNS = ("case_id", "topic", "position")


def _attendance_rows(
    session_id: int, session: Session
) -> Iterator[tuple[int, str, str, int, str | None, str | None]]:
    for presence, handles in (
        ("attended", session.attendees),
        ("apologies", session.apologies),
        ("absent", session.absent),
    ):
        for i, handle in enumerate(handles):
            arrived, left = session.arrived.get(handle), session.left.get(handle)
            yield (
                session_id,
                handle,
                presence,
                i,
                None if arrived is None else stamp(arrived),
                None if left is None else stamp(left),
            )


def _phase_rows(session_id: int, session: Session) -> Iterator[list[Any]]:
    write = row_writer(PhaseRun)
    for phase in session.phases:
        yield [session_id, *write(phase)]


def _topic_rows(case_id: int, topics: list[str]) -> Iterator[tuple[int, str, int]]:
    for position, topic in enumerate(topics):
        yield case_id, topic, position

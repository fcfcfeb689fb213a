"""Cases and what hangs off them: strategies, actions, report-backs and notes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from coptui.models import (
    Action,
    ActionStatus,
    Case,
    Note,
    Outcome,
    ReportBack,
    Strategy,
)
from coptui.store.base import StoreBase, guarded
from coptui.store.errors import NotFound
from coptui.store.rows import (
    CASE_SIDE_FIELDS,
    COLUMNS,
    from_row,
    to_row,
)

_NEXT_CASE_ID = (
    "SELECT max(coalesce((SELECT max(id) FROM cases), 0), "
    "coalesce((SELECT max(id) FROM taken_back_cases), 0)) + 1"
)
_NEXT_STRATEGY_ID = (
    "SELECT max(coalesce((SELECT max(id) FROM strategies), 0), "
    "coalesce((SELECT max(strategy_id) FROM withdrawn_strategies), 0)) + 1"
)


class CaseStore(StoreBase):
    """Cases and everything filed about them, one item at a time."""

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

    @guarded
    def case(self, case_id: int) -> Case:
        rows = self._rows(f"SELECT {COLUMNS[Case]} FROM cases WHERE id = ?", [case_id])
        if not rows:
            raise NotFound(f"there is no case {case_id}")
        return self._cases_from_rows(rows)[0]

    @guarded
    def add_case(self, case: Case) -> Case:
        with self.transaction():
            self._require(
                [
                    ("presenter", "members", case.presenter, "member"),
                    ("session", "sessions", case.session, "session"),
                ]
                + [(f"topics[{i}]", "topics", t, "topic") for i, t in enumerate(case.topics)]
            )
            # Past every id taken back too: a line Entered with that case in focus lands on no other.
            next_id = self.conn.execute(_NEXT_CASE_ID).fetchone()[0]
            case_id = self._insert(
                "cases", {"id": next_id, **to_row(case, exclude=CASE_SIDE_FIELDS | {"id"})}
            )
            self._write_case_topics(case_id, case.topics)
        return case.model_copy(update={"id": case_id})

    def _write_case_topics(self, case_id: int, topics: list[str]) -> None:
        self._insert_many("case_topics", TOPIC_COLUMNS, topic_rows(case_id, topics))

    @guarded
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
            self.conn.execute("DELETE FROM case_topics WHERE case_id = ?", [case.id])
            self._write_case_topics(case.id, case.topics)
        return case

    @guarded
    def edit_case(self, case_id: int, changes: dict[str, Any], opened: dict[str, Any]) -> Case:
        """Write only the fields a form changed (`changes`), in one transaction, unless one of
        them was changed in the file since the form opened with `opened` (`EditConflict`).

        What was filed meanwhile in the other fields stays; a case with an open action stays
        in trial, whatever status was picked (only `resolved` or `reported` close the trial).
        """
        with self.transaction():
            case = self._unchanged_since(f"case {case_id}", self.case(case_id), changes, opened)
            self._require([(f"topics[{i}]", "topics", t, "topic") for i, t in enumerate(case.topics)])
            self.db.table("cases").update(case_id, to_row(case, exclude=CASE_SIDE_FIELDS | {"id"}))
            if "topics" in changes:
                self.conn.execute("DELETE FROM case_topics WHERE case_id = ?", [case_id])
                self._write_case_topics(case_id, case.topics)
            self.conn.execute(
                "UPDATE cases SET status = 'in_trial' WHERE id = ? AND status IN ('open', 'reopened') "
                "AND EXISTS (SELECT 1 FROM actions WHERE case_id = ? AND status = 'open')",
                [case_id, case_id],
            )
            return self.case(case_id)

    @guarded
    def strategies(self, *, case: int | None = None) -> list[Strategy]:
        where, params = ("case_id = ?", [case]) if case is not None else ("1", [])
        return self._items(
            Strategy, f"SELECT {COLUMNS[Strategy]} FROM strategies WHERE {where} ORDER BY id", params
        )

    @guarded
    def strategy(self, strategy_id: int) -> Strategy:
        row = self._one(
            f"SELECT {COLUMNS[Strategy]} FROM strategies WHERE id = ?",
            [strategy_id],
            f"strategy {strategy_id}",
        )
        return from_row(Strategy, row)

    @guarded
    def add_strategy(self, strategy: Strategy) -> Strategy:
        with self.transaction():
            self._require(
                [
                    ("case", "cases", strategy.case, "case"),
                    ("proposer", "members", strategy.proposer, "member"),
                    ("session", "sessions", strategy.session, "session"),
                ]
            )
            # Past every id taken back too: ids keep the order strategies are numbered in (an id
            # reused would put a new strategy before one withdrawn, store/undo.py).
            next_id = self.conn.execute(_NEXT_STRATEGY_ID).fetchone()[0]
            strategy_id = self._insert("strategies", {"id": next_id, **to_row(strategy, exclude={"id"})})
        return strategy.model_copy(update={"id": strategy_id})

    @guarded
    def update_strategy(self, strategy: Strategy) -> Strategy:
        if strategy.id is None:
            raise NotFound("a strategy must be filed before it can be updated")
        with self.transaction():
            self._one("SELECT 1 FROM strategies WHERE id = ?", [strategy.id], f"strategy {strategy.id}")
            # Its practice changes only by merging and splitting practices.
            self.db.table("strategies").update(strategy.id, to_row(strategy, exclude={"id", "practice"}))
        return strategy

    @guarded
    def actions(
        self,
        *,
        status: ActionStatus | None = None,
        owner: str | None = None,
        case: int | None = None,
        session: int | None = None,
    ) -> list[Action]:
        clauses, params = [], []
        for column, value in (
            ("status", status),
            ("owner", owner),
            ("case_id", case),
            ("session_id", session),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value.value if isinstance(value, ActionStatus) else value)
        return self._items(
            Action,
            f"SELECT {COLUMNS[Action]} FROM actions WHERE {' AND '.join(clauses) or '1'} "
            "ORDER BY due IS NULL, due, id",
            params,
        )

    @guarded
    def action(self, action_id: int) -> Action:
        row = self._one(
            f"SELECT {COLUMNS[Action]} FROM actions WHERE id = ?", [action_id], f"action {action_id}"
        )
        return from_row(Action, row)

    @guarded
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
                self.conn.execute(
                    "UPDATE cases SET status = 'in_trial' WHERE id = ? AND status IN ('open', 'reopened')",
                    [action.case],
                )
        return action.model_copy(update={"id": action_id})

    @guarded
    def set_action_status(
        self, action_id: int, status: ActionStatus, *, was: ActionStatus | None = None
    ) -> Action:
        """Set an action's status; with `was`, only if it still is what it was when the change began."""
        with self.transaction():
            action = self.action(action_id)
            if was is not None:
                self._unchanged_since(f"action {action_id}", action, {"status": status}, {"status": was})
            self.db.table("actions").update(action_id, {"status": status.value})
        return self.action(action_id)

    @guarded
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

    @guarded
    def report_back(self, report_id: int) -> ReportBack:
        row = self._one(
            f"SELECT {COLUMNS[ReportBack]} FROM report_backs WHERE id = ?",
            [report_id],
            f"report-back {report_id}",
        )
        return from_row(ReportBack, row)

    @guarded
    def action_report_backs(self, action_id: int) -> list[ReportBack]:
        rows = self._rows(
            f"SELECT {COLUMNS[ReportBack]} FROM report_backs WHERE action_id = ? ORDER BY reported_on, id",
            [action_id],
        )
        return [from_row(ReportBack, r) for r in rows]

    @guarded
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
            self._report_moves_the_loop(report)
        return report.model_copy(update={"id": report_id})

    @guarded
    def edit_report_back(self, report_id: int, changes: dict[str, Any], opened: dict[str, Any]) -> ReportBack:
        """Write only the fields a form changed since it filed the report-back, unless one was changed
        meanwhile (see `edit_case`); its action is open again while the outcome is 'not tried'."""
        with self.transaction():
            report = self._unchanged_since(
                f"report-back {report_id}", self.report_back(report_id), changes, opened
            )
            self._require([("member", "members", report.member, "member")])
            self.db.table("report_backs").update(report_id, to_row(report, exclude={"id"}))
            if "outcome" in changes and report.action is not None:
                tried = report.outcome is not Outcome.NOT_TRIED
                status = ActionStatus.DONE if tried else ActionStatus.OPEN
                self.db.table("actions").update(report.action, {"status": status.value})
            self._report_moves_the_loop(report)
        return report

    def _report_moves_the_loop(self, report: ReportBack) -> None:
        """Its case is reported once something was tried; inside the caller's transaction."""
        if report.case is not None and report.outcome is not Outcome.NOT_TRIED:
            self.conn.execute(
                "UPDATE cases SET status = 'reported' "
                "WHERE id = ? AND status IN ('open', 'in_trial', 'reopened')",
                [report.case],
            )

    @guarded
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

    @guarded
    def note(self, note_id: int) -> Note:
        row = self._one(f"SELECT {COLUMNS[Note]} FROM notes WHERE id = ?", [note_id], f"note {note_id}")
        return from_row(Note, row)

    @guarded
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


TOPIC_COLUMNS = ("case_id", "topic", "position")


def topic_rows(case_id: int, topics: list[str]) -> Iterator[tuple[int, str, int]]:
    for position, topic in enumerate(topics):
        yield case_id, topic, position

"""What a facilitator's undo needs: taking back the last item filed, exactly."""

from __future__ import annotations

from coptui.models import (
    Case,
    CaseStatus,
    Strategy,
)
from coptui.store.base import guarded
from coptui.store.cases import CaseStore
from coptui.store.errors import StoreError
from coptui.store.rows import COLUMNS, to_row


class UndoStore(CaseStore):
    """Exact removals for a live session's undo, each refused if something now depends on it."""

    @guarded
    def session_cases(self, session_id: int) -> list[Case]:
        """The cases shared in one session, in the order they were filed."""
        rows = self._rows(f"SELECT {COLUMNS[Case]} FROM cases WHERE session_id = ? ORDER BY id", [session_id])
        return self._cases_from_rows(rows)

    @guarded
    def delete_note(self, note_id: int) -> None:
        self._delete("notes", note_id, f"note {note_id}")

    @guarded
    def delete_case(self, case_id: int) -> None:
        """Remove a case filed by mistake; refused once strategies, actions or notes point at it."""
        with self.transaction():
            self._delete("cases", case_id, f"case {case_id}")
            self._never_again(case_id)

    def _never_again(self, case_id: int) -> None:
        """Keep a removed case's id from being given to another (`cases._NEXT_CASE_ID`): a line
        Entered while it was in focus is then refused, never filed on a case nobody saw."""
        self.conn.execute("INSERT OR IGNORE INTO taken_back_cases (id) VALUES (?)", [case_id])

    @guarded
    def take_back_case(self, as_filed: Case) -> None:
        """Remove a case filed by mistake, in one transaction, only while it is as it was filed:
        what was added to it since (its context from a member, a title saved in the browser,
        strategies, notes) is never removed with it (`StoreError` says what; it stays)."""
        case_id = as_filed.id or 0
        with self.transaction():
            now = self.case(case_id)
            changed = [
                field.replace("_", " ")
                for field in ("title", "context", "question", "topics", "status", "dots")
                if getattr(now, field) != getattr(as_filed, field)
            ]
            for table, what in (("strategies", "strategies"), ("notes", "notes"), ("actions", "actions")):
                if self.conn.execute(f"SELECT 1 FROM {table} WHERE case_id = ?", [case_id]).fetchone():
                    changed.append(what)
            if changed:
                raise StoreError(
                    f"“{now.title}” has {' and '.join(changed)} added or changed since; it stays"
                )
            self.conn.execute("DELETE FROM cases WHERE id = ?", [case_id])
            self._never_again(case_id)

    @guarded
    def delete_strategy(self, strategy_id: int) -> None:
        """Take back a strategy; one filed in a session leaves its place in that session's numbering
        (`withdrawn_strategies`), so the numbers after it never move under someone about to vote."""
        with self.transaction():
            self.conn.execute(
                "INSERT INTO withdrawn_strategies (strategy_id, case_id, session_id, proposer, text) "
                "SELECT id, case_id, session_id, proposer, text FROM strategies "
                "WHERE id = ? AND session_id IS NOT NULL",
                [strategy_id],
            )
            self._delete("strategies", strategy_id, f"strategy {strategy_id}")

    @guarded
    def put_back_strategy(self, strategy: Strategy) -> None:
        """File a strategy taken back again, under its own id, so in its own numbered place: the
        place left withdrawn is filled again, as it was before it was taken back."""
        with self.transaction():
            self.conn.execute("DELETE FROM withdrawn_strategies WHERE strategy_id = ?", [strategy.id])
            self._insert("strategies", to_row(strategy))

    @guarded
    def withdrawn_strategies(self, case_id: int, session_id: int) -> list[Strategy]:
        """The strategies of `case_id` filed in `session_id` and taken back since, as they were
        (their id then), in the order they were taken back."""
        rows = self._rows(
            "SELECT strategy_id AS id, case_id AS 'case', session_id AS session, proposer, text "
            "FROM withdrawn_strategies WHERE case_id = ? AND session_id = ? ORDER BY id",
            [case_id, session_id],
        )
        return [Strategy.model_validate(row) for row in rows]

    @guarded
    def delete_action(self, action_id: int) -> None:
        self._delete("actions", action_id, f"action {action_id}")

    @guarded
    def delete_report_back(self, report_id: int) -> None:
        self._delete("report_backs", report_id, f"report-back {report_id}")

    @guarded
    def set_case_status(self, case_id: int, status: CaseStatus) -> None:
        with self.transaction():
            self._one("SELECT 1 FROM cases WHERE id = ?", [case_id], f"case {case_id}")
            self.conn.execute("UPDATE cases SET status = ? WHERE id = ?", [status.value, case_id])

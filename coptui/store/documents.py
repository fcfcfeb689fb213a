"""The repertoire as one document: dumped whole, loaded in one go, or sliced for a session's minutes.

Reads for coptui.export are kept together here: a few queries each, never one per item.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

from coptui.models import (
    Action,
    Case,
    Member,
    Note,
    Practice,
    RepertoireDocument,
    ReportBack,
    Session,
    Strategy,
    Topic,
)
from coptui.store.base import guarded
from coptui.store.cases import TOPIC_COLUMNS, topic_rows
from coptui.store.community import CommunityStore
from coptui.store.errors import NotFound, StoreError
from coptui.store.participants import ParticipantStore
from coptui.store.practices import PracticeStore
from coptui.store.rows import (
    CASE_SIDE_FIELDS,
    COLUMNS,
    SESSION_SIDE_FIELDS,
)
from coptui.store.sessions import ATTENDANCE_COLUMNS, PHASE_COLUMNS, SessionStore, attendance_rows, phase_rows

_BEFORE = "(SELECT value FROM json_each(:before))"  # the ids of report-backs filed before a meeting


class DocumentStore(PracticeStore, SessionStore, CommunityStore, ParticipantStore):
    """The repertoire as an interchange document, in and out."""

    @guarded
    def is_empty(self) -> bool:
        """True when nothing but the community has been filed yet."""
        return not any(
            self._rows(f"SELECT 1 FROM {table} LIMIT 1")
            for table in ("topics", "members", "sessions", "cases")
        )

    @guarded
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
            practices=self._items(Practice, f"SELECT {COLUMNS[Practice]} FROM practices ORDER BY id"),
            strategies=self.strategies(),
            actions=self._items(Action, f"SELECT {COLUMNS[Action]} FROM actions ORDER BY id"),
            report_backs=self._items(
                ReportBack, f"SELECT {COLUMNS[ReportBack]} FROM report_backs ORDER BY id"
            ),
            notes=self.notes(),
        )

    @guarded
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
                ATTENDANCE_COLUMNS,
                (r for s in sessions for r in attendance_rows(s.id or 0, s)),
            )
            self._insert_many(
                "phase_runs", PHASE_COLUMNS, (r for s in sessions for r in phase_rows(s.id or 0, s))
            )
            self._insert_items("cases", Case, document.cases, CASE_SIDE_FIELDS)
            self._insert_many(
                "case_topics",
                TOPIC_COLUMNS,
                (r for c in document.cases for r in topic_rows(c.id or 0, c.topics)),
            )
            self._insert_items("practices", Practice, document.practices)
            self._insert_items("strategies", Strategy, document.strategies)
            self._insert_items("actions", Action, document.actions)
            self._insert_items("report_backs", ReportBack, document.report_backs)
            self._insert_items("notes", Note, document.notes)
            self._practices_after_load()

    @guarded
    def session_slice(self, session_id: int, *, carried: int = -1) -> RepertoireDocument:
        """Everything the minutes of one session mention, as a partial (unvalidated) document.

        The session itself; its notes, the strategies and actions filed in it, and the
        report-backs given in it or filed by members between meetings before it; the cases
        all of those are about (with every strategy of a case first presented here); the
        earlier actions reported on and the strategies they tried; the sessions those cases
        and actions came from; and the community, members and topics for names
        (`with_practice_records` adds the practices).
        Of the actions carried forward (agreed earlier, open now) it reads the `carried` due
        first, or all of them; `carried_forward` counts them.
        """
        sessions = self._sessions_from_rows(
            self._rows(f"SELECT {COLUMNS[Session]} FROM sessions WHERE id = ?", [session_id])
        )
        if not sessions:
            raise NotFound(f"there is no session {session_id}")
        # Report-backs members filed between meetings, before this one: its minutes list them too.
        before = self.reports_between_meetings(sessions[0])
        s = {"s": session_id, "carried": carried, "before": json.dumps([r.id for r in before])}
        reported = "SELECT {0} FROM report_backs WHERE session_id = :s OR id IN " + _BEFORE
        notes = self._items(Note, f"SELECT {COLUMNS[Note]} FROM notes WHERE session_id = :s ORDER BY id", s)
        report_backs = self._items(
            ReportBack, f"SELECT {COLUMNS[ReportBack]} FROM report_backs WHERE session_id = :s ORDER BY id", s
        )
        actions = self._items(
            Action,
            f"SELECT {COLUMNS[Action]} FROM actions WHERE session_id = :s "
            f"OR id IN ({reported.format('action_id')}) "
            f"OR id IN ({_CARRIED_FORWARD}) ORDER BY id",
            s,
        )
        case_rows = self._rows(
            f"SELECT {COLUMNS[Case]} FROM cases WHERE session_id = :s "
            "OR id IN (SELECT case_id FROM notes WHERE session_id = :s) "
            "OR id IN (SELECT case_id FROM strategies WHERE session_id = :s) "
            "OR id IN (SELECT case_id FROM actions WHERE session_id = :s) "
            f"OR id IN ({reported.format('case_id')}) "
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
            report_backs=[*report_backs, *before],
            notes=notes,
        )

    @guarded
    def carried_forward(self, session_id: int) -> int:
        """How many actions agreed before session `session_id` (by date, then id) are open now."""
        return int(self.conn.execute(f"SELECT count(*) {_OPEN_EARLIER}", {"s": session_id}).fetchone()[0])

    @contextmanager
    def _search_index_rebuilt_after(self) -> Iterator[None]:
        """For bulk loads: index the text once at the end rather than row by row through triggers."""
        from coptui.store.schema import SEARCHED_COLUMNS  # with the migrations: loaded to write, not to read

        triggers = self._rows(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN "
            f"({', '.join('?' * len(SEARCHED_COLUMNS))})",
            list(SEARCHED_COLUMNS),
        )
        for trigger in triggers:
            self.conn.execute(f"DROP TRIGGER {trigger['name']}")
        yield
        for table in SEARCHED_COLUMNS:
            self.db.table(table).rebuild_fts()
        for trigger in triggers:
            self.conn.execute(trigger["sql"])


# The actions agreed at sessions held before session :s (by date, then id) that are open now.
_OPEN_EARLIER = (
    "FROM actions WHERE status = 'open' AND session_id IN (SELECT id FROM sessions WHERE "
    "(date, id) < ((SELECT date FROM sessions WHERE id = :s), :s))"
)
# ... the first :carried of them (all when negative) in the register's order: due date, undated last.
_CARRIED_FORWARD = f"SELECT id {_OPEN_EARLIER} ORDER BY due IS NULL, due, id LIMIT :carried"

"""Sessions with their attendance and phase timers, and the capture journal read back."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from coptui.models import (
    Command,
    PhaseRun,
    Session,
)
from coptui.store.base import StoreBase, guarded
from coptui.store.errors import NotFound, UnreadableRow
from coptui.store.rows import (
    COLUMNS,
    SESSION_SIDE_FIELDS,
    attendance_time,
    from_row,
    readable,
    row_writer,
    stamp,
    to_row,
)


class SessionStore(StoreBase):
    """Sessions, read whole with their attendance and phases; the journal of a live one."""

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
                arrived[r["session_id"]][r["member"]] = attendance_time(
                    r["arrived_at"], r["session_id"], r["member"], "arrived_at"
                )
            if r["left_at"]:
                left[r["session_id"]][r["member"]] = attendance_time(
                    r["left_at"], r["session_id"], r["member"], "left_at"
                )
        phases: dict[int, list[PhaseRun]] = defaultdict(list)
        unreadable: dict[int, UnreadableRow] = {}  # sessions with a phase that cannot be read
        for r in self._rows(
            f"SELECT * FROM phase_runs WHERE session_id IN ({marks}) ORDER BY session_id, position", ids
        ):
            session_id = r.pop("session_id")
            try:
                phases[session_id].append(from_row(PhaseRun, r))
            except UnreadableRow as error:  # which session's phase, too
                error.row = f"session_id {session_id}, {error.row}"
                unreadable.setdefault(session_id, error)

        def session(row: dict[str, Any]) -> Session:
            if row["id"] in unreadable:
                raise unreadable[row["id"]]
            current, count = row["current_phase"], len(phases[row["id"]])
            if current is not None and count and not (type(current) is int and 0 <= current < count):
                said = f"one of the session's {count} phases (0 to {count - 1})"
                raise UnreadableRow("sessions", str(row["id"]), "current_phase", current, said)
            return from_row(
                Session,
                row,
                attendees=people[row["id"]]["attended"],
                apologies=people[row["id"]]["apologies"],
                absent=people[row["id"]]["absent"],
                arrived=arrived[row["id"]],
                left=left[row["id"]],
                phases=phases[row["id"]],
            )

        return readable(session, rows)

    @guarded
    def sessions(self, *, limit: int | None = None, offset: int = 0) -> list[Session]:
        """Sessions, newest first."""
        rows = self._rows(
            f"SELECT {COLUMNS[Session]} FROM sessions ORDER BY date DESC, id DESC LIMIT ? OFFSET ?",
            [-1 if limit is None else limit, offset],
        )
        return self._sessions_from_rows(rows)

    @guarded
    def sessions_on(self, day: date) -> list[Session]:
        """The sessions held on `day`, in the order they were made."""
        rows = self._rows(
            f"SELECT {COLUMNS[Session]} FROM sessions WHERE date = ? ORDER BY id", [day.isoformat()]
        )
        return self._sessions_from_rows(rows)

    @guarded
    def session(self, session_id: int) -> Session:
        rows = self._rows(f"SELECT {COLUMNS[Session]} FROM sessions WHERE id = ?", [session_id])
        if not rows:
            raise NotFound(f"there is no session {session_id}")
        return self._sessions_from_rows(rows)[0]

    @guarded
    def live_session(self) -> Session | None:
        rows = self._rows(f"SELECT {COLUMNS[Session]} FROM sessions WHERE status = 'live'")
        return self._sessions_from_rows(rows)[0] if rows else None

    @guarded
    def latest_session(self) -> Session | None:
        """The session held most recently (live or closed): what `latest` means to a secretary."""
        rows = self._rows(
            f"SELECT {COLUMNS[Session]} FROM sessions WHERE status <> 'planned' "
            "ORDER BY date DESC, id DESC LIMIT 1"
        )
        return self._sessions_from_rows(rows)[0] if rows else None

    @guarded
    def count_sessions(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM sessions").fetchone()[0])

    @guarded
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
        self._insert_many("attendance", ATTENDANCE_COLUMNS, attendance_rows(session_id, session))
        self._insert_many("phase_runs", PHASE_COLUMNS, phase_rows(session_id, session))

    @guarded
    def update_session(self, session: Session) -> Session:
        """Write back a session's fields, attendance and phase timers as they now stand."""
        if session.id is None:
            raise NotFound("a session must be filed before it can be updated")
        with self.transaction():
            self._one("SELECT 1 FROM sessions WHERE id = ?", [session.id], f"session {session.id}")
            self.db.table("sessions").update(
                session.id, to_row(session, exclude=SESSION_SIDE_FIELDS | {"id"})
            )
            self.conn.execute("DELETE FROM attendance WHERE session_id = ?", [session.id])
            self.conn.execute("DELETE FROM phase_runs WHERE session_id = ?", [session.id])
            self._write_session_sides(session.id, session)
        return session

    @guarded
    def update_phase(self, session_id: int, phase: PhaseRun) -> None:
        """Write one phase's timer state: the cheap, frequent write of a live session."""
        with self.transaction():
            self.db.table("phase_runs").update((session_id, phase.position), to_row(phase))

    @guarded
    def unsettled_commands(self, session_id: int, member: str | None = None) -> list[Command]:
        """The journalled commands of a session not yet acted on, in the order they were given;
        the facilitator's, or (with `member`) that participant's."""
        return self._unsettled("AND member IS ?", [session_id, member])

    def _unsettled(self, which: str, params: list[object]) -> list[Command]:
        """A session's journalled commands not yet acted on, oldest first, narrowed by `which`."""
        return [
            Command(
                kind=row["command"],
                text=row["text"],
                pressed_at=row["pressed_at"],
                id=row["id"],
                speaker=row["speaker"],
                phase=row["phase"],
                focus=row["focus"],
            )
            for row in self._rows(
                "SELECT id, command, text, pressed_at, speaker, phase, focus FROM capture_journal "
                f"WHERE session_id = ? {which} AND settled_at IS NULL ORDER BY id",
                params,
            )
        ]

    @guarded
    def settled_result(self, command_id: int) -> tuple[bool, str] | None:
        """What became of a journalled command, if some process has carried it out already:
        read inside the transaction that would carry it out, so that it is carried out once."""
        row = self.conn.execute(
            "SELECT filed, message FROM capture_journal WHERE id = ? AND settled_at IS NOT NULL", [command_id]
        ).fetchone()
        return None if row is None else (bool(row[0]), row[1] or "")

    @guarded
    def unsettled_members(self, session_id: int) -> list[str]:
        """The participants with journalled commands in a session not yet acted on."""
        return [
            row[0]
            for row in self.conn.execute(
                "SELECT DISTINCT member FROM capture_journal "
                "WHERE session_id = ? AND member IS NOT NULL AND settled_at IS NULL ORDER BY member",
                [session_id],
            )
        ]

    @guarded
    def not_yet_carried_out(self, session_id: int, kept: list[Command]) -> list[Command]:
        """Of a session's commands, journalled or only `kept` beside the file, those not yet acted
        on: the journal's in order, then the kept ones the journal lacks."""
        journalled = {
            row[0]
            for row in self.conn.execute(
                "SELECT record_key FROM capture_journal WHERE session_id = ? AND record_key IS NOT NULL",
                [session_id],
            )
        }
        return self._unsettled("", [session_id]) + [c for c in kept if c.record_key not in journalled]

    @guarded
    def settle_command(self, command_id: int, *, filed: bool, message: str, at: datetime) -> None:
        """Record what became of a journalled command; inside the transaction that acted on it."""
        with self.transaction():
            self.conn.execute(
                "UPDATE capture_journal SET settled_at = ?, filed = ?, message = ? WHERE id = ?",
                [stamp(at), int(filed), message, command_id],
            )


ATTENDANCE_COLUMNS = ("session_id", "member", "presence", "position", "arrived_at", "left_at")


PHASE_COLUMNS = ("session_id", *row_writer(PhaseRun).columns)


def attendance_rows(
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


def phase_rows(session_id: int, session: Session) -> Iterator[list[Any]]:
    write = row_writer(PhaseRun)
    for phase in session.phases:
        yield [session_id, *write(phase)]

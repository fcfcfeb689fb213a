"""What participants write beside the facilitator: arrivals, their entries, private dots, participation.

A participant is a member taking part in a live session from their own process. The rows
here let the facilitator's process see who joined and what each filed (and take it back),
keep dot votes private until the facilitator reveals them, and count every attendee's
contributions for the participation table.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from coptui.models import PhaseKind, ReportBack, Session
from coptui.store.base import StoreBase, guarded
from coptui.store.rows import COLUMNS, stamp, timestamp


@dataclass(frozen=True)
class Arrival:
    """A member joined the live session from their own terminal."""

    id: int
    member: str
    via: str  # "ssh" or "local"
    joined_at: datetime


@dataclass(frozen=True)
class ParticipantEntry:
    """One item a participant filed: what it is, and what taking it back needs."""

    id: int
    session_id: int | None  # None: a report-back given between meetings
    member: str
    kind: str
    item_id: int
    description: str
    undo: dict[str, Any]
    filed_at: datetime
    taken_back_at: datetime | None = None


@dataclass(frozen=True)
class Participation:
    """How much one attendee contributed to a session, by kind, and for how long they spoke."""

    member: str
    check_ins: int = 0
    cases: int = 0
    strategies: int = 0
    notes: int = 0
    votes: int = 0
    reports: int = 0
    speaking_seconds: int | None = None  # None: no turn of theirs was timed

    @property
    def heard(self) -> bool:
        """They said something that was filed (a vote alone is not being heard)."""
        return bool(self.check_ins or self.cases or self.strategies or self.notes or self.reports)


def _entry(row: dict[str, Any]) -> ParticipantEntry:
    return ParticipantEntry(
        id=row["id"],
        session_id=row["session_id"],
        member=row["member"],
        kind=row["kind"],
        item_id=row["item_id"],
        description=row["description"],
        undo=json.loads(row["undo"]),
        filed_at=timestamp(row["filed_at"]),
        taken_back_at=timestamp(row["taken_back_at"]) if row["taken_back_at"] else None,
    )


class ParticipantStore(StoreBase):
    """The participant rows of the repertoire; part of `Repertoire`."""

    # -- arrivals and the case in focus --------------------------------------------------

    @guarded
    def record_arrival(self, session_id: int, member: str, via: str, at: datetime) -> Arrival:
        with self.transaction():
            arrival_id = self._insert(
                "participant_arrivals",
                {"session_id": session_id, "member": member, "via": via, "joined_at": stamp(at)},
            )
        return Arrival(arrival_id, member, via, at)

    @guarded
    def arrivals(self, session_id: int, *, after: int = 0) -> list[Arrival]:
        """Who joined the session from their own terminal, in order; `after` an arrival's id."""
        return [
            Arrival(r["id"], r["member"], r["via"], timestamp(r["joined_at"]))
            for r in self._rows(
                "SELECT id, member, via, joined_at FROM participant_arrivals "
                "WHERE session_id = ? AND id > ? ORDER BY id",
                [session_id, after],
            )
        ]

    @guarded
    def focus_case(self, session_id: int) -> int | None:
        """The case in focus as the facilitator last set it; None if never set (or it was removed)."""
        row = self.conn.execute("SELECT focus_case_id FROM sessions WHERE id = ?", [session_id]).fetchone()
        return None if row is None else row[0]

    @guarded
    def set_focus_case(self, session_id: int, case_id: int | None) -> None:
        with self.transaction():
            self.conn.execute("UPDATE sessions SET focus_case_id = ? WHERE id = ?", [case_id, session_id])

    # -- what participants filed ------------------------------------------------------------

    @guarded
    def add_participant_entry(
        self,
        session_id: int | None,
        member: str,
        kind: str,
        item_id: int,
        description: str,
        at: datetime,
        undo: dict[str, Any] | None = None,
    ) -> ParticipantEntry:
        row = {
            "session_id": session_id,
            "member": member,
            "kind": kind,
            "item_id": item_id,
            "description": description,
            "undo": json.dumps(undo or {}),
            "filed_at": stamp(at),
        }
        with self.transaction():
            entry_id = self._insert("participant_entries", row)
        return _entry({**row, "id": entry_id, "taken_back_at": None})

    @guarded
    def participant_entries(
        self, session_id: int, *, member: str | None = None, after: int = 0
    ) -> list[ParticipantEntry]:
        """What participants filed in a session and still stands, oldest first; `after` an entry's id."""
        clauses = ["session_id = ?", "id > ?", "taken_back_at IS NULL"]
        params: list[Any] = [session_id, after]
        if member is not None:
            clauses.append("member = ?")
            params.append(member)
        return [
            _entry(r)
            for r in self._rows(
                f"SELECT * FROM participant_entries WHERE {' AND '.join(clauses)} ORDER BY id", params
            )
        ]

    @guarded
    def taken_back_entries(self, session_id: int, member: str) -> list[ParticipantEntry]:
        """What a participant filed in a session and was taken back since, oldest first."""
        return [
            _entry(r)
            for r in self._rows(
                "SELECT * FROM participant_entries "
                "WHERE session_id = ? AND member = ? AND taken_back_at IS NOT NULL ORDER BY id",
                [session_id, member],
            )
        ]

    @guarded
    def participant_entry(self, entry_id: int) -> ParticipantEntry:
        return _entry(
            self._one("SELECT * FROM participant_entries WHERE id = ?", [entry_id], f"entry {entry_id}")
        )

    @guarded
    def set_entry_taken_back(self, entry_id: int, at: datetime | None, item_id: int | None = None) -> None:
        """Mark an entry taken back (`at`), or standing again (None), filed again as `item_id`."""
        with self.transaction():
            self.conn.execute(
                "UPDATE participant_entries SET taken_back_at = ?, item_id = coalesce(?, item_id) "
                "WHERE id = ?",
                [None if at is None else stamp(at), item_id, entry_id],
            )

    # -- private dot votes --------------------------------------------------------------------

    @guarded
    def add_private_vote(
        self, session_id: int, case_id: int, strategy_id: int, member: str, dots: int, at: datetime
    ) -> int:
        """File a participant's dots; counted into the strategy's votes at once if the case is revealed."""
        with self.transaction():
            counted = self._revealed(case_id)
            vote_id = self._insert(
                "private_votes",
                {
                    "session_id": session_id,
                    "case_id": case_id,
                    "strategy_id": strategy_id,
                    "member": member,
                    "dots": dots,
                    "cast_at": stamp(at),
                    "counted_at": stamp(at) if counted else None,
                },
            )
            if counted:
                self._add_votes(strategy_id, dots)
        return vote_id

    @guarded
    def delete_private_vote(self, vote_id: int) -> None:
        """Take dots back; if they were counted already, the strategy's votes go down by as many."""
        with self.transaction():
            row = self._one(
                "SELECT strategy_id, dots, counted_at FROM private_votes WHERE id = ?", [vote_id], "vote"
            )
            if row["counted_at"]:
                self._add_votes(row["strategy_id"], -row["dots"])
            self.conn.execute("DELETE FROM private_votes WHERE id = ?", [vote_id])

    @guarded
    def dots_cast(self, case_id: int, member: str | None = None) -> int:
        """The private dots on a case's strategies, everyone's or one member's."""
        sql = "SELECT coalesce(sum(dots), 0) FROM private_votes WHERE case_id = ?"
        params: list[Any] = [case_id]
        if member is not None:
            sql += " AND member = ?"
            params.append(member)
        return int(self.conn.execute(sql, params).fetchone()[0])

    @guarded
    def dots_on_strategy(self, strategy_id: int) -> int:
        return int(
            self.conn.execute(
                "SELECT coalesce(sum(dots), 0) FROM private_votes WHERE strategy_id = ?", [strategy_id]
            ).fetchone()[0]
        )

    @guarded
    def own_votes(self, case_id: int, member: str) -> dict[int, int]:
        """One member's dots on each strategy of a case: theirs to see, before the reveal too."""
        return dict(
            self.conn.execute(
                "SELECT strategy_id, sum(dots) FROM private_votes WHERE case_id = ? AND member = ? "
                "GROUP BY strategy_id",
                [case_id, member],
            ).fetchall()
        )

    @guarded
    def votes_revealed(self, case_id: int) -> bool:
        return self._revealed(case_id)

    def _revealed(self, case_id: int) -> bool:
        return bool(self._rows("SELECT 1 FROM vote_reveals WHERE case_id = ?", [case_id]))

    @guarded
    def reveal_votes(self, session_id: int, case_id: int, at: datetime) -> int:
        """Count every private dot on a case into its strategies' votes; returns how many dots that was."""
        with self.transaction():
            if self._revealed(case_id):
                return 0
            hidden = self._rows(
                "SELECT strategy_id, sum(dots) AS dots FROM private_votes "
                "WHERE case_id = ? AND counted_at IS NULL GROUP BY strategy_id",
                [case_id],
            )
            for row in hidden:
                self._add_votes(row["strategy_id"], row["dots"])
            self.conn.execute(
                "UPDATE private_votes SET counted_at = ? WHERE case_id = ? AND counted_at IS NULL",
                [stamp(at), case_id],
            )
            self._insert(
                "vote_reveals", {"case_id": case_id, "session_id": session_id, "revealed_at": stamp(at)}
            )
        return sum(row["dots"] for row in hidden)

    @guarded
    def hide_votes_again(self, case_id: int) -> None:
        """Undo a reveal: the dots it counted come off the strategies' votes and are hidden again."""
        with self.transaction():
            reveal = self._one("SELECT revealed_at FROM vote_reveals WHERE case_id = ?", [case_id], "reveal")
            for row in self._rows(
                "SELECT strategy_id, sum(dots) AS dots FROM private_votes "
                "WHERE case_id = ? AND counted_at = ? GROUP BY strategy_id",
                [case_id, reveal["revealed_at"]],
            ):
                self._add_votes(row["strategy_id"], -row["dots"])
            self.conn.execute(
                "UPDATE private_votes SET counted_at = NULL WHERE case_id = ? AND counted_at = ?",
                [case_id, reveal["revealed_at"]],
            )
            self.conn.execute("DELETE FROM vote_reveals WHERE case_id = ?", [case_id])

    @guarded
    def add_votes(self, strategy_id: int, count: int) -> None:
        """Change a strategy's votes by `count`, whatever others added meanwhile."""
        with self.transaction():
            self._one("SELECT 1 FROM strategies WHERE id = ?", [strategy_id], f"strategy {strategy_id}")
            self._add_votes(strategy_id, count)

    def _add_votes(self, strategy_id: int, count: int) -> None:
        self.conn.execute(
            "UPDATE strategies SET votes = max(0, votes + ?) WHERE id = ?", [count, strategy_id]
        )

    # -- report-backs given between meetings ----------------------------------------------------

    @guarded
    def reports_between_meetings(self, session: Session) -> list[ReportBack]:
        """Report-backs members gave on their actions with no session live, after the session
        before `session` began and before `session` did."""
        previous = self.conn.execute(
            # A row value, so the date index is walked back from the session (an OR reads them all).
            "SELECT started_at FROM sessions WHERE status <> 'planned' AND id <> ? "
            "AND (date, id) < (?, ?) ORDER BY date DESC, id DESC LIMIT 1",
            [session.id or 0, session.date.isoformat(), session.id or 0],
        ).fetchone()
        columns = ", ".join(f"r.{column.strip()}" for column in COLUMNS[ReportBack].split(","))
        return self._items(
            ReportBack,
            f"SELECT {columns} FROM report_backs r JOIN participant_entries e "
            "ON e.kind = 'report_back' AND e.item_id = r.id AND e.session_id IS NULL "
            "WHERE r.session_id IS NULL AND e.taken_back_at IS NULL AND e.filed_at > ? AND e.filed_at < ? "
            "ORDER BY r.id",
            [
                (previous[0] if previous else None) or "",
                stamp(session.started_at) if session.started_at else "9999",
            ],
        )

    # -- equity of voice ------------------------------------------------------------------------

    @guarded
    def participation(self, session_id: int) -> list[Participation]:
        """Every attendee's contributions to a session, in attendance order, then anyone else's.

        Three queries whatever the size: the minutes of every session show it.
        """
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for member, kind, n in self.conn.execute(_CONTRIBUTIONS, {"s": session_id}).fetchall():
            counts[member][kind] = n
        speaking = self._speaking_seconds(session_id)
        attendees = [
            r[0]
            for r in self.conn.execute(
                "SELECT member FROM attendance WHERE session_id = ? AND presence = 'attended' "
                "ORDER BY position",
                [session_id],
            )
        ]
        others = sorted(set(counts) - set(attendees))
        return [
            Participation(
                member=member,
                check_ins=counts[member]["check_in"],
                cases=counts[member]["case"],
                strategies=counts[member]["strategy"],
                notes=counts[member]["note"],
                votes=counts[member]["vote"],
                reports=counts[member]["report_back"],
                speaking_seconds=speaking.get(member),
            )
            for member in [*attendees, *others]
        ]

    def _speaking_seconds(self, session_id: int) -> dict[str, int]:
        """How long each speaker held the floor in the check-in rounds, where the speaking timer runs.

        A speaker's turn runs from the phase's start, or the check-in filed before theirs, to
        their own check-in: the same moments the session screen's speaking timer counts from.
        Someone none of whose turns lasted a second is left out: their time was not taken.
        """
        seconds: dict[str, int] = defaultdict(int)
        phase, since = None, None
        for position, started, author, created in self.conn.execute(
            "SELECT p.position, p.started_at, n.author, n.created_at FROM notes n "
            "JOIN phase_runs p ON p.session_id = n.session_id AND p.position = n.phase "
            "WHERE n.session_id = ? AND n.kind = 'check_in' AND p.kind = ? AND p.started_at IS NOT NULL "
            # In time order: as text, 17:01:00.5Z sorts before 17:01:00Z.
            "ORDER BY p.position, julianday(n.created_at), n.id",
            [session_id, PhaseKind.CHECK_IN.value],
        ):
            if position != phase:
                phase, since = position, timestamp(started)
            at = timestamp(created)
            assert since is not None
            turn = int((at - since).total_seconds())
            # A check-in filed within a second of the one before (typed one after the other, or
            # two members at their own terminals) timed no turn: not counted as one of no time.
            if author and turn > 0:
                seconds[author] += turn
            since = max(since, at)
        return dict(seconds)


# (member, kind, count) for session :s: what each member contributed, by kind.
_CONTRIBUTIONS = """
SELECT author, kind, count(*) FROM notes
    WHERE session_id = :s AND kind IN ('check_in', 'note') AND author IS NOT NULL GROUP BY author, kind
UNION ALL SELECT presenter, 'case', count(*) FROM cases WHERE session_id = :s GROUP BY presenter
UNION ALL SELECT proposer, 'strategy', count(*) FROM strategies WHERE session_id = :s GROUP BY proposer
UNION ALL SELECT member, 'vote', sum(dots) FROM private_votes WHERE session_id = :s GROUP BY member
UNION ALL SELECT member, 'report_back', count(*) FROM report_backs WHERE session_id = :s GROUP BY member
"""

"""Matters arising read a page at a time: the open actions from earlier sessions, numbered.

A repertoire can hold tens of thousands of open actions; a session's report-back goes through
the few its members hold. Both reads here are one statement each, through the actions' status
index, and cost what a page holds plus one pass over the open actions' index entries, never a
row read (or a model built) for each open action in the repertoire.

The order is the numbering `#report N` uses: actions of members expected at the session
(attending, or sent apologies) first, then by owner, due date (none last) and id.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from coptui.models import Action, ReportBack
from coptui.store.base import StoreBase, guarded
from coptui.store.rows import COLUMNS, readable, reader


@dataclass(frozen=True)
class MatterArising:
    """An open action from an earlier session, to be reported on (or reported on this session)."""

    number: int
    action: Action
    case_title: str | None
    strategy_text: str | None
    report: ReportBack | None = None


# Open actions not filed at the session, and those reported on since (no longer open).
_LISTED = """
WITH listed(id, owner, due) AS (
    SELECT id, owner, due FROM actions WHERE status = 'open' AND session_id IS NOT :session
    UNION
    SELECT id, owner, due FROM actions
    WHERE id IN (SELECT value FROM json_each(:reported)) AND session_id IS NOT :session
)
"""
_ORDER = "{t}owner NOT IN (SELECT value FROM json_each(:expected)), {t}owner, {t}due IS NULL, {t}due, {t}id"
_ACTION_COLUMNS = ", ".join(f"a.{column.strip()}" for column in COLUMNS[Action].split(","))
_PAGE = (
    _LISTED
    + f", page(id) AS (SELECT id FROM listed ORDER BY {_ORDER.format(t='')} LIMIT :limit OFFSET :offset) "
    + f"SELECT {_ACTION_COLUMNS}, c.title, s.text FROM page JOIN actions a ON a.id = page.id "
    + "LEFT JOIN cases c ON c.id = a.case_id LEFT JOIN strategies s ON s.id = a.strategy_id "
    + f"ORDER BY {_ORDER.format(t='a.')}"
)
# One owner's matters, numbered as the whole list is: how many come before theirs (one pass over
# the open actions' index entries, no sort), then their own, through the owner index.
_BEFORE_OWNER = (
    _LISTED
    + "SELECT count(*) FROM listed "
    + "WHERE (owner NOT IN (SELECT value FROM json_each(:expected)), owner) < (:owner_unexpected, :owner)"
)
_OWNERS = (
    f"SELECT {_ACTION_COLUMNS}, c.title, s.text FROM actions a "
    + "LEFT JOIN cases c ON c.id = a.case_id LEFT JOIN strategies s ON s.id = a.strategy_id "
    + "WHERE a.owner = :owner AND a.session_id IS NOT :session "
    + "AND (a.status = 'open' OR a.id IN (SELECT value FROM json_each(:reported))) "
    + "ORDER BY a.due IS NULL, a.due, a.id"
)
_COUNT = (
    _LISTED
    + "SELECT count(*), coalesce(sum(owner IN (SELECT value FROM json_each(:expected))), 0) FROM listed"
)


class MattersStore(StoreBase):
    """The matters arising of a session, counted and read a page at a time."""

    @guarded
    def matters_count(
        self, session_id: int, expected: Collection[str], reported: Collection[int]
    ) -> tuple[int, int]:
        """How many matters arise at the session, and how many of them are `expected` members';
        `reported`: actions reported on, open or not."""
        params = {
            "session": session_id,
            "reported": json.dumps(sorted(reported)),
            "expected": json.dumps(sorted(expected)),
        }
        total, of_expected = self.conn.execute(_COUNT, params).fetchone()
        return int(total), int(of_expected)

    @guarded
    def matters_page(
        self,
        session_id: int,
        expected: Collection[str],
        reports: Mapping[int, ReportBack],
        *,
        first: int = 1,
        limit: int,
    ) -> list[MatterArising]:
        """Matters numbered `first` to `first + limit - 1`, with their case titles and strategy
        texts; `reports` by action id: what was reported on them at (or before) the session."""
        params = {
            "session": session_id,
            "reported": json.dumps(sorted(reports)),
            "expected": json.dumps(sorted(expected)),
            "limit": limit,
            "offset": max(0, first - 1),
        }
        return self._matters(self.conn.execute(_PAGE, params), reports, first=max(1, first))

    @guarded
    def owners_matters(
        self, session_id: int, expected: Collection[str], reports: Mapping[int, ReportBack], owner: str
    ) -> list[MatterArising]:
        """`owner`'s matters arising, numbered as `matters_page` numbers the whole list."""
        params = {
            "session": session_id,
            "reported": json.dumps(sorted(reports)),
            "expected": json.dumps(sorted(expected)),
            "owner": owner,
            "owner_unexpected": owner not in expected,
        }
        (before,) = self.conn.execute(_BEFORE_OWNER, params).fetchone()
        return self._matters(self.conn.execute(_OWNERS, params), reports, first=before + 1)

    @staticmethod
    def _matters(
        cursor: sqlite3.Cursor, reports: Mapping[int, ReportBack], first: int
    ) -> list[MatterArising]:
        """Matters numbered from `first`, from rows of an action's columns, its case title and
        strategy text."""
        width = len(COLUMNS[Action].split(","))
        read = reader(Action, tuple(d[0] for d in cursor.description[:width]))
        matters = []
        for i, row in enumerate(cursor.fetchall()):
            # One another tool wrote that cannot be read is left out, its number kept for the rest.
            (action,) = readable(read, [row[:width]]) or (None,)
            if action is None:
                continue
            matters.append(
                MatterArising(
                    number=first + i,
                    action=action,
                    case_title=row[width],
                    strategy_text=row[width + 1],
                    report=None if action.id is None else reports.get(action.id),
                )
            )
        return matters

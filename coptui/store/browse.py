"""What the repertoire browser lists: pages of each kind under one `BrowseFilter`, with track records,
and search across every kind of text.

Result types and shared SQL fragments live in coptui/store/browsing.py.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from coptui.models import (
    Action,
    ActionStatus,
    Case,
    Strategy,
    Topic,
)
from coptui.store import browsing, search
from coptui.store.base import guarded
from coptui.store.cases import CaseStore
from coptui.store.community import CommunityStore
from coptui.store.rows import (
    COLUMNS,
    from_row,
    readable,
)
from coptui.store.search import SearchHit, fts_query
from coptui.store.sessions import SessionStore


class BrowseStore(CaseStore, SessionStore, CommunityStore):
    """Pages of each list under a filter, track records, and search."""

    @guarded
    def overview(self) -> browsing.Overview:
        def count(sql: str) -> int:
            return int(self.conn.execute(sql).fetchone()[0])

        # Made of models already read and counts: nothing to check, and no validator to build
        # for the first screen (the models' validators are built when first used).
        return browsing.Overview.model_construct(
            community=self.community(),
            case_count=count("SELECT count(*) FROM cases"),
            member_count=count("SELECT count(*) FROM members"),
            session_count=count("SELECT count(*) FROM sessions"),
            open_action_count=count("SELECT count(*) FROM actions WHERE status = 'open'"),
            sessions=self.sessions(limit=5),
            actions=self.browse_actions(limit=8),
            cases=self.browse_cases(limit=8),
        )

    def _case_where(self, filter: browsing.BrowseFilter) -> tuple[str, dict[str, Any]]:
        clauses, params = filter.clauses(case="c.id", member="c.presenter", on="c.opened_on")
        return browsing.where(clauses), params

    @guarded
    def browse_cases(
        self, filter: browsing.BrowseFilter | None = None, *, limit: int = 100, offset: int = 0
    ) -> list[Case]:
        """Cases under `filter`, newest first, one page at a time."""
        where, params = self._case_where(filter or browsing.BrowseFilter.model_construct())
        columns = ", ".join(f"c.{column.strip()}" for column in COLUMNS[Case].split(","))
        rows = self._rows(
            f"SELECT {columns} FROM cases c WHERE {where} "
            "ORDER BY c.opened_on DESC, c.id DESC LIMIT :limit OFFSET :offset",
            {**params, "limit": limit, "offset": offset},
        )
        return self._cases_from_rows(rows)

    @guarded
    def count_browse_cases(self, filter: browsing.BrowseFilter | None = None) -> int:
        where, params = self._case_where(filter or browsing.BrowseFilter.model_construct())
        return int(self.conn.execute(f"SELECT count(*) FROM cases c WHERE {where}", params).fetchone()[0])

    def _track_records(self, strategy_ids: list[int]) -> dict[int, browsing.TrackRecord]:
        """What was reported on each strategy, from the actions taken to try it."""
        records: dict[int, browsing.TrackRecord] = defaultdict(browsing.TrackRecord)
        for chunk in range(0, len(strategy_ids), 500):
            ids = strategy_ids[chunk : chunk + 500]
            for strategy_id, outcome, count in self.conn.execute(
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

    @guarded
    def browse_strategies(
        self, filter: browsing.BrowseFilter | None = None, *, limit: int = 100, offset: int = 0
    ) -> list[browsing.StrategyRecord]:
        """Strategies under `filter`, newest first, each with its track record."""
        clauses, params = browsing.strategy_filter(filter or browsing.BrowseFilter.model_construct())
        ids = [
            r[0]
            for r in self.conn.execute(
                f"SELECT s.id FROM strategies s JOIN cases c ON c.id = s.case_id "
                f"WHERE {browsing.where(clauses)} ORDER BY s.id DESC LIMIT :limit OFFSET :offset",
                {**params, "limit": limit, "offset": offset},
            ).fetchall()
        ]
        return self._strategies_by_id(ids)

    @guarded
    def count_browse_strategies(self, filter: browsing.BrowseFilter | None = None) -> int:
        clauses, params = browsing.strategy_filter(filter or browsing.BrowseFilter.model_construct())
        return int(
            self.conn.execute(
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

    @guarded
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
        return readable(lambda r: from_row(Action, r), rows)

    @guarded
    def count_browse_actions(
        self, *, status: ActionStatus | None = ActionStatus.OPEN, member: str | None = None
    ) -> int:
        where, params = self._action_where(status, member)
        return int(self.conn.execute(f"SELECT count(*) FROM actions WHERE {where}", params).fetchone()[0])

    @guarded
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

    @guarded
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
            for r in self.conn.execute(
                browsing.WHAT_HAS_WORKED_SQL.format(where=browsing.where(clauses)), params
            )
        ]
        return self._strategies_by_id(ids)

    @guarded
    def search(self, text: str, *, limit: int = 50) -> list[SearchHit]:
        """The best `limit` matches for what was typed, across every kind of text, best first."""
        return search.best(search.find(self.conn, text, limit=limit), limit)

    @guarded
    def browse_search(
        self, text: str, filter: browsing.BrowseFilter | None = None, *, limit: int = 50
    ) -> list[SearchHit]:
        """Up to `limit` matches of each kind under `filter`, grouped by kind (cases first)."""
        return search.find(self.conn, text, filter, limit=limit)

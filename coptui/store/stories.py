"""The stories the browser tells: a case, strategy, member or session with everything around it."""

from __future__ import annotations

from coptui.models import (
    Action,
    Case,
    ReportBack,
    Session,
    Strategy,
    Topic,
)
from coptui.store import browsing
from coptui.store.base import guarded
from coptui.store.browse import BrowseStore
from coptui.store.errors import NotFound
from coptui.store.rows import (
    COLUMNS,
    from_row,
)


class StoryStore(BrowseStore):
    """Each story gathered in a few queries, never one per item."""

    @guarded
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

    @guarded
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

    @guarded
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
                self.conn.execute(
                    "SELECT count(*) FROM attendance WHERE member = ? AND presence = 'attended'", [handle]
                ).fetchone()[0]
            ),
        )

    @guarded
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

    @guarded
    def live_story(self) -> browsing.SessionStory | None:
        """The live session and everything filed in it so far, or None when no session is live."""
        live = self.live_session()
        return None if live is None or live.id is None else self.session_story(live.id)

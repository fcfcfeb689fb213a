"""The store's browsing queries: filters, track records, stories and filtered search."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from repertoire_templates import RepertoireTemplates, sample_document

from coptui.models import Action, ActionStatus, CaseStatus, Outcome, ReportBack, SessionStatus
from coptui.store import HitKind, Repertoire
from coptui.store.browsing import BrowseFilter, SortOrder


@pytest.fixture
def guild(tmp_path: Path, repertoire_templates: RepertoireTemplates) -> Iterator[Repertoire]:
    with Repertoire.open(repertoire_templates.copy(tmp_path / "guild.db", sample_document)) as repertoire:
        yield repertoire


def case_ids(repertoire: Repertoire, **filter: object) -> list[int]:
    return [c.id or 0 for c in repertoire.browse_cases(BrowseFilter.model_validate(filter))]


def test_every_case_filter_narrows_the_list(repertoire: Repertoire) -> None:
    assert case_ids(repertoire) == [2, 1]
    assert case_ids(repertoire, topic="alerting") == [1]
    assert case_ids(repertoire, status=CaseStatus.OPEN) == [2]
    assert case_ids(repertoire, outcome=Outcome.WORKED) == [1]
    assert case_ids(repertoire, outcome=Outcome.PARTLY) == []
    assert case_ids(repertoire, member="cho") == [2]
    assert case_ids(repertoire, since=date(2026, 10, 2)) == [2]
    assert case_ids(repertoire, until=date(2026, 10, 1)) == [1]
    assert repertoire.count_browse_cases(BrowseFilter(topic="on-call")) == 2


def test_cases_page_by_offset(repertoire: Repertoire) -> None:
    first = repertoire.browse_cases(limit=1)
    second = repertoire.browse_cases(limit=1, offset=1)
    assert [c.id for c in first + second] == [2, 1]


def test_strategies_carry_their_track_record(repertoire: Repertoire) -> None:
    records = repertoire.browse_strategies()
    assert [(r.strategy.id, r.record.worked, r.record.tried) for r in records] == [(2, 0, 0), (1, 1, 1)]
    assert records[1].record.summary() == "tried once: 1 worked, 0 partly, 0 did not work"
    assert repertoire.count_browse_strategies(BrowseFilter(member="cho")) == 1
    assert [r.strategy.id for r in repertoire.browse_strategies(BrowseFilter(outcome=Outcome.WORKED))] == [1]


def test_what_has_worked_ranks_the_recurring_alert_fatigue(guild: Repertoire) -> None:
    ranked = guild.what_has_worked(topic="alerting")
    scores = [r.record.score for r in ranked]
    assert scores == sorted(scores, reverse=True)
    assert all(r.record.tried or r.record.not_tried for r in ranked)
    # The alerting cases of three different sessions all contribute.
    assert len({r.strategy.case for r in ranked}) >= 3
    assert ranked[-1].record.did_not_work >= 1
    searched = guild.what_has_worked(text="alert fatigue")
    assert searched and {r.strategy.id for r in searched} <= {r.strategy.id for r in guild.what_has_worked()}
    assert guild.what_has_worked(text="!!") == []


def test_case_story_tells_everything(repertoire: Repertoire) -> None:
    story = repertoire.case_story(1)
    assert story.presenter.handle == "ben"
    assert [t.slug for t in story.topics] == ["alerting", "on-call"]
    assert [s.strategy.id for s in story.strategies] == [1, 2]
    assert [a.id for a in story.actions] == [1, 2]
    assert [r.outcome for r in story.report_backs] == [Outcome.WORKED]
    assert [s.title for s in story.sessions] == ["October clinic", "November clinic"]


def test_member_session_and_strategy_stories(repertoire: Repertoire) -> None:
    ben = repertoire.member_story("ben")
    assert [c.id for c in ben.cases] == [1]
    assert [a.id for a in ben.actions] == [1, 2]
    assert ben.sessions_attended == 2
    cho = repertoire.member_story("cho")
    assert [s.strategy.id for s in cho.strategies] == [2]
    session = repertoire.session_story(1)
    assert [c.id for c in session.cases] == [1]
    assert [n.id for n in session.notes] == [1]
    strategy = repertoire.strategy_story(1)
    assert strategy.case.id == 1 and [r.id for r in strategy.report_backs] == [1]


def test_filtered_search_groups_by_kind_and_sorts(guild: Repertoire) -> None:
    hits = guild.browse_search("alert")
    kinds = [h.kind for h in hits]
    assert kinds == sorted(
        kinds, key=[HitKind.CASE, HitKind.STRATEGY, HitKind.REPORT_BACK, HitKind.NOTE].index
    )
    assert {HitKind.CASE, HitKind.STRATEGY, HitKind.REPORT_BACK, HitKind.NOTE} <= set(kinds)
    by_date = [
        h.on for h in guild.browse_search("alert", BrowseFilter(sort=SortOrder.DATE)) if h.kind == "case"
    ]
    assert None not in by_date and by_date == sorted(filter(None, by_date), reverse=True)
    jun = guild.browse_search("alert", BrowseFilter(member="jun"))
    assert jun and all(h.author == "jun" for h in jun)
    topic = guild.browse_search("alert", BrowseFilter(topic="slos"))
    assert topic and all(h.case in (7, 12) for h in topic)
    worked = guild.browse_search("alert", BrowseFilter(outcome=Outcome.DID_NOT_WORK))
    assert worked and all(h.kind != HitKind.REPORT_BACK or h.id in (5, 11, 22) for h in worked)
    since = guild.browse_search("alert", BrowseFilter(since=date(2026, 11, 1)))
    assert since and all(h.on and h.on >= "2026-11-01" for h in since)  # ISO dates
    status = guild.browse_search("alert", BrowseFilter(status=CaseStatus.RESOLVED))
    assert status and all(guild.case(h.case or 0).status is CaseStatus.RESOLVED for h in status)


def test_open_actions_page_soonest_first(repertoire: Repertoire) -> None:
    assert [a.id for a in repertoire.browse_actions()] == [2]
    assert [a.id for a in repertoire.browse_actions(status=None)] == [1, 2]
    repertoire.add_action(Action(case=2, owner="cho", text="Prune runbooks", due=date(2026, 11, 20)))
    assert [a.owner for a in repertoire.browse_actions()] == ["cho", "ben"]
    assert repertoire.count_browse_actions(member="ben") == 1


def test_live_story_follows_the_live_session(repertoire: Repertoire) -> None:
    assert repertoire.live_story() is None
    session = repertoire.session(2).model_copy(update={"status": SessionStatus.LIVE, "current_phase": 1})
    repertoire.update_session(session)
    story = repertoire.live_story()
    assert story is not None and story.session.id == 2
    repertoire.add_report_back(
        ReportBack(action=2, member="ben", outcome=Outcome.PARTLY, session=2, reported_on=date(2026, 11, 5))
    )
    story = repertoire.live_story()
    assert story is not None and len(story.report_backs) == 2
    assert repertoire.action(2).status is ActionStatus.DONE


def test_overview_counts(repertoire: Repertoire) -> None:
    overview = repertoire.overview()
    assert (overview.case_count, overview.member_count, overview.session_count) == (2, 3, 2)
    assert overview.open_action_count == 1
    assert [t.cases for t in repertoire.topic_summaries()] == [1, 2]

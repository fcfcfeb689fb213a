"""Practices in the store: one per strategy from the start, reused across cases, ranked by evidence."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database
from sqlite_utils.db import Table

from coptui.models import Action, Case, Model, Outcome, RepertoireDocument, ReportBack, Strategy
from coptui.store import NotFound, Repertoire
from coptui.store.connection import connect
from coptui.store.evidence import ensure_sqrt, evidence_sql
from coptui.store.rows import CASE_SIDE_FIELDS, SESSION_SIDE_FIELDS, to_row
from coptui.store.schema import APPLICATION_ID, MIGRATION_NAMES, migrations

DAY = date(2026, 11, 20)


def file_before_practices(path: Path, document: RepertoireDocument) -> None:
    """A repertoire as the coptui before practices wrote it: schema 0010, strategies without one."""
    db = Database(connect(path))
    migrations.apply(db, stop_before="0011_practices")
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute(f"PRAGMA user_version = {MIGRATION_NAMES.index('0011_practices')}")
    Table(db, "community").insert({"id": 1, **to_row(document.community)})
    tables: list[tuple[str, Sequence[Model], frozenset[str]]] = [
        ("members", document.members, frozenset()),
        ("sessions", document.sessions, SESSION_SIDE_FIELDS),
        ("cases", document.cases, CASE_SIDE_FIELDS),
        ("strategies", document.strategies, frozenset({"practice"})),
        ("actions", document.actions, frozenset()),
        ("report_backs", document.report_backs, frozenset()),
    ]
    for table, items, side in tables:
        Table(db, table).insert_all(to_row(item, exclude=side) for item in items)
    db.close()


def test_an_older_file_gives_each_strategy_a_practice_of_its_own(
    tmp_path: Path, document: RepertoireDocument
) -> None:
    path = tmp_path / "old.db"
    file_before_practices(path, document)
    with sqlite3.connect(path) as conn:
        assert "practices" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    with Repertoire.open(path) as repertoire:
        assert [(s.id, s.practice) for s in repertoire.strategies()] == [(1, 1), (2, 2)]
        first, second = repertoire.practice(1), repertoire.practice(2)
        assert (first.name, first.created_on) == ("Route low-urgency alerts to tickets", date(2026, 10, 1))
        assert second.name == "Weekly alert review with on-call"
        records = repertoire.practice_records([1, 2])
        assert records[1].record.worked == 1 and records[1].cases == 1 and records[1].uses == 1
        assert records[2].record.tried == 0
        assert [r.practice.id for r in repertoire.suggest_practices("ticket")] == [1]
        # The search index is one sqlite-utils and Datasette find.
        assert Table(repertoire.db, "practices").detect_fts() == "practices_fts"
        assert repertoire.db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_an_imported_file_gives_each_strategy_a_practice_of_its_own(repertoire: Repertoire) -> None:
    assert repertoire.count_practices() == 2
    assert [(p.practice.name, p.record.worked) for p in repertoire.practices()] == [
        ("Route low-urgency alerts to tickets", 1),
        ("Weekly alert review with on-call", 0),
    ]


def new_case(repertoire: Repertoire, title: str, **fields: object) -> int:
    case = repertoire.add_case(
        Case.model_validate({"presenter": "ben", "title": title, "opened_on": DAY, **fields})
    )
    assert case.id is not None
    return case.id


def try_it(repertoire: Repertoire, strategy: Strategy, *outcomes: Outcome) -> None:
    """A member takes an action under `strategy` for each outcome, and reports that outcome."""
    for outcome in outcomes:
        action = repertoire.add_action(
            Action(case=strategy.case, strategy=strategy.id, owner="ben", text="Try it")
        )
        repertoire.add_report_back(
            ReportBack(action=action.id, member="ben", outcome=outcome, reported_on=DAY)
        )


def test_a_strategy_reuses_a_practice_and_its_record_counts_every_case(repertoire: Repertoire) -> None:
    case_id = new_case(repertoire, "Pager storms at the weekend")
    reuse = repertoire.add_strategy(
        Strategy(case=case_id, proposer="cho", text="Tickets for low urgency", practice=1)
    )
    assert reuse.practice == 1 and repertoire.strategy(reuse.id or 0).practice == 1
    try_it(repertoire, reuse, Outcome.PARTLY, Outcome.DID_NOT_WORK, Outcome.NOT_TRIED)
    record = repertoire.practice_records([1])[1]
    assert record.record.model_dump() == {"worked": 1, "partly": 1, "did_not_work": 1, "not_tried": 1}
    assert (record.cases, record.uses) == (2, 2)
    story = repertoire.practice_story(1)
    assert [(u.case_title, u.strategy.text, u.record.tried) for u in story.uses] == [
        ("Alert fatigue at night", "Route low-urgency alerts to tickets", 1),
        ("Pager storms at the weekend", "Tickets for low urgency", 2),
    ]
    first, second = story.uses
    assert (first.session_title, first.session_date) == ("October clinic", date(2026, 10, 1))
    assert (first.case_opened_on, first.case_status) == (date(2026, 10, 1), "reported")
    assert (second.session_title, second.session_date, second.case_status) == (None, None, "reported")
    assert [r.outcome for r in story.report_backs] == ["worked", "partly", "did_not_work", "not_tried"]
    assert story.report_backs[0].lesson == "Most pages were not urgent."


def test_a_new_strategy_is_a_new_practice_named_by_its_text(repertoire: Repertoire) -> None:
    strategy = repertoire.add_strategy(
        Strategy(case=2, session=2, proposer="ana", text="Runbook *review* [monthly]")
    )
    assert strategy.practice == 3
    practice = repertoire.practice(3)
    assert (practice.name, practice.created_on) == ("Runbook *review* [monthly]", date(2026, 11, 5))
    assert [r.practice.id for r in repertoire.suggest_practices("review the runbooks")][:1] == [3]


def test_reusing_a_practice_that_does_not_exist_changes_nothing(repertoire: Repertoire) -> None:
    with pytest.raises(NotFound, match=r"^There is no practice 7\.$"):
        repertoire.add_strategy(Strategy(case=2, proposer="ana", text="Something", practice=7))
    with pytest.raises(NotFound, match=r"^There is no practice 7\.$"):
        repertoire.practice(7)
    with pytest.raises(NotFound, match=r"^There is no practice 7\.$"):
        repertoire.practice_story(7)
    assert len(repertoire.strategies()) == 2 and repertoire.count_practices() == 2


def test_taking_back_a_strategy_takes_its_new_practice_but_never_a_shared_one(repertoire: Repertoire) -> None:
    own = repertoire.add_strategy(Strategy(case=2, proposer="ana", text="Own idea"))
    reuse = repertoire.add_strategy(Strategy(case=2, proposer="ana", text="Again", practice=2))
    repertoire.delete_strategy(own.id or 0)
    repertoire.delete_strategy(reuse.id or 0)
    assert (
        repertoire.count_practices() == 2
        and repertoire.practice(2).name == "Weekly alert review with on-call"
    )
    assert repertoire.suggest_practices("own idea") == []


def test_changing_or_taking_back_a_report_back_recounts_the_practice(repertoire: Repertoire) -> None:
    repertoire.db.execute("UPDATE report_backs SET outcome = 'did_not_work' WHERE id = 1")
    assert repertoire.practice_records([1])[1].record.did_not_work == 1
    repertoire.delete_report_back(1)
    record = repertoire.practice_records([1])[1]
    assert record.record.tried == 0 and record.evidence == 0 and record.cases == 0


def evidence(worked: int, partly: int, did_not_work: int) -> float:
    """The evidence score as the store computes it."""
    sql = evidence_sql(str(worked), str(partly), str(did_not_work))
    return float(sqlite3.connect(":memory:").execute(f"SELECT {sql}").fetchone()[0])


def test_evidence_is_the_wilson_lower_bound_of_the_share_that_worked() -> None:
    assert evidence(9, 0, 1) > evidence(1, 0, 0) > evidence(0, 0, 0) == 0
    assert evidence(0, 2, 0) == pytest.approx(evidence(1, 0, 1))  # partly counts half
    assert evidence(0, 0, 5) == pytest.approx(0, abs=1e-12)
    assert 0.59 < evidence(9, 0, 1) < 0.60 and 0.20 < evidence(1, 0, 0) < 0.21


class WithoutMath(sqlite3.Connection):
    """A connection to a SQLite built without its math functions."""

    given: list[str] = []

    def execute(self, sql: str, parameters: Any = ()) -> sqlite3.Cursor:
        if "sqrt" in sql and "sqrt" not in self.given:
            raise sqlite3.OperationalError("no such function: sqrt")
        return super().execute(sql, parameters)

    def create_function(self, name: str, narg: int, func: object, *, deterministic: bool = False) -> None:
        self.given.append(name)
        super().create_function(name, narg, func, deterministic=deterministic)  # type: ignore[arg-type]


def test_a_sqlite_without_math_functions_is_given_sqrt() -> None:
    conn = sqlite3.connect(":memory:", factory=WithoutMath)
    ensure_sqrt(conn)
    assert conn.execute("SELECT sqrt(9)").fetchone()[0] == 3 and WithoutMath.given == ["sqrt"]


def test_practices_are_ranked_by_evidence_nine_of_ten_above_one_of_one_and_untried_last(
    repertoire: Repertoire,
) -> None:
    case_id = new_case(repertoire, "Flaky deploys")
    nine = repertoire.add_strategy(Strategy(case=case_id, proposer="ana", text="Canary every deploy"))
    try_it(repertoire, nine, *[Outcome.WORKED] * 9, Outcome.DID_NOT_WORK)
    one = repertoire.add_strategy(Strategy(case=case_id, proposer="ana", text="Freeze on Fridays"))
    try_it(repertoire, one, Outcome.WORKED)
    ranked = [r.practice.name for r in repertoire.practices()]
    assert ranked[:2] == ["Canary every deploy", "Route low-urgency alerts to tickets"]
    assert ranked.index("Canary every deploy") < ranked.index("Freeze on Fridays")
    assert ranked[-1] == "Weekly alert review with on-call"  # never tried
    assert [r.practice.name for r in repertoire.practices(limit=2, offset=1)] == ranked[1:3]
    assert repertoire.count_practices() == 4


@pytest.mark.parametrize("text", ["", "   ", "!!! ?", "the and of"])
def test_nothing_searchable_suggests_nothing(repertoire: Repertoire, text: str) -> None:
    assert repertoire.suggest_practices(text) == []


def test_suggestions_follow_the_typing_and_share_words(repertoire: Repertoire) -> None:
    assert [r.practice.id for r in repertoire.suggest_practices("weekly rev")] == [2]
    assert next(r.practice.id for r in repertoire.suggest_practices("route alerts")) == 1
    assert {r.practice.id for r in repertoire.suggest_practices("alert")} == {1, 2}
    # Operators and quotes are words like any other.
    assert [r.practice.id for r in repertoire.suggest_practices('"tickets* OR NEAR(')] == [1]


def test_similar_cases_rank_by_shared_words_and_topics_and_say_what_helped(repertoire: Repertoire) -> None:
    only_title = new_case(repertoire, "Night alerts wake the on-call engineer")
    found = repertoire.similar_cases(only_title)
    assert [s.case.id for s in found][:1] == [1]
    first = found[0]
    assert (first.case.title, first.case.status, first.case.opened_on) == (
        "Alert fatigue at night",
        "reported",
        date(2026, 10, 1),
    )
    assert first.record.worked == 1
    assert [(p.practice.name, p.record.worked) for p in first.practices] == [
        ("Route low-urgency alerts to tickets", 1)
    ]
    assert only_title not in [s.case.id for s in found]


def test_a_shared_topic_lifts_a_case_above_one_equally_worded(repertoire: Repertoire) -> None:
    plain = new_case(repertoire, "Disk alerts flapping")
    topical = new_case(repertoire, "Disk alerts flapping", topics=["alerting"])
    found = repertoire.similar_to_text("Flapping disk alerts", ["alerting"], limit=3)
    ids = [s.case.id for s in found]
    assert ids.index(topical) < ids.index(plain)
    assert found[ids.index(topical)].shared_topics == 1
    # Sharing only a topic is enough to be seen.
    assert 1 in [s.case.id for s in repertoire.similar_to_text("Something else entirely", ["on-call"])]
    assert repertoire.similar_to_text("", []) == []


def test_similar_cases_of_a_case_that_does_not_exist(repertoire: Repertoire) -> None:
    with pytest.raises(NotFound, match=r"There is no case 99\."):
        repertoire.similar_cases(99)

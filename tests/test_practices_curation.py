"""Curating practices: merge, rename and split, in the store and through `coptui practices`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from coptui.cli import cli, main
from coptui.facilitation import LiveSession, ManualClock, SessionPlan
from coptui.formats import find_format
from coptui.models import Action, Case, Outcome, ReportBack, Strategy
from coptui.store import NotFound, Repertoire, StoreError

DAY = datetime(2026, 11, 20, tzinfo=UTC).date()


def practice_rows(repertoire: Repertoire) -> list[Any]:
    """Everything curation could change: the practices and which strategy uses which."""
    return [
        repertoire.db.execute("SELECT * FROM practices ORDER BY id").fetchall(),
        repertoire.db.execute("SELECT id, practice_id FROM strategies ORDER BY id").fetchall(),
        repertoire.db.execute("SELECT rowid, name FROM practices_fts ORDER BY rowid").fetchall(),
    ]


def second_case_reusing(repertoire: Repertoire, text: str, outcome: Outcome) -> Strategy:
    """A later case where the same idea was proposed again, as a new practice, and tried."""
    case = repertoire.add_case(Case(presenter="cho", title="Pager storms at the weekend", opened_on=DAY))
    strategy = repertoire.add_strategy(Strategy(case=case.id or 0, proposer="cho", text=text))
    action = repertoire.add_action(Action(case=case.id, strategy=strategy.id, owner="cho", text="Try it"))
    repertoire.add_report_back(ReportBack(action=action.id, member="cho", outcome=outcome, reported_on=DAY))
    return strategy


def test_a_merge_combines_track_records_and_a_split_undoes_it(repertoire: Repertoire) -> None:
    again = second_case_reusing(repertoire, "Send low-urgency alerts to the ticket queue", Outcome.PARTLY)
    assert again.practice == 3
    said = repertoire.merge_practices(1, 3)
    assert said == (
        "Merged practice 3 'Send low-urgency alerts to the ticket queue' into practice 1 "
        "'Route low-urgency alerts to tickets': 1 strategy moved; "
        "its record is now ✓1 ◐1 ✗0 over 2 cases tried."
    )
    assert repertoire.strategy(again.id or 0).practice == 1
    with pytest.raises(NotFound, match=r"There is no practice 3\."):
        repertoire.practice(3)
    record = repertoire.practice_records([1])[1]
    assert (record.record.worked, record.record.partly, record.cases, record.uses) == (1, 1, 2, 2)
    assert [r.practice.id for r in repertoire.suggest_practices("queue")] == []
    # The merge is undone by splitting the strategy off again: its report-back goes with it.
    split = repertoire.split_strategy(again.id or 0)
    assert (split.name, split.created_on) == ("Send low-urgency alerts to the ticket queue", DAY)
    assert repertoire.practice_records([split.id or 0])[split.id or 0].record.partly == 1
    assert repertoire.practice_records([1])[1].record.model_dump() == {
        "worked": 1,
        "partly": 0,
        "did_not_work": 0,
        "not_tried": 0,
    }
    assert [r.practice.id for r in repertoire.suggest_practices("queue")] == [split.id]


def test_a_split_can_name_the_new_practice(repertoire: Repertoire) -> None:
    again = second_case_reusing(repertoire, "Tickets, not pages", Outcome.WORKED)
    repertoire.merge_practices(1, again.practice or 0)
    split = repertoire.split_strategy(1, name="Route by urgency [v2] *now*")
    assert split.name == "Route by urgency [v2] *now*"
    assert repertoire.strategy(1).practice == split.id and repertoire.strategy(again.id or 0).practice == 1


def test_a_rename_is_searched_by_its_new_name_at_once(repertoire: Repertoire) -> None:
    said = repertoire.rename_practice(2, "  Alert review 🔔 | weekly  ")
    assert said == "Renamed practice 2 from 'Weekly alert review with on-call' to 'Alert review 🔔 | weekly'."
    assert repertoire.practice(2).name == "Alert review 🔔 | weekly"
    assert [r.practice.id for r in repertoire.suggest_practices("review")] == [2]
    assert repertoire.suggest_practices("on-call") == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda r: r.merge_practices(1, 1),
            "Cannot merge practice 1 'Route low-urgency alerts to tickets' into itself.",
        ),
        (lambda r: r.merge_practices(1, 9), "There is no practice 9."),
        (lambda r: r.merge_practices(9, 1), "There is no practice 9."),
        (lambda r: r.rename_practice(9, "x"), "There is no practice 9."),
        (
            lambda r: r.rename_practice(1, " \t\x1b "),
            "Cannot rename practice 1 'Route low-urgency alerts to tickets': the new name is empty.",
        ),
        (lambda r: r.split_strategy(9), "There is no strategy 9."),
        (
            lambda r: r.split_strategy(1),
            "Strategy 1 is the only use of practice 1 'Route low-urgency alerts to tickets'; "
            "there is nothing to split it from.",
        ),
    ],
)
def test_refusals_change_nothing(repertoire: Repertoire, change: Any, message: str) -> None:
    before = practice_rows(repertoire)
    with pytest.raises(StoreError) as refused:
        change(repertoire)
    assert str(refused.value) == message
    assert practice_rows(repertoire) == before


def test_a_practice_in_use_in_the_live_session_is_neither_merged_nor_split(repertoire: Repertoire) -> None:
    again = second_case_reusing(repertoire, "Tickets, not pages", Outcome.WORKED)
    repertoire.merge_practices(1, again.practice or 0)
    live = LiveSession.start(
        repertoire,
        SessionPlan(find_format("cop-meeting"), "ana", ["ben"], title="December clinic"),
        ManualClock(datetime(2026, 12, 3, 17, tzinfo=UTC)),
    )
    case = repertoire.add_case(
        Case(session=live.session_id, presenter="ben", title="Noisy disks", opened_on=DAY)
    )
    repertoire.add_strategy(
        Strategy(case=case.id or 0, session=live.session_id, proposer="ana", text="x", practice=1)
    )
    before = practice_rows(repertoire)
    in_use = "is in use in the live session 'December clinic'; try again once it has ended."
    with pytest.raises(
        StoreError, match=f"^Cannot merge: practice 1 'Route low-urgency alerts to tickets' {in_use}"
    ):
        repertoire.merge_practices(2, 1)
    with pytest.raises(StoreError, match=f"^Cannot split a strategy off: practice 1 .* {in_use}"):
        repertoire.split_strategy(again.id or 0)
    assert practice_rows(repertoire) == before
    repertoire.rename_practice(1, "Tickets for what can wait")  # a name may change meanwhile


def invoke(db_path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db_path), "practices", *args])


def test_the_cli_lists_shows_and_curates(db_path: Path) -> None:
    listed = invoke(db_path, "list")
    assert listed.exit_code == 0 and listed.stdout.splitlines() == [
        "   id  evidence  record          cases  name",
        "    1      0.21  ✓1 ◐0 ✗0            1  Route low-urgency alerts to tickets",
        "    2      0.00  ✓0 ◐0 ✗0            0  Weekly alert review with on-call",
    ]
    assert invoke(db_path, "list", "--limit", "1").stderr == "Listed 1–1 of 2; more with --offset 1\n"
    shown = invoke(db_path, "show", "1")
    assert shown.exit_code == 0
    assert shown.stdout.splitlines()[:4] == [
        "Practice 1: Route low-urgency alerts to tickets",
        "First used 2026-10-01; 1 use.",
        "Track record: tried once: 1 worked, 0 partly, 0 did not work.",
        "Tried on 1 case; evidence 0.21 of 1.",
    ]
    lines = shown.stdout.splitlines()
    assert lines[5:8] == [
        "Uses",
        "  case 1 'Alert fatigue at night', reported",
        "    strategy 1 at 'October clinic', 2026-10-01: ✓1 ◐0 ✗0",
    ]
    assert "    lesson: Most pages were not urgent." in lines
    renamed = invoke(db_path, "rename", "2", "Review [alerts] *weekly* |on-call| 🔔\x1b[31m")
    assert renamed.exit_code == 0
    assert renamed.stderr == (
        "Renamed practice 2 from 'Weekly alert review with on-call' "
        "to 'Review [alerts] *weekly* |on-call| 🔔'.\n"
    )
    assert (
        "    2      0.00  ✓0 ◐0 ✗0            0  Review [alerts] *weekly* |on-call| 🔔"
        in invoke(db_path, "list").stdout.splitlines()
    )
    merged = invoke(db_path, "merge", "1", "2")
    assert merged.exit_code == 0 and merged.stderr.startswith("Merged practice 2 ")
    split = invoke(db_path, "split", "2", "--name", "Weekly review")
    assert split.exit_code == 0
    assert split.stderr == "Split strategy 2 off into a practice of its own: practice 2 'Weekly review'.\n"
    with Repertoire.open(db_path) as repertoire:
        assert [(s.id, s.practice) for s in repertoire.strategies()] == [(1, 1), (2, 2)]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["show", "7"], 1, "coptui: There is no practice 7."),
        (
            ["merge", "1", "1"],
            1,
            "coptui: Cannot merge practice 1 'Route low-urgency alerts to tickets' into itself.",
        ),
        (
            ["rename", "1", ""],
            1,
            "coptui: Cannot rename practice 1 'Route low-urgency alerts to tickets': the new name is empty.",
        ),
        (
            ["split", "1"],
            1,
            "coptui: Strategy 1 is the only use of practice 1 'Route low-urgency alerts to tickets'; "
            "there is nothing to split it from.",
        ),
        (["split", "9"], 1, "coptui: There is no strategy 9."),
        (
            ["show", "seven"],
            2,
            "coptui: Invalid value for 'N': 'seven' is not a number the lists show (1, 2, 3 …)",
        ),
        (
            ["merge", "1", "0"],
            2,
            "coptui: Invalid value for 'OTHER': '0' is not a number the lists show (1, 2, 3 …)",
        ),
        (
            ["show", str(2**70)],
            2,
            "coptui: Invalid value for 'N': '1180591620717411303424' is not a number the lists show",
        ),
        (["list", "--limit", "0"], 2, "coptui: Invalid value for '--limit': 0 is not in the range x>=1."),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(
    db_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], code: int, message: str
) -> None:
    with Repertoire.open(db_path) as repertoire:
        before = practice_rows(repertoire)
    with pytest.raises(SystemExit) as exited:
        main(["--db", str(db_path), "practices", *args])
    out, err = capsys.readouterr()
    assert (exited.value.code, out) == (code, "")
    assert err.startswith(message) and err.count("\n") == 1
    with Repertoire.open(db_path) as repertoire:
        assert practice_rows(repertoire) == before

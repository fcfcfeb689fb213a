"""The action register: relative due dates, the next meeting, overdue marks and what is carried forward."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from ui_helpers import rows, screen_lines, settle, words

from coptui.export import export_repertoire, minutes
from coptui.facilitation import LiveSession, ManualClock, SessionPlan
from coptui.facilitation.tags import is_relative_date, relative_date
from coptui.formats import find_format
from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp

START = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)  # a Thursday
THURSDAY = START.date()


@pytest.mark.parametrize(
    ("said", "meant"),
    [
        ("+3d", date(2026, 12, 6)),
        ("+2w", date(2026, 12, 17)),
        ("fri", date(2026, 12, 4)),
        ("Friday", date(2026, 12, 4)),
        ("thu", date(2026, 12, 10)),  # on a Thursday, a week on
        ("tomorrow", date(2026, 12, 4)),
        ("today", THURSDAY),
        ("next", date(2027, 1, 14)),
    ],
)
def test_relative_dates_are_read_against_today(said: str, meant: date) -> None:
    assert is_relative_date(said)
    assert relative_date(said, THURSDAY, date(2027, 1, 14)) == meant


def test_what_is_not_a_relative_date() -> None:
    assert not any(is_relative_date(word) for word in ("2026-12-01", "t", "someday", "+3y", "s", "+"))
    assert "no date is set for the next meeting" in str(relative_date("next", THURSDAY, None))


@pytest.fixture
def live(repertoire: Repertoire) -> LiveSession:
    plan = SessionPlan(find_format("cop-meeting"), "ana", ["ben", "cho"], title="December clinic")
    return LiveSession.start(repertoire, plan, ManualClock(START))


def test_next_meeting_and_due_dates_relative_to_it(live: LiveSession, repertoire: Repertoire) -> None:
    refused = live.enter("#action @ben due:next Try it")
    assert not refused.ok and "#next" in refused.message
    assert not live.enter("#next 2026-12-01").ok, "the next meeting is after today"
    said = live.enter("#next 2027-01-14")
    assert said.ok and "Thursday 14 January 2027" in said.message
    filed = live.enter("#action @ben due:next Try ticket routing")
    assert filed.ok and "due Thu 14 Jan 2027" in filed.message
    assert live.enter("#action @cho due:+2w Write the runbook").ok
    assert live.enter("#action @cho due:fri Call the vendor").ok
    dues = {a.text: a.due for a in repertoire.actions() if a.session == live.session_id}
    assert dues == {
        "Try ticket routing": date(2027, 1, 14),
        "Write the runbook": date(2026, 12, 17),
        "Call the vendor": date(2026, 12, 4),
    }
    assert repertoire.session(live.session_id).next_meeting == date(2027, 1, 14)
    text = minutes(repertoire, live.session_id, "md")
    assert "- **Next meeting:** Thursday 14 January 2027" in text


def test_undo_takes_the_next_meeting_back(live: LiveSession, repertoire: Repertoire) -> None:
    live.enter("#next +6w")
    assert repertoire.session(live.session_id).next_meeting == date(2027, 1, 14)
    assert live.undo().ok
    assert repertoire.session(live.session_id).next_meeting is None


def test_minutes_carry_forward_every_open_action_and_mark_the_overdue(
    live: LiveSession, repertoire: Repertoire
) -> None:
    # Action 2 (ben, due 1 December, agreed in October) is open and not reported on.
    live.end()
    text = minutes(repertoire, live.session_id, "md")
    carried = text.split("## Open actions carried forward")[1]
    assert "Start a weekly alert review" in carried and "2026-12-01 **(overdue)**" in carried
    assert "October clinic" in carried and "1 action still open" in carried
    # Minutes of the October session itself carry nothing forward: nothing was agreed before it.
    october = minutes(repertoire, 1, "md").split("## Open actions carried forward")[1]
    assert "No action agreed at an earlier session is still open." in october


async def test_the_report_back_marks_an_overdue_matter_in_words(db_path: Path) -> None:
    with Repertoire.open(db_path) as repertoire:
        plan = SessionPlan(find_format("cop-meeting"), "ana", ["ben", "cho"])
        app = CoptuiApp(repertoire, clock=ManualClock(START), launch=plan)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press(*"#next 2027-01-14", "enter")
            await settle(pilot)
            await pilot.press("f2")
            await pilot.pause()
            await pilot.press("down", "down", "down", "enter")
            await settle(pilot)
            workspace = app.screen.query_one("#workspace").region
            assert "⚠ overdue 01 Dec" in words(" ".join(screen_lines(app, workspace)))


async def test_the_browser_marks_overdue_actions(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("coptui.ui.stories.today", lambda: date(2026, 12, 2))
    with Repertoire.open(db_path, read_only=True) as repertoire:
        app = CoptuiApp(repertoire)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert "2026-12-01 ⚠ overdue @ben Start a weekly alert review" in rows(app)


def _carried_rows(page: str) -> tuple[list[str], str]:
    """The register's table rows on a page of minutes, and the line under the table."""
    section = page.split("## Open actions carried forward")[1].split("\n\n## ")[0].split("\n\n---")[0]
    table, _, after = section.strip().partition("\n\n")
    return [line for line in table.splitlines()[2:]], after


def test_minutes_list_the_open_actions_due_first_and_point_to_the_rest(
    live: LiveSession, repertoire: Repertoire, tmp_path: Path
) -> None:
    for day in range(30, 0, -1):  # entered latest due first: the register orders them itself
        assert live.enter(f"#action @cho due:2027-01-{day:02d} Step {day}").ok
    live.end()
    january = LiveSession.start(
        repertoire,
        SessionPlan(find_format("cop-meeting"), "ana", ["ben", "cho"], title="January clinic"),
        ManualClock(datetime(2027, 1, 14, 17, 0, tzinfo=UTC)),
    )
    january.end()
    still_open = sorted(
        (a.due or date.max, a.id or 0, a.text)
        for a in repertoire.actions()
        if a.status.value == "open" and a.session != january.session_id
    )
    assert len(still_open) > 25

    rows, after = _carried_rows(minutes(repertoire, january.session_id, "md"))
    assert [row.split(" | ")[1] for row in rows] == [text for _, _, text in still_open[:25]]
    assert "| Step 13 | 2027-01-13 **(overdue)** |" in "\n".join(rows)
    assert "| Step 14 | 2027-01-14 |" in "\n".join(rows)  # due on the day of the meeting: not overdue
    assert after == (
        f"*{len(still_open)} actions still open when these minutes were written; the 25 due first "
        "are listed here. The browser's Open actions pane lists them all.*"
    )

    export_repertoire(repertoire, tmp_path / "out")
    page = next((tmp_path / "out").rglob("*january-clinic*.md")).read_text()
    folder_rows, folder_after = _carried_rows(page)
    assert [row.split(" | ")[1] for row in folder_rows] == [text for _, _, text in still_open[:25]]
    assert folder_after.endswith(
        "The community page lists them all under [Open actions](../index.md#open-actions).*"
    )
    index = (tmp_path / "out" / "index.md").read_text()
    register = index.split("\n## Open actions\n")[1].split("\n## ")[0]
    assert all(f"| {text} |" in register for _, _, text in still_open)


def test_minutes_do_not_call_time_spent_in_another_phase_a_pause(
    repertoire: Repertoire,
) -> None:
    clock = ManualClock(START)
    live = LiveSession.start(
        repertoire, SessionPlan(find_format("cop-meeting"), "ana", ["ben", "cho"], title="Revisited"), clock
    )
    clock.advance(minutes=2)
    assert live.next_phase()
    clock.advance(minutes=4)  # in problem sharing; check-in's timer is not running
    assert live.jump_to(0)
    clock.advance(minutes=1)
    live.end()
    check_in = minutes(repertoire, live.session_id, "md").split("## 1. Check-in")[1].split("\n\n## ")[0]
    assert "took 3 min (4 min paused or in other phases)" in check_in

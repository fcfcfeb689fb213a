"""Equity of voice: each attendee's contributions by kind, and speaking time, on screen and in the minutes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from ui_helpers import screen_lines, settle, words

from coptui.config import config_dir
from coptui.export.api import minutes, save_minutes
from coptui.facilitation import LiveSession, ManualClock, SessionPlan
from coptui.facilitation.participant import Participant
from coptui.formats import find_format
from coptui.store import Repertoire
from coptui.store.participants import Participation
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.session_summary import SessionSummaryScreen

START = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
SOLVING = 2


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


def quiet_format(config: Path) -> str:
    """A community's own format that turns the participation table off."""
    folder = config / "formats"
    folder.mkdir(parents=True)
    (folder / "quiet.toml").write_text(
        'title = "Quiet"\nparticipation_table = false\n'
        + "".join(
            f'[[phases]]\nkind = "{kind}"\ntitle = "{kind}"\ntimebox_minutes = 10\n'
            for kind in ("check_in", "problem_sharing", "problem_solving", "report_back")
        )
    )
    return "quiet"


def meeting(repertoire: Repertoire, clock: ManualClock, format_name: str = "cop-meeting") -> LiveSession:
    """A check-in round (Ben from his own terminal after 90 s, Ana 30 s later), a case, strategies, dots."""
    plan = SessionPlan(find_format(format_name, config_dir()), "ana", ["ben", "cho"], title="December clinic")
    live = LiveSession.start(repertoire, plan, clock)
    ben = Participant.join(repertoire, "ben", via="ssh", clock=clock)
    clock.advance(seconds=90)
    assert ben.enter("Here [from home] *today*").ok
    clock.advance(seconds=30)
    assert live.enter("@ana Glad you all came").ok
    assert live.next_phase()
    assert ben.enter("#case Flaky deploys").ok
    assert live.next_phase()
    assert live.enter("#strategy @ana Canary first").ok
    assert ben.enter("#strategy Freeze on Fridays").ok
    assert ben.enter("#vote 1 2").ok
    assert ben.enter("a note from ben").ok
    return live


def test_participation_counts_each_attendees_contributions_and_check_in_time(
    repertoire: Repertoire, clock: ManualClock
) -> None:
    live = meeting(repertoire, clock)
    assert repertoire.participation(live.session_id) == [
        Participation("ana", check_ins=1, strategies=1, speaking_seconds=30),
        Participation("ben", check_ins=1, cases=1, strategies=1, notes=1, votes=2, speaking_seconds=90),
        Participation("cho"),
    ]
    assert live.not_yet_heard() == ["cho"]
    assert live.view().not_yet_heard == ("cho",)


def test_the_minutes_file_has_the_participation_table(
    repertoire: Repertoire, clock: ManualClock, tmp_path: Path
) -> None:
    live = meeting(repertoire, clock)
    live.end()
    text = save_minutes(repertoire, live.session_id, tmp_path).read_text(encoding="utf-8")
    table = text.split("## Participation\n\n")[1]
    assert table.splitlines()[:5] == [
        "| Member | Check-in | Cases | Strategies | Notes | Votes | Reports | Spoke |",
        "|---|---|---|---|---|---|---|---|",
        "| Ana Ruiz | 1 | 0 | 1 | 0 | 0 | 0 | 0:30 |",
        "| Ben Okafor | 1 | 1 | 1 | 1 | 2 | 0 | 1:30 |",
        r"| Cho \[lead\] \*ops\* | 0 | 0 | 0 | 0 | 0 | 0 | — |",
    ]
    assert r"Not heard: Cho \[lead\] \*ops\*." in text


def test_a_format_can_turn_the_table_off(repertoire: Repertoire, clock: ManualClock, tmp_path: Path) -> None:
    live = meeting(repertoire, clock, quiet_format(tmp_path / "config"))
    assert live.summary().participation == ()
    assert "Participation" not in minutes(repertoire, live.session_id)


async def summary_drawn(db_path: Path, clock: ManualClock, *, f5_presses: int) -> list[str]:
    """The live session resumed and ended with F5: its summary's lines as drawn, wrapping undone."""
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, clock=clock, launch="resume")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press(*["f5"] * f5_presses)
            await settle(pilot)
            assert isinstance(app.screen, SessionSummaryScreen)
            return [words(line) for line in screen_lines(app)]


async def test_the_session_summary_shows_the_participation_table(db_path: Path, clock: ManualClock) -> None:
    with Repertoire.open(db_path) as repertoire:
        meeting(repertoire, clock)
    shown = await summary_drawn(db_path, clock, f5_presses=3)
    start = shown.index("Participation")
    assert shown[start + 1 : start + 5] == [
        "Member Check-in Cases Strategies Notes Votes Reports Spoke",
        "Ana Ruiz 1 0 1 0 0 0 00:30",
        "Ben Okafor 1 1 1 1 2 0 01:30",
        "Cho [lead] *ops* 0 0 0 0 0 0 —",
    ]
    assert "Not heard: Cho [lead] *ops*" in shown


def quick_round(repertoire: Repertoire, clock: ManualClock) -> LiveSession:
    """Ben checks in a minute in; Cho's check-in is filed half a second after his (typed one after
    the other); Ana never checks in."""
    plan = SessionPlan(find_format("cop-meeting"), "ana", ["ben", "cho"], title="Quick round")
    live = LiveSession.start(repertoire, plan, clock)
    clock.advance(seconds=60)
    assert live.enter("@ben fine").ok
    clock.advance(seconds=0.5)
    assert live.enter("@cho fine too").ok
    return live


def test_a_check_in_filed_within_a_second_of_the_one_before_has_no_time(
    repertoire: Repertoire, clock: ManualClock, tmp_path: Path
) -> None:
    live = quick_round(repertoire, clock)
    assert [
        (p.member, p.check_ins, p.speaking_seconds) for p in repertoire.participation(live.session_id)
    ] == [
        ("ana", 0, None),
        ("ben", 1, 60),
        ("cho", 1, None),
    ]
    live.end()
    table = save_minutes(repertoire, live.session_id, tmp_path).read_text(encoding="utf-8")
    rows = table.split("## Participation\n\n")[1].splitlines()
    assert rows[3:5] == [
        "| Ben Okafor | 1 | 0 | 0 | 0 | 0 | 0 | 1:00 |",
        r"| Cho \[lead\] \*ops\* | 1 | 0 | 0 | 0 | 0 | 0 | — |",
    ]


async def test_the_summary_shows_a_dash_not_no_time_for_a_check_in_filed_at_once(
    db_path: Path, clock: ManualClock
) -> None:
    with Repertoire.open(db_path) as repertoire:
        quick_round(repertoire, clock)
    shown = await summary_drawn(db_path, clock, f5_presses=5)
    start = shown.index("Participation")
    assert shown[start + 2 : start + 5] == [
        "Ana Ruiz 0 0 0 0 0 0 —",
        "Ben Okafor 1 0 0 0 0 0 01:00",
        "Cho [lead] *ops* 1 0 0 0 0 0 —",
    ]

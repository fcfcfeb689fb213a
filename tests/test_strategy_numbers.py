"""A strategy's number means the strategy on screen when Enter was pressed (QA's X5).

The strategies of the case in focus are numbered alike on the facilitator's screen and each
member's, and a number holds all session: one taken back (a member's undo, the facilitator's undo
or take-back) leaves its number empty, marked withdrawn, never given to another. A `#vote N`,
`#pick N` or `#action … strategy:N` Entered before a removal and filed after it files on the
strategy it named, or is refused naming it; every reply names the strategy it filed on.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from test_participant_screen import joined, message
from test_report_numbers import journal
from ui_helpers import polled_until, screen_lines, settle, words

from coptui.facilitation import LiveSession, ManualClock, SessionPlan
from coptui.facilitation.participant import Participant
from coptui.facilitation.view import EntryResult
from coptui.formats import DEFAULT_FORMAT, find_format
from coptui.models import Command, CommandKind
from coptui.store import Repertoire
from coptui.store.journal import CaptureJournal
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.participant import ParticipantScreen
from coptui.ui.widgets.capture import CaptureInput

if TYPE_CHECKING:
    from coptui.facilitation.strategy_numbers import StrategyNumbers

START = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
SHARING, SOLVING = 1, 2
STRATEGIES = ["Route alerts to tickets", "ben-A idea", "cho-B idea", "ben-C idea"]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


def four_strategies(
    repertoire: Repertoire, clock: ManualClock
) -> tuple[LiveSession, Participant, Participant]:
    """Problem solving on cho's case: 1 ana's, 2 ben's (from his terminal), 3 cho's (from hers),
    4 one the facilitator files for ben; and ben's and cho's participants."""
    plan = SessionPlan(
        session_format=find_format(DEFAULT_FORMAT), facilitator="ana", attendees=["ben", "cho"]
    )
    live = LiveSession.start(repertoire, plan, clock)
    live.jump_to(SHARING)
    assert live.enter("#case @cho Alert fatigue").ok
    live.jump_to(SOLVING)
    assert live.enter("#strategy @ana Route alerts to tickets").ok
    ben = Participant.join(repertoire, "ben", via="ssh", clock=clock)
    cho = Participant.join(repertoire, "cho", via="ssh", clock=clock)
    assert ben.enter("#strategy ben-A idea").ok
    assert cho.enter("#strategy cho-B idea").ok
    assert live.enter("#strategy @ben ben-C idea").ok
    return live, ben, cho


def focused(repertoire: Repertoire) -> int:
    """The case in focus (cho's, brought today)."""
    session = repertoire.live_session()
    assert session is not None and session.id is not None
    return repertoire.session_cases(session.id)[0].id or 0


def votes(repertoire: Repertoire) -> dict[str, int]:
    return {s.text: s.votes for s in repertoire.strategies(case=focused(repertoire))}


def numbered(numbers: StrategyNumbers) -> list[tuple[int, str, bool]]:
    return [(n.number, n.strategy.text, n.withdrawn) for n in numbers.numbered]


def bens_undo(repertoire: Repertoire, ben: Participant) -> EntryResult:
    """ben presses F8 ("Undo mine") on his own terminal: his strategy goes."""
    capture = CaptureJournal(repertoire.path, member="ben")
    try:
        session = repertoire.live_session()
        assert session is not None and session.id is not None
        (undo,) = capture.append(session.id, [Command(kind=CommandKind.UNDO, pressed_at=START)])
    finally:
        capture.close()
    return ben.perform(undo)


def test_a_members_undo_between_the_facilitators_enter_and_its_filing_moves_no_number(
    repertoire: Repertoire, clock: ManualClock
) -> None:
    """QA's keys: the facilitator Enters `#vote 3 2` (for cho-B), ben's F8 files first."""
    live, ben, cho = four_strategies(repertoire, clock)
    typed = journal(repertoire, None, "#vote 3 2", at=clock.now())
    clock.advance(seconds=1)
    assert bens_undo(repertoire, ben).message == "undone: a strategy from @ben for “Alert fatigue”"
    filed = live.perform(typed)
    assert votes(repertoire) == {"Route alerts to tickets": 0, "cho-B idea": 2, "ben-C idea": 0}
    assert filed == EntryResult(True, "filed 2 votes for 3 “cho-B idea”")
    # Every screen numbers them alike: ben's number stays, empty, never given to another.
    expected = [
        (1, STRATEGIES[0], False),
        (2, "ben-A idea", True),
        (3, "cho-B idea", False),
        (4, "ben-C idea", False),
    ]
    assert numbered(live.view().numbers) == expected
    assert numbered(cho.view().numbers) == expected
    assert [s.text for s in cho.view().strategies] == [STRATEGIES[0], "cho-B idea", "ben-C idea"]
    assert ben.enter("#strategy ben-D idea").ok
    assert numbered(live.view().numbers)[-1] == (5, "ben-D idea", False)


def file_state(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [line for line in conn.iterdump() if "capture_journal" not in line]


@pytest.mark.parametrize(
    "line",
    ["#vote 2 2", "#pick 2", "#action @ben try it strategy:2"],
)
def test_a_number_withdrawn_meanwhile_is_refused_naming_it_and_files_nothing(
    repertoire: Repertoire, clock: ManualClock, line: str
) -> None:
    live, ben, _ = four_strategies(repertoire, clock)
    typed = journal(repertoire, None, line, at=clock.now())
    assert bens_undo(repertoire, ben).ok
    before = file_state(repertoire.path)
    refused = live.perform(typed)
    assert refused == EntryResult(
        False, "strategy 2 “ben-A idea” was withdrawn; its number stays empty: pick one of 1, 3, 4"
    )
    assert file_state(repertoire.path) == before


def test_a_members_private_vote_held_over_an_undo_files_on_the_strategy_it_named(
    repertoire: Repertoire, clock: ManualClock
) -> None:
    live, ben, cho = four_strategies(repertoire, clock)
    typed = journal(repertoire, "cho", "#vote 3 2", at=clock.now())
    held = journal(repertoire, "cho", "#vote 2 1", at=clock.now())
    assert bens_undo(repertoire, ben).ok
    filed = cho.perform(typed)
    assert filed.message == (
        "filed 2 dots on 3 “cho-B idea”, hidden until the facilitator reveals the votes; 1 dot left"
    )
    assert cho.perform(held).message == (
        "strategy 2 “ben-A idea” was withdrawn; its number stays empty: pick one of 1, 3, 4"
    )
    assert live.reveal_votes().ok
    assert votes(repertoire)["cho-B idea"] == 2 and votes(repertoire)["ben-C idea"] == 0


def test_the_facilitators_undo_and_take_back_leave_numbers_empty_and_never_reuse_them(
    repertoire: Repertoire, clock: ManualClock
) -> None:
    live, _, cho = four_strategies(repertoire, clock)
    # The facilitator's own last strategy undone: the next one filed is 5, its id past the one 4 had.
    assert live.undo().message == "undone: a strategy from @ben for “Alert fatigue”"
    gone = repertoire.withdrawn_strategies(focused(repertoire), live.session_id)[-1].id
    assert live.enter("#strategy @ana ana-E idea").ok
    assert (repertoire.strategies(case=focused(repertoire))[-1].id or 0) > (gone or 0)
    assert [(n, w) for n, _, w in numbered(cho.view().numbers)][3:] == [(4, True), (5, False)]
    # cho's taken back by the facilitator (F11): 3 stays, empty; undoing that puts it back as 3.
    entry = next(e for e in live.participant_entries_since() if e.member == "cho")
    assert live.take_back(entry.id).ok
    assert cho.enter("#vote 5 1").message.startswith("filed 1 dot on 5 “ana-E idea”")
    assert live.undo().ok
    assert numbered(live.view().numbers) == [
        (1, STRATEGIES[0], False),
        (2, "ben-A idea", False),
        (3, "cho-B idea", False),
        (4, "ben-C idea", True),
        (5, "ana-E idea", False),
    ]
    assert live.enter("#pick 3").message == "filed the pick of 3 “cho-B idea”"
    assert live.enter("#action @cho try it strategy:5").message == (
        "filed an action for @cho, trying strategy 5 “ana-E idea”"
    )
    assert live.enter("#vote 9").message == ("“Alert fatigue” has 4 strategies; pick one of 1, 2, 3, 5")


def test_a_refusal_names_the_numbers_there_are(repertoire: Repertoire, clock: ManualClock) -> None:
    live, ben, cho = four_strategies(repertoire, clock)
    assert live.enter("#vote 5").message == "“Alert fatigue” has 4 strategies; pick one from 1 to 4"
    for undo in (live.undo, lambda: bens_undo(repertoire, ben)):  # ben-C, then ben-A
        assert undo().ok
    assert cho.enter("#undo").ok and live.enter("#undo").ok  # cho-B, then the facilitator's first
    assert live.enter("#strategy @cho cho-F idea").ok
    assert cho.enter("#vote 1").message == (
        "strategy 1 “Route alerts to tickets” was withdrawn; its number stays empty: pick 5"
    )


def test_the_facilitators_undo_of_a_strategy_a_member_put_dots_on_is_refused_and_the_dots_stay(
    repertoire: Repertoire, clock: ManualClock
) -> None:
    live, _, cho = four_strategies(repertoire, clock)
    assert cho.enter("#vote 4 1").ok  # on the one the facilitator filed last
    assert live.undo().message == (
        "could not undo a strategy from @ben for “Alert fatigue”: “ben-C idea” has votes on it now; it stays"
    )
    assert cho.view().my_votes == {repertoire.strategies(case=focused(repertoire))[-1].id: 1}
    assert not any(withdrawn for _, _, withdrawn in numbered(live.view().numbers))
    # A picked one stays too, and the refusal says why (QA's Y11: it said "has votes").
    assert live.enter("#pick 3").ok
    (entry,) = [e for e in live.participant_entries_since() if e.member == "cho" and e.kind == "strategy"]
    assert live.take_back(entry.id).message == "not taken back: “cho-B idea” is picked; it stays"


async def test_both_screens_draw_the_withdrawn_number_and_name_what_they_filed(
    db_path: Path, clock: ManualClock
) -> None:
    with Repertoire.open(db_path) as repertoire:
        _, ben, _ = four_strategies(repertoire, clock)
        assert ben.enter("#undo").ok
    async with joined(db_path, "cho", live=False) as (app, pilot, _):
        screen = app.screen
        assert isinstance(screen, ParticipantScreen)
        workspace = screen.query_one("#workspace").content_region
        drawn = words(" ".join(screen_lines(app, workspace)))
        assert "1 Route alerts to tickets (ana) 2 ben-A idea (ben) withdrawn 3 cho-B idea (cho)" in drawn
        await pilot.press(*"#vote 3 2", "enter")
        await polled_until(pilot, screen.poll_others, lambda: "filed" in message(app), polls=20)
        assert "filed 2 dots on 3 “cho-B idea”, hidden until" in message(app)
        await pilot.press(*"#vote 2", "enter")
        await polled_until(pilot, screen.poll_others, lambda: "withdrawn" in message(app), polls=20)
        assert "strategy 2 “ben-A idea” was withdrawn" in message(app)
        assert screen.query_one("#capture-input", CaptureInput).value == "#vote 2"
        assert "3 cho-B idea (cho) ●●" in words(" ".join(screen_lines(app, workspace)))

    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, clock=clock, launch="resume")
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(pilot)
            workspace = app.screen.query_one("#workspace").content_region
            drawn = words(" ".join(screen_lines(app, workspace)))
            assert "2 ben-A idea (ben) withdrawn" in drawn and "4 ben-C idea" in drawn
            await pilot.press(*"#vote 3 2", "enter")
            await settle(pilot)
            assert "filed 2 votes for 3 “cho-B idea”" in message(app)
            drawn = words(" ".join(screen_lines(app, workspace)))
            assert "3 cho-B idea =" in drawn and "(cho) ●●" in drawn


def test_a_strategy_taken_back_and_put_back_has_its_own_number_again(
    repertoire: Repertoire, clock: ManualClock
) -> None:
    """QA's Y6: F11 on ben's strategy 2, then F8: it is 2 again, listed once, and `#vote 2` means it."""
    live, ben, cho = four_strategies(repertoire, clock)
    before = numbered(live.view().numbers)
    (entry,) = [e for e in live.participant_entries_since() if e.undo.get("typed") == "#strategy ben-A idea"]
    assert live.take_back(entry.id).ok
    assert numbered(cho.view().numbers)[1] == (2, "ben-A idea", True)
    assert live.undo().ok
    assert numbered(live.view().numbers) == numbered(cho.view().numbers) == before
    assert cho.enter("#vote 2").message.startswith("filed 1 dot on 2 “ben-A idea”")
    assert ben.enter("#strategy ben-D idea").ok
    assert numbered(live.view().numbers)[-1] == (5, "ben-D idea", False)


def test_an_action_tries_the_picked_strategy_and_with_two_picked_asks_which(
    repertoire: Repertoire, clock: ManualClock
) -> None:
    """QA's Y11: with two picked, an action without strategy:N tried neither, silently."""
    live, _, _ = four_strategies(repertoire, clock)
    assert live.enter("#pick 3").ok
    assert (
        live.enter("#action @cho try it").message
        == "filed an action for @cho, trying strategy 3 “cho-B idea”"
    )
    assert live.enter("#pick 1").ok
    refused = live.enter("#action @ben try it too")
    assert refused.message == (
        "strategies 1 “Route alerts to tickets”, 3 “cho-B idea” are picked: add strategy:N for the one tried"
    )
    assert live.enter("#action @ben try it too strategy:1").ok
    tried = [(a.owner, a.strategy) for a in repertoire.actions() if a.session == live.session_id]
    ids = {s.text: s.id for s in repertoire.strategies(case=focused(repertoire))}
    assert tried == [("cho", ids["cho-B idea"]), ("ben", ids["Route alerts to tickets"])]

"""`#report N` means the matter N that was on the screen: numbered alike for the facilitator and
each member, and the numbers hold all session, reported ones staying where they were."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from test_live_matters import open_actions
from textual.widgets import Static
from ui_helpers import polled_until, screen_lines, settle, type_burst, words

from coptui.facilitation import LiveSession, ManualClock, SessionPlan
from coptui.facilitation.participant import Participant
from coptui.facilitation.view import EntryResult
from coptui.formats import find_format
from coptui.models import Action, ActionStatus, Command, CommandKind
from coptui.store import Repertoire
from coptui.store.journal import CaptureJournal
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.participant import Joining, ParticipantScreen
from coptui.ui.widgets.capture import CaptureInput

START = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
REPORT_BACK = 3
CHOS = ("Action A1 tag runbook owners", "Action A2 add review date field", "Archive the unused ones")


def chos_actions(repertoire: Repertoire) -> list[int]:
    """Three open actions of cho's, agreed at session 2 (due before today: overdue)."""
    return [
        repertoire.add_action(
            Action(case=1, session=2, owner="cho", text=text, due=date(2026, 11, 20 + i))
        ).id
        or 0
        for i, text in enumerate(CHOS)
    ]


def start(repertoire: Repertoire, clock: ManualClock) -> LiveSession:
    plan = SessionPlan(find_format("cop-meeting"), "ana", ["ben", "cho"], title="February clinic")
    live = LiveSession.start(repertoire, plan, clock)
    live.jump_to(REPORT_BACK)
    return live


def ana_sent_apologies(repertoire: Repertoire, clock: ManualClock) -> tuple[LiveSession, int]:
    """Report-back, ben facilitating, with cho's three actions and one of ana's, who sent
    apologies (hers is numbered last until she arrives); and her action's id."""
    chos_actions(repertoire)
    anas = repertoire.add_action(Action(case=1, session=2, owner="ana", text="Ana's own")).id
    plan = SessionPlan(find_format("cop-meeting"), "ben", ["ben", "cho"], apologies=["ana"])
    live = LiveSession.start(repertoire, plan, clock)
    live.jump_to(REPORT_BACK)
    assert anas is not None
    return live, anas


def stories(repertoire: Repertoire) -> dict[str, str]:
    """By action text: the story reported on each of cho's actions."""
    reports = [(repertoire.action(r.action).text, r.story) for r in repertoire.report_backs() if r.action]
    return {text: story for text, story in reports if text in CHOS}


def test_a_member_and_the_facilitator_number_the_matters_alike_and_the_numbers_hold(
    repertoire: Repertoire,
) -> None:
    clock = ManualClock(START)
    chos_actions(repertoire)
    live = start(repertoire, clock)
    cho = Participant.join(repertoire, "cho", via="ssh", clock=clock)
    # ben's review first (b before c), then cho's three: the member's numbers are the facilitator's.
    assert [(m.number, m.action.owner) for m in live.matters_arising()] == [
        (1, "ben"),
        (2, "cho"),
        (3, "cho"),
        (4, "cho"),
    ]
    mine = [(m.number, m.action.text) for m in cho.view().my_matters]
    assert mine == list(zip((2, 3, 4), CHOS, strict=True))

    assert cho.enter("#report 2 worked did A1").ok
    assert cho.enter("#report 3 worked did A2").ok  # as seen before the first was filed
    assert stories(repertoire) == {CHOS[0]: "did A1", CHOS[1]: "did A2"}
    statuses = [a.status for a in repertoire.actions(owner="cho")]
    assert statuses == [ActionStatus.DONE, ActionStatus.DONE, ActionStatus.OPEN]
    # Reported ones stay, marked with their report: the numbers never move.
    assert [(m.number, m.report is not None) for m in cho.view().my_matters] == [
        (2, True),
        (3, True),
        (4, False),
    ]
    assert [m.number for m in live.matters_arising()] == [1, 2, 3, 4]


def test_a_matter_reported_meanwhile_is_refused_not_filed_on_another(
    db_path: Path, repertoire: Repertoire
) -> None:
    clock = ManualClock(START)
    chos_actions(repertoire)
    live = start(repertoire, clock)
    cho = Participant.join(repertoire, "cho", via="ssh", clock=clock)
    assert live.enter("#report 3 partly cho told me by mail").ok
    before = repertoire.report_backs()
    refused = cho.enter("#report 3 worked did A2")
    assert refused.message == (
        "matter 3, “Action A2 add review date field”, was reported already (partly worked); "
        "F2 lists what you have open"
    )
    yours = "yours: 2, 4 (#report N outcome story)"
    assert cho.enter("#report 1 worked not mine").message == f"matter 1 is @ben's; {yours}"
    assert cho.enter("#report 9 worked").message == f"there is no matter 9; {yours}"
    assert repertoire.report_backs() == before
    # The facilitator is refused alike on a matter the member reported.
    assert cho.enter("#report 4 worked archived").ok
    assert live.enter("#report 4 worked again").message == (
        "matter 4, “Archive the unused ones”, was reported already (worked); "
        "F11 takes back @cho's to change it"
    )


async def test_a_burst_of_reports_from_a_members_screen_files_each_on_the_action_it_named(
    db_path: Path,
) -> None:
    """QA's L9: `#report 1 …` Enter `#report 2 …` Enter as one burst, through the journal."""
    clock = ManualClock(START)
    with Repertoire.open(db_path) as repertoire:
        chos_actions(repertoire)
        start(repertoire, clock)
    joining = Joining("cho", "local")
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, clock=clock, launch=joining, participant=joining)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, ParticipantScreen)
            drawn = words(" ".join(screen_lines(app)))
            assert "Your matters arising" in drawn
            assert "2 Action A1 tag runbook owners ⚠ overdue 20 Nov" in drawn
            type_burst(app, [*"#report 2 worked did A1", "enter", *"#report 3 worked did A2", "enter"])
            await polled_until(pilot, screen.poll_others, lambda: len(stories(repertoire)) == 2, polls=20)
            assert stories(repertoire) == {CHOS[0]: "did A1", CHOS[1]: "did A2"}
            await settle(pilot)
            drawn = words(" ".join(screen_lines(app)))
            assert "2 Action A1 tag runbook owners ✓ worked" in drawn
            assert "3 Action A2 add review date field ✓ worked" in drawn
            assert "4 Archive the unused ones ⚠ overdue 22 Nov" in drawn

            # The facilitator reports matter 4 meanwhile: the member's line comes back to the box.
            with Repertoire.open(db_path) as elsewhere:
                facilitator = LiveSession.resume(elsewhere, clock)
                assert facilitator.enter("#report 4 not-tried no time").ok
            await pilot.press(*"#report 4 worked archived", "enter")
            await settle(pilot)
            said = str(screen.query_one("#capture-message", Static).render())
            assert "matter 4, “Archive the unused ones”, was reported already (not tried)" in said
            assert screen.query_one("#capture-input", CaptureInput).value == "#report 4 worked archived"
            assert stories(repertoire)[CHOS[2]] == "no time"


async def test_the_facilitator_sees_todays_members_matters_first_and_the_rest_marked(
    repertoire: Repertoire,
) -> None:
    chos_actions(repertoire)
    plan = SessionPlan(find_format("cop-meeting"), "ana", ["ben"], title="February clinic")
    live = LiveSession.start(repertoire, plan, ManualClock(START))
    live.jump_to(REPORT_BACK)
    app = CoptuiApp(repertoire, clock=ManualClock(START), launch="resume")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        drawn = words(" ".join(screen_lines(app, app.screen.query_one("#workspace").region)))
        assert re.findall(r"\d (?:ben|cho) ·|Not here today:", drawn) == [
            "1 ben ·",
            "Not here today:",
            "2 cho ·",
            "3 cho ·",
            "4 cho ·",
        ]
    # Marked absent (expected, not there): still numbered with today's members, and said so.
    with Repertoire.open(repertoire.path) as elsewhere:
        assert LiveSession.resume(elsewhere).enter("#absent @ben").ok
    app = CoptuiApp(repertoire, clock=ManualClock(START), launch="resume")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        drawn = words(" ".join(screen_lines(app, app.screen.query_one("#workspace").region)))
        assert "1 ben (absent) · Start a weekly alert review" in drawn
        assert drawn.index("1 ben (absent)") < drawn.index("Not here today:") < drawn.index("2 cho ·")


def test_a_line_held_while_someone_arrived_means_the_numbers_it_was_typed_at(
    repertoire: Repertoire,
) -> None:
    """A late arrival puts their matters among today's members': a line Entered before it (and
    filed after, as under a held lock) still means the matter it named then."""
    clock = ManualClock(START)
    live, ana_s = ana_sent_apologies(repertoire, clock)
    cho = Participant.join(repertoire, "cho", via="ssh", clock=clock)
    assert [m.number for m in cho.view().my_matters] == [2, 3, 4]  # ana's is not expected: last
    typed = journal(repertoire, "cho", "#report 3 worked did A2", at=clock.now())
    clock.advance(seconds=5)
    assert live.enter("#arrived @ana").ok  # ana's action is now matter 1: cho's are 3, 4, 5
    assert [m.number for m in cho.view().my_matters] == [3, 4, 5]
    assert cho.perform(typed).ok
    assert stories(repertoire) == {CHOS[1]: "did A2"}
    # Typed now, the numbers are the new ones, on both screens.
    assert live.enter("#report 5 partly archived half").ok
    assert stories(repertoire) == {CHOS[1]: "did A2", CHOS[2]: "archived half"}
    assert repertoire.action(ana_s).status is ActionStatus.OPEN


def journal(repertoire: Repertoire, member: str | None, text: str, *, at: datetime) -> Command:
    """A participant's line as their recorder journals it, Entered `at`."""
    journal = CaptureJournal(repertoire.path, member=member)
    try:
        session = repertoire.live_session()
        assert session is not None and session.id is not None
        return journal.append(session.id, [Command(kind=CommandKind.ENTRY, text=text, pressed_at=at)])[0]
    finally:
        journal.close()


def test_the_facilitators_line_held_while_someone_arrived_means_the_numbers_it_was_typed_at(
    repertoire: Repertoire,
) -> None:
    clock = ManualClock(START)
    live, _ = ana_sent_apologies(repertoire, clock)
    typed = journal(repertoire, None, "#report 2 worked did A1", at=clock.now())
    clock.advance(seconds=5)
    assert live.enter("#arrived @ana").ok
    filed = live.perform(typed)
    assert isinstance(filed, EntryResult) and filed.ok
    assert stories(repertoire) == {CHOS[0]: "did A1"}


@pytest.mark.parametrize("expected", [(), ("ben",), ("dee", "cho"), ("eve", "ben", "dee")])
def test_each_owners_matters_carry_the_numbers_of_the_whole_list(
    repertoire: Repertoire, expected: tuple[str, ...]
) -> None:
    open_actions(repertoire)
    chos_actions(repertoire)
    whole = repertoire.matters_page(3, expected, {}, limit=100)
    assert len(whole) == 10
    for owner in ("ben", "cho", "dee", "eve"):
        theirs = repertoire.owners_matters(3, expected, {}, owner)
        assert [(m.number, m.action.id) for m in theirs] == [
            (m.number, m.action.id) for m in whole if m.action.owner == owner
        ]


def test_a_line_stamped_before_the_session_began_reads_the_numbers_as_they_are(
    repertoire: Repertoire,
) -> None:
    """No numbers were on screen before the session began (or the stamp is another clock's)."""
    clock = ManualClock(START)
    live, _ = ana_sent_apologies(repertoire, clock)
    clock.advance(seconds=5)
    assert live.enter("#arrived @ana").ok  # ana 1, ben 2, cho 3 4 5
    typed = journal(repertoire, None, "#report 3 worked did A1", at=START.replace(day=1))
    filed = live.perform(typed)
    assert isinstance(filed, EntryResult) and filed.ok
    assert stories(repertoire) == {CHOS[0]: "did A1"}

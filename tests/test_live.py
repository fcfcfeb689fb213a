"""The live-session engine against a real repertoire: transitions, capture, undo, report-back, resume."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from coptui.facilitation import (
    FacilitationError,
    LiveSession,
    ManualClock,
    SessionPlan,
)
from coptui.formats import DEFAULT_FORMAT, find_format
from coptui.models import ActionStatus, CaseStatus, NoteKind, Outcome, PhaseKind, SessionStatus, ValueCycle
from coptui.store import Repertoire

START = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


def start(repertoire: Repertoire, clock: ManualClock, **plan: object) -> LiveSession:
    values: dict[str, object] = {
        "session_format": find_format(DEFAULT_FORMAT),
        "facilitator": "ana",
        "attendees": ["ben", "cho"],
    }
    values.update(plan)
    return LiveSession.start(repertoire, SessionPlan(**values), clock)  # type: ignore[arg-type]


def test_starting_files_a_live_session_with_the_first_phase_running(
    repertoire: Repertoire, clock: ManualClock
) -> None:
    live = start(repertoire, clock, attendees=["ben"], apologies=["cho", "ben"])
    session = repertoire.live_session()
    assert session is not None and session.id == live.session_id
    assert session.title == "Session of 3 December 2026"
    assert (session.attendees, session.apologies) == (["ana", "ben"], ["cho"])
    assert session.current_phase == 0 and session.phases[0].started_at == START
    assert [p.started_at for p in session.phases[1:]] == [None, None, None]


def test_a_second_live_session_is_refused(repertoire: Repertoire, clock: ManualClock) -> None:
    start(repertoire, clock, title="December clinic")
    with pytest.raises(FacilitationError, match="“December clinic” is already live"):
        start(repertoire, clock)


def test_an_unknown_member_is_refused_and_nothing_is_filed(
    repertoire: Repertoire, clock: ManualClock
) -> None:
    with pytest.raises(FacilitationError, match="'zed' is not a known member"):
        start(repertoire, clock, attendees=["zed"])
    assert repertoire.live_session() is None


def test_phases_move_on_and_back_and_keep_their_time(repertoire: Repertoire, clock: ManualClock) -> None:
    live = start(repertoire, clock)
    clock.advance(minutes=8)
    assert live.next_phase() and live.phase.kind is PhaseKind.PROBLEM_SHARING
    clock.advance(minutes=2)
    assert live.previous_phase() and live.position == 0
    assert live.timer.elapsed_seconds == 8 * 60, "the time away is not counted"
    assert not live.previous_phase(), "there is no phase before the first"
    assert live.jump_to(3) and live.phase.kind is PhaseKind.REPORT_BACK
    assert not live.next_phase(), "there is no phase after the last"
    stored = repertoire.session(live.session_id)
    assert stored.current_phase == 3
    assert stored.phases[0].ended_at == START.replace(minute=10)
    assert stored.phases[1].ended_at is not None and stored.phases[3].ended_at is None


def test_pause_and_extend_are_stored_at_once(repertoire: Repertoire, clock: ManualClock) -> None:
    live = start(repertoire, clock)
    clock.advance(60)
    assert live.toggle_pause() is True
    live.extend()
    phase = repertoire.session(live.session_id).phases[0]
    assert (phase.paused_at, phase.extra_minutes) == (START.replace(minute=1), 5)
    clock.advance(60)
    assert live.toggle_pause() is False
    assert repertoire.session(live.session_id).phases[0].paused_seconds == 60


def test_check_in_goes_round_the_attendees(repertoire: Repertoire, clock: ManualClock) -> None:
    live = start(repertoire, clock)
    assert live.speaking_order().next_speaker == "ana"
    clock.advance(70)
    assert live.speaking_order().speaking_seconds(clock.now()) == 70
    assert live.enter("Glad to be here").ok
    assert live.speaking_order().next_speaker == "ben"
    assert live.speaking_order().speaking_seconds(clock.now()) == 0
    assert live.enter("@cho Busy week, [really] *busy*").ok
    assert live.enter("#absent @ben").ok
    assert live.speaking_order().done
    notes = repertoire.notes(session=live.session_id)
    assert [(n.author, n.kind, n.text, n.phase) for n in notes] == [
        ("ana", NoteKind.CHECK_IN, "Glad to be here", 0),
        ("cho", NoteKind.CHECK_IN, "Busy week, [really] *busy*", 0),
    ]
    session = repertoire.session(live.session_id)
    assert (session.attendees, session.absent) == (["ana", "cho"], ["ben"])
    assert not live.enter("#absent @ben").ok


def test_shuffled_order_is_kept_with_the_session(repertoire: Repertoire, clock: ManualClock) -> None:
    live = start(repertoire, clock)
    order = live.shuffle_order()
    assert sorted(order) == ["ana", "ben", "cho"] and order != ["ana", "ben", "cho"]
    assert repertoire.session(live.session_id).attendees == order
    assert LiveSession.resume(repertoire, clock).speaking_order().order == tuple(order)


def test_who_has_left_is_out_of_a_shuffled_order(repertoire: Repertoire, clock: ManualClock) -> None:
    live = start(repertoire, clock)
    assert live.enter("#left @ben").ok
    assert live.shuffle_order() == ["cho", "ana"], "the only other order of those here"
    assert "ben" not in live.speaking_order().order
    assert repertoire.session(live.session_id).attendees[-1] == "ben", "still on the attendance list"


def test_cases_strategies_votes_and_actions(repertoire: Repertoire, clock: ManualClock) -> None:
    live = start(repertoire, clock)
    live.next_phase()
    assert not live.enter("#strategy @cho too early").ok
    assert live.enter("#case @ben Flaky deploys").ok
    assert live.enter("#context Deploys fail one time in five.").ok
    assert live.enter("#context Mostly on Fridays.").ok
    assert live.enter("#question How do I find the cause?").ok
    assert live.enter("#topic on-call ci-cd").ok
    assert live.enter("Ben has tried retries").ok
    live.next_phase()
    assert live.enter("#strategy @cho Bisect the pipeline").ok
    assert live.enter("#strategy @ana Quarantine flaky tests").ok
    assert live.enter("#vote 2 3").ok and live.enter("#vote 1").ok
    assert live.enter("#pick 2").ok
    assert not live.enter("#vote 3").ok
    assert live.enter("#action @ben due:2026-12-17 quarantine the worst ten tests").ok
    assert live.enter("#action @ben re-run bisect strategy:1").ok
    assert live.enter("#decision Revisit in January").ok

    (case,) = repertoire.session_cases(live.session_id)
    assert case.context == "Deploys fail one time in five.\n\nMostly on Fridays."
    assert (case.question, case.topics, case.status) == (
        "How do I find the cause?",
        ["on-call", "ci-cd"],
        CaseStatus.IN_TRIAL,
    )
    assert "ci-cd" in {t.slug for t in repertoire.topics()}
    strategies = repertoire.strategies(case=case.id)
    assert [(s.proposer, s.votes, s.picked) for s in strategies] == [("cho", 1, False), ("ana", 3, True)]
    actions = [a for a in repertoire.actions() if a.session == live.session_id]
    assert [(a.owner, a.due, a.strategy, a.case) for a in actions] == [
        ("ben", date(2026, 12, 17), strategies[1].id, case.id),
        ("ben", None, strategies[0].id, case.id),
    ]
    notes = repertoire.notes(session=live.session_id)
    assert [(n.kind, n.case, n.phase) for n in notes] == [
        (NoteKind.NOTE, case.id, 1),
        (NoteKind.DECISION, case.id, 2),
    ]


def test_focus_moves_between_cases(repertoire: Repertoire, clock: ManualClock) -> None:
    live = start(repertoire, clock)
    assert not live.enter("#focus 1").ok
    live.enter("#case @ben First")
    live.enter("#case @cho Second")
    assert live.view().focused_case.title == "Second"  # type: ignore[union-attr]
    assert live.enter("#focus 1").ok
    assert live.view().focused_case.title == "First"  # type: ignore[union-attr]
    assert not live.enter("#focus 3").ok


def test_errors_file_nothing(repertoire: Repertoire, clock: ManualClock) -> None:
    live = start(repertoire, clock)
    before = repertoire.dump()
    refused = ("#case @zed x", "#vote 1", "#pick 1", "#action @ben due:2020-01-01 late", "#report 99 worked")
    for typed in refused:
        result = live.enter(typed)
        assert not result.ok, typed
        assert result.message
    assert repertoire.dump() == before


def test_undo_takes_back_each_kind_of_entry(repertoire: Repertoire, clock: ManualClock) -> None:
    live = start(repertoire, clock)
    empty = repertoire.dump()
    entries = [
        "hello",
        "#decision go",
        "#case @ben Case",
        "#context ctx",
        "#topic alerting",
        "#strategy @cho S",
        "#vote 1 2",
        "#pick 1",
        "#action @ben do it",
        "#report 1 worked ok",
        "#report @cho partly meh",
        "#absent @cho",
    ]
    for typed in entries:
        assert live.enter(typed).ok, typed
    for _ in entries:
        assert live.undo().ok
    assert not live.undo().ok
    after = repertoire.dump()
    assert after == empty
    assert live.enter("#undo").message == "nothing to undo"


def test_matters_arising_and_report_back(repertoire: Repertoire, clock: ManualClock) -> None:
    live = start(repertoire, clock)
    live.jump_to(3)
    (matter,) = live.matters_arising()
    assert (matter.number, matter.action.owner, matter.case_title, matter.strategy_text) == (
        1,
        "ben",
        "Alert fatigue at night",
        "Weekly alert review with on-call",
    )
    assert live.enter("#report 1 partly Review ran twice lesson: keep it short value:applied").ok
    assert not live.enter("#report 1 worked again").ok
    assert live.enter("#report @cho worked Runbooks got an owner").ok
    (matter,) = live.matters_arising()
    assert matter.report is not None and matter.report.outcome is Outcome.PARTLY
    assert repertoire.action(2).status is ActionStatus.DONE
    reports = repertoire.report_backs(session=live.session_id)
    assert [(r.member, r.action, r.case, r.lesson, r.value_cycle) for r in reports] == [
        ("ben", 2, 1, "keep it short", ValueCycle.APPLIED),
        ("cho", None, None, "", None),
    ]
    assert live.speaking_order().spoken == {"ben", "cho"}


def test_end_closes_the_session_with_a_summary(repertoire: Repertoire, clock: ManualClock) -> None:
    live = start(repertoire, clock)
    live.enter("hi")
    clock.advance(minutes=12)
    live.next_phase()
    live.enter("#case @ben Case")
    clock.advance(minutes=5)
    summary = live.end()
    assert (summary.notes, summary.cases, summary.strategies, summary.actions, summary.report_backs) == (
        1,
        1,
        0,
        0,
        0,
    )
    assert [p.elapsed_seconds for p in summary.phases] == [720, 300, 0, 0]
    assert (summary.phases[0].over_seconds, summary.total_seconds, summary.timebox_minutes) == (120, 1020, 70)
    session = repertoire.session(live.session_id)
    assert session.status is SessionStatus.CLOSED and session.ended_at == clock.now()
    assert repertoire.live_session() is None
    assert not live.enter("late").ok


def test_resume_picks_up_the_same_phase_timer_and_focus(repertoire: Repertoire, clock: ManualClock) -> None:
    live = start(repertoire, clock)
    clock.advance(minutes=3)
    live.next_phase()
    live.enter("#case @ben First")
    live.enter("#case @cho Second")
    live.enter("#focus 1")
    clock.advance(minutes=4)
    live.toggle_pause()
    clock.advance(minutes=30)
    resumed = LiveSession.resume(repertoire, clock)
    assert resumed.session_id == live.session_id and resumed.position == 1
    assert resumed.timer.paused and resumed.timer.elapsed_seconds == 4 * 60
    # The focus is kept in the file: the case the facilitator chose, not the last one brought.
    assert resumed.view().focused_case.title == "First"  # type: ignore[union-attr]


def test_resume_without_a_live_session(repertoire: Repertoire, clock: ManualClock) -> None:
    with pytest.raises(FacilitationError, match="no session is live"):
        LiveSession.resume(repertoire, clock)


def test_each_view_is_newer_than_the_last(repertoire: Repertoire, clock: ManualClock) -> None:
    live = start(repertoire, clock)
    first, second = live.view(), live.view()
    assert second.revision > first.revision


def filed_with_context(repertoire: Repertoire, clock: ManualClock) -> tuple[LiveSession, int]:
    """A live session in problem sharing with the case "Pager storms" and its context filed."""
    live = start(repertoire, clock)
    live.next_phase()
    assert live.enter("#case @ben Pager storms").ok and live.enter("#context Forty pages a week").ok
    [case] = repertoire.session_cases(live.session_id)
    return live, case.id or 0


def test_undoing_a_context_keeps_what_another_screen_changed_in_the_case_since(
    repertoire: Repertoire, clock: ManualClock
) -> None:
    live, case_id = filed_with_context(repertoire, clock)
    with Repertoire.open(repertoire.path) as browser:  # a member tidies the case in the browser
        browser.edit_case(case_id, {"title": "Pager storms at night"}, {"title": "Pager storms"})
        browser.edit_case(case_id, {"question": "How?"}, {"question": ""})
    assert live.enter("#topic alerting").ok
    assert live.undo().ok and live.undo().ok  # the topic, then the context
    after = repertoire.case(case_id)
    assert (after.title, after.question, after.context, after.topics) == (
        "Pager storms at night",
        "How?",
        "",
        [],
    )


def test_an_undo_that_would_overwrite_another_screens_change_is_refused(
    repertoire: Repertoire, clock: ManualClock
) -> None:
    live, case_id = filed_with_context(repertoire, clock)
    said = "Forty pages a week, most at night"
    with Repertoire.open(repertoire.path) as browser:
        browser.edit_case(case_id, {"context": said}, {"context": "Forty pages a week"})
    undone = live.undo()
    assert not undone.ok and "could not undo the context of “Pager storms”" in undone.message
    assert "changed meanwhile" in undone.message
    assert repertoire.case(case_id).context == said


def test_undoing_a_case_someone_has_added_to_since_is_refused_and_it_stays(
    repertoire: Repertoire, clock: ManualClock
) -> None:
    live = start(repertoire, clock)
    live.next_phase()
    assert live.enter("#case @ben Pager storms").ok
    [case] = repertoire.session_cases(live.session_id)
    with Repertoire.open(repertoire.path) as browser:  # saved from the browser's edit form
        browser.edit_case(case.id or 0, {"context": "Forty a week"}, {"context": ""})
    undone = live.undo()
    assert not undone.ok
    assert undone.message.startswith("could not undo case “Pager storms” by @ben: ")
    assert undone.message.endswith("“Pager storms” has context added or changed since; it stays")
    assert [c.context for c in repertoire.session_cases(live.session_id)] == ["Forty a week"]

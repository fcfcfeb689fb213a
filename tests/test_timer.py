"""The phase timer and the speaking order, on a clock the test moves by hand."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from coptui.facilitation import ManualClock, PhaseTimer, SpeakingOrder, TimerAlert, clock_face
from coptui.facilitation.speaking import shuffled
from coptui.models import PhaseKind, PhaseRun

START = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)


def timer(minutes: int = 10) -> tuple[PhaseTimer, ManualClock]:
    clock = ManualClock(START)
    phase = PhaseRun(position=0, kind=PhaseKind.CHECK_IN, title="Check-in", timebox_minutes=minutes)
    return PhaseTimer(phase, clock), clock


def test_a_timer_counts_down_from_its_timebox_once_started() -> None:
    t, clock = timer(10)
    assert t.remaining_seconds == 600 and not t.started
    clock.advance(minutes=3)
    assert t.remaining_seconds == 600, "an unstarted timer does not run"
    t.start()
    clock.advance(seconds=90)
    assert (t.elapsed_seconds, t.remaining_seconds, t.running) == (90, 510, True)


@pytest.mark.parametrize(
    ("elapsed", "alert"),
    [
        (0, TimerAlert.NONE),
        (299, TimerAlert.NONE),
        (300, TimerAlert.FIVE_MINUTES),
        (539, TimerAlert.FIVE_MINUTES),
        (540, TimerAlert.ONE_MINUTE),
        (600, TimerAlert.ONE_MINUTE),
        (601, TimerAlert.OVER),
    ],
)
def test_warnings_at_five_and_one_minute_left_and_over_time(elapsed: int, alert: TimerAlert) -> None:
    t, clock = timer(10)
    t.start()
    clock.advance(elapsed)
    assert t.alert is alert


def test_a_short_timebox_does_not_start_in_a_warning() -> None:
    t, clock = timer(2)
    t.start()
    assert t.alert is TimerAlert.NONE
    clock.advance(61)
    assert t.alert is TimerAlert.ONE_MINUTE


def test_pause_stops_the_clock_and_resume_carries_on() -> None:
    t, clock = timer(10)
    t.start()
    clock.advance(60)
    t.toggle_pause()
    assert t.paused and not t.running
    clock.advance(minutes=7)
    assert t.elapsed_seconds == 60
    t.toggle_pause()
    clock.advance(30)
    assert (t.elapsed_seconds, t.phase.paused_seconds, t.paused) == (90, 420, False)


def test_extend_adds_minutes_to_the_timebox() -> None:
    t, clock = timer(10)
    t.start()
    clock.advance(minutes=11)
    assert t.alert is TimerAlert.OVER
    t.extend(5)
    assert (t.remaining_seconds, t.alert, t.phase.extra_minutes) == (240, TimerAlert.FIVE_MINUTES, 5)


def test_going_back_to_a_stopped_phase_does_not_count_the_time_away() -> None:
    t, clock = timer(10)
    t.start()
    clock.advance(120)
    t.toggle_pause()
    clock.advance(60)
    t.stop()
    assert (t.ended, t.paused, t.elapsed_seconds) == (True, False, 120)
    clock.advance(minutes=20)
    assert t.elapsed_seconds == 120
    t.start()
    clock.advance(10)
    assert (t.ended, t.elapsed_seconds) == (False, 130)


def test_clock_face() -> None:
    assert [clock_face(s) for s in (0, 65, 600, -5, 3725)] == ["00:00", "01:05", "10:00", "-00:05", "1:02:05"]


def test_speaking_order_goes_round_skipping_who_has_spoken() -> None:
    order = SpeakingOrder.of(["ana", "ben", "cho"], spoken=["ana", "zed"], since=START)
    assert (order.next_speaker, order.waiting, order.done) == ("ben", ["ben", "cho"], False)
    assert order.has_spoken("ana") and not order.has_spoken("zed")
    assert order.speaking_seconds(START.replace(minute=2)) == 120
    done = SpeakingOrder.of(["ana"], spoken=["ana"], since=START)
    assert (done.next_speaker, done.done, done.speaking_seconds(START.replace(minute=5))) == (None, True, 0)


def test_shuffled_is_a_new_order_of_the_same_people() -> None:
    people = ["ana", "ben", "cho", "dev"]
    for _ in range(20):
        order = shuffled(people)
        assert sorted(order) == people and order != people
    assert shuffled(["ana"]) == ["ana"]


@pytest.mark.parametrize(
    ("count", "current", "rows", "shown"),
    [(4, 3, 4, (0, 4)), (13, 0, 4, (0, 4)), (13, 10, 4, (8, 12)), (13, 12, 4, (9, 13)), (13, 6, 14, (0, 13))],
)
def test_the_agenda_keeps_the_current_phase_in_view(
    count: int, current: int, rows: int, shown: tuple[int, int]
) -> None:
    from coptui.ui.widgets.agenda import window

    start, end = window(count, current, rows)
    assert (start, end) == shown and start <= current < end

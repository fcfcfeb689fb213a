"""A phase's countdown, kept entirely in its `PhaseRun` timestamps so a restart resumes it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from coptui.facilitation.clock import Clock
from coptui.models import PhaseRun

FIVE_MINUTES = 5 * 60
ONE_MINUTE = 60


class TimerAlert(StrEnum):
    """How urgent the countdown looks: warnings at 5 and 1 minutes left, then over time."""

    NONE = "none"
    FIVE_MINUTES = "five_minutes"
    ONE_MINUTE = "one_minute"
    OVER = "over"


class PhaseTimer:
    """Reads and moves one phase's timer; every change is made on the `PhaseRun` it wraps."""

    def __init__(self, phase: PhaseRun, clock: Clock) -> None:
        self.phase = phase
        self.clock = clock

    # -- reading -------------------------------------------------------------

    @property
    def started(self) -> bool:
        return self.phase.started_at is not None

    @property
    def paused(self) -> bool:
        return self.phase.paused_at is not None

    @property
    def ended(self) -> bool:
        return self.phase.ended_at is not None

    @property
    def running(self) -> bool:
        return self.started and not self.paused and not self.ended

    @property
    def budget_seconds(self) -> int:
        return (self.phase.timebox_minutes + self.phase.extra_minutes) * 60

    @property
    def elapsed_seconds(self) -> int:
        phase = self.phase
        if phase.started_at is None:
            return 0
        end = phase.ended_at or phase.paused_at or self.clock.now()
        return max(0, int((end - phase.started_at).total_seconds()) - phase.paused_seconds)

    @property
    def remaining_seconds(self) -> int:
        """Seconds left in the timebox; negative once over time."""
        return self.budget_seconds - self.elapsed_seconds

    @property
    def alert(self) -> TimerAlert:
        remaining = self.remaining_seconds
        if remaining < 0:
            return TimerAlert.OVER
        # A warning only means something for a timebox longer than its threshold.
        if remaining <= ONE_MINUTE and self.budget_seconds > ONE_MINUTE:
            return TimerAlert.ONE_MINUTE
        if remaining <= FIVE_MINUTES and self.budget_seconds > FIVE_MINUTES:
            return TimerAlert.FIVE_MINUTES
        return TimerAlert.NONE

    # -- moving ----------------------------------------------------------------

    def start(self) -> None:
        """Start the phase, or carry on where it stopped when the meeting comes back to it."""
        now = self.clock.now()
        phase = self.phase
        if phase.started_at is None:
            phase.started_at = now
        elif phase.ended_at is not None:
            # The time spent in other phases does not count against this one.
            phase.paused_seconds += self._seconds_since(phase.ended_at, now)
            phase.ended_at = None

    def stop(self) -> None:
        now = self.clock.now()
        if self.phase.started_at is None or self.phase.ended_at is not None:
            return
        self.resume()
        self.phase.ended_at = now

    def pause(self) -> None:
        if self.running:
            self.phase.paused_at = self.clock.now()

    def resume(self) -> None:
        phase = self.phase
        if phase.paused_at is not None:
            phase.paused_seconds += self._seconds_since(phase.paused_at, self.clock.now())
            phase.paused_at = None

    def toggle_pause(self) -> None:
        if self.paused:
            self.resume()
        else:
            self.pause()

    def extend(self, minutes: int) -> None:
        self.phase.extra_minutes = min(600, self.phase.extra_minutes + minutes)

    @staticmethod
    def _seconds_since(then: datetime, now: datetime) -> int:
        return max(0, round((now - then).total_seconds()))


def clock_face(seconds: int) -> str:
    """Seconds as mm:ss (or h:mm:ss), with a leading minus once over time."""
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes:02d}:{secs:02d}"

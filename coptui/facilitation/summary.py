"""What a session produced, and how long each phase took against its timebox."""

from __future__ import annotations

from dataclasses import dataclass, field

from coptui.models import Action, Case, PhaseKind
from coptui.store.participants import Participation


@dataclass(frozen=True)
class PhaseSummary:
    title: str
    kind: PhaseKind
    timebox_minutes: int
    extra_minutes: int
    elapsed_seconds: int

    @property
    def over_seconds(self) -> int:
        """Seconds beyond the timebox as planned (extensions count as over time)."""
        return max(0, self.elapsed_seconds - self.timebox_minutes * 60)


@dataclass(frozen=True)
class SessionSummary:
    session_id: int
    title: str
    notes: int
    decisions: int
    cases: int
    strategies: int
    actions: int
    report_backs: int
    phases: tuple[PhaseSummary, ...]
    abandoned: bool = False
    # Who contributed how much, each attendee in attendance order; empty if the format turns it off.
    participation: tuple[Participation, ...] = ()
    member_names: dict[str, str] = field(default_factory=dict)
    # Who does what by when: the actions agreed in the session, soonest due first, and the
    # cases shared in it that no action came of yet (the facilitator reads both out at the end).
    agreed: tuple[Action, ...] = ()
    case_titles: dict[int, str] = field(default_factory=dict)
    without_actions: tuple[Case, ...] = ()

    @property
    def total_seconds(self) -> int:
        return sum(phase.elapsed_seconds for phase in self.phases)

    @property
    def timebox_minutes(self) -> int:
        return sum(phase.timebox_minutes for phase in self.phases)

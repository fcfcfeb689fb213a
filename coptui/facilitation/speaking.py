"""Who speaks in a round: the order, who has spoken, who is next, and for how long they have spoken."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from coptui.models import Note, NoteKind, Session


def has_checked_in(notes: Iterable[Note], member: str, phase: int) -> bool:
    """Whether `member` has a check-in among `notes` in phase `phase`: one check-in each, so what
    they add after it is a note."""
    return any(n.author == member and n.kind is NoteKind.CHECK_IN and n.phase == phase for n in notes)


def where_entered(session: Session, position: int) -> str:
    """Said of a line filed in the phase it was Entered in when the session has moved on from it
    meanwhile (a lock held, a resume): where it went, so that nobody looks for it in this phase."""
    if position == (session.current_phase or 0):
        return ""
    return f" in {session.phases[position].title}, where it was Entered"


@dataclass(frozen=True)
class SpeakingOrder:
    """A round over the attendees, in the order given; absent members are skipped."""

    order: tuple[str, ...]
    spoken: frozenset[str] = field(default_factory=frozenset)
    # When the current speaker took the floor: the phase's start or the last entry of the round.
    speaker_since: datetime | None = None

    @classmethod
    def of(
        cls, attendees: Sequence[str], spoken: Iterable[str] = (), since: datetime | None = None
    ) -> SpeakingOrder:
        return cls(tuple(attendees), frozenset(spoken) & frozenset(attendees), since)

    @property
    def next_speaker(self) -> str | None:
        """The first attendee in order who has not spoken yet; None once the round is done."""
        return next((handle for handle in self.order if handle not in self.spoken), None)

    @property
    def waiting(self) -> list[str]:
        return [handle for handle in self.order if handle not in self.spoken]

    @property
    def done(self) -> bool:
        return self.next_speaker is None

    def has_spoken(self, handle: str) -> bool:
        return handle in self.spoken

    def speaking_seconds(self, now: datetime) -> int:
        """How long the current speaker has had the floor."""
        if self.speaker_since is None or self.done:
            return 0
        return max(0, int((now - self.speaker_since).total_seconds()))


def shuffled(attendees: Sequence[str], rng: random.Random | None = None) -> list[str]:
    """The attendees in a fresh random order, never the same order when there is another one."""
    people = list(attendees)
    if len(set(people)) < 2:
        return people
    rng = rng or random.Random()
    result = people[:]
    while result == people:
        rng.shuffle(result)
    return result

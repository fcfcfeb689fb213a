"""The facilitator's side of participants: who joined, what they filed, the reveal of votes, take-backs.

`LiveSession` is a `ParticipantsHost`. Participants write from their own processes into the same
file; everything here reads it afresh, so the facilitator's view shows their entries as soon as
the screen reads the session again (it polls `Repertoire.data_version()` to know when).
"""

from __future__ import annotations

import threading

from coptui.counts import plural
from coptui.facilitation.engine_base import EngineBase
from coptui.facilitation.taking_back import take_back
from coptui.facilitation.view import EntryResult
from coptui.models import Command, CommandKind
from coptui.store import StoreError
from coptui.store.participants import Arrival, ParticipantEntry, Participation


class ParticipantsHost(EngineBase):
    """What the facilitator's engine does about participants; mixed into `LiveSession`."""

    _lock: threading.RLock

    def _host(self, command: Command) -> EntryResult:
        """Carry out a journalled command of this side: inside `perform`'s transaction."""
        if command.kind is CommandKind.REVEAL_VOTES:
            return self.reveal_votes()
        try:
            entry_id = int(command.text)
        except ValueError:
            return EntryResult(False, f"{command.text!r} is not an entry to take back")
        return self.take_back(entry_id)

    def reveal_votes(self, case_id: int | None = None) -> EntryResult:
        """Show everyone the participants' private dots on a case (the one in focus unless told)."""
        with self._lock:
            case_id = case_id or self._focus_id
            if case_id is None:
                return EntryResult(False, "no case in focus: its votes are revealed once it is")
            case = self.repertoire.case(case_id)
            if self.repertoire.votes_revealed(case_id):
                return EntryResult(False, f"the votes on “{case.title}” are shown already")
            with self.repertoire.transaction():
                dots = self.repertoire.reveal_votes(self.session_id, case_id, self.clock.now())
            revealed: int = case_id

            def hide() -> None:
                self.repertoire.hide_votes_again(revealed)

            self._remember(f"the reveal of the votes on “{case.title}”", hide)
            counted = plural(dots, "private dot")
            return EntryResult(True, f"votes on “{case.title}” revealed: {counted} counted")

    def reveal_all_left_hidden(self) -> int:
        """Count the private dots still hidden on any of this session's cases: once problem solving
        is left (or the session ends) the voting is over, and dots never revealed would be missing
        from the votes and the minutes. Returns how many dots that was."""
        now = self.clock.now()
        cases = self.repertoire.session_cases(self.session_id)
        return sum(
            self.repertoire.reveal_votes(self.session_id, c.id, now) for c in cases if c.id is not None
        )

    def take_back(self, entry_id: int) -> EntryResult:
        """Remove what a participant filed (out of place, say); F8 puts it back."""
        with self._lock:
            try:
                with self.repertoire.transaction():
                    entry, put_back = take_back(self.repertoire, entry_id, self.clock.now())
            except StoreError as error:
                return EntryResult(False, f"not taken back: {error}")
            self._remember(f"the taking back of {entry.description}", put_back)
            return EntryResult(True, f"taken back: {entry.description}")

    def arrivals_since(self, after: int = 0) -> list[Arrival]:
        """Who joined from their own terminal since arrival `after` (0: all of them), in order."""
        return self.repertoire.arrivals(self.session_id, after=after)

    def participant_entries_since(self, after: int = 0) -> list[ParticipantEntry]:
        """What participants filed since entry `after` and still stands, in order."""
        return self.repertoire.participant_entries(self.session_id, after=after)

    def participation(self) -> list[Participation]:
        return self.repertoire.participation(self.session_id)

    def not_yet_heard(self) -> list[str]:
        """The attendees still here who have not said anything filed yet, in speaking order."""
        heard = {p.member for p in self.participation() if p.heard}
        return [h for h in self.session.attendees if h not in heard and h not in self.session.left]

    def hidden_dots(self) -> int:
        """How many private dots are on the case in focus, not yet revealed: the count, never where."""
        case_id = self._focus_id
        if case_id is None or self.repertoire.votes_revealed(case_id):
            return 0
        return self.repertoire.dots_cast(case_id)

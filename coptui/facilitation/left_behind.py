"""Lines a participant Entered whose process went away before filing them: the facilitator's
process files them, as that member.

A participant's keys are kept beside the file before they are journalled (`side_journal`). When
the member's process goes (a dropped ssh connection, a closed terminal, a kill) while another
program holds the file's write lock, what it kept waits there with nobody to file it. The
facilitator's recorder looks for such lines while the session is live, and before it ends:
it journals them (each once: the journal keeps record keys unique) and carries them out in the
order they were given, with exactly that member's rights (`Participant.perform`, which carries a
command out once whichever process gets to it first).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from coptui.counts import plural
from coptui.facilitation.clock import Clock
from coptui.facilitation.participant import Participant
from coptui.facilitation.view import EntryResult
from coptui.models import Command
from coptui.store import Repertoire
from coptui.store.journal import CaptureJournal
from coptui.store.side_journal import kept_beside, stray_said

if TYPE_CHECKING:
    from coptui.facilitation.live import LiveSession


@dataclass(frozen=True)
class FiledForMember:
    """One line a participant's gone process left, and what became of it."""

    member: str
    command: Command
    result: EntryResult


@dataclass
class LeftBehind:
    """Files, from the facilitator's process, what participants' gone processes left beside the file."""

    journal: CaptureJournal
    _members: set[str] = field(default_factory=set)  # journalled for them, maybe not carried out yet

    def file(
        self, repertoire: Repertoire, session_id: int, clock: Clock, before: datetime | None = None
    ) -> list[FiledForMember]:
        """Journal what is left, and carry out what was Entered `before` a moment (all of it when
        None): a member's line goes before the facilitator's keys pressed after it, whichever
        journal holds it. `StoreError` when the file cannot be written just now (the next call
        goes on where this one stopped)."""
        orphans = self.journal.take_participants_orphans(session_id)
        strays: list[FiledForMember] = []
        if orphans:
            members = {k.member for k in orphans.commands if k.member is not None}
            try:
                kept_aside = self.journal.adopt(orphans, session_id)
            finally:
                orphans.release(delete=False)  # a no-op once adopted: they are deleted then
            self._members |= members
            # Lines of a session the file does not hold: said as not filed, never filed here.
            strays = [
                FiledForMember(k.member or "", k.command, EntryResult(False, stray_said(k)))
                for k in kept_aside
            ]
        if not self._members:
            return strays
        filed = file_for_members(repertoire, session_id, sorted(self._members), clock, before)
        if before is None:
            self._members.clear()
        return [*strays, *filed]


def file_for_members(
    repertoire: Repertoire,
    session_id: int,
    members: list[str],
    clock: Clock,
    before: datetime | None = None,
) -> list[FiledForMember]:
    """Carry out the journalled, unsettled commands of `members` in a session (those Entered
    `before` a moment, if given), in the order they were pressed, each as its member."""
    backlog = sorted(
        (
            (m, c)
            for m in members
            for c in repertoire.unsettled_commands(session_id, m)
            if before is None or c.pressed_at < before
        ),
        key=lambda mc: (mc[1].pressed_at, mc[1].id or 0),
    )
    if not backlog:
        return []
    session = repertoire.session(session_id)
    engines = {m: Participant(repertoire, session, m, clock) for m in members}
    return [FiledForMember(m, c, engines[m].perform(c)) for m, c in backlog]


def said(filed: list[FiledForMember]) -> str:
    """One line for the facilitator: whose left-behind lines were filed, and why any were not."""
    members = ", ".join(f"@{m}" for m in dict.fromkeys(f.member for f in filed))
    refused = [f for f in filed if not f.result.ok]
    parts = []
    if len(filed) > len(refused):
        parts.append(f"filed {plural(len(filed) - len(refused), 'line')}")
    if refused:
        parts.append(f"{plural(len(refused), 'line')} not filed ({refused[0].result.message})")
    return f"{' · '.join(parts)} that {members} Entered before their screen went away"


def not_filed_yet(repertoire: Repertoire, session_id: int) -> list[Command]:
    """What was Entered in a session, by anyone, and is not filed yet: journalled and not carried
    out, or kept beside the file and not journalled. It only reads."""
    kept = [k.command for k in kept_beside(repertoire.path) if k.session_id in (session_id, None)]
    return repertoire.not_yet_carried_out(session_id, kept)


def file_what_is_left(live: LiveSession) -> int:
    """Before a session is closed from outside its screen (`coptui abandon`): file everything
    Entered in it and not filed yet, the facilitator's and every participant's, in order; how many.
    `StoreError` when the file cannot be written just now: then nothing is closed."""
    repertoire, session_id = live.repertoire, live.session_id
    journal = CaptureJournal(repertoire.path)
    try:
        own = journal.take_orphans()
        if own:
            try:
                journal.adopt(own, session_id)
            finally:
                own.release(delete=False)
        count = 0
        left = LeftBehind(journal)
        for command in repertoire.unsettled_commands(session_id):
            # Every journal in the order pressed: members' lines Entered before this key go first.
            count += len(left.file(repertoire, session_id, live.clock, command.pressed_at))
            live.perform(command)
            count += 1
        count += len(left.file(repertoire, session_id, live.clock))
        members = repertoire.unsettled_members(session_id)  # their screens may be gone too
        count += len(file_for_members(repertoire, session_id, members, live.clock))
        return count
    finally:
        journal.close()

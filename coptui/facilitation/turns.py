"""Whose check-in a plain line is, decided as Enter is pressed rather than when it is filed.

In check-in a plain line is the check-in of whom the capture box names as next. The box names
the next by the session as last read, less those whose check-ins were Entered and are not in
that reading yet: a burst of lines while another program holds the file's lock goes round the
room (ben's, then cho's, then dev's) as it does when each is filed at once, and each line carries
its name (`Command.speaker`) to be filed as theirs however long it waits.

A few keys change who is next in ways only filing tells (F8, a phase moved, a shuffle, `#arrived`
and the other attendance tags, a take-back): while one of those is on its way, the box names
nobody, and a plain line is the check-in of whoever is next when it is filed, as before.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import date

from coptui.facilitation.tags import (
    AbsentEntry,
    ArrivedEntry,
    LeftEntry,
    NewcomerEntry,
    NoteEntry,
    UndoEntry,
    parse_entry,
)
from coptui.facilitation.view import SessionView
from coptui.models import CommandKind, PhaseKind

# Keys that leave who is next as it was.
_ROUND_KEPT = frozenset({CommandKind.ENTRY, CommandKind.PAUSE, CommandKind.EXTEND, CommandKind.REVEAL_VOTES})
_ROUND_CHANGING = (AbsentEntry, ArrivedEntry, LeftEntry, NewcomerEntry, UndoEntry)
_PHASE_MOVING = frozenset({CommandKind.NEXT_PHASE, CommandKind.PREVIOUS_PHASE, CommandKind.JUMP})


@dataclass
class _OnItsWay:
    """A command pressed whose filing the session last read may not show yet."""

    turn: str | None  # whose check-in it is (or who it names), in the round
    unsure: bool  # it changes who is next in a way only filing tells
    moves: bool = False  # it moves the session to another phase
    carried_out: bool = False


class CheckInTurns:
    """Who the facilitator's box names for the next check-in, counting lines on their way.

    The screen tells it each command pressed, each one carried out (in the order pressed) and
    each reading of the session its recorder made after carrying commands out.
    """

    def __init__(self) -> None:
        self._on_its_way: deque[_OnItsWay] = deque()

    @property
    def unsure(self) -> bool:
        """A key on its way changes who is next in a way only filing tells."""
        return any(w.unsure for w in self._on_its_way)

    def next_speaker(self, view: SessionView | None) -> str | None:
        """Whose check-in a plain line Entered now is; None when it is nobody's in particular."""
        if view is None or view.phase.kind is not PhaseKind.CHECK_IN or self.unsure:
            return None
        taken = {w.turn for w in self._on_its_way}
        return next((h for h in view.speaking.waiting if h not in taken), None)

    def phase(self, view: SessionView | None) -> int | None:
        """The phase a line Entered now belongs to: the one shown, unless a key on its way moves
        the session on (then None: the phase it is filed in, after that key)."""
        if view is None or any(w.moves for w in self._on_its_way):
            return None
        return view.phase.position

    def pressed(self, kind: CommandKind, text: str, view: SessionView | None, today: date) -> str | None:
        """Count a command pressed; for a plain line in check-in, whose check-in it is."""
        speaker = turn = None
        unsure = kind not in _ROUND_KEPT
        if kind is CommandKind.ENTRY and view is not None and view.phase.kind is PhaseKind.CHECK_IN:
            entry = parse_entry(text, view.member_names, today)
            if isinstance(entry, NoteEntry):
                speaker = None if entry.author else self.next_speaker(view)
                turn = entry.author or speaker
            unsure = isinstance(entry, _ROUND_CHANGING)
        self._on_its_way.append(_OnItsWay(turn, unsure, kind in _PHASE_MOVING))
        return speaker

    def carried_out(self) -> None:
        """The oldest command pressed and not carried out is carried out now."""
        for waiting in self._on_its_way:
            if not waiting.carried_out:
                waiting.carried_out = True
                return

    def read_back(self) -> None:
        """The session was read after every command carried out so far: they show in it."""
        while self._on_its_way and self._on_its_way[0].carried_out:
            self._on_its_way.popleft()

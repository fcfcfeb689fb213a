"""The state and the few helpers every part of the live session engine shares.

`LiveSession` (live.py) is made of `EntryFiling` (filing.py) and `ParticipantsHost`
(hosting.py); both read where the meeting is and push onto one undo stack, defined here.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from coptui.facilitation.clock import Clock
from coptui.facilitation.focus import case_in_focus
from coptui.facilitation.matters import MattersReader
from coptui.facilitation.speaking import SpeakingOrder
from coptui.facilitation.view import EntryResult
from coptui.models import PhaseRun, Session
from coptui.store import Repertoire


@dataclass
class Undo:
    description: str
    revert: Callable[[], None]
    typed: str = ""  # the line that filed it: undo hands it back to be fixed and entered again


@dataclass
class EngineState:
    undo: list[Undo] = field(default_factory=list)
    end_asked: bool = False  # the last command was F5 on the last phase
    typed: str = ""  # the line `enter` is filing now
    speaker: str | None = None  # whose check-in the box named as that line was Entered, if it did
    pressed_at: datetime | None = None  # when it was Entered, if it was journalled: None, now
    phase: int | None = None  # the phase it was Entered in (`Command.phase`); None: the current one

    def copy(self) -> EngineState:
        return replace(self, undo=list(self.undo))


class EngineBase(ABC):
    """What the parts of the live session engine share: where the meeting is and the undo stack.

    `LiveSession` sets the attributes below as it opens and provides undo and the speaking order.
    """

    repertoire: Repertoire
    session: Session
    session_id: int
    clock: Clock
    member_names: dict[str, str]
    matters: MattersReader
    _state: EngineState

    @abstractmethod
    def undo(self) -> EntryResult: ...

    @abstractmethod
    def _speaking(self) -> SpeakingOrder: ...

    @property
    def position(self) -> int:
        return self.session.current_phase or 0

    @property
    def phase(self) -> PhaseRun:
        return self.session.phases[self.position]

    @property
    def entered_position(self) -> int:
        """The phase the line being filed was Entered in, if the session has it; else the current one."""
        bound = self._state.phase
        return bound if bound is not None and 0 <= bound < len(self.session.phases) else self.position

    @property
    def _focus_id(self) -> int | None:
        """The case in focus: kept in the file, so that participants' processes read it too."""
        return case_in_focus(self.repertoire, self.session)

    @_focus_id.setter
    def _focus_id(self, case_id: int | None) -> None:
        self.repertoire.set_focus_case(self.session_id, case_id)

    def _remember(self, description: str, revert: Callable[[], None]) -> EntryResult:
        self._state.undo.append(Undo(description, revert, self._state.typed))
        return EntryResult(True, f"filed {description}")

    def _today(self) -> date:
        return self.clock.now().astimezone().date()

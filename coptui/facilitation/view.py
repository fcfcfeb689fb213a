"""What the engine hands the screen: a whole session read in one go, and the answer to an entry."""

from __future__ import annotations

from dataclasses import dataclass

from coptui.facilitation.matters import MattersArising
from coptui.facilitation.speaking import SpeakingOrder
from coptui.facilitation.strategy_numbers import NumberedView, StrategyNumbers
from coptui.models import Action, Case, Note, PhaseRun, ReportBack, Session
from coptui.store.practice_records import PracticeRecord


@dataclass(frozen=True)
class EntryResult:
    ok: bool
    message: str
    undone_text: str = ""  # after an undo: the line that had filed what was undone


@dataclass(frozen=True)
class SessionView(NumberedView):
    """Everything the session screen shows, read in one go so the screen never waits on the store."""

    session: Session
    member_names: dict[str, str]
    cases: tuple[Case, ...]
    focus: int | None  # index into `cases`
    numbers: StrategyNumbers  # the case in focus's strategies, numbered as on every screen this session
    practices: dict[int, PracticeRecord]  # the practices of those strategies, by id, with their records
    actions: tuple[Action, ...]  # filed this session
    notes: tuple[Note, ...]  # of the current phase
    matters: MattersArising | None  # in the report-back phase, where they are listed
    reports: tuple[ReportBack, ...]  # filed this session with no action behind them
    speaking: SpeakingOrder
    revision: int = 0  # rises with every view read, so a screen can drop one that arrives late
    hidden_dots: int = 0  # participants' private dots on the case in focus, until revealed
    votes_revealed: bool = False  # the case in focus's private dots are counted in its votes
    not_yet_heard: tuple[str, ...] = ()  # attendees still here with nothing filed from them yet
    # The file's data version as the reads began: writes up to it (the journal's own) are in it.
    data_version: int | None = None
    community: str = ""  # its name, for the masthead (drawn before the session has opened, too)

    @property
    def phase(self) -> PhaseRun:
        return self.session.phases[self.session.current_phase or 0]

    @property
    def focused_case(self) -> Case | None:
        return None if self.focus is None else self.cases[self.focus]

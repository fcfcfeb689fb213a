"""The live-session engine: phases, timers, speaking order, tag parsing, transitions and resume.

It calls the store and never imports Textual; the session screen is a thin layer over it.
"""

from coptui.facilitation.clock import Clock, ManualClock, SystemClock
from coptui.facilitation.live import (
    EXTEND_MINUTES,
    FacilitationError,
    LiveSession,
    SessionPlan,
    default_title,
)
from coptui.facilitation.matters import MatterArising, MattersArising
from coptui.facilitation.speaking import SpeakingOrder
from coptui.facilitation.summary import PhaseSummary, SessionSummary
from coptui.facilitation.tags import (
    AbsentEntry,
    ActionEntry,
    CaseDetailEntry,
    CaseEntry,
    DecisionEntry,
    Entry,
    EntryError,
    FocusEntry,
    NoteEntry,
    PickEntry,
    ReportEntry,
    StrategyEntry,
    UndoEntry,
    VoteEntry,
    parse_entry,
)
from coptui.facilitation.timer import PhaseTimer, TimerAlert, clock_face
from coptui.facilitation.view import EntryResult, SessionView

__all__ = [
    "EXTEND_MINUTES",
    "AbsentEntry",
    "ActionEntry",
    "CaseDetailEntry",
    "CaseEntry",
    "Clock",
    "DecisionEntry",
    "Entry",
    "EntryError",
    "EntryResult",
    "FacilitationError",
    "FocusEntry",
    "LiveSession",
    "ManualClock",
    "MatterArising",
    "MattersArising",
    "NoteEntry",
    "PhaseSummary",
    "PhaseTimer",
    "PickEntry",
    "ReportEntry",
    "SessionPlan",
    "SessionSummary",
    "SessionView",
    "SpeakingOrder",
    "StrategyEntry",
    "SystemClock",
    "TimerAlert",
    "UndoEntry",
    "VoteEntry",
    "clock_face",
    "default_title",
    "parse_entry",
]

"""Where an edit form's save is: one state, changed only by the events below (see `Form` in edit.py).

EDITING  ── F2 ─────────────────────► DUE ── a try starts ──► SAVING
SAVING   ── saved ──────────────────► the form closes with what the save said
         ── saved, typed on since ──► DUE: an edit saves the rest next; EDITING: a new item, added
                                       once, says the rest is not saved (never closes over it)
         ── the file is busy ───────► DUE: tried again by itself a second later (F2: now)
         ── a field changed meanwhile ► CONFLICT: nothing saved
         ── refused, or not valid ──► EDITING, the form says why
CONFLICT ── F2 ─────────────────────► DUE, saving over the file's change; F3 ► EDITING with the file's
DUE, SAVING ── escape ──────────────► asks; escape again: closes (DUE), or DROPPING (SAVING)
DROPPING ── the try ends ───────────► the form closes (with what it said, if it saved)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto

from coptui.store import EditConflict


class Stage(Enum):
    EDITING = auto()  # nothing asked to be saved (or the last try was refused: the form said why)
    DUE = auto()  # a save is asked for and no try is under way: the next starts now, or after a busy file
    SAVING = auto()  # a try is under way
    CONFLICT = auto()  # a field changed in the file since it was read: nothing saved until the user chooses
    DROPPING = auto()  # escaped twice while a try was under way: the form closes when it ends


class Leave(Enum):
    """What escape does."""

    ASK = auto()  # a save is due: say that a second escape drops it
    CLOSE = auto()  # close the form now
    AFTER_TRY = auto()  # close it when the try under way ends (saved or not)


@dataclass
class SaveState:
    """A form's save: its stage, the tries made, and the conflict shown; every change is a method here."""

    stage: Stage = Stage.EDITING
    tries: int = 0  # tries of this save, said while the file is busy
    leave_asked: bool = False  # escape was pressed once while the save was due or under way
    conflict: EditConflict | None = None  # in CONFLICT: the field changed in the file, and what it holds

    @property
    def wanted(self) -> bool:
        """A save asked for and not in the file yet: what quitting would drop."""
        return self.stage in (Stage.DUE, Stage.SAVING)

    @property
    def trying(self) -> bool:
        return self.stage in (Stage.SAVING, Stage.DROPPING)

    def save_asked(self) -> EditConflict | None:
        """F2 (or the Save button): a save is due; the conflict shown, if any, is saved over (returned)."""
        over, self.conflict = self.conflict, None
        self.stage, self.leave_asked = Stage.DUE, False
        return over

    def saved(self, *, rest_due: bool = False) -> None:
        """The try saved what the form held as it began; `rest_due`: what was typed since is next."""
        self.stage, self.tries = (Stage.DUE if rest_due else Stage.EDITING), 0

    def try_started(self) -> None:
        self.stage = Stage.SAVING
        self.tries += 1

    def not_valid(self) -> None:
        """The form cannot be built as it is now: nothing is due until F2 again."""
        self.stage, self.tries = Stage.EDITING, 0

    def busy(self) -> None:
        """Another program held the write lock through the try: the next is due (unless dropped)."""
        if self.stage is Stage.SAVING:
            self.stage = Stage.DUE

    def refused(self, error: BaseException) -> None:
        """The try ended without saving, for good: a field changed meanwhile, or any other reason."""
        self.tries = 0
        self.conflict = error if isinstance(error, EditConflict) else None
        self.stage = Stage.EDITING if self.conflict is None else Stage.CONFLICT

    def took_theirs(self) -> None:
        """F3: the file's value is in the form now."""
        self.stage, self.conflict = Stage.EDITING, None

    def leave(self) -> Leave:
        """Escape (or the Cancel button)."""
        if self.wanted and not self.leave_asked:
            self.leave_asked = True
            return Leave.ASK
        if self.trying:
            self.stage = Stage.DROPPING
            return Leave.AFTER_TRY
        self.stage = Stage.EDITING
        return Leave.CLOSE

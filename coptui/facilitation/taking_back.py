"""Taking back what a participant filed: by the participant (their #undo) or by the facilitator.

Every item a participant files is written down in `participant_entries` with what undoing it
needs. Taking one back removes the item and marks the entry; it returns what puts the item
back (a strategy under its own id, so in its own numbered place; anything else under a new id),
which is the facilitator's undo of a take-back.
Callers run it inside one transaction, so a refusal part-way changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from coptui.facilitation.strategy_numbers import withdraw
from coptui.models import ActionStatus, Case, CaseStatus
from coptui.store import NotFound, Repertoire, StoreError
from coptui.store.participants import ParticipantEntry

Restore = Callable[[], int]  # files the item again; returns its new id


def take_back(
    repertoire: Repertoire, entry_id: int, at: datetime
) -> tuple[ParticipantEntry, Callable[[], None]]:
    """Remove what entry `entry_id` filed; returns the entry and what puts it back.

    Raises `StoreError` (with a message for the person asking) when it cannot be taken back.
    """
    entry = repertoire.participant_entry(entry_id)
    if entry.taken_back_at is not None:
        raise StoreError(f"{entry.description} was taken back already")
    restore = _REMOVERS[entry.kind](repertoire, entry)
    repertoire.set_entry_taken_back(entry.id, at)

    def put_back() -> None:
        _refuse_if_entered_again(repertoire, entry)
        repertoire.set_entry_taken_back(entry.id, None, restore())

    return entry, put_back


def _refuse_if_entered_again(repertoire: Repertoire, entry: ParticipantEntry) -> None:
    """A member given back a line that was taken back may Enter it again: put back as well, it
    would be filed twice (two dots from one vote, two notes). `StoreError` then; theirs stays."""
    typed = entry.undo.get("typed")
    if not typed or entry.session_id is None:
        return
    since = repertoire.participant_entries(entry.session_id, member=entry.member, after=entry.id)
    if any(e.kind == entry.kind and e.undo.get("typed") == typed for e in since):
        raise StoreError(f"@{entry.member} Entered it again since, which stays")


def _note(repertoire: Repertoire, entry: ParticipantEntry) -> Restore:
    note = repertoire.note(entry.item_id).model_copy(update={"id": None})
    repertoire.delete_note(entry.item_id)
    return lambda: repertoire.add_note(note).id or 0


def _case(repertoire: Repertoire, entry: ParticipantEntry) -> Restore:
    case = repertoire.case(entry.item_id)
    # As the member filed it: a title, nothing else (what others added since keeps it where it is).
    filed = Case(
        id=case.id,
        session=case.session,
        presenter=case.presenter,
        title=entry.undo.get("title", case.title),
        opened_on=case.opened_on,
    )
    repertoire.take_back_case(filed)
    again = case.model_copy(update={"id": None})
    return lambda: repertoire.add_case(again).id or 0


def _case_detail(repertoire: Repertoire, entry: ParticipantEntry) -> Restore:
    field, before, after = entry.undo["field"], entry.undo["before"], entry.undo["after"]

    def set_to(value: object, was: object) -> int:
        # That field alone, and only if it still holds what this entry left there (`EditConflict`).
        repertoire.edit_case(entry.item_id, {field: value}, {field: was})
        return entry.item_id

    set_to(before, after)
    return lambda: set_to(after, before)


def _strategy(repertoire: Repertoire, entry: ParticipantEntry) -> Restore:
    strategy = repertoire.strategy(entry.item_id)
    withdraw(repertoire, entry.item_id)

    def restore() -> int:
        # Its practice went with it if this was its only use: filed again, it starts one anew.
        practice = strategy.practice
        if practice is not None:
            try:
                repertoire.practice(practice)
            except NotFound:
                practice = None
        repertoire.put_back_strategy(strategy.model_copy(update={"practice": practice}))
        return entry.item_id

    return restore


def _vote(repertoire: Repertoire, entry: ParticipantEntry) -> Restore:
    repertoire.delete_private_vote(entry.item_id)
    undo = entry.undo
    return lambda: repertoire.add_private_vote(
        undo["session_id"], undo["case_id"], undo["strategy_id"], entry.member, undo["dots"], entry.filed_at
    )


def _report_back(repertoire: Repertoire, entry: ParticipantEntry) -> Restore:
    report = repertoire.report_back(entry.item_id)
    repertoire.delete_report_back(entry.item_id)
    if report.action is not None and entry.undo.get("action_status"):
        repertoire.set_action_status(report.action, ActionStatus(entry.undo["action_status"]))
    if report.case is not None and entry.undo.get("case_status"):
        repertoire.set_case_status(report.case, CaseStatus(entry.undo["case_status"]))
    again = report.model_copy(update={"id": None})

    def restore() -> int:
        # One report per matter a session: one filed since (the member reported again) stays.
        since = [r for r in repertoire.report_backs(session=report.session) if r.action == report.action]
        if report.action is not None and since:
            outcome = since[-1].outcome.value.replace("_", " ")
            raise StoreError(f"@{since[-1].member} reported on it again since ({outcome}), which stays")
        return repertoire.add_report_back(again).id or 0

    return restore


_REMOVERS: dict[str, Callable[[Repertoire, ParticipantEntry], Restore]] = {
    "check_in": _note,
    "note": _note,
    "case": _case,
    "case_detail": _case_detail,
    "strategy": _strategy,
    "vote": _vote,
    "report_back": _report_back,
}

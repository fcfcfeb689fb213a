"""An edit form's save moves through one state (ui/screens/form_save.py): each path a form takes,
event by event, with what quitting would drop and what escape does at each step. The forms
themselves are driven through Pilot in test_form_saves.py and test_form_messages.py."""

from __future__ import annotations

from coptui.store import EditConflict, StoreError
from coptui.ui.screens.form_save import Leave, SaveState, Stage


def test_a_save_under_a_busy_file_stays_due_and_counts_its_tries_until_it_is_in() -> None:
    state = SaveState()
    assert not state.wanted
    assert state.save_asked() is None
    assert (state.stage, state.wanted) == (Stage.DUE, True)
    for tries in (1, 2):
        state.try_started()
        assert (state.stage, state.trying, state.tries) == (Stage.SAVING, True, tries)
        state.busy()
        assert (state.stage, state.wanted, state.trying) == (Stage.DUE, True, False)
    state.try_started()
    state.saved()
    assert (state.stage, state.wanted, state.tries) == (Stage.EDITING, False, 0)


def test_escape_asks_while_a_save_is_due_and_drops_it_the_second_time() -> None:
    state = SaveState()
    state.save_asked()
    state.try_started()
    state.busy()
    assert state.leave() is Leave.ASK
    assert state.leave_asked
    assert state.leave() is Leave.CLOSE
    assert not state.wanted
    # Escaped twice while a try is under way: the form closes when the try ends.
    state = SaveState()
    state.save_asked()
    state.try_started()
    assert state.leave() is Leave.ASK
    assert state.leave() is Leave.AFTER_TRY
    assert (state.stage, state.wanted, state.trying) == (Stage.DROPPING, False, True)
    state.busy()  # the try under way ends on a busy file: nothing is due any more
    assert state.stage is Stage.DROPPING
    # F2 again after the question: the question is forgotten, the save goes on.
    state = SaveState()
    state.save_asked()
    state.leave()
    state.save_asked()
    assert (state.leave_asked, state.leave()) == (False, Leave.ASK)


def test_a_conflict_waits_for_the_user_and_f2_saves_over_it_or_f3_takes_it_in() -> None:
    conflict = EditConflict("case 2", "context", "the file's words")
    state = SaveState()
    state.save_asked()
    state.try_started()
    state.refused(conflict)
    assert (state.stage, state.conflict, state.wanted, state.tries) == (Stage.CONFLICT, conflict, False, 0)
    assert state.leave() is Leave.CLOSE  # nothing is due: escape closes at once
    state = SaveState()
    state.save_asked()
    state.try_started()
    state.refused(conflict)
    assert state.save_asked() is conflict
    assert (state.stage, state.conflict) == (Stage.DUE, None)
    state.try_started()
    state.refused(conflict)
    state.took_theirs()
    assert (state.stage, state.conflict) == (Stage.EDITING, None)


def test_a_refusal_or_a_form_no_longer_valid_leaves_nothing_due() -> None:
    state = SaveState()
    state.save_asked()
    state.try_started()
    state.refused(StoreError("no such member"))
    assert (state.stage, state.conflict, state.wanted) == (Stage.EDITING, None, False)
    state.save_asked()
    state.not_valid()
    assert (state.stage, state.wanted, state.tries) == (Stage.EDITING, False, 0)

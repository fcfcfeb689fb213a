"""Participants and the facilitator writing into one file from their own connections, at once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from killing import kill_when_it_says

from coptui.facilitation import EntryResult, LiveSession, ManualClock, SessionPlan
from coptui.facilitation.left_behind import FiledForMember, LeftBehind, file_for_members
from coptui.facilitation.participant import Participant
from coptui.facilitation.recorder import Pending, Recorder, Result
from coptui.facilitation.view import SessionView
from coptui.formats import DEFAULT_FORMAT, find_format
from coptui.models import Command, CommandKind, Member
from coptui.store import Repertoire
from coptui.store.journal import CaptureJournal
from coptui.store.side_journal import side_folder

START = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
SOLVING = 2
WAIT_SECONDS = 120  # a bound on waiting for the writers' threads, on a machine with every core busy
PARTICIPANTS = 30


class Listener:
    """A listener for one writer's recorder: what it carried out, and any problem it ran into."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.results: list[EntryResult] = []
        self.problems: list[str] = []
        self.left_behind: list[FiledForMember] = []
        self.joined = False

    def _note(self, update: Callable[[], None]) -> None:
        with self.changed:
            update()
            self.changed.notify_all()

    def _join(self) -> None:
        self.joined = True

    def opened(self, live: object, view: object, replayed: Sequence[object]) -> None:
        self._note(self._join)

    def open_failed(self, error: Exception) -> None:
        self._note(lambda: self.problems.append(f"did not open: {error}"))

    def carried_out(self, command: object, result: Result) -> None:
        assert isinstance(result, EntryResult)
        self._note(lambda: self.results.append(result))

    def viewed(self, view: object) -> None:
        pass

    def filed_left_behind(self, filed: Sequence[FiledForMember]) -> None:
        self._note(lambda: self.left_behind.extend(filed))

    def pending_changed(self, pending: Sequence[Pending], problem: str | None) -> None:
        if problem:
            self._note(lambda: self.problems.append(problem))

    def wait(self, condition: Callable[[], bool], what: str) -> None:
        with self.changed:
            assert self.changed.wait_for(condition, timeout=WAIT_SECONDS), f"timed out waiting for {what}"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def crowd(repertoire: Repertoire) -> list[str]:
    handles = [f"p{n:02}" for n in range(PARTICIPANTS)]
    for handle in handles:
        repertoire.add_member(Member(handle=handle, name=f"Participant {handle}"))
    return handles


@pytest.fixture
def live(repertoire: Repertoire, crowd: list[str], clock: ManualClock) -> LiveSession:
    plan = SessionPlan(find_format(DEFAULT_FORMAT), "ana", ["ben", "cho", *crowd])
    live = LiveSession.start(repertoire, plan, clock)
    live.jump_to(SOLVING)
    assert live.enter("#case @ben Alert fatigue").ok
    assert live.enter("#strategy @ana Route alerts to tickets").ok
    return live


@pytest.fixture
def other_connection(db_path: Path) -> Iterator[Repertoire]:
    with Repertoire.open(db_path) as repertoire:
        yield repertoire


def test_what_a_participant_files_from_another_connection_shows_on_the_facilitators_view(
    repertoire: Repertoire,
    other_connection: Repertoire,
    live: LiveSession,
    crowd: list[str],
    clock: ManualClock,
) -> None:
    cho = Participant.join(other_connection, "cho", via="ssh", clock=clock)
    seen = repertoire.data_version()
    assert cho.enter("#strategy Silence flapping alerts").ok
    assert repertoire.data_version() != seen, "the facilitator's screen polls this to read again"
    assert [s.proposer for s in live.view().strategies] == ["ana", "cho"]
    assert live.participant_entries_since()[-1].description == "a strategy from @cho for “Alert fatigue”"
    # Ben brought the case, Ana and Cho proposed strategies; the others have said nothing filed yet.
    assert live.view().not_yet_heard == tuple(crowd)


def test_the_facilitators_focus_is_read_by_a_participant_in_another_process(
    other_connection: Repertoire, live: LiveSession, clock: ManualClock
) -> None:
    cho = Participant.join(other_connection, "cho", via="local", clock=clock)
    assert live.enter("#case @cho Runbooks rot").ok
    assert cho.view().focus.title == "Runbooks rot"  # type: ignore[union-attr]
    assert live.enter("#focus 1").ok
    assert cho.view().focus.title == "Alert fatigue"  # type: ignore[union-attr]
    assert cho.enter("#vote 1").ok
    assert cho.view().my_votes == {live.view().strategies[0].id: 1}


def test_taking_back_the_case_in_focus_leaves_the_facilitator_a_case_to_work_on(
    repertoire: Repertoire, live: LiveSession, clock: ManualClock
) -> None:
    live.jump_to(1)
    cho = Participant.join(repertoire, "cho", via="local", clock=clock)
    assert cho.enter("#case Runbooks rot").ok
    assert live.enter("#focus 2").ok
    assert cho.enter("#undo").ok
    assert live.view().focused_case.title == "Alert fatigue"  # type: ignore[union-attr]
    assert live.enter("#context it pages at night").ok


def participant_recorder(
    path: Path, member: str, clock: ManualClock
) -> tuple[Recorder, Listener, Repertoire]:
    repertoire = Repertoire.open(path)
    listener = Listener()

    def open_participant() -> Participant:
        return Participant.join(repertoire, member, via="ssh", clock=clock)

    recorder = Recorder(CaptureJournal(path, member=member), open_participant, listener)
    recorder.start()
    return recorder, listener, repertoire


def test_a_participants_keys_go_through_the_journal_and_only_theirs_are_replayed(
    db_path: Path, repertoire: Repertoire, live: LiveSession, clock: ManualClock
) -> None:
    recorder, listener, opened = participant_recorder(db_path, "cho", clock)
    try:
        listener.wait(lambda: listener.joined, "the participant to join")
        assert recorder.press(CommandKind.ENTRY, "#strategy Weekly review")
        assert recorder.press(CommandKind.NEXT_PHASE)
        listener.wait(lambda: len(listener.results) == 2, "both keys to be carried out")
    finally:
        recorder.stop()
        opened.close()
    assert [(r.ok, r.message) for r in listener.results] == [
        (True, "filed a strategy from @cho for “Alert fatigue”"),
        (False, "only the facilitator moves through the phases"),
    ]
    rows = repertoire.db.execute("SELECT member, settled_at IS NOT NULL FROM capture_journal").fetchall()
    assert rows == [("cho", 1), ("cho", 1)]
    assert live.position == SOLVING


@pytest.fixture
def locks_wait_as_long_as_the_test(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every connection waits for the lock up to WAIT_SECONDS. With every core busy, thirty-one
    writers can keep one waiting past the app's 2 s (the facilitator's journal) or 5 s, which
    the screen rightly shows as pending and retries (tests/test_recorder.py shows that); here
    no writer may meet a problem however slow the machine, so the queue's length is no problem."""
    waits = WAIT_SECONDS * 1000
    monkeypatch.setattr("coptui.store.connection.BUSY_TIMEOUT_MS", waits)
    monkeypatch.setattr("coptui.store.journal.JOURNAL_BUSY_TIMEOUT_MS", waits)
    monkeypatch.setattr("coptui.store.journal.PARTICIPANT_BUSY_TIMEOUT_MS", waits)


@pytest.mark.usefixtures("locks_wait_as_long_as_the_test")
def test_a_facilitator_and_thirty_participants_writing_at_once_lose_nothing(
    db_path: Path, repertoire: Repertoire, live: LiveSession, crowd: list[str], clock: ManualClock
) -> None:
    writers = [participant_recorder(db_path, member, clock) for member in crowd]
    facilitator = Listener()
    facilitator_recorder = Recorder(
        CaptureJournal(db_path), lambda: LiveSession.resume(repertoire, clock), facilitator
    )
    facilitator_recorder.start()
    lines = {member: [f"{member} note {n}" for n in range(3)] for member in crowd}
    try:
        for _, listener, _ in writers:
            listener.wait(lambda: listener.joined, "every participant to join")  # noqa: B023 (waited on at once)
        facilitator.wait(lambda: facilitator.joined, "the facilitator's session to resume")
        go = threading.Barrier(len(crowd) + 1)

        def participant(index: int) -> None:
            recorder, member = writers[index][0], crowd[index]
            go.wait()
            recorder.press(CommandKind.ENTRY, "#vote 1")
            for line in lines[member]:
                recorder.press(CommandKind.ENTRY, line)
            recorder.press(CommandKind.ENTRY, f"#strategy {member}'s idea")

        threads = [threading.Thread(target=participant, args=(i,)) for i in range(len(crowd))]
        for thread in threads:
            thread.start()
        go.wait()
        for n in range(10):
            facilitator_recorder.press(CommandKind.ENTRY, f"@ben facilitator note {n}")
        for thread in threads:
            thread.join()
        for _, listener, _ in writers:
            listener.wait(lambda: len(listener.results) == 5, "every key to be filed")  # noqa: B023
        facilitator.wait(lambda: len(facilitator.results) == 10, "the facilitator's keys to be filed")
    finally:
        facilitator_recorder.stop()
        for recorder, _, opened in writers:
            recorder.stop()
            opened.close()

    for _, listener, _ in writers:
        assert listener.problems == []
        assert all(result.ok for result in listener.results), [r.message for r in listener.results]
    assert facilitator.problems == [] and all(r.ok for r in facilitator.results)
    notes = [n.text for n in repertoire.notes(session=live.session_id)]
    for member in crowd:
        # Each writer's entries are all there, in the order they were typed.
        assert [t for t in notes if t.startswith(f"{member} ")] == lines[member]
    assert [t for t in notes if t.startswith("facilitator")] == [f"facilitator note {n}" for n in range(10)]
    assert len(repertoire.strategies(case=live.view().cases[0].id or 0)) == 1 + len(crowd)
    assert repertoire.dots_cast(live.view().cases[0].id or 0) == len(crowd)
    assert repertoire.unsettled_commands(live.session_id) == []


def test_a_participants_lines_kept_beside_the_file_are_filed_when_they_join_again(
    db_path: Path, repertoire: Repertoire, live: LiveSession, clock: ManualClock
) -> None:
    """Cho's process dies with two lines kept beside the file, not journalled (another program
    held the lock): the facilitator's resume leaves them to Cho, whose next join files them."""
    cho_killed_with_lines_kept(db_path, live.session_id)
    facilitator = Listener()
    resumed = Recorder(CaptureJournal(db_path), lambda: LiveSession.resume(repertoire, clock), facilitator)
    resumed.start()
    try:
        facilitator.wait(lambda: facilitator.joined, "the facilitator's session to resume")
    finally:
        resumed.stop()
    (kept,) = side_folder(db_path).glob("*.jsonl")
    case = live.view().cases[0].id or 0
    before = [s.text for s in repertoire.strategies(case=case)]
    assert "Kept 1" not in before, "the facilitator's resume files only the facilitator's keys"

    cho_joins_again(db_path, clock)
    assert [(s.text, s.proposer) for s in repertoire.strategies(case=case)][len(before) :] == [
        ("Kept 1", "cho"),
        ("Kept 2", "cho"),
    ]
    assert not kept.exists()


def cho_joins_again(db_path: Path, clock: ManualClock) -> None:
    """Cho's screen joins the session again, and files whatever of Cho's it finds waiting."""
    recorder, listener, opened = participant_recorder(db_path, "cho", clock)
    try:
        listener.wait(lambda: listener.joined, "Cho to join again")
    finally:
        recorder.stop()
        opened.close()


def cho_killed_with_lines_kept(db_path: Path, session_id: int) -> None:
    """Cho's process keeps two strategies beside the file (another program holds the lock) and is killed."""
    kill_when_it_says(
        "kept",
        """
        import sys
        from datetime import UTC, datetime
        from pathlib import Path
        from coptui.models import Command, CommandKind
        from coptui.store.journal import CaptureJournal

        journal = CaptureJournal(Path(sys.argv[1]), member="cho")
        now = datetime.now(UTC)
        lines = [
            Command(kind=CommandKind.ENTRY, text=f"#strategy Kept {n}", pressed_at=now, record_key=n)
            for n in "12"
        ]
        journal.keep(int(sys.argv[2]), lines)
        print("kept", flush=True)
        sys.stdin.read()
        """,
        str(db_path),
        str(session_id),
    )


def test_the_facilitators_recorder_files_what_a_gone_participant_left_once_in_order(
    db_path: Path, repertoire: Repertoire, live: LiveSession, clock: ManualClock
) -> None:
    cho_killed_with_lines_kept(db_path, live.session_id)
    facilitator = Listener()
    journal = CaptureJournal(db_path)
    left = LeftBehind(journal)

    def file_left_behind(live: LiveSession, before: datetime | None) -> list[FiledForMember]:
        return left.file(live.repertoire, live.session_id, live.clock, before)

    resumed: Recorder[LiveSession, SessionView] = Recorder(
        journal, lambda: LiveSession.resume(repertoire, clock), facilitator, left_behind=file_left_behind
    )
    resumed.start()
    try:
        facilitator.wait(lambda: len(facilitator.left_behind) == 2, "Cho's lines to be filed")
    finally:
        resumed.stop()
    assert [(f.member, f.command.text, f.result.ok) for f in facilitator.left_behind] == [
        ("cho", "#strategy Kept 1", True),
        ("cho", "#strategy Kept 2", True),
    ]
    case = live.view().cases[0].id or 0
    filed = [(s.text, s.proposer) for s in repertoire.strategies(case=case)]
    assert filed[-2:] == [("Kept 1", "cho"), ("Kept 2", "cho")]
    assert not list(side_folder(db_path).glob("*.jsonl"))

    cho_joins_again(db_path, clock)
    assert [(s.text, s.proposer) for s in repertoire.strategies(case=case)] == filed, "each filed once"


def test_a_command_another_process_carried_out_is_not_carried_out_again(
    repertoire: Repertoire, live: LiveSession, clock: ManualClock
) -> None:
    journal = CaptureJournal(repertoire.path, member="cho")
    try:
        now = datetime.now(UTC)
        (command,) = journal.append(
            live.session_id,
            [Command(kind=CommandKind.ENTRY, text="#strategy Once", pressed_at=now, record_key="once")],
        )
    finally:
        journal.close()
    first = Participant(repertoire, live.session, "cho", clock)
    second = Participant(repertoire, live.session, "cho", clock)
    assert first.perform(command).ok
    again = second.perform(command)
    assert (again.ok, again.message) == (True, "filed a strategy from @cho for “Alert fatigue”")
    case = live.view().cases[0].id or 0
    assert [s.text for s in repertoire.strategies(case=case)].count("Once") == 1


def test_a_participants_journalled_lines_are_filed_before_the_session_ends(
    repertoire: Repertoire, live: LiveSession
) -> None:
    """Cho's screen journalled two lines and went before carrying them out: ending files them."""
    journal = CaptureJournal(repertoire.path, member="cho")
    try:
        now = datetime.now(UTC)
        journal.append(
            live.session_id,
            [
                Command(
                    kind=CommandKind.ENTRY, text=f"#strategy Journalled {n}", pressed_at=now, record_key=n
                )
                for n in "12"
            ],
        )
    finally:
        journal.close()
    live.end()
    case = live.view().cases[0].id or 0
    assert [(s.text, s.proposer) for s in repertoire.strategies(case=case)][-2:] == [
        ("Journalled 1", "cho"),
        ("Journalled 2", "cho"),
    ]
    assert repertoire.unsettled_members(live.session_id) == []


def test_a_line_another_process_carried_out_is_said_on_the_screen_that_entered_it(
    db_path: Path,
    repertoire: Repertoire,
    live: LiveSession,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Cho Enters a line for a member nobody knows; before cho's filer gets to it, the facilitator's
    process carries it out (ending the session does). Cho's screen is still told it was refused,
    so the line comes back to the box."""
    recorder, listener, opened = participant_recorder(db_path, "cho", clock)
    carried_elsewhere = threading.Event()
    backlog = Recorder._journal_backlog

    def after_the_facilitator(self: Recorder, engine: Participant) -> list[Command]:
        assert carried_elsewhere.wait(WAIT_SECONDS), "the facilitator's process never carried it out"
        return backlog(self, engine)

    try:
        listener.wait(lambda: listener.joined, "the participant to join")
        monkeypatch.setattr(Recorder, "_journal_backlog", after_the_facilitator)
        assert recorder.press(CommandKind.ENTRY, "#strategy @zed Not a member's")
        for _ in range(6000):  # journalled by cho's screen, not yet carried out
            if repertoire.unsettled_members(live.session_id) == ["cho"]:
                break
            threading.Event().wait(0.01)
        [elsewhere] = file_for_members(repertoire, live.session_id, ["cho"], clock)
        assert not elsewhere.result.ok
        carried_elsewhere.set()
        listener.wait(lambda: len(listener.results) == 1, "cho's screen to be told")
    finally:
        carried_elsewhere.set()
        recorder.stop()
        opened.close()
    [said] = listener.results
    assert (said.ok, said.message) == (False, elsewhere.result.message)

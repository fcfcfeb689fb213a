"""The recorder without a screen: each command journalled in order, then carried out, come what may."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
from full_disk import journal_disk
from killing import kill_when_it_says
from pydantic import TypeAdapter

from coptui.facilitation import EntryResult, LiveSession, ManualClock, SessionPlan
from coptui.facilitation.left_behind import FiledForMember
from coptui.facilitation.recorder import Pending, Recorder, Result
from coptui.formats import find_format
from coptui.models import Command, CommandKind, SessionStatus
from coptui.store import Repertoire, side_journal
from coptui.store.journal import CaptureJournal

START = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
WAIT_SECONDS = 60  # a bound on waiting for the recorder's threads, for a machine with every core busy


class Reports:
    """A listener that remembers what the recorder said and lets a test wait for a condition on it."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.results: list[tuple[Command, Result]] = []
        self.replayed: list[tuple[Command, Result]] = []
        self.pending: list[Pending] = []
        self.problems: list[str] = []
        self.opened_live: LiveSession | None = None

    def _note(self, update: Callable[[], None]) -> None:
        with self.changed:
            update()
            self.changed.notify_all()

    def opened(self, live: LiveSession, view: object, replayed: Sequence[tuple[Command, Result]]) -> None:
        def update() -> None:
            self.opened_live = live
            self.replayed = list(replayed)

        self._note(update)

    def open_failed(self, error: Exception) -> None:
        raise AssertionError(f"the session did not open: {error}")

    def carried_out(self, command: Command, result: Result) -> None:
        self._note(lambda: self.results.append((command, result)))

    def viewed(self, view: object) -> None:
        self._note(lambda: None)

    def filed_left_behind(self, filed: Sequence[FiledForMember]) -> None:
        raise AssertionError(f"no participant left lines behind: {filed}")

    def pending_changed(self, pending: Sequence[Pending], problem: str | None) -> None:
        def update() -> None:
            self.pending = list(pending)
            if problem:
                self.problems.append(problem)

        self._note(update)

    def wait(self, condition: Callable[[], bool], what: str) -> None:
        with self.changed:
            assert self.changed.wait_for(condition, timeout=WAIT_SECONDS), f"timed out waiting for {what}"


def start_live(db_path: Path) -> Callable[[Repertoire], LiveSession]:
    def start(repertoire: Repertoire) -> LiveSession:
        plan = SessionPlan(find_format("cop-meeting"), "ana", ["ana", "ben"], title="Recorder clinic")
        return LiveSession.start(repertoire, plan, ManualClock(START))

    return start


@pytest.fixture
def opened(db_path: Path) -> Iterator[Repertoire]:
    with Repertoire.open(db_path) as repertoire:
        yield repertoire


def recorder_for(repertoire: Repertoire, open_live: Callable[[], LiveSession]) -> tuple[Recorder, Reports]:
    reports = Reports()
    recorder = Recorder(CaptureJournal(repertoire.path), open_live, reports)
    recorder.start()
    reports.wait(lambda: reports.opened_live is not None, "the session to open")
    return recorder, reports


def notes(path: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT text, phase FROM notes "
            "WHERE session_id = (SELECT id FROM sessions WHERE status = 'live') ORDER BY id"
        ).fetchall()


def test_entries_and_phase_keys_are_carried_out_in_the_order_pressed(
    opened: Repertoire, db_path: Path
) -> None:
    recorder, reports = recorder_for(opened, lambda: start_live(db_path)(opened))
    try:
        for kind, text in [
            (CommandKind.ENTRY, "first"),
            (CommandKind.NEXT_PHASE, ""),
            (CommandKind.ENTRY, "second"),
            (CommandKind.NEXT_PHASE, ""),
            (CommandKind.PREVIOUS_PHASE, ""),
            (CommandKind.ENTRY, "third"),
        ]:
            assert recorder.press(kind, text), "on a quiet file each key is on disk before press returns"
        reports.wait(lambda: len(reports.results) == 6 and recorder.idle, "every key carried out")
    finally:
        recorder.stop()
    assert [text for text, _ in notes(db_path)] == ["first", "second", "third"]
    assert [phase for _, phase in notes(db_path)] == [0, 1, 1]
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM capture_journal WHERE settled_at IS NULL").fetchone() == (
            0,
        )


def test_a_held_lock_keeps_entries_pending_in_view_then_files_them_in_order(
    opened: Repertoire, db_path: Path
) -> None:
    recorder, reports = recorder_for(opened, lambda: start_live(db_path)(opened))
    holder = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        assert recorder.press(CommandKind.ENTRY, "while locked 1"), (
            "on disk beside the file, if not journalled"
        )
        recorder.press(CommandKind.NEXT_PHASE)
        recorder.press(CommandKind.ENTRY, "while locked 2")
        reports.wait(lambda: any("another program" in p for p in reports.problems), "the lock to be reported")
        with reports.changed:
            waiting = [(p.command.kind, p.command.text) for p in reports.pending]
        assert waiting == [
            (CommandKind.ENTRY, "while locked 1"),
            (CommandKind.NEXT_PHASE, ""),
            (CommandKind.ENTRY, "while locked 2"),
        ]
        assert notes(db_path) == []
        holder.execute("COMMIT")
        reports.wait(lambda: len(reports.results) == 3 and recorder.idle, "the entries to be filed")
    finally:
        holder.close()
        recorder.stop()
    assert notes(db_path) == [("while locked 1", 0), ("while locked 2", 1)]
    assert reports.pending == []


@pytest.fixture
def small_disk(monkeypatch: pytest.MonkeyPatch) -> Callable[[bool], None]:
    """The journal's file can grow by no page, nor a side journal beyond the room it took when it
    was made, while `full(True)`; `full(False)` frees the space."""
    return journal_disk(monkeypatch)


def test_on_a_full_disk_entries_are_kept_in_the_room_taken_ahead_and_filed_when_space_returns(
    opened: Repertoire, db_path: Path, small_disk: Callable[[bool], None]
) -> None:
    recorder, reports = recorder_for(opened, lambda: start_live(db_path)(opened))
    # Long enough to need new pages of the file, which the full disk cannot give.
    entries = ["said as the disk filled [x] " + "words " * 3000, "and after it " + "more " * 3000]
    try:
        small_disk(True)
        assert recorder.press(CommandKind.ENTRY, entries[0]), "kept beside the file at once"
        assert recorder.press(CommandKind.ENTRY, entries[1])
        reports.wait(
            lambda: (
                any("full" in p for p in reports.problems)
                and [p.command.text for p in reports.pending] == entries
            ),
            "both to wait in view, and the full disk to be reported",
        )
        assert notes(db_path) == []
        assert [k.command.text for k in side_journal.kept_beside(db_path)] == entries
        small_disk(False)
        reports.wait(lambda: len(reports.results) == 2 and recorder.idle, "the entries to be filed")
    finally:
        recorder.stop()
    assert notes(db_path) == [(entries[0].strip(), 0), (entries[1].strip(), 0)]


def test_entries_kept_on_a_full_disk_outlive_a_kill_and_are_filed_on_resume(
    opened: Repertoire, db_path: Path
) -> None:
    live = start_live(db_path)(opened)
    kill_when_it_says(
        "kept",
        """
        import sys
        from datetime import UTC, datetime
        from pathlib import Path
        sys.path.insert(0, sys.argv[3])
        from full_disk import FullDisk, journal_disk
        from coptui.models import Command, CommandKind
        from coptui.store.journal import CaptureJournal

        journal = CaptureJournal(Path(sys.argv[1]))  # takes its room on disk
        FullDisk().install().full.set()  # then the disk fills
        now = datetime.now(UTC)
        for n, text in enumerate(["first on a full disk *s*", "second |p|"]):
            line = Command(kind=CommandKind.ENTRY, text=text, pressed_at=now, record_key=str(n))
            journal.keep(int(sys.argv[2]), [line])
        print("kept", flush=True)
        sys.stdin.read()
        """,
        str(db_path),
        str(live.session_id),
        str(Path(__file__).parent),
    )
    recorder, reports = recorder_for(opened, lambda: LiveSession.resume(opened, ManualClock(START)))
    recorder.stop()
    assert [c.text for c, _ in reports.replayed] == ["first on a full disk *s*", "second |p|"]
    assert notes(db_path) == [("first on a full disk *s*", 0), ("second |p|", 0)]
    assert not side_journal.side_folder(db_path).exists()


def test_an_entry_larger_than_the_room_left_stays_pending_on_a_full_disk_and_is_filed_when_space_returns(
    opened: Repertoire, db_path: Path, small_disk: Callable[[bool], None]
) -> None:
    recorder, reports = recorder_for(opened, lambda: start_live(db_path)(opened))
    # More bytes than the side journal's room, in fewer characters than a note may hold.
    long_entry = "a long note " + "🎉" * (side_journal.ROOM // 4)
    try:
        small_disk(True)
        assert not recorder.press(CommandKind.ENTRY, long_entry), (
            "neither journalled nor kept beside the file"
        )
        recorder.press(CommandKind.ENTRY, "short, typed after it")
        reports.wait(lambda: any("full" in p for p in reports.problems), "the full disk to be reported")
        assert notes(db_path) == []
        small_disk(False)
        reports.wait(lambda: len(reports.results) == 2 and recorder.idle, "the entries to be filed")
    finally:
        recorder.stop()
    assert [text for text, _ in notes(db_path)] == [long_entry.strip(), "short, typed after it"]


def test_a_failed_filing_leaves_engine_and_file_as_they_were_and_is_tried_again(
    opened: Repertoire, db_path: Path
) -> None:
    recorder, reports = recorder_for(opened, lambda: start_live(db_path)(opened))
    refusing = threading.Event()

    def authorizer(action: int, table: str | None, *_: object) -> int:
        # A fault that strikes the filing only: the journal has a connection of its own.
        refused = refusing.is_set() and action == sqlite3.SQLITE_UPDATE and table == "cases"
        return sqlite3.SQLITE_DENY if refused else sqlite3.SQLITE_OK

    opened.db.conn.set_authorizer(authorizer)
    try:
        refusing.set()
        recorder.press(CommandKind.NEXT_PHASE)
        recorder.press(CommandKind.ENTRY, "#case @ben Flaky deploys")
        recorder.press(CommandKind.ENTRY, "#context one in five")
        reports.wait(
            lambda: any("not authorized" in p for p in reports.problems), "the failure to be reported"
        )
        with reports.changed:
            assert [p.command.text for p in reports.pending] == ["#context one in five"]
        refusing.clear()
        reports.wait(lambda: len(reports.results) == 3 and recorder.idle, "the context to be filed")
        # Undo takes back the context, then the case: the failed tries left nothing to undo.
        recorder.press(CommandKind.UNDO)
        reports.wait(lambda: len(reports.results) == 4 and recorder.idle, "the first undo")
        (case,) = opened.session_cases(reports.opened_live.session_id)  # type: ignore[union-attr]
        assert (case.title, case.context) == ("Flaky deploys", "")
        recorder.press(CommandKind.UNDO)
        reports.wait(lambda: len(reports.results) == 5 and recorder.idle, "the second undo")
    finally:
        recorder.stop()
        opened.db.conn.set_authorizer(None)
    assert opened.session_cases(reports.opened_live.session_id) == []  # type: ignore[union-attr]
    assert [r.message for _, r in reports.results][2:] == [  # type: ignore[union-attr]
        "filed the context of “Flaky deploys”",
        "undone: the context of “Flaky deploys”",
        "undone: case “Flaky deploys” by @ben",
    ]


def test_keys_journalled_before_a_kill_are_carried_out_on_resume(opened: Repertoire, db_path: Path) -> None:
    live = start_live(db_path)(opened)
    journal = CaptureJournal(db_path)
    pressed = [
        Command(kind=kind, text=text, pressed_at=START)
        for kind, text in [
            (CommandKind.ENTRY, "typed before the kill"),
            (CommandKind.NEXT_PHASE, ""),
            (CommandKind.ENTRY, "#case @ben Filed on resume"),
        ]
    ]
    journal.append(live.session_id, pressed)
    journal.close()  # the process dies here: journalled, never carried out

    recorder, reports = recorder_for(opened, lambda: LiveSession.resume(opened, ManualClock(START)))
    recorder.stop()
    assert [(c.kind, c.text) for c, _ in reports.replayed] == [(c.kind, c.text) for c in pressed]
    assert notes(db_path) == [("typed before the kill", 0)]
    assert [c.title for c in opened.session_cases(live.session_id)] == ["Filed on resume"]
    assert opened.live_session().current_phase == 1  # type: ignore[union-attr]


def test_f5_twice_on_the_last_phase_ends_the_session_and_once_only_warns(
    opened: Repertoire, db_path: Path
) -> None:
    recorder, reports = recorder_for(opened, lambda: start_live(db_path)(opened))
    try:
        for _ in range(3):
            recorder.press(CommandKind.NEXT_PHASE)
        recorder.press(CommandKind.NEXT_PHASE)  # on the last phase: asks
        recorder.press(CommandKind.ENTRY, "a note between the two")
        recorder.press(CommandKind.NEXT_PHASE)  # asks again: the note came between
        reports.wait(lambda: len(reports.results) == 6 and recorder.idle, "the keys carried out")
        assert opened.live_session() is not None
        recorder.press(CommandKind.NEXT_PHASE)
        reports.wait(lambda: len(reports.results) == 7, "the session to end")
    finally:
        recorder.stop()
    messages = [getattr(result, "message", "ended") for _, result in reports.results]
    assert messages[3] == messages[5] == "this is the last phase: F5 again ends the session"
    assert messages[6] == "ended"
    assert opened.sessions(limit=1)[0].status is SessionStatus.CLOSED


def test_a_command_the_engine_cannot_carry_out_is_refused_and_the_rest_go_on(
    opened: Repertoire, db_path: Path
) -> None:
    recorder, reports = recorder_for(opened, lambda: start_live(db_path)(opened))
    try:
        recorder.press(CommandKind.JUMP, "not a phase number")  # no screen sends this: a fault of ours
        recorder.press(CommandKind.ENTRY, "still filed")
        reports.wait(lambda: len(reports.results) == 2 and recorder.idle, "both carried out")
    finally:
        recorder.stop()
    refused, filed = (result for _, result in reports.results)
    assert isinstance(filed, EntryResult) and filed.ok
    assert isinstance(refused, EntryResult) and not refused.ok and "ValueError" in refused.message
    assert notes(db_path) == [("still filed", 0)]
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT command, filed FROM capture_journal ORDER BY id").fetchall() == [
            ("jump", 0),
            ("entry", 1),
        ]


def test_what_a_killed_process_kept_beside_the_file_is_journalled_once_and_carried_out_in_order(
    opened: Repertoire, db_path: Path
) -> None:
    live = start_live(db_path)(opened)
    pressed = [
        Command(kind=kind, text=text, pressed_at=START, record_key=f"key-{n}")
        for n, (kind, text) in enumerate(
            [
                (CommandKind.ENTRY, "typed while opening"),
                (CommandKind.ENTRY, "journalled before the kill"),
                (CommandKind.NEXT_PHASE, ""),
                (CommandKind.ENTRY, "kept only"),
            ]
        )
    ]
    kill_when_it_says(
        "kept",
        """
        import sys
        from pathlib import Path
        from pydantic import TypeAdapter
        from coptui.models import Command
        from coptui.store.journal import CaptureJournal

        pressed = TypeAdapter(list[Command]).validate_json(sys.argv[3])
        journal = CaptureJournal(Path(sys.argv[1]))
        journal.keep(None, pressed[:1])
        journal.keep(int(sys.argv[2]), pressed[1:])
        journal.append(int(sys.argv[2]), pressed[:2])  # journalled; the copy is not emptied yet
        print("kept", flush=True)
        sys.stdin.read()
        """,
        str(db_path),
        str(live.session_id),
        TypeAdapter(list[Command]).dump_json(pressed).decode(),
    )
    (kept,) = side_journal.side_folder(db_path).glob("*.jsonl")

    recorder, reports = recorder_for(opened, lambda: LiveSession.resume(opened, ManualClock(START)))
    recorder.stop()
    assert [c.text for c, _ in reports.replayed] == [c.text for c in pressed]
    assert notes(db_path) == [("typed while opening", 0), ("journalled before the kill", 0), ("kept only", 1)]
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT record_key FROM capture_journal ORDER BY id").fetchall() == [
            (c.record_key,) for c in pressed
        ], "each once"
    assert not kept.exists()
    assert not side_journal.side_folder(db_path).exists()


def test_kept_lines_taken_over_under_a_held_lock_show_as_pending_until_it_frees(
    opened: Repertoire, db_path: Path
) -> None:
    live = start_live(db_path)(opened)
    kill_when_it_says(
        "kept",
        """
        import sys
        from datetime import UTC, datetime
        from pathlib import Path
        from coptui.models import Command, CommandKind
        from coptui.store.journal import CaptureJournal

        journal = CaptureJournal(Path(sys.argv[1]))
        now = datetime.now(UTC)
        line = Command(kind=CommandKind.ENTRY, text="kept under the lock", pressed_at=now, record_key="k")
        journal.keep(int(sys.argv[2]), [line])
        print("kept", flush=True)
        sys.stdin.read()
        """,
        str(db_path),
        str(live.session_id),
    )
    holder = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    reports = Reports()
    recorder = Recorder(
        CaptureJournal(db_path), lambda: LiveSession.resume(opened, ManualClock(START)), reports
    )
    try:
        holder.execute("BEGIN IMMEDIATE")
        recorder.start()
        reports.wait(
            lambda: (
                [p.command.text for p in reports.pending] == ["kept under the lock"]
                and any("another program" in p for p in reports.problems)
            ),
            "the kept line to show as pending, and why",
        )
        holder.execute("ROLLBACK")
        reports.wait(lambda: reports.opened_live is not None and reports.pending == [], "the session to open")
    finally:
        holder.close()
        recorder.stop()
    assert [c.text for c, _ in reports.replayed] == ["kept under the lock"]
    assert notes(db_path) == [("kept under the lock", 0)]


def test_a_fault_filing_a_members_left_lines_is_said_and_the_facilitators_keys_go_on(
    opened: Repertoire, db_path: Path
) -> None:
    def faulty(live: LiveSession, before: datetime | None) -> list[FiledForMember]:
        raise RuntimeError("a line coptui cannot read")

    reports = Reports()
    recorder = Recorder(
        CaptureJournal(opened.path), lambda: start_live(db_path)(opened), reports, left_behind=faulty
    )
    recorder.start()
    try:
        reports.wait(lambda: reports.opened_live is not None, "the session to open")
        recorder.press(CommandKind.ENTRY, "filed all the same")
        reports.wait(lambda: len(reports.results) == 1 and recorder.idle, "the entry carried out")
        recorder.press(CommandKind.ENTRY, "and the next")
        reports.wait(lambda: len(reports.results) == 2 and recorder.idle, "the next carried out")
    finally:
        recorder.stop()
    assert any("RuntimeError: a line coptui cannot read" in problem for problem in reports.problems)
    assert notes(db_path) == [("filed all the same", 0), ("and the next", 0)]

"""A plain check-in line is the check-in of whom the box named as it was Entered, however long it
waits to be filed: a burst under a held lock goes round the room as it does unlocked, and a
line for someone who has checked in from their own terminal meanwhile is a note from them,
never the next person's check-in.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from locks import write_lock_held
from test_kill_under_lock import kept_beside
from test_left_behind import drawn_until
from test_resume_after_kill import TerminalRun, query
from test_session_others import facilitating
from textual.pilot import Pilot
from ui_helpers import screen_lines, settle

from coptui.facilitation import EntryResult, LiveSession, SessionPlan
from coptui.facilitation.participant import Participant
from coptui.facilitation.turns import CheckInTurns
from coptui.formats import find_format
from coptui.models import Command, CommandKind
from coptui.store import Repertoire
from coptui.store.journal import CaptureJournal
from coptui.store.side_journal import KeptCommand, side_folder

POLLS = 6000  # a bound on waiting for another process, with every core busy


def start_session(db: Path) -> int:
    with Repertoire.open(db) as repertoire:
        plan = SessionPlan(find_format("cop-meeting"), "ana", ["ben", "cho"], title="Round clinic")
        live = LiveSession.start(repertoire, plan)
        return live.session_id


def live_session(db: Path) -> int:
    ((session_id,),) = query(db, "SELECT id FROM sessions WHERE status = 'live'")
    return int(session_id)


def check_ins(db: Path, session_id: int) -> list[tuple[str | None, str, str]]:
    return query(db, "SELECT author, kind, text FROM notes WHERE session_id = ? ORDER BY id", session_id)


def drawn(pilot: Pilot[None]) -> str:
    return "\n".join(screen_lines(pilot.app))


async def enter(pilot: Pilot[None], line: str) -> None:
    await pilot.press(*line, "enter")


async def test_a_burst_entered_under_a_held_lock_goes_round_the_room_as_it_does_unlocked(
    db_path: Path,
) -> None:
    db = db_path
    async with facilitating(db) as (_, pilot):
        session_id = live_session(db)
        assert "ana's check-in (or @who text)" in drawn(pilot)
        with write_lock_held(db):
            await enter(pilot, "Ana fine")
            await drawn_until(pilot, "“Ana fine”", "ben's check-in (or @who text)")
            await enter(pilot, "words ben said")
            await drawn_until(pilot, "“words ben said”", "cho's check-in (or @who text)")
            await enter(pilot, "cho [x] *said* |this|")
            await drawn_until(pilot, "“cho [x] *said* |this|”", gone="cho's check-in")
            assert check_ins(db, session_id) == []
        await drawn_until(pilot, "cho [x] *said* |this|", gone="not filed yet")
        await settle(pilot)
        screen = drawn(pilot)
        assert check_ins(db, session_id) == [
            ("ana", "check_in", "Ana fine"),
            ("ben", "check_in", "words ben said"),
            ("cho", "check_in", "cho [x] *said* |this|"),
        ]
        for line in ("ana Ana fine", "ben words ben said", "cho cho [x] *said* |this|"):
            assert line in screen, screen
    assert query(
        db, "SELECT text, speaker FROM capture_journal WHERE session_id = ? ORDER BY id", session_id
    ) == [
        ("Ana fine", "ana"),
        ("words ben said", "ben"),
        ("cho [x] *said* |this|", "cho"),
    ]


async def test_a_key_that_changes_who_is_next_leaves_the_line_after_it_to_whoever_is_next_when_filed(
    db_path: Path,
) -> None:
    """F8 on its way: the box cannot know who is next, names nobody, and the line retyped after
    the undo goes to whoever is next once the undo is carried out (Ben again, not Cho)."""
    db = db_path
    async with facilitating(db) as (_, pilot):
        session_id = live_session(db)
        await enter(pilot, "Ana fine")
        await settle(pilot)
        with write_lock_held(db):
            await enter(pilot, "ben wrnog")
            await pilot.press("f8")
            await drawn_until(pilot, "the next check-in (or @who text)")
            await enter(pilot, "ben right")
            await drawn_until(pilot, "“ben right”")
        await drawn_until(pilot, "ben right", gone="not filed yet")
        await settle(pilot)
        assert check_ins(db, session_id) == [
            ("ana", "check_in", "Ana fine"),
            ("ben", "check_in", "ben right"),
        ]
        assert "ben ben right" in drawn(pilot)


async def test_a_line_for_a_member_who_checks_in_from_their_own_terminal_meanwhile_stays_theirs(
    db_path: Path,
) -> None:
    """The box names Ben; the facilitator Enters his words under a held lock while Ben, at his own
    terminal, Enters his own. Whichever is filed first is Ben's check-in, the other a note from
    Ben: nothing goes to Cho, who said nothing."""
    db = db_path
    async with facilitating(db) as (_, pilot):
        session_id = live_session(db)
        await enter(pilot, "Ana fine")
        await settle(pilot)
        ben = TerminalRun("--db", str(db), "join", "ben")
        try:
            ben.wait_for("Ben to join", lambda: b"joined" in ben.output)
            with write_lock_held(db):
                await enter(pilot, "ben said")
                await drawn_until(pilot, "“ben said”")
                ben.type("ben own\r")
                ben.wait_for("Ben's line kept", lambda: kept_beside(db) == 2)
            for _ in range(POLLS):
                if len(check_ins(db, session_id)) == 3:
                    break
                await pilot.pause(0.01)
            await drawn_until(pilot, "ben own", "ben said", gone="not filed yet")
            await settle(pilot)
        finally:
            ben.kill()
        notes = check_ins(db, session_id)
        assert [(author, kind) for author, kind, _ in notes] == [
            ("ana", "check_in"),
            ("ben", "check_in"),
            ("ben", "note"),
        ], notes
        assert {text for _, _, text in notes[1:]} == {"ben said", "ben own"}
        screen = drawn(pilot)
        assert f"ben Note: {notes[2][2]}" in screen, screen
        assert "cho's check-in (or @who text)" in screen, screen
    assert not any(author == "cho" for author, _, _ in check_ins(db, session_id))


def test_a_killed_screens_line_kept_beside_the_file_is_filed_as_the_member_it_named(db_path: Path) -> None:
    """The speaker travels in the copy beside the file: after a SIGKILL and a resume, Ben's line is
    a note from Ben (he checked in meanwhile), not Cho's check-in."""
    db = db_path
    session_id = start_session(db)
    run = TerminalRun("--db", str(db), "run", "--resume")
    try:
        run.wait_for("the resumed screen", lambda: b"resumed at" in run.output)
        run.type("Ana fine\r")
        run.wait_for("Ana's check-in", lambda: check_ins(db, session_id))
        run.wait_for("Ben named", lambda: b"ben's check-in" in run.output)
        with write_lock_held(db):
            run.type("words ben said\r")
            run.wait_for("the line kept beside the file", lambda: kept_beside(db) == 1)
            (kept,) = [
                KeptCommand.model_validate_json(line)
                for path in side_folder(db).glob("*.jsonl")
                for line in path.read_bytes().partition(b"\0")[0].splitlines()
            ]
            assert kept.command.speaker == "ben"
            run.kill()  # while the lock holds: the line never leaves the copy beside the file
    finally:
        if run.process.poll() is None:
            run.kill()
    with Repertoire.open(db) as repertoire:
        ben = Participant.join(repertoire, "ben", via="local")
        assert ben.enter("ben typed his own").ok
    resumed = TerminalRun("--db", str(db), "run", "--resume")
    try:
        resumed.wait_for("the kept line filed", lambda: len(check_ins(db, session_id)) == 3)
    finally:
        resumed.kill()
    assert check_ins(db, session_id) == [
        ("ana", "check_in", "Ana fine"),
        ("ben", "check_in", "ben typed his own"),
        ("ben", "note", "words ben said"),
    ]
    assert query(db, "SELECT message FROM capture_journal WHERE text = 'words ben said'") == [
        ("filed a note from @ben (@ben had checked in already)",)
    ]


def test_lines_journalled_before_the_speaker_was_kept_still_go_to_whoever_is_next(db_path: Path) -> None:
    """A journal row or a copy beside the file from before the speaker was kept has none: the
    line is the check-in of whoever is next when it is filed, as it always was."""
    session_id = start_session(db_path)
    old_copy = json.dumps(
        {
            "session_id": session_id,
            "member": None,
            "command": {"kind": "entry", "text": "old line", "pressed_at": "2026-12-01T09:00:00Z"},
        }
    )
    assert KeptCommand.model_validate_json(old_copy).command.speaker is None
    journal = CaptureJournal(db_path)
    try:
        (command,) = journal.append(
            session_id, [Command(kind=CommandKind.ENTRY, text="old line", pressed_at=datetime.now(UTC))]
        )
    finally:
        journal.close()
    with Repertoire.open(db_path) as repertoire:
        live = LiveSession.resume(repertoire)
        (unsettled,) = repertoire.unsettled_commands(session_id)
        assert unsettled.speaker is None
        assert live.perform(unsettled) == EntryResult(True, "filed a check-in from @ana")
        assert command.id == unsettled.id


def test_the_box_counts_the_lines_on_their_way_until_a_reading_shows_them(db_path: Path) -> None:
    """Directly on the engine's view: each plain line takes the next turn; a reading made after
    they are carried out shows them itself; a key whose effect only filing tells names nobody."""
    start_session(db_path)
    with Repertoire.open(db_path) as repertoire:
        live = LiveSession.resume(repertoire)
        view = live.view()
        today = datetime.now(UTC).date()
        turns = CheckInTurns()
        assert turns.next_speaker(view) == "ana"
        lines = ["Ana fine", "@cho first, out of turn", "#decision no turn taken", "for ben"]
        speakers = [turns.pressed(CommandKind.ENTRY, line, view, today) for line in lines]
        assert speakers == ["ana", None, None, "ben"]
        assert turns.next_speaker(view) is None, "cho's @cho line is on its way too: all have a turn"
        for line, speaker in zip(lines, speakers, strict=True):
            assert live.enter(line, speaker).ok
            turns.carried_out()
        assert turns.next_speaker(view) is None, "carried out, and not yet in a reading: still counted"
        filed = [(n.author, n.kind.value) for n in repertoire.notes(session=live.session_id)]
        assert filed == [("ana", "check_in"), ("cho", "check_in"), (None, "decision"), ("ben", "check_in")]
        turns.read_back()
        assert turns.next_speaker(live.view()) is None
        assert turns.pressed(CommandKind.PAUSE, "", view, today) is None
        assert turns.next_speaker(view) == "ana", "a pause leaves the round as it was"
        turns.pressed(CommandKind.UNDO, "", view, today)
        assert turns.unsure and turns.next_speaker(view) is None


async def test_a_line_whose_outcome_no_process_kept_is_said_and_its_turn_given_back(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The filer finds Ana's line gone from the backlog (as when another process carried it out)
    and no word in the journal of what became of it: it says so, and the box names Ana again,
    instead of counting the line on its way for the rest of the session."""
    db = db_path
    unsettled = Repertoire.unsettled_commands
    looked_away: list[bool] = []

    def backlog_missing_the_line(
        self: Repertoire, session_id: int, member: str | None = None
    ) -> list[Command]:
        if looked_away == [True]:
            looked_away.append(True)
            return []
        return unsettled(self, session_id, member)

    async with facilitating(db) as (_, pilot):
        session_id = live_session(db)
        monkeypatch.setattr(Repertoire, "unsettled_commands", backlog_missing_the_line)
        looked_away.append(True)
        await enter(pilot, "Ana fine")
        await drawn_until(pilot, "kept no word of it")
        await pilot.press("ctrl+u")  # the line given back leaves the box, listed as not filed
        await drawn_until(pilot, "ana's check-in (or @who text)", "1 line not filed: “Ana fine”")
        assert check_ins(db, session_id) == []

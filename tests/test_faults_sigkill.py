"""SIGKILL a real facilitator process at random moments while entries and phase keys are typed.

What must hold, whatever the moment of the kill:
- the capture journal is exactly the keys typed, in the order typed, up to some point: none
  skipped, none twice, none out of order;
- an entry whose Enter the app had taken (it drew a key typed after it, and said nothing was
  pending) is in the journal;
- after resuming, every journalled entry is filed exactly once, in the phase that was current
  when its Enter was pressed.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import random
import select
import time
from dataclasses import dataclass
from pathlib import Path

from test_resume_after_kill import F5, TerminalRun, query

from coptui.store.side_journal import kept_beside

F4 = "\x1b[14~"
F6 = "\x1b[17~"
KILLS = 24
LAST_REACHABLE_PHASE = 2  # F5 on the last phase asks before ending: the test never goes there


@dataclass(frozen=True)
class Key:
    """One thing the test types: an entry (its text) or a phase key."""

    command: str  # as the journal names it
    text: str = ""
    sequence: str = ""

    @property
    def typed(self) -> str:
        return self.text + "\r" if self.command == "entry" else self.sequence


def read_for(run: TerminalRun, seconds: float) -> None:
    """Keep reading the terminal for `seconds` (the app must never block on its output): the kill moment."""
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        ready, _, _ = select.select([run.master], [], [], min(left, 0.05))
        if ready:
            with contextlib.suppress(OSError):
                run.output += os.read(run.master, 65536)


def journal(db: Path, session_id: int) -> list[tuple[str, str]]:
    return [
        (command, text)
        for command, text in query(
            db, "SELECT command, text FROM capture_journal WHERE session_id = ? ORDER BY id", session_id
        )
    ]


def burst(rng: random.Random, kill: int, phase: int) -> tuple[list[Key], int]:
    """Entries with phase keys between some of them; the phase stays below the last one."""
    keys: list[Key] = []
    for n in range(rng.randint(2, 6)):
        keys.append(Key("entry", f"r{kill}e{n} [x] *y*"))
        roll = rng.random()
        if roll < 0.2 and phase < LAST_REACHABLE_PHASE:
            keys.append(Key("next_phase", sequence=F5))
            phase += 1
        elif roll < 0.3 and phase > 0:
            keys.append(Key("previous_phase", sequence=F4))
            phase -= 1
        elif roll < 0.4:
            keys.append(Key("pause", sequence=F6))
    return keys, phase


def taken_before_kill(keys: list[Key], output: bytes) -> set[str]:
    """Entries the app had taken: one typed after it was drawn, and no entry was shown pending."""
    if b"not filed yet" in output:
        return set()
    entries = [k.text for k in keys if k.command == "entry"]
    return {entry for entry, later in itertools.pairwise(entries) if later.split()[0].encode() in output}


def test_kills_at_random_moments_lose_no_entry_taken_and_file_each_once_in_its_phase(db_path: Path) -> None:
    db = db_path
    rng = random.Random(20261130)
    first = TerminalRun(
        "--db", str(db), "run", "--title", "Kill clinic", "--facilitator", "ana", "--attendee", "ben"
    )
    try:
        (session_id,) = first.wait_for(
            "the live session", lambda: query(db, "SELECT id FROM sessions WHERE status = 'live'")
        )[0]
    finally:
        first.kill()

    phase = 0  # the phase the journal's last key leaves the session in
    journalled: list[tuple[str, str]] = []
    expected_phase: dict[str, int] = {}
    leftover: list[
        Key
    ] = []  # typed before the last kill and not journalled: some may be kept beside the file

    def count(keys: list[Key]) -> None:
        """Follow the phase through `keys`, journalled in this order."""
        nonlocal phase
        for key in keys:
            if key.command == "next_phase":
                phase += 1
            elif key.command == "previous_phase":
                phase -= 1
            elif key.command == "entry":
                expected_phase[key.text] = phase

    for kill in range(KILLS):
        run = TerminalRun("--db", str(db), "run", "--resume")
        try:
            run.wait_for(f"resume #{kill}", lambda run=run: b"resumed at" in run.output)
            # The resume journals first what the killed process kept beside the file: the next of
            # the keys typed before the kill, in order.
            now = journal(db, session_id)
            adopted = now[len(journalled) :]
            assert adopted == [(k.command, k.text) for k in leftover[: len(adopted)]], (
                f"resume #{kill}: {adopted}"
            )
            count(leftover[: len(adopted)])
            journalled = now
            keys, _ = burst(rng, kill, phase)
            for key in keys:
                run.type(key.typed)
                if rng.random() < 0.5:
                    read_for(run, rng.uniform(0.0, 0.2))
            if kill % 2:
                # Every other kill comes only once the journal holds the whole burst, so that
                # however busy the machine, half the kills land after every key was taken.
                whole = len(journalled) + len(keys)
                run.wait_for(
                    f"kill #{kill}'s burst journalled",
                    lambda whole=whole: len(journal(db, session_id)) == whole,
                )
            else:
                read_for(run, rng.uniform(0.0, 1.0))
        finally:
            run.kill()
        assert query(db, "PRAGMA integrity_check") == [("ok",)]

        now = journal(db, session_id)
        assert now[: len(journalled)] == journalled, f"kill #{kill} changed the journal written before it"
        added = now[len(journalled) :]
        # The journal holds the keys typed, in order, up to some point: none skipped or doubled.
        assert added == [(k.command, k.text) for k in keys[: len(added)]], f"kill #{kill}: {added}"
        leftover = keys[len(added) :]
        kept = {k.command.text for k in kept_beside(db)}
        taken = taken_before_kill(keys, run.output)
        missing = taken - {text for command, text in added if command == "entry"} - kept
        assert not missing, f"kill #{kill} lost entries the app had taken: {missing}"
        count(keys[: len(added)])
        journalled = now

    # A last resume files whatever the kills left unfiled.
    last = TerminalRun("--db", str(db), "run", "--resume")
    try:
        last.wait_for(
            "every journalled key carried out",
            lambda: query(
                db,
                "SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM capture_journal WHERE session_id = ? "
                "AND settled_at IS NULL)",
                session_id,
            ),
        )
    finally:
        last.kill()
    now = journal(db, session_id)
    adopted = now[len(journalled) :]
    assert adopted == [(k.command, k.text) for k in leftover[: len(adopted)]], f"last resume: {adopted}"
    count(leftover[: len(adopted)])
    journalled = now

    notes = query(db, "SELECT text, phase FROM notes WHERE session_id = ? ORDER BY id", session_id)
    entries = [text for command, text in journalled if command == "entry"]
    assert [text for text, _ in notes] == entries, "each journalled entry filed once, in order"
    assert {text: phase for text, phase in notes} == expected_phase, "each in the phase it was typed in"
    assert query(db, "SELECT current_phase FROM sessions WHERE id = ?", session_id) == [(phase,)]
    assert len(entries) > KILLS, "most entries typed before a kill were journalled"

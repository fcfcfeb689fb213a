"""A member's screen that could not join yet: it says what it waits for, and joins by itself.

`coptui join` started a moment before the facilitator starts the session, or by a member the
facilitator has not yet marked as arrived, follows the file: the test starts the session (or
files `#arrived`) from another connection, drives the screen's poll, and checks the joined
screen, and that a line typed while waiting, kept in the box, is filed once Entered.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_participant_screen import START, drawn, joined, message, participant_screen, start_live
from textual.pilot import Pilot
from ui_helpers import polled_until, settle

from coptui.facilitation import LiveSession, ManualClock, SessionPlan
from coptui.formats import find_format
from coptui.models import Member, NoteKind
from coptui.store import Repertoire
from coptui.ui.widgets.capture import CaptureInput

WAITING_FOR_A_SESSION = "waiting for a session to start…"


async def poll_join_until(pilot: Pilot[None], said: str) -> None:
    """Run the waiting screen's poll (four times a second in the app) until the message says `said`."""
    await polled_until(
        pilot, lambda: participant_screen(pilot.app).poll_join(), lambda: said in message(pilot.app), polls=20
    )


async def seen_closed(pilot: Pilot[None], words: str) -> None:
    """Run the joined screen's poll of others' writes until it draws `words` (how the session closed)."""
    await polled_until(
        pilot,
        lambda: participant_screen(pilot.app).poll_others(),
        lambda: words in drawn(pilot.app),
        polls=20,
    )


async def next_session_joined(db_path: Path, pilot: Pilot[None], clock: ManualClock) -> None:
    """The facilitator starts the next session, and the waiting screen joins it."""
    with Repertoire.open(db_path) as facilitator:
        LiveSession.start(
            facilitator,
            SessionPlan(find_format("cop-meeting"), "ana", ["ben"], title="December clinic, again"),
            clock,
        )
    await poll_join_until(pilot, "joined “December clinic, again” as @ben — Check-in")


def box(pilot: Pilot[None]) -> str:
    return participant_screen(pilot.app).query_one("#capture-input", CaptureInput).value


async def type_waiting_line(pilot: Pilot[None], text: str) -> None:
    """A line Entered before joining: not filed, and not gone either."""
    await pilot.press(*text, "enter")
    await settle(pilot)
    assert "not joined yet: the line waits here; Enter files it once you have joined" in message(pilot.app)
    assert box(pilot) == text


def add_gus(db_path: Path) -> None:
    """A member the session below does not list as attending."""
    with Repertoire.open(db_path) as repertoire:
        repertoire.add_member(Member(handle="gus", name="Gus"))


def check_ins(db_path: Path) -> list[tuple[str | None, NoteKind, str]]:
    with Repertoire.open(db_path) as repertoire:
        live = repertoire.live_session()
        assert live is not None
        return [(n.author, n.kind, n.text) for n in repertoire.notes(session=live.id)]


@pytest.mark.parametrize("ended_earlier", [False, True], ids=["first-today", "after-an-earlier-one"])
async def test_a_member_waiting_for_the_session_joins_when_it_starts(
    db_path: Path, ended_earlier: bool
) -> None:
    if ended_earlier:  # QA's case: the screen said "The session ended at …" and stayed there
        clock = ManualClock(START)
        start_live(db_path, clock)
        with Repertoire.open(db_path) as facilitator:
            LiveSession.resume(facilitator, clock).end()
    async with joined(db_path, live=False) as (app, pilot, clock):
        refusal = "The session ended at 17:00." if ended_earlier else "No session is live just now"
        assert refusal in message(app) and refusal in drawn(app)
        assert WAITING_FOR_A_SESSION in drawn(app) and "Not joined yet" in drawn(app)
        await type_waiting_line(pilot, "Glad to be here [really]")
        participant_screen(app).poll_join()  # nothing has changed: still waiting
        await settle(pilot)
        assert WAITING_FOR_A_SESSION in drawn(app)

        start_live(db_path, clock)
        await poll_join_until(pilot, "joined “December clinic” as @ben — Check-in")
        assert "Enter files your line" in message(app)
        assert "Go round the room" in drawn(app) and WAITING_FOR_A_SESSION not in drawn(app)
        assert box(pilot) == "Glad to be here [really]"
        await pilot.press("enter")
        await settle(pilot)
        assert "filed a check-in from @ben" in message(app)
        assert "ben Glad to be here [really]" in drawn(app)
    assert check_ins(db_path) == [("ben", NoteKind.CHECK_IN, "Glad to be here [really]")]
    with Repertoire.open(db_path) as repertoire:
        live = repertoire.live_session()
        assert live is not None and [a.member for a in repertoire.arrivals(live.id or 0)] == ["ben"]


async def test_a_member_not_on_the_list_joins_once_the_facilitator_files_them_arrived(db_path: Path) -> None:
    add_gus(db_path)
    async with joined(db_path, "gus") as (app, pilot, clock):
        assert "@gus is not on today's attendance list" in message(app)
        assert "waiting for the facilitator to add you: #arrived @gus" in drawn(app)
        await type_waiting_line(pilot, "Sorry I'm late")
        with Repertoire.open(db_path) as facilitator:
            assert LiveSession.resume(facilitator, clock).enter("#arrived @gus").ok
        await poll_join_until(pilot, "joined “December clinic” as @gus — Check-in")
        await pilot.press("enter")
        await settle(pilot)
        assert "filed a check-in from @gus" in message(app)
    assert check_ins(db_path) == [("gus", NoteKind.CHECK_IN, "Sorry I'm late")]


async def test_the_screen_says_each_thing_it_waits_for_in_turn(db_path: Path) -> None:
    """No session, then a session without the member on its list, then the facilitator's #arrived."""
    add_gus(db_path)
    async with joined(db_path, "gus", live=False) as (app, pilot, clock):
        assert WAITING_FOR_A_SESSION in drawn(app)
        start_live(db_path, clock)  # ben and cho attend; gus is not on the list
        await poll_join_until(pilot, "@gus is not on today's attendance list")
        assert "waiting for the facilitator to add you: #arrived @gus" in drawn(app)
        assert WAITING_FOR_A_SESSION not in drawn(app)
        with Repertoire.open(db_path) as facilitator:
            assert LiveSession.resume(facilitator, clock).enter("#arrived @gus").ok
        await poll_join_until(pilot, "joined “December clinic” as @gus — Check-in")
        await pilot.press(*"here now", "enter")
        await settle(pilot)
        assert "filed a check-in from @gus" in message(app)
    assert check_ins(db_path) == [("gus", NoteKind.CHECK_IN, "here now")]


async def test_a_line_typed_on_while_waiting_starts_afresh_and_the_first_is_kept_for_up(
    db_path: Path,
) -> None:
    async with joined(db_path, live=False) as (_, pilot, clock):
        await type_waiting_line(pilot, "first try")
        await type_waiting_line(pilot, "second try")  # typed over the first, not glued onto it
        start_live(db_path, clock)
        await poll_join_until(pilot, "joined “December clinic” as @ben — Check-in")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("up")
        assert box(pilot) == "first try", "the line set aside, not filed, comes first"
    assert check_ins(db_path) == [("ben", NoteKind.CHECK_IN, "second try")]


async def test_when_the_session_ends_the_screen_joins_the_next_one(db_path: Path) -> None:
    """A session abandoned for a fresh start (the wrong format, say): members follow it."""
    async with joined(db_path) as (app, pilot, clock):
        with Repertoire.open(db_path) as facilitator:
            LiveSession.resume(facilitator, clock).end()
        await seen_closed(pilot, "the session has ended")
        assert f"the session has ended · {WAITING_FOR_A_SESSION}" in message(app)
        await pilot.press(*"still here?", "enter")
        await settle(pilot)
        assert "The session ended at 17:00." in message(app) and box(pilot) == "still here?"
        await next_session_joined(db_path, pilot, clock)
        assert "the session has ended" not in drawn(app)
        await pilot.press("enter")
        await settle(pilot)
        assert "filed a check-in from @ben" in message(app)
    with Repertoire.open(db_path) as repertoire:
        assert repertoire.notes(session=3) == []
        assert check_ins(db_path) == [("ben", NoteKind.CHECK_IN, "still here?")]
        assert [a.member for a in repertoire.arrivals(4)] == ["ben"]


async def test_a_member_marked_as_left_waits_until_the_facilitator_takes_it_back(db_path: Path) -> None:
    with Repertoire.open(db_path) as facilitator:
        async with joined(db_path) as (app, pilot, clock):
            live = LiveSession.resume(facilitator, clock)
            assert live.enter("#left @ben").ok
            await polled_until(
                pilot,
                lambda: participant_screen(app).poll_others(),
                lambda: (
                    "@ben left the session at 17:00" in message(app)
                    and "waiting for the facilitator to undo #left @ben" in drawn(app)
                ),
                polls=20,
            )
            await type_waiting_line(pilot, "back from the phone call")
            assert live.undo().ok  # the #left was a slip
            await poll_join_until(pilot, "joined “December clinic” as @ben — Check-in")
            await pilot.press("enter")
            await settle(pilot)
            assert "filed a check-in from @ben" in message(app)
    assert check_ins(db_path) == [("ben", NoteKind.CHECK_IN, "back from the phone call")]


async def test_the_next_session_starts_with_an_empty_box_and_no_lines_of_the_last(db_path: Path) -> None:
    """Refused lines of a session that ended are neither in the box, nor listed, nor brought
    back by ↑ in the next one, where they could be filed by mistake."""
    async with joined(db_path) as (app, pilot, clock):
        await pilot.press(*"@cho pretending", "enter")
        await settle(pilot)
        await pilot.press(*"#vote 2 5", "enter")  # typed over the refused line: it is set aside
        await settle(pilot)
        assert "✗ 1 line not filed: “@cho pretending”" in drawn(app) and box(pilot) == "#vote 2 5"
        with Repertoire.open(db_path) as facilitator:
            LiveSession.resume(facilitator, clock).abandon()
        await seen_closed(pilot, "the session was abandoned")
        assert f"the session was abandoned · {WAITING_FOR_A_SESSION}" in message(app)
        await next_session_joined(db_path, pilot, clock)
        assert "not filed" not in drawn(app) and "Enter files your line" not in message(app)
        assert box(pilot) == ""
        await pilot.press("up")
        assert box(pilot) == "", "↑ brings back no line of the session before"
        await pilot.press("enter")
        await settle(pilot)
    assert check_ins(db_path) == []

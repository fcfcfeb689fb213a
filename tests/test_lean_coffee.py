"""Lean Coffee as people run it: dots on the topics brought, topics in dot order, each in its own timebox."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from ui_helpers import screen_lines, settle, words

from coptui.facilitation import EntryResult, LiveSession, ManualClock, SessionPlan, lean_coffee
from coptui.formats import find_format
from coptui.models import Command, CommandKind
from coptui.store import Repertoire
from coptui.store.journal import CaptureJournal
from coptui.ui.app import CoptuiApp

START = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)


async def type_line(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*text, "enter")
    await settle(pilot)


class Meeting:
    """A Lean Coffee session driven the way the screen drives it: journalled, then performed."""

    def __init__(self, repertoire: Repertoire, live: LiveSession) -> None:
        self.repertoire = repertoire
        self.live = live
        self.journal = CaptureJournal(repertoire.path)

    def do(self, text: str, kind: CommandKind = CommandKind.ENTRY) -> EntryResult:
        [command] = self.journal.append(
            self.live.session_id, [Command(kind=kind, text=text, pressed_at=self.live.clock.now())]
        )
        result = self.live.perform(command)
        assert isinstance(result, EntryResult)
        return result

    def topics(self) -> list[tuple[str, int]]:
        return [(c.title, c.dots) for c in self.repertoire.session_cases(self.live.session_id)]


@pytest.fixture
def meeting(db_path: Path) -> Iterator[Meeting]:
    with Repertoire.open(db_path) as repertoire:
        plan = SessionPlan(find_format("lean-coffee"), "ana", ["ana", "ben"], title="Coffee")
        live = LiveSession.start(repertoire, plan, ManualClock(START))
        m = Meeting(repertoire, live)
        try:
            yield m
        finally:
            m.journal.close()


def gather(meeting: Meeting) -> None:
    for line in ("#case @ana Alert fatigue", "#case @ben Runbooks nobody reads", "#case @ana On-call pay"):
        assert meeting.do(line).ok
    meeting.do("", CommandKind.NEXT_PHASE)


def test_dots_go_on_topics_and_order_them(meeting: Meeting) -> None:
    gather(meeting)
    result = meeting.do("#dot 2 3")
    assert result.ok and "3 dots on topic 2" in result.message
    assert meeting.do("#dot 3").ok
    assert meeting.topics() == [("Alert fatigue", 0), ("Runbooks nobody reads", 3), ("On-call pay", 1)]
    refused = meeting.do("#dot 4")
    assert not refused.ok and "pick one from 1 to 3" in refused.message
    assert meeting.do("#undo").ok
    assert meeting.topics()[2] == ("On-call pay", 0)


def test_next_topic_goes_in_dot_order_and_skips_those_discussed(meeting: Meeting) -> None:
    gather(meeting)
    meeting.do("#dot 2 3")
    meeting.do("#dot 3 2")
    meeting.do("", CommandKind.NEXT_PHASE)
    said = [meeting.do("#next-topic").message for _ in range(3)]
    assert [s.split("“")[1].split("”")[0] for s in said] == [
        "Runbooks nobody reads",
        "On-call pay",
        "Alert fatigue",
    ]
    last = meeting.do("#next-topic")
    assert not last.ok and "every topic is discussed" in last.message
    # Undo takes back the start of the last topic: it is next again.
    assert meeting.do("#undo").ok
    assert "Alert fatigue" in meeting.do("#next-topic").message


def test_thumbs_up_extends_the_topic_and_thumbs_down_moves_on(meeting: Meeting) -> None:
    gather(meeting)
    meeting.do("#dot 1 2")
    assert not meeting.do("#thumbs up 3 down 1").ok  # no topic under discussion yet
    meeting.do("#next-topic")
    up = meeting.do("#thumbs up 3 down 1")
    assert up.ok and "4 more minutes on “Alert fatigue”" in up.message
    down = meeting.do("#thumbs up 2 down 2")
    assert down.ok and "move on" in down.message and "Runbooks nobody reads" in down.message
    [case] = [
        c for c in meeting.repertoire.session_cases(meeting.live.session_id) if c.title == "Alert fatigue"
    ]
    assert case.extra_minutes == 4


def test_the_lean_coffee_tags_belong_to_lean_coffee(db_path: Path) -> None:
    with Repertoire.open(db_path) as repertoire:
        plan = SessionPlan(find_format("cop-meeting"), "ana", ["ana", "ben"])
        live = LiveSession.start(repertoire, plan, ManualClock(START))
        meeting = Meeting(repertoire, live)
        meeting.do("#case @ben A case")
        refused = meeting.do("#dot 1")
        meeting.journal.close()
    assert not refused.ok and "for Lean Coffee sessions" in refused.message


def test_the_topic_timer_survives_a_resume(db_path: Path, meeting: Meeting) -> None:
    gather(meeting)
    meeting.do("#dot 3 2")
    meeting.do("#next-topic")
    meeting.do("#thumbs up 4 down 0")
    meeting.journal.close()

    later = ManualClock(START)
    later.advance(minutes=10)
    with Repertoire.open(db_path) as reopened:
        resumed = LiveSession.resume(reopened, later)
        view = resumed.view()
        focused = view.focused_case
        assert focused is not None and focused.title == "On-call pay"
        # 8 minutes and 4 more from 17:00, read at 17:10: two minutes left.
        assert lean_coffee.seconds_left(focused, later.now()) == 120


def test_dots_travel_in_the_interchange_file_only_when_set(meeting: Meeting) -> None:
    gather(meeting)
    meeting.do("#dot 2")
    cases = json.loads(meeting.repertoire.dump().model_dump_json())["cases"]
    mine = {c["title"]: c for c in cases if c["session"] == meeting.live.session_id}
    assert mine["Runbooks nobody reads"]["dots"] == 1
    assert "dots" not in mine["Alert fatigue"] and "discussed_at" not in mine["Alert fatigue"]


async def test_the_screen_shows_the_topic_its_own_countdown_and_what_is_next(db_path: Path) -> None:
    clock = ManualClock(START)
    with Repertoire.open(db_path) as repertoire:
        plan = SessionPlan(find_format("lean-coffee"), "ana", ["ana", "ben"], title="Coffee")
        meeting = Meeting(repertoire, LiveSession.start(repertoire, plan, clock))
        gather(meeting)
        meeting.do("#dot 2 2")
        meeting.do("#dot 3")
        meeting.do("", CommandKind.NEXT_PHASE)
        meeting.do("#next-topic")
        meeting.journal.close()
        clock.advance(minutes=3)
        app = CoptuiApp(repertoire, clock=clock, launch="resume")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            shown = words("\n".join(screen_lines(app)))
            # 8 minutes from 17:00, read at 17:03 on the app's clock.
            assert "Now: Runbooks nobody reads 05:00" in shown
            assert "Next: On-call pay" in shown
            clock.advance(minutes=6)
            await type_line(pilot, "#thumbs up 3 down 1")
            shown = words("\n".join(screen_lines(app)))
            # 12 minutes from 17:00, read at 17:09: three left.
            assert "Now: Runbooks nobody reads 03:00" in shown
            assert "4 more minutes on “Runbooks nobody reads”" in shown

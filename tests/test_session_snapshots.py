"""The look of the session screen at 80x24 and on a wide projector, on a frozen clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input
from ui_helpers import settle as workers_settled

from coptui.facilitation import LiveSession, ManualClock, SessionPlan
from coptui.formats import find_format
from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp

START = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
SnapCompare = Callable[..., bool]


@pytest.fixture
def opened(db_path: Path) -> Iterator[Repertoire]:
    with Repertoire.open(db_path) as repertoire:
        yield repertoire


def meeting(repertoire: Repertoire, phase: str) -> CoptuiApp:
    """A December clinic part-way through, with awkward text in it, at the phase named."""
    clock = ManualClock(START)
    live = LiveSession.start(
        repertoire,
        SessionPlan(find_format("cop-meeting"), "ana", ["ben", "cho"], title="December [clinic] *v2*"),
        clock,
    )
    live.enter("Glad to be here [bold]not bold[/] 🎉")
    clock.advance(minutes=3)
    live.enter("@cho Tired: *two* pages last night")
    clock.advance(seconds=75)
    if phase == "check_in":
        return CoptuiApp(repertoire, clock=clock, launch="resume")
    live.next_phase()
    live.enter("#case @ben Flaky deploys [CI] on Fridays")
    live.enter("#question How do I find the cause without stopping deploys?")
    live.next_phase()
    live.enter("#strategy @cho Bisect the pipeline with a canary each Friday")
    live.enter("#strategy @ana Quarantine flaky tests for two weeks")
    live.enter("#vote 2 3")
    live.enter("#vote 1")
    live.enter("#pick 2")
    live.enter("#action @ben due:2026-12-17 quarantine the worst ten tests")
    clock.advance(minutes=26)
    if phase == "problem_solving":
        return CoptuiApp(repertoire, clock=clock, launch="resume")
    live.next_phase()
    live.enter("#report 1 partly Review ran twice lesson: keep it short")
    clock.advance(minutes=16)
    return CoptuiApp(repertoire, clock=clock, launch="resume")


async def settle(pilot: Pilot[Any]) -> None:
    await workers_settled(pilot)
    # A blinking cursor would make the picture depend on the moment it was taken.
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


def test_check_in_at_80x24(snap_compare: SnapCompare, opened: Repertoire) -> None:
    assert snap_compare(meeting(opened, "check_in"), terminal_size=(80, 24), run_before=settle)


def test_problem_solving_at_80x24(snap_compare: SnapCompare, opened: Repertoire) -> None:
    assert snap_compare(meeting(opened, "problem_solving"), terminal_size=(80, 24), run_before=settle)


def test_problem_solving_at_160x45(snap_compare: SnapCompare, opened: Repertoire) -> None:
    assert snap_compare(meeting(opened, "problem_solving"), terminal_size=(160, 45), run_before=settle)


def test_report_back_over_time_at_160x45(snap_compare: SnapCompare, opened: Repertoire) -> None:
    assert snap_compare(meeting(opened, "report_back"), terminal_size=(160, 45), run_before=settle)

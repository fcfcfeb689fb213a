"""Attendance during the meeting: who came late, who left early, a newcomer; the minutes say so."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from ui_helpers import screen_lines, settle, words

from coptui.export import minutes
from coptui.facilitation import LiveSession, ManualClock, SessionPlan
from coptui.formats import find_format
from coptui.interchange import parse_document, to_json
from coptui.models import Session
from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp
from coptui.ui.stories import session_detail

START = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def live(repertoire: Repertoire, clock: ManualClock) -> LiveSession:
    plan = SessionPlan(find_format("cop-meeting"), "ana", ["ben"], apologies=["cho"], title="December clinic")
    return LiveSession.start(repertoire, plan, clock)


def test_someone_who_sent_apologies_arrives_and_is_never_listed_as_apologising(
    live: LiveSession, repertoire: Repertoire, clock: ManualClock
) -> None:
    clock.advance(minutes=25)
    result = live.enter("#arrived @cho")
    assert result.ok and "arrived late (no longer under apologies)" in result.message
    session = repertoire.session(live.session_id)
    assert (session.attendees, session.apologies) == (["ana", "ben", "cho"], [])
    assert session.arrived == {"cho": START.replace(minute=25)}
    text = minutes(repertoire, live.session_id, "md")
    assert "**Apologies (0):**" in text and "**Arrived late (1):**" in text and "(17:25 UTC)" in text
    assert not live.enter("#arrived @cho").ok, "already here"


def test_someone_leaves_early_and_drops_out_of_the_round(
    live: LiveSession, repertoire: Repertoire, clock: ManualClock
) -> None:
    clock.advance(minutes=40)
    assert live.enter("#left @ben").ok
    assert live.speaking_order().order == ("ana",)
    session = repertoire.session(live.session_id)
    assert "ben" in session.attendees and session.left == {"ben": START.replace(minute=40)}
    text = minutes(repertoire, live.session_id, "md")
    assert "**Present (2):**" in text and "**Left early (1):**" in text and "(17:40 UTC)" in text
    assert "has left already" in live.enter("#left @ben").message
    assert "left earlier" in live.enter("#arrived @ben").message
    assert "not on today's attendance" in live.enter("#left @cho").message


def test_undo_puts_attendance_back(live: LiveSession, repertoire: Repertoire) -> None:
    live.enter("#arrived @cho")
    live.enter("#left @cho")
    assert live.undo().ok and live.undo().ok
    session = repertoire.session(live.session_id)
    assert (session.attendees, session.apologies, session.arrived, session.left) == (
        ["ana", "ben"],
        ["cho"],
        {},
        {},
    )


def test_a_newcomer_joins_the_community_and_the_meeting(live: LiveSession, repertoire: Repertoire) -> None:
    result = live.enter("#newcomer @dev Dev [the new] Patel")
    assert result.ok, result.message
    assert repertoire.member("dev").name == "Dev [the new] Patel"
    assert "dev" in repertoire.session(live.session_id).attendees
    assert live.enter("@dev Glad to be here").ok, "the newcomer's handle works at once"
    assert "a member already" in live.enter("#newcomer @ben Ben").message
    assert "cannot be a handle" in live.enter("#newcomer @Dév! Dev").message
    assert "name?" in live.enter("#newcomer @eve").message
    assert live.undo().message == "undone: a check-in from @dev"
    assert live.undo().message == "undone: @dev (Dev [the new] Patel) as a new member, here today"
    assert "dev" not in {m.handle for m in repertoire.members()}
    assert "dev" not in repertoire.session(live.session_id).attendees


def test_late_and_early_survive_export_and_import(
    live: LiveSession, repertoire: Repertoire, clock: ManualClock, tmp_path: Path
) -> None:
    clock.advance(minutes=10)
    live.enter("#arrived @cho")
    clock.advance(minutes=30)
    live.enter("#left @ben")
    live.end()
    first = to_json(repertoire.dump())
    assert '"arrived": {\n        "cho": "2026-12-03T17:10:00Z"' in first
    assert '"left": {\n        "ben": "2026-12-03T17:40:00Z"' in first
    path = tmp_path / "copy.db"
    document = parse_document(json.loads(first), "first")
    with Repertoire.create(path, document.community) as copy:
        copy.load(document)
        assert to_json(copy.dump()) == first


def test_arrival_must_be_among_the_attendees() -> None:
    with pytest.raises(ValueError, match="zed is in arrived but not among the attendees"):
        Session(title="T", date=START.date(), facilitator="ana", attendees=["ana"], arrived={"zed": START})


async def test_the_session_screen_shows_who_came_and_who_left(db_path: Path) -> None:
    clock = ManualClock(START)
    with Repertoire.open(db_path) as repertoire:
        plan = SessionPlan(find_format("cop-meeting"), "ana", ["ben"], apologies=["cho"])
        app = CoptuiApp(repertoire, clock=clock, launch=plan)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            attendance = app.screen.query_one("#attendance").region
            assert "apologies: cho" in words(" ".join(screen_lines(app, attendance)))
            await pilot.press(*"#arrived @cho", "enter")
            await settle(pilot)
            await pilot.press(*"#left @ben", "enter")
            await settle(pilot)
            shown = words(" ".join(screen_lines(app, attendance)))
            assert "left: ben" in shown and "apologies" not in shown and "○ cho" in shown


WINTER_IN_PARIS = "CET-1CEST,M3.5.0,M10.5.0/3"  # a POSIX zone: no time-zone database needed


def test_minutes_and_screens_show_local_time_with_its_zone_named(
    live: LiveSession, repertoire: Repertoire, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", WINTER_IN_PARIS)
    time.tzset()
    clock.advance(minutes=25)
    live.enter("#arrived @cho")
    clock.advance(minutes=20)
    live.end()
    text = minutes(repertoire, live.session_id, "md")
    assert "- **Time:** 18:00–18:45 CET (45 min)" in text
    assert "(18:25 CET)" in text and "*18:00–18:45 CET · took 45 min" in text
    assert "UTC" not in text
    stored = repertoire.session(live.session_id)
    assert stored.started_at == START, "kept in UTC"
    detail = session_detail(repertoire.session_story(live.session_id)).text
    assert f"Session {live.session_id} · 2026-12-03 · 18:00–18:45 CET" in detail

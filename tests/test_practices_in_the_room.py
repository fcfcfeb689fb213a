"""The repertoire read in the meeting: cases seen before, what worked for them, and practices reused.

Driven as a facilitator would, on the demo community: share a case about a recurring
problem, see the earlier cases and what worked without leaving the session, and reuse a
practice in a few keys; then check what was drawn and what reached the file.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from repertoire_templates import RepertoireTemplates, sample_document
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Static
from ui_helpers import screen_lines, settle, words

from coptui.facilitation import LiveSession, ManualClock, SessionPlan
from coptui.formats import find_format
from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.participant import Joining
from coptui.ui.screens.past_cases import PastCasesScreen
from coptui.ui.screens.session import SessionScreen

START = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)
RECURRING = "Alert storms page the whole on-call rota at night"


@pytest.fixture
def demo_path(tmp_path: Path, repertoire_templates: RepertoireTemplates) -> Path:
    return repertoire_templates.copy(tmp_path / "demo.db", sample_document)


def start(repertoire: Repertoire, clock: ManualClock) -> LiveSession:
    return LiveSession.start(
        repertoire,
        SessionPlan(find_format("cop-meeting"), "ana", ["ben", "cho", "eli"], title="December clinic"),
        clock,
    )


def solving(repertoire: Repertoire, clock: ManualClock) -> LiveSession:
    """A session at problem solving, a case about a recurring problem in focus."""
    live = start(repertoire, clock)
    live.next_phase()
    assert live.enter(f"#case @eli {RECURRING}").ok
    live.next_phase()
    return live


def drawn(pilot: Pilot[Any]) -> str:
    return "\n".join(screen_lines(pilot.app))


async def drawn_once(pilot: Pilot[Any], *texts: str) -> str:
    """The screen once all of `texts` are drawn on it: a panel that answers in a worker scrolls
    itself into view a refresh later (at most a hundred pauses, then the screen as it is)."""
    for _ in range(100):
        shown = drawn(pilot)
        if all(text in shown for text in texts):
            break
        await pilot.pause()
    return shown


async def type_line(pilot: Pilot[Any], text: str) -> None:
    await pilot.press(*text, "enter")
    await settle(pilot)


def message(pilot: Pilot[Any]) -> str:
    return str(pilot.app.screen.query_one("#capture-message", Static).render())


# -- the engine ---------------------------------------------------------------------------


def test_a_strategy_reuses_a_practice_by_its_number(demo_path: Path) -> None:
    clock = ManualClock(START)
    with Repertoire.open(demo_path) as repertoire:
        live = solving(repertoire, clock)
        practice = repertoire.suggest_practices("ticket queue", limit=1)[0]
        pid = practice.practice.id
        assert pid is not None

        said = live.enter(f"#strategy @ben ={pid}")
        assert said.ok, said.message
        assert f"practice {pid} tried again" in said.message
        bare = live.enter(f"#strategy @cho ={pid} tickets, but only for the night shift")
        assert bare.ok, bare.message

        case = repertoire.session_cases(live.session_id)[0]
        assert case.id is not None
        filed = repertoire.strategies(case=case.id)
        assert [(s.text, s.practice) for s in filed] == [
            (practice.practice.name, pid),
            ("tickets, but only for the night shift", pid),
        ]
        after = repertoire.practice_records([pid])[pid]
        assert after.uses == practice.uses + 2

        # Undo takes back the use, never the practice tried before.
        assert live.undo().ok and live.undo().ok
        assert repertoire.strategies(case=case.id) == []
        assert repertoire.practice_records([pid])[pid].uses == practice.uses


def test_reusing_a_practice_that_does_not_exist_files_nothing(demo_path: Path) -> None:
    clock = ManualClock(START)
    with Repertoire.open(demo_path) as repertoire:
        live = solving(repertoire, clock)
        before = repertoire.count_practices()
        said = live.enter("#strategy @ben =999999")
        assert not said.ok
        assert said.message == (
            "there is no practice 999999: the line under the box suggests those tried before"
        )
        case = repertoire.session_cases(live.session_id)[0]
        assert case.id is not None
        assert repertoire.strategies(case=case.id) == []
        assert repertoire.count_practices() == before
        assert "=x is not a practice" in live.enter("#strategy @ben =x").message


# -- the session screen, as a facilitator uses it --------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_a_recurring_problem_brings_what_worked_into_the_room(
    demo_path: Path, size: tuple[int, int]
) -> None:
    clock = ManualClock(START)
    with Repertoire.open(demo_path) as repertoire:
        live = start(repertoire, clock)
        live.next_phase()  # problem sharing
        app = CoptuiApp(repertoire, clock=clock, launch="resume")
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, SessionScreen)

            # Share the case: as soon as it has a title, the cases seen before are on screen.
            await type_line(pilot, f"#case @eli {RECURRING}")
            case = repertoire.session_cases(live.session_id)[0]
            assert case.id is not None
            similar = repertoire.similar_cases(case.id)
            assert similar, "the demo has earlier cases about alerting"
            rows = 3 if size[1] < 30 else 5
            shown = await drawn_once(pilot, *(found.case.title[:18] for found in similar[:rows]))
            assert "Seen before" in shown and "Ctrl+O opens their stories" in shown
            for found in similar[:rows]:
                assert found.case.title[:18] in shown
                assert f"{found.case.opened_on:%d %b %Y}" in shown
            worked = [p for found in similar[:rows] for p in found.practices]
            assert worked, "the demo's alerting cases have practices that worked"
            assert "What worked for them" in shown
            best = max(worked, key=lambda p: p.evidence)
            assert f"={best.practice.id} {best.practice.name[:12]}" in words(shown)
            assert best.record.marks() in shown

            # Adding the question looks again, and the panel follows.
            await type_line(pilot, "#question How do we page only for what needs a human?")
            again = repertoire.similar_cases(case.id)
            await pilot.pause()
            assert again[0].case.title[:18] in drawn(pilot)

            # Half a line typed, Ctrl+O: a past case's story over the session; the clock runs on.
            await pilot.press(*"@ben we tried")
            await pilot.press("ctrl+o")
            await settle(pilot)
            assert isinstance(app.screen, PastCasesScreen)
            story = drawn(pilot)
            assert again[0].case.title[:30] in story and "Brought by" in story
            clock.advance(minutes=2)
            app.screen.tick()
            await pilot.pause()
            assert "⏱ 13:00" in drawn(pilot)  # 15 minutes for problem sharing, 2 gone
            await pilot.press("down")
            await settle(pilot)
            assert again[1].case.title[:30] in drawn(pilot)
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is screen
            box = screen.query_one("#capture-input", Input)
            assert box.has_focus and "@ben we tried" in drawn(pilot)

            # Finish the line: it is filed, in this phase, as typed.
            await type_line(pilot, " routing before")

            notes = repertoire.notes(session=live.session_id)
            assert [(n.text, n.author) for n in notes][-1] == ("we tried routing before", "ben")

            # A line Entered with Ctrl+O straight after it is filed while the stories are open.
            for key, character in [*((c, c) for c in "a quick one"), ("enter", "\r"), ("ctrl+o", None)]:
                app.post_message(events.Key("space" if key == " " else key, character))
            await settle(pilot)
            assert isinstance(app.screen, PastCasesScreen)
            assert repertoire.notes(session=live.session_id)[-1].text == "a quick one"
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is screen and screen.query_one("#capture-input", Input).value == ""


async def test_seen_before_leaves_out_the_other_cases_of_the_meeting(demo_path: Path) -> None:
    clock = ManualClock(START)
    with Repertoire.open(demo_path) as repertoire:
        live = start(repertoire, clock)
        live.next_phase()  # problem sharing
        earlier_today = "Alert storms page the on-call rota twice a night"
        assert live.enter(f"#case @ben {earlier_today}").ok
        app = CoptuiApp(repertoire, clock=clock, launch="resume")
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(pilot)
            await type_line(pilot, f"#case @eli {RECURRING}")
            await pilot.pause()
            case = repertoire.session_cases(live.session_id)[-1]
            assert case.id is not None
            # Of everything in the repertoire, this morning's other case is the most like it...
            assert repertoire.similar_cases(case.id)[0].case.title == earlier_today
            shown = drawn(pilot)
            seen = shown[shown.index("Seen before") :]
            # ... but it is on today's agenda, not something the group has seen before.
            assert "twice a night" not in seen
            earlier = repertoire.similar_cases(case.id, earlier_only=True)
            assert earlier and earlier[0].case.title[:18] in seen


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_a_practice_is_reused_in_a_few_keys_and_its_record_shown(
    demo_path: Path, size: tuple[int, int]
) -> None:
    clock = ManualClock(START)
    with Repertoire.open(demo_path) as repertoire:
        live = solving(repertoire, clock)
        case = repertoire.session_cases(live.session_id)[0]
        assert case.id is not None
        app = CoptuiApp(repertoire, clock=clock, launch="resume")
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            offered = repertoire.suggest_practices("ticket", limit=1)[0]
            pid = offered.practice.id
            assert pid is not None
            await pilot.press(*"#strategy @ben ticket")
            await settle(pilot)
            bottom = "\n".join(screen_lines(app)[-6:])
            assert f"={pid} {offered.practice.name[:20]}" in bottom and "Tab takes it" in bottom
            await pilot.press("tab")  # the one key that takes it
            await pilot.pause()
            assert f"#strategy @ben ={pid}" in drawn(pilot)
            await pilot.press("enter")
            await settle(pilot)

            filed = repertoire.strategies(case=case.id)
            assert [(s.text, s.practice, s.proposer) for s in filed] == [(offered.practice.name, pid, "ben")]
            record = repertoire.practice_records([pid])[pid]
            said = record.record.marks() if record.record.tried else "untried"
            workspace = "\n".join(screen_lines(app, app.screen.query_one("#workspace").content_region))
            assert f"={pid} {said}" in words(workspace), workspace
            assert f"practice {pid} tried again" in message(pilot)

            # Typed fast: the line, Tab and Enter in one burst still file a use of the practice.
            await pilot.press(*"#strategy @cho ticket")
            await settle(pilot)
            for key, character in (("tab", "\t"), ("enter", "\r")):  # as a terminal delivers them: at once
                app.post_message(events.Key(key, character))
            await settle(pilot)
            filed = repertoire.strategies(case=case.id)
            assert [(s.practice, s.proposer) for s in filed] == [(pid, "ben"), (pid, "cho")]


async def test_a_member_at_their_own_screen_reuses_a_practice_with_tab(demo_path: Path) -> None:
    """Members propose strategies too: the practices tried before are offered under their box."""
    clock = ManualClock(START)
    with Repertoire.open(demo_path) as repertoire:
        live = solving(repertoire, clock)
        case = repertoire.session_cases(live.session_id)[0]
        offered = repertoire.suggest_practices("ticket", limit=1)[0]
        joining = Joining("ben", "local")
        app = CoptuiApp(repertoire, clock=clock, launch=joining, participant=joining)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press(*"#strategy ticket")
            await settle(pilot)
            bottom = "\n".join(screen_lines(app)[-6:])
            assert (
                f"={offered.practice.id} {offered.practice.name[:20]}" in bottom and "Tab takes it" in bottom
            )
            await pilot.press("tab")
            await pilot.pause()
            assert f"#strategy ={offered.practice.id}" in drawn(pilot)
            await pilot.press("enter")
            for _ in range(100):
                if repertoire.strategies(case=case.id):
                    break
                await pilot.pause(0.01)
        filed = repertoire.strategies(case=case.id)
        assert [(s.text, s.practice, s.proposer) for s in filed] == [
            (offered.practice.name, offered.practice.id, "ben")
        ]


async def test_suggestions_never_hold_up_typing(demo_path: Path) -> None:
    """Keys typed while a lookup runs all land, in order; the line under the box follows the last."""
    clock = ManualClock(START)
    with Repertoire.open(demo_path) as repertoire:
        solving(repertoire, clock)
        app = CoptuiApp(repertoire, clock=clock, launch="resume")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            typed = "#strategy @cho page on slo burn rate"
            await pilot.press(*typed)
            box = app.screen.query_one("#capture-input", Input)
            assert box.value == typed
            await settle(pilot)
            expected = repertoire.suggest_practices("page on slo burn rate", limit=3)
            hints = str(app.screen.query_one("#capture-hints", Static).render())
            assert hints.startswith(f"={expected[0].practice.id} ")
            await pilot.press("ctrl+u", *"#strategy @cho xyzzyq")  # words no practice has
            await settle(pilot)
            assert not app.screen.query_one("#capture-hints").display
            await pilot.press("tab")  # nothing offered: Tab changes nothing
            assert box.value == "#strategy @cho xyzzyq"

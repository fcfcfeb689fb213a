"""Small things a facilitator reads during a live session: the shuffled speaking order, what a
report-back did, what a resume carried out, and the start screen's example of a new member."""

from __future__ import annotations

from pathlib import Path

from repertoire_templates import RepertoireTemplates, sample_document
from test_session_others import facilitating, started
from textual.app import App
from textual.widgets import Static
from ui_helpers import screen_lines, settle, words

from coptui.models import Command, CommandKind
from coptui.store import Repertoire
from coptui.store.journal import CaptureJournal
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.start_session import NEW_MEMBER_EXAMPLE


def message(app: App[None]) -> str:
    return str(app.screen.query_one("#capture-message", Static).render())


async def test_who_has_left_is_not_named_in_the_shuffled_speaking_order(db_path: Path) -> None:
    async with facilitating(db_path) as (app, pilot):
        await pilot.press(*"#left @ben", "enter", "f3")
        await settle(pilot)
        assert message(app) in {"✓ speaking order: ana, cho", "✓ speaking order: cho, ana"}
        assert "left: ben" in words(" ".join(screen_lines(app)))
    with Repertoire.open(db_path) as repertoire:
        session = repertoire.session(3)
        assert session.attendees[-1] == "ben" and list(session.left) == ["ben"]


async def test_a_report_back_that_resolves_its_case_says_so_after_who_reported(db_path: Path) -> None:
    async with facilitating(db_path) as (app, pilot):
        await pilot.press(
            "f5", "f5", "f5", *"#report 1 worked Review caught the noisy ones case:resolved", "enter"
        )
        await settle(pilot)
        said = "✓ filed the report-back on matter 1 from @ben (worked); its case is resolved"
        assert message(app) == said
        assert said in words(" ".join(screen_lines(app)))
    with Repertoire.open(db_path) as repertoire:
        assert repertoire.case(1).status.value == "resolved"


async def test_a_resume_counts_the_lines_entered_and_the_keys_pressed_before_the_kill(db_path: Path) -> None:
    clock = started(db_path)
    with Repertoire.open(db_path) as repertoire:
        journal = CaptureJournal(db_path)
        pressed = [
            Command(kind=kind, text=text, pressed_at=clock.now())
            for kind, text in [
                (CommandKind.ENTRY, "@ben typed before the kill"),
                (CommandKind.NEXT_PHASE, ""),
                (CommandKind.ENTRY, "#case @ben Filed on resume"),
            ]
        ]
        journal.append(3, pressed)
        journal.close()  # the process dies here: journalled, never carried out
        app = CoptuiApp(repertoire, clock=clock, launch="resume")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert "2 lines Entered and 1 key pressed before it closed, carried out now" in words(
                " ".join(screen_lines(app))
            )
        assert [n.text for n in repertoire.notes(session=3)] == ["typed before the kill"]
        assert [c.title for c in repertoire.session_cases(3)] == ["Filed on resume"]


async def test_a_line_refused_as_a_resume_carries_it_out_is_listed_under_the_box(db_path: Path) -> None:
    clock = started(db_path)
    with Repertoire.open(db_path) as repertoire:
        journal = CaptureJournal(db_path)
        pressed = [
            Command(kind=CommandKind.ENTRY, text=text, pressed_at=clock.now())
            for text in ["@ben filed on resume", "#vote 9 for no strategy [b]x[/b]", "@cho filed too"]
        ]
        journal.append(3, pressed)
        journal.close()  # the process dies here: journalled, never carried out
        app = CoptuiApp(repertoire, clock=clock, launch="resume")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            drawn = words(" ".join(screen_lines(app)))
            assert "3 lines Entered before it closed, carried out now: 1 not filed" in drawn
            assert "#vote 9 for no strategy [b]x[/b]" in drawn  # listed, as typed
            await pilot.press("up")
            await settle(pilot)
            box = app.screen.query_one("#capture-input")
            assert "#vote 9 for no strategy [b]x[/b]" in " ".join(screen_lines(app, box.region))
        assert [n.text for n in repertoire.notes(session=3)] == ["filed on resume", "filed too"]


async def test_the_new_member_example_is_nobody_in_the_demo_community(
    tmp_path: Path, repertoire_templates: RepertoireTemplates
) -> None:
    handle = NEW_MEMBER_EXAMPLE.split()[0]
    assert handle not in {m.handle for m in sample_document().members}
    with Repertoire.open(repertoire_templates.copy(tmp_path / "demo.db", sample_document)) as repertoire:
        app = CoptuiApp(repertoire)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("s")
            await settle(pilot)
            assert NEW_MEMBER_EXAMPLE in " ".join(screen_lines(app))

"""What is typed into a form while a save is under way is never dropped by that save ending: an
edit saves the rest at once; a new item, added as the form read when the save began, stays on
screen with the rest said to be unsaved, and the form edits it from then on: F2 saves the rest
to the item it added, never a second one."""

from __future__ import annotations

import threading
from pathlib import Path

from test_form_keys import open_report_back_on_action_2
from test_form_saves import drawn, edit_case_2, form_says, new_member_typed, toasts, until
from test_participant_screen import joined
from textual.pilot import Pilot
from textual.widgets import Select, TextArea
from ui_helpers import browsing, screen_lines, settle

from coptui.models import Member, Outcome
from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.edit import Added, Filled, Form, ReportBackScreen, Saver
from coptui.ui.screens.form_save import Stage
from coptui.ui.screens.my_actions import MyActionsScreen, OwnReportScreen


class HeldTry:
    """The form's first try to save, held in its worker until `let_go`; later tries run at once."""

    def __init__(self, form: Form) -> None:
        self.running = threading.Event()
        self.go = threading.Event()
        self.tries = 0
        save: Saver = form.save

        def held(filled: Filled) -> str | Added:
            self.tries += 1
            if self.tries == 1:
                self.running.set()
                assert self.go.wait(60)
            return save(filled)

        form.save = held

    async def under_way(self, pilot: Pilot[None]) -> None:
        for _ in range(1000):
            if self.running.is_set():
                return
            await pilot.pause(0.01)
        assert self.running.is_set()

    async def let_go(self, pilot: Pilot[None]) -> None:
        self.go.set()
        await settle(pilot)


async def test_an_edit_saves_what_was_typed_during_its_try_next(db_path: Path) -> None:
    async with browsing(db_path) as (app, pilot):
        form = await edit_case_2(app, pilot)
        held = HeldTry(form)
        await pilot.press("end", *" (first)", "f2")
        await held.under_way(pilot)
        assert form.save_state.stage is Stage.SAVING
        await pilot.press(*" (and more)")
        assert "Runbooks nobody reads (first) (and more)" in drawn(app)
        await held.let_go(pilot)
        await until(pilot, lambda: app.screen is not form)
        await settle(pilot)
        assert held.tries == 2 and toasts(app)[-1] == "Saved case 2."
    with Repertoire.open(db_path) as repertoire:
        assert repertoire.case(2).title == "Runbooks nobody reads (first) (and more)"


async def test_a_new_member_added_during_typing_stays_on_screen_and_f2_saves_the_rest_to_them(
    db_path: Path,
) -> None:
    async with browsing(db_path) as (app, pilot):
        form = await new_member_typed(app, pilot)
        held = HeldTry(form)
        await pilot.press("f2")
        await held.under_way(pilot)
        await pilot.press(*" Junior")
        await held.let_go(pilot)
        assert app.screen is form and "Quin New Junior" in drawn(app)
        assert form_says(app) == (
            "Added @quin. What you typed since it began saving is not saved: "
            "F2 saves it to what was added · escape drops it"
        )
        assert form.query_one("#handle").disabled  # @quin is in the file: the handle is theirs now
        await pilot.press("f2")  # the rest, to @quin: not a second member
        await settle(pilot)
        assert app.screen is not form and toasts(app)[-1] == "Saved @quin."
        assert held.tries == 1  # added once: the rest was saved to what it added
    with Repertoire.open(db_path) as repertoire:
        assert repertoire.member("quin") == Member(handle="quin", name="Quin New Junior")
        assert [m.handle for m in repertoire.members()].count("quin") == 1


async def filed_while_typing(app: CoptuiApp, form: Form, outcome: str, story: str, more: str) -> HeldTry:
    """A report-back form's first save, held while `more` is typed onto its story; said unsaved."""
    pilot = Pilot(app)
    form.query_one("#outcome", Select).value = outcome
    form.query_one("#story", TextArea).text = story
    held = HeldTry(form)
    await pilot.press("f2")
    await held.under_way(pilot)
    form.query_one("#story", TextArea).text = story + more
    await held.let_go(pilot)
    assert app.screen is form and "F2 saves it to what was added" in form_says(app)
    return held


async def test_a_new_report_back_filed_during_typing_is_the_one_a_second_f2_saves_to(db_path: Path) -> None:
    async with browsing(db_path) as (app, pilot):
        await open_report_back_on_action_2(pilot)
        form = app.screen
        assert isinstance(form, ReportBackScreen)
        held = await filed_while_typing(app, form, "partly", "Held two reviews", ", then busy [again] *|*")
        assert form_says(app).startswith("Report-back filed.")
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is not form and toasts(app)[-1].startswith("Saved report-back")
        assert held.tries == 1  # added once: the rest was saved to what it added
    with Repertoire.open(db_path) as repertoire:
        reports = repertoire.action_report_backs(2)
        assert [(r.outcome, r.story) for r in reports] == [
            (Outcome.PARTLY, "Held two reviews, then busy [again] *|*")
        ]


async def test_a_members_own_report_filed_during_typing_takes_the_rest_on_a_second_f2(db_path: Path) -> None:
    async with joined(db_path, live=False) as (app, pilot, _):
        for key in ("f2", "enter"):  # my actions, then a report on the first
            await pilot.press(key)
            await settle(pilot)
        form = app.screen
        assert isinstance(form, OwnReportScreen), drawn(app)
        held = await filed_while_typing(app, form, "worked", "Two reviews", " [held] | cut pages by half")
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, MyActionsScreen), drawn(app)
        assert "saved the rest of your report-back" in drawn(app)
        assert held.tries == 1  # filed once: the rest was saved to what it filed
    with Repertoire.open(db_path) as repertoire:
        reports = repertoire.action_report_backs(2)
        assert [(r.member, r.outcome, r.story) for r in reports] == [
            ("ben", Outcome.WORKED, "Two reviews [held] | cut pages by half")
        ]


async def test_the_case_form_opens_at_its_top_at_80x24(db_path: Path) -> None:
    with Repertoire.open(db_path) as repertoire:  # more than the form shows at 80x24: its fields scroll
        repertoire.update_case(repertoire.case(2).model_copy(update={"context": "A line of context.\n" * 12}))
    async with browsing(db_path) as (app, pilot):
        form = await edit_case_2(app, pilot)
        await pilot.wait_for_animation()  # a scroll to the focused field, if any, is over
        fields = form.query_one(".form-fields")
        lines = [line.strip(" │▁▂▃▄▅▆▇█") for line in screen_lines(app, fields.content_region)]
        assert lines[:3] == ["", "Title", "Runbooks nobody reads"], lines
        assert app.focused is form.query_one("#title")

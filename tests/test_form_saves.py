"""An edit form never loses what was filed or typed: it saves only the fields it changed, says
which field another writer changed meanwhile, and waits (visibly) for a file another program
is writing to, saving by itself once the lock goes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from locks import write_lock_held
from textual.pilot import Pilot
from textual.widgets import Select
from ui_helpers import browser, browsing, screen_lines, settle, type_burst, words

from coptui.facilitation import ManualClock
from coptui.models import Action, CaseStatus, Outcome, Strategy
from coptui.store import EditConflict, Repertoire
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.edit import EditCaseScreen, changed_part
from coptui.ui.screens.member_form import MemberScreen
from coptui.ui.screens.my_actions import OwnReportScreen
from coptui.ui.screens.participant import Joining
from coptui.ui.widgets.paged_list import Ref

# Bounds on waiting for what a form does by itself (a retry a second apart), on a busy machine.
POLLS = 600
POLL_SECONDS = 0.05


def drawn(app: CoptuiApp) -> str:
    return words(" ".join(screen_lines(app)))


def form_says(app: CoptuiApp) -> str:
    """What the form's message line shows."""
    return words(" ".join(screen_lines(app, app.screen.query_one("#form-error").content_region)))


def toasts(app: CoptuiApp) -> list[str]:
    return [notification.message for notification in app._notifications]


async def until(pilot: Pilot[None], condition: Callable[[], object]) -> None:
    for _ in range(POLLS):
        if condition():
            return
        await pilot.pause(POLL_SECONDS)
    assert condition(), drawn(pilot.app)  # type: ignore[arg-type]


async def new_member_typed(app: CoptuiApp, pilot: Pilot[None]) -> MemberScreen:
    """The new-member form, filled in as @quin, Quin New, not saved yet."""
    await pilot.press("plus")
    await settle(pilot)
    form = app.screen
    assert isinstance(form, MemberScreen)
    type_burst(app, [*"quin", "tab", *"Quin New"])
    await settle(pilot)
    return form


async def edit_case_2(app: CoptuiApp, pilot: Pilot[None]) -> EditCaseScreen:
    browser(app).follow(Ref("case", 2))
    await settle(pilot)
    await pilot.press("e")
    await settle(pilot)
    assert isinstance(app.screen, EditCaseScreen), drawn(app)
    return app.screen


def file_context_meanwhile(db_path: Path, sentence: str) -> None:
    """What the live session does on `#context ...`, through a connection of its own."""
    with Repertoire.open(db_path) as session:
        case = session.case(2)
        session.update_case(case.model_copy(update={"context": f"{case.context}\n\n{sentence}"}))


async def test_a_case_saved_from_the_browser_keeps_the_context_filed_meanwhile(db_path: Path) -> None:
    async with browsing(db_path) as (app, pilot):
        form = await edit_case_2(app, pilot)
        type_burst(app, ["end", *" for real"])  # into the title, where the form opens
        await settle(pilot)
        file_context_meanwhile(db_path, "Third facilitator sentence")
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is not form, drawn(app)
        assert toasts(app)[-1] == "Saved case 2."
    with Repertoire.open(db_path) as repertoire:
        case = repertoire.case(2)
    assert case.title == "Runbooks nobody reads for real"
    assert case.context.endswith("\n\nThird facilitator sentence")


async def test_a_case_saved_from_the_browser_keeps_the_trial_begun_meanwhile(db_path: Path) -> None:
    async with browsing(db_path) as (app, pilot):
        await edit_case_2(app, pilot)
        type_burst(app, ["tab", *"From the browser. "])
        await settle(pilot)
        with Repertoire.open(db_path) as session:  # #strategy, #pick, #action in the meeting
            strategy = session.add_strategy(
                Strategy(case=2, proposer="ben", text="Try the thing", picked=True)
            )
            session.add_action(Action(case=2, strategy=strategy.id, owner="cho", text="do the thing"))
            assert session.case(2).status is CaseStatus.IN_TRIAL
        await pilot.press("f2")
        await settle(pilot)
        assert not isinstance(app.screen, EditCaseScreen), drawn(app)
    with Repertoire.open(db_path) as repertoire:
        case = repertoire.case(2)
    assert (case.status, case.context) == (
        CaseStatus.IN_TRIAL,
        "From the browser. Our [runbook] links | rot within weeks.",
    )


async def test_a_field_changed_in_both_places_is_named_and_saved_over_only_on_purpose(db_path: Path) -> None:
    async with browsing(db_path) as (app, pilot):
        form = await edit_case_2(app, pilot)
        type_burst(app, ["tab", *"Browser words. "])
        await settle(pilot)
        file_context_meanwhile(db_path, "Filed in the meeting")
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is form
        assert form_says(app) == (
            "Context changed in the file meanwhile; nothing was saved. "
            "F2 saves yours over it · F3 takes the file's in. It now reads: "
            "Our [runbook] links | rot within weeks. Filed in the meeting"
        )
        assert "Browser words." in drawn(app)  # what was typed is still there
        assert words(" ".join(screen_lines(app, form.query_one("#save").region))) == "Save"  # at 80x24
        with Repertoire.open(db_path) as repertoire:
            assert repertoire.case(2).context.endswith("Filed in the meeting")
        await pilot.press("f2")  # again: on purpose
        await settle(pilot)
        assert app.screen is not form, drawn(app)
    with Repertoire.open(db_path) as repertoire:
        assert repertoire.case(2).context == "Browser words. Our [runbook] links | rot within weeks."


async def test_f3_takes_the_files_text_in_and_saves_the_rest(db_path: Path) -> None:
    async with browsing(db_path) as (app, pilot):
        form = await edit_case_2(app, pilot)
        type_burst(app, ["end", *" again", "tab", *"Browser words. "])
        await settle(pilot)
        file_context_meanwhile(db_path, "Filed in the meeting")
        await pilot.press("f2")
        await settle(pilot)
        assert form_says(app).startswith("Context changed in the file meanwhile")
        await pilot.press("f3")
        await settle(pilot)
        assert "Browser words." not in drawn(app) and "Filed in the meeting" in drawn(app)
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is not form, drawn(app)
    with Repertoire.open(db_path) as repertoire:
        case = repertoire.case(2)
    assert case.title == "Runbooks nobody reads again"
    assert case.context == "Our [runbook] links | rot within weeks.\n\nFiled in the meeting"


def test_a_change_made_meanwhile_is_quoted_from_where_it_begins() -> None:
    before = "Forty pages a week, most of them flapping disk alerts, and more at night since May."
    quoted = changed_part(before, f"{before}\n\nThird sentence")
    assert quoted == "…disk alerts, and more at night since May.\n\nThird sentence"
    assert changed_part("Short", "Shorter") == "Shorter"
    assert changed_part("Short", "") == "(empty)"


def test_the_store_refuses_an_edit_over_a_change_made_since_and_keeps_a_case_in_trial(
    repertoire: Repertoire,
) -> None:
    opened = {"title": "Runbooks nobody reads", "status": CaseStatus.OPEN}
    repertoire.update_case(repertoire.case(2).model_copy(update={"title": "Renamed meanwhile"}))
    try:
        repertoire.edit_case(2, {"title": "Mine"}, opened)
    except EditConflict as conflict:
        assert (conflict.field, conflict.now) == ("title", "Renamed meanwhile")
    else:
        raise AssertionError("an edit over a change made since was written")
    assert repertoire.case(2).title == "Renamed meanwhile"
    repertoire.add_action(Action(case=2, owner="cho", text="do the thing"))
    case = repertoire.edit_case(2, {"status": CaseStatus.OPEN}, {"status": CaseStatus.IN_TRIAL})
    assert case.status is CaseStatus.IN_TRIAL  # an open action: the case is being tried


async def test_a_form_saved_while_another_program_writes_waits_and_saves_once_the_lock_goes(
    db_path: Path,
) -> None:
    async with browsing(db_path) as (app, pilot):
        form = await new_member_typed(app, pilot)
        with write_lock_held(db_path) as other:
            await pilot.press("f2")
            await until(pilot, lambda: "another program is writing to the file" in form_says(app))
            assert app.screen is form and "Something went wrong" not in drawn(app)
            assert form_says(app).startswith("⧗ Not saved yet: another program is writing to the file.")
            assert "quin" in drawn(app) and "Quin New" in drawn(app)
            await pilot.press("escape")  # asks first: nothing typed is dropped by one key
            await settle(pilot)
            assert app.screen is form and "escape again drops what you typed" in form_says(app)
            other.execute("ROLLBACK")
            await until(pilot, lambda: app.screen is not form)
        await settle(pilot)
        assert toasts(app)[-1] == "Added @quin."
    with Repertoire.open(db_path) as repertoire:
        assert repertoire.member("quin").name == "Quin New"


async def test_a_members_report_back_waits_for_a_busy_file_and_is_filed(db_path: Path) -> None:
    joining = Joining("ben", "local")
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(
            repertoire,
            clock=ManualClock(datetime(2026, 12, 3, 17, tzinfo=UTC)),
            launch=joining,
            participant=joining,
        )
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("f2")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            form = app.screen
            assert isinstance(form, OwnReportScreen), drawn(app)
            for key in ("enter", "down", "enter"):  # the outcome, from its menu: worked
                await pilot.press(key)
                await settle(pilot)
            type_burst(app, ["tab", *"Ran it [x] *y*", "tab", *"lesson typed"])
            await settle(pilot)
            with write_lock_held(db_path) as other:
                await pilot.press("f2")
                await until(pilot, lambda: "another program is writing to the file" in form_says(app))
                assert app.screen is form and "Ran it [x] *y*" in drawn(app)
                assert not repertoire.action_report_backs(2)
                other.execute("ROLLBACK")
                await until(pilot, lambda: app.screen is not form)
            await settle(pilot)
        (report,) = repertoire.action_report_backs(2)
    assert (report.outcome, report.story, report.lesson) == (Outcome.WORKED, "Ran it [x] *y*", "lesson typed")


async def test_a_busy_file_is_never_called_something_going_wrong(db_path: Path) -> None:
    """A write made outside a form (merging practices) while another program writes: said as such."""
    async with browsing(db_path) as (app, pilot):
        browser(app).follow(Ref("practice", 2))
        await settle(pilot)
        with write_lock_held(db_path):
            browser(app).merge_practice(2, 1)
            await until(pilot, lambda: app._notifications)
        (toast,) = app._notifications
        assert toast.title == "The file is busy"
        assert toast.message.endswith("busy: another program is writing to it; wait a moment and try again")


async def test_a_case_with_an_open_action_stays_in_trial_and_the_save_says_so(db_path: Path) -> None:
    with Repertoire.open(db_path) as repertoire:
        repertoire.add_action(Action(case=2, owner="cho", text="do the thing"))
    async with browsing(db_path) as (app, pilot):
        form = await edit_case_2(app, pilot)
        form.query_one("#status", Select).value = CaseStatus.OPEN.value
        await pilot.press("f2")
        await settle(pilot)
        assert toasts(app)[-1] == "Saved case 2; it stays in trial: it has an open action."
    with Repertoire.open(db_path) as repertoire:
        assert repertoire.case(2).status is CaseStatus.IN_TRIAL


async def test_what_is_typed_while_a_save_waits_for_the_file_is_what_is_saved(db_path: Path) -> None:
    """Typed between tries or during one (a busy machine decides which), all of it is saved."""
    async with browsing(db_path) as (app, pilot):
        form = await edit_case_2(app, pilot)
        with write_lock_held(db_path) as other:
            await pilot.press("end", *" (first)", "f2")
            await until(pilot, lambda: "another program is writing to the file" in form_says(app))
            await pilot.press(*" (and more)")  # the form is still open: the title goes on
            assert "Runbooks nobody reads (first) (and more)" in drawn(app)
            other.execute("ROLLBACK")
            await until(pilot, lambda: app.screen is not form)
        await settle(pilot)
    with Repertoire.open(db_path) as repertoire:
        assert repertoire.case(2).title == "Runbooks nobody reads (first) (and more)"


def test_a_change_made_meanwhile_names_the_field_in_words() -> None:
    said = str(EditConflict("@ana", "left_on", None))
    assert said == "the date of leaving of @ana was changed meanwhile; nothing was saved"
    assert str(EditConflict("case 2", "context", "x")).startswith("the context of case 2 was changed")

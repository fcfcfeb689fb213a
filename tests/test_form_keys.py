"""Keys typed in a burst in a form (a fast typist, keys batched over SSH) go to the field that
had focus when each was pressed: the letters after a Tab to the field Tab moved to."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input
from ui_helpers import browser, screen_lines, settle, type_burst, words

from coptui.facilitation import LiveSession, ManualClock, SessionPlan
from coptui.formats import find_format
from coptui.models import Outcome
from coptui.store import Repertoire
from coptui.store.browsing import BrowseFilter, SortOrder
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.edit import ReportBackScreen
from coptui.ui.screens.filter import FilterScreen
from coptui.ui.screens.member_form import MemberScreen
from coptui.ui.screens.my_actions import OwnReportScreen
from coptui.ui.screens.participant import Joining
from coptui.ui.screens.start_session import StartSessionScreen
from coptui.ui.widgets.paged_list import Ref

START = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)


async def open_form(pilot: Pilot[None], key: str, form: type[Screen[Any]]) -> None:
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)
    assert isinstance(pilot.app.screen, form), " ".join(screen_lines(pilot.app))


async def open_report_back_on_action_2(pilot: Pilot[None]) -> None:
    await settle(pilot)
    browser(pilot.app).follow(Ref("action", 2))
    await open_form(pilot, "n", ReportBackScreen)


def drawn(app: CoptuiApp, selector: str) -> str:
    """What the screen shows where the field `selector` is drawn."""
    return " ".join(screen_lines(app, app.screen.query_one(selector).content_region)).strip()


async def test_letters_after_tab_go_to_the_next_field_and_are_saved_there(repertoire: Repertoire) -> None:
    app = CoptuiApp(repertoire)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot, "plus", MemberScreen)
        type_burst(app, [*"abc", "tab", *"def"])
        await settle(pilot)
        assert drawn(app, "#handle") == "abc"
        assert drawn(app, "#name") == "def"
        assert app.focused is app.screen.query_one("#name", Input)
        await pilot.press("f2")
        await settle(pilot)
        assert not isinstance(app.screen, MemberScreen), " ".join(screen_lines(app))
    assert repertoire.member("abc").name == "def"


async def test_letters_typed_with_the_key_that_opens_a_form_go_into_the_form(repertoire: Repertoire) -> None:
    """`+ x y z tab u v w` in one burst: the form opens as `+` is read, and the letters behind it
    wait for its first field instead of landing on the browser behind it (x exports minutes)."""
    app = CoptuiApp(repertoire)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        type_burst(app, ["plus", *"xyz", "tab", *"uvw"])
        await settle(pilot)
        assert isinstance(app.screen, MemberScreen), " ".join(screen_lines(app))
        assert drawn(app, "#handle") == "xyz"
        assert drawn(app, "#name") == "uvw"
        await pilot.press("f2")
        await settle(pilot)
    assert repertoire.member("xyz").name == "uvw"


async def test_a_line_typed_with_r_goes_into_the_resumed_session(repertoire: Repertoire) -> None:
    plan = SessionPlan(find_format("cop-meeting"), "ana", ["ben", "cho"], title="December clinic")
    live = LiveSession.start(repertoire, plan, ManualClock(START))
    app = CoptuiApp(repertoire, clock=ManualClock(START))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        type_burst(app, ["r", *"hello [there]", "enter"])
        await settle(pilot)
        assert "ana hello [there]" in words(" ".join(screen_lines(app)))
    notes = repertoire.notes(session=live.session_id)
    assert [(n.author, n.text) for n in notes] == [("ana", "hello [there]")]


async def test_shift_tab_in_a_burst_goes_back_before_the_letters_after_it(repertoire: Repertoire) -> None:
    app = CoptuiApp(repertoire)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot, "plus", MemberScreen)
        type_burst(app, [*"abc", "tab", "tab", *"org", "shift+tab", *"def", "f2"])
        await settle(pilot)
        assert not isinstance(app.screen, MemberScreen), " ".join(screen_lines(app))
    member = repertoire.member("abc")
    assert (member.name, member.organisation) == ("def", "org")


async def test_a_report_back_typed_in_one_burst_past_its_selects(repertoire: Repertoire) -> None:
    app = CoptuiApp(repertoire)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_report_back_on_action_2(pilot)
        # One burst: the outcome from its menu (partly), past the value select (Tab Tab) to the date.
        menu = ["enter", "down", "down", "enter"]
        type_burst(app, ["tab", *menu, "tab", *"Held two", "tab", *"Be brief", "tab", "tab", *"2026-12-10"])
        await settle(pilot)
        await pilot.wait_for_scheduled_animations()  # the fields scroll to the one in focus
        assert drawn(app, "#story") == "Held two"
        assert drawn(app, "#lesson") == "Be brief"
        assert drawn(app, "#reported_on") == "2026-12-10"
        await pilot.press("f2")
        await settle(pilot)
        assert not isinstance(app.screen, ReportBackScreen), " ".join(screen_lines(app))
    (report,) = repertoire.action_report_backs(2)
    assert (report.outcome, report.story, report.lesson) == (Outcome.PARTLY, "Held two", "Be brief")


async def test_tab_in_the_capture_box_takes_the_suggestion_before_the_keys_after_it(db_path: Path) -> None:
    clock = ManualClock(START)
    with Repertoire.open(db_path) as repertoire:
        LiveSession.start(repertoire, SessionPlan(find_format("cop-meeting"), "ana", ["ben", "cho"]), clock)
        app = CoptuiApp(repertoire, clock=clock, launch="resume")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            type_burst(app, [*"#case @b", "tab", *"Pager storms", "enter"])
            await settle(pilot)
            assert "filed case “Pager storms” by @ben" in words(" ".join(screen_lines(app)))
            assert app.focused is app.screen.query_one("#capture-input")
        live = repertoire.live_session()
        assert live is not None and live.id is not None
        filed = [(c.title, c.presenter) for c in repertoire.session_cases(live.id)]
    assert filed == [("Pager storms", "ben")]


async def test_the_start_screen_in_one_burst_past_its_selects(repertoire: Repertoire) -> None:
    app = CoptuiApp(repertoire)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot, "s", StartSessionScreen)
        # From the format: the title, then past the facilitator to a new member.
        type_burst(app, ["tab", *"December clinic", "tab", "tab", *"dev Dev Patel"])
        await settle(pilot)
        assert drawn(app, "#start-title") == "December clinic"
        assert drawn(app, "#start-new-member") == "dev Dev Patel"
        await pilot.press("enter")
        await settle(pilot)
        assert "Add @dev (Dev Patel) to the community?" in words(" ".join(screen_lines(app)))


async def test_attendees_ticked_in_one_burst_are_each_ticked(repertoire: Repertoire) -> None:
    """Textual's list ticks the row highlighted when its message arrives, not when space was
    pressed: `down space down space` in one burst ticked one row twice and another never."""
    app = CoptuiApp(repertoire)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_form(pilot, "s", StartSessionScreen)
        app.screen.query_one("#start-attendees").focus()
        await settle(pilot)
        before = drawn(app, "#start-summary")
        # From ana (ticked, as facilitator) down to ben and to cho, ticking each.
        type_burst(app, ["home", "down", "space", "down", "space"])
        await settle(pilot)
        assert before == "Attending (1): ana (facilitating)"
        assert drawn(app, "#start-summary") == "Attending (3): ana (facilitating), ben, cho"
        await pilot.press("f5")
        await settle(pilot)
    live = repertoire.live_session()
    assert live is not None and live.attendees == ["ana", "ben", "cho"]


async def test_a_format_chosen_from_its_menu_in_a_burst_is_the_one_started(repertoire: Repertoire) -> None:
    """`enter down enter` on the focused format select, and on to the title, in one burst: the menu
    opens, the next format is chosen, and the title goes to the title field, not to the menu."""
    app = CoptuiApp(repertoire, clock=ManualClock(START))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot, "s", StartSessionScreen)
        before = drawn(app, "#start-format")
        type_burst(app, ["enter", "down", "enter", "tab", *"Peer [help]"])
        await settle(pilot)
        after = drawn(app, "#start-format")
        assert after != before and "choose a format" not in after
        assert drawn(app, "#start-title") == "Peer [help]"
        await pilot.press("f5")
        await settle(pilot)
    live = repertoire.live_session()
    assert live is not None
    assert live.title == "Peer [help]" and find_format(live.format).title in after


async def test_escape_in_a_menu_in_a_burst_keeps_the_choice_and_the_keys_after_it(
    repertoire: Repertoire,
) -> None:
    app = CoptuiApp(repertoire)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_report_back_on_action_2(pilot)
        # The outcome: partly, then a menu opened, moved in and escaped; then the story.
        type_burst(app, ["tab", "enter", "down", "down", "enter", "enter", "down", "escape", "tab", *"Kept"])
        await settle(pilot)
        assert drawn(app, "#story") == "Kept"
        await pilot.press("shift+tab")
        await settle(pilot)
        await pilot.wait_for_scheduled_animations()
        assert drawn(app, "#outcome").startswith("partly")
        await pilot.press("f2")
        await settle(pilot)
    (report,) = repertoire.action_report_backs(2)
    assert (report.outcome, report.story) == (Outcome.PARTLY, "Kept")


async def test_the_order_of_results_chosen_from_its_menu_in_a_burst(repertoire: Repertoire) -> None:
    app = CoptuiApp(repertoire)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot, "f", FilterScreen)
        # From the topic, past status, outcome, member and the dates, to the order: its second choice.
        type_burst(app, ["tab"] * 6 + ["enter", "down", "enter", "tab"])
        await settle(pilot)
        await pilot.wait_for_scheduled_animations()
        assert drawn(app, "#sort").startswith("date, newest first")
        await pilot.press("f2")
        await settle(pilot)
        assert browser(app).place.filter == BrowseFilter(sort=SortOrder.DATE)


async def test_the_filter_dialog_in_one_burst_past_its_selects(repertoire: Repertoire) -> None:
    app = CoptuiApp(repertoire)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot, "f", FilterScreen)
        # From the topic, past status, outcome and member, to the dates.
        type_burst(app, ["tab", "tab", "tab", "tab", *"2026-09-01", "tab", *"2026-10-31"])
        await settle(pilot)
        await pilot.wait_for_scheduled_animations()
        assert (drawn(app, "#since"), drawn(app, "#until")) == ("2026-09-01", "2026-10-31")
        await pilot.press("f2")
        await settle(pilot)
        assert browser(app).place.filter == BrowseFilter(since=date(2026, 9, 1), until=date(2026, 10, 31))


async def test_the_participants_report_back_in_one_burst(db_path: Path) -> None:
    joining = Joining("ben", "local")
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, clock=ManualClock(START), launch=joining, participant=joining)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("f2")
            await settle(pilot)
            assert "enter Report back" in screen_lines(app)[-1]  # the footer says how
            await open_form(pilot, "enter", OwnReportScreen)
            # The outcome from its menu (worked), and on to the story and lesson, in one burst.
            type_burst(app, ["enter", "down", "enter", "tab", *"We ran it", "tab", *"lesson here", "f2"])
            await settle(pilot)
            assert not isinstance(app.screen, OwnReportScreen), " ".join(screen_lines(app))
        (report,) = repertoire.action_report_backs(2)
    assert (report.outcome, report.story, report.lesson) == (Outcome.WORKED, "We ran it", "lesson here")

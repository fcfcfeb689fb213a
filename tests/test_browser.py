"""The repertoire browser through Pilot: panes, search, filters, references, history, edits, live follow."""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from textual.widgets import Input, Select, Static, TextArea
from ui_helpers import (
    browser,
    click_link,
    current,
    detail,
    detail_links,
    poll_live_until,
    refs,
    rows,
    screen_lines,
    scrolled_lines,
    settle,
    type_burst,
    words,
)

from coptui.models import (
    ActionStatus,
    CaseStatus,
    Note,
    NoteKind,
    Outcome,
    SessionStatus,
)
from coptui.store import Repertoire
from coptui.store.browsing import BrowseFilter, SortOrder
from coptui.ui.app import CoptuiApp
from coptui.ui.screens import browser_search
from coptui.ui.screens.edit import ActionStatusScreen, EditCaseScreen, ReportBackScreen
from coptui.ui.screens.filter import FilterScreen
from coptui.ui.screens.help import HelpScreen
from coptui.ui.screens.references import ReferenceScreen
from coptui.ui.sources import Place, Section, search_rows
from coptui.ui.widgets.paged_list import PagedList, Ref, Row
from coptui.ui.widgets.story_view import StoryView


@pytest.fixture
def writable(db_path: Path):
    with Repertoire.open(db_path) as repertoire:
        yield repertoire


@pytest.fixture
def read_only(db_path: Path):
    with Repertoire.open(db_path, read_only=True) as repertoire:
        yield repertoire


async def test_the_masthead_says_which_member_is_looking(read_only: Repertoire) -> None:
    app = CoptuiApp(read_only, viewer="ana")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        masthead = screen_lines(app)[0].strip()
        assert masthead == "coptui · SRE Guild · repertoire  [read-only]  signed in as ana"


async def test_home_is_the_overview_of_sessions_actions_and_cases(read_only: Repertoire) -> None:
    app = CoptuiApp(read_only)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "SRE Guild" in str(browser(app).query_one("#masthead", Static).render())
        assert "[read-only]" in str(browser(app).query_one("#masthead", Static).render())
        assert rows(app) == [
            "Recent sessions",
            "2026-11-05 #2 November clinic",
            "2026-10-01 #1 October clinic",
            "Open actions (1)",
            "2026-12-01 @ben Start a weekly alert review",
            "Latest cases (2)",
            "2026-11-05 Runbooks nobody reads  ● open",
            "2026-10-01 Alert fatigue at night  ◑ reported",
        ]
        # The cursor skips the heading; the detail keeps the community's summary until it moves.
        assert current(app) == Ref("session", 2)
        assert detail(app).startswith("SRE Guild")
        await pilot.press("down")
        await settle(pilot)
        assert detail(app).startswith("October clinic")


async def test_navigator_moves_the_list_and_the_detail_follows_the_cursor(read_only: Repertoire) -> None:
    app = CoptuiApp(read_only)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("shift+tab", "down")
        await settle(pilot)
        assert browser(app).place.section is Section.CASES
        assert rows(app)[0].startswith("2026-11-05 Runbooks nobody reads")
        await pilot.press("enter", "down")
        await settle(pilot)
        assert app.focused is browser(app).query_one("#list", PagedList)
        assert current(app) == Ref("case", 1)
        story = detail(app)
        assert story.startswith("Alert fatigue at night")
        assert "Strategies proposed" in story and "Route low-urgency alerts to tickets" in story
        assert "tried once: 1 worked" in story
        assert "✓ worked" in story and "Pages dropped from forty to nine a week." in story
        for section, first in [
            (Section.STRATEGIES, "– Weekly alert review with on-call"),
            (Section.SESSIONS, "2026-11-05 #2 November clinic"),
            (Section.MEMBERS, "@ana Ana Ruiz · Ledgerly"),
            (Section.TOPICS, "Alerting  1 case"),
            (Section.ACTIONS, "2026-12-01 @ben Start a weekly alert review"),
            (Section.WORKED, "✓1 ◐0 ✗0 Route low-urgency alerts to tickets"),
        ]:
            browser(app).go_section(section)
            await settle(pilot)
            assert rows(app)[0] == first, section


async def test_enter_on_a_topic_lists_every_case_about_it(read_only: Repertoire) -> None:
    app = CoptuiApp(read_only)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        browser(app).go_section(Section.TOPICS)
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert browser(app).place.filter.topic == "on-call"
        assert refs(app) == [Ref("case", 2), Ref("case", 1)]
        assert browser(app).query_one("#list", PagedList).border_subtitle == "#on-call"


async def test_a_correction_typed_at_speed_in_the_search_box_corrects_what_came_before(
    read_only: Repertoire,
) -> None:
    app = CoptuiApp(read_only)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        # Backspaces, Home (Ctrl+A) and Delete typed among the letters act where they were typed.
        type_burst(app, [*"runbok", "backspace", "backspace", *"ook", "ctrl+a", "delete", "r"])
        await settle(pilot)
        assert screen_lines(app)[1].strip() == "runbook"
        assert "Search: runbook" in " ".join(screen_lines(app))


async def test_search_as_you_type_groups_hits_and_marks_the_words(read_only: Repertoire) -> None:
    app = CoptuiApp(read_only)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert app.focused is browser(app).query_one("#search", Input)
        await pilot.press("p")
        await settle(pilot)
        # One letter is a word, not a prefix: the list says why it is empty.
        paged_list = browser(app).query_one("#list", PagedList)
        assert paged_list.empty == "No word “p”; one more letter searches the words that begin with it."
        assert any("No word “p”" in line for line in screen_lines(app))
        await pilot.press("backspace", *"alert")
        await settle(pilot)
        place = browser(app).place
        assert (place.section, place.search) == (Section.SEARCH, "alert")
        found = rows(app)
        assert found[0] == "Cases (1)" and "Strategies (2)" in found and "Notes (1)" in found
        hit = browser(app).query_one("#list", PagedList).loaded_rows()[1]
        marked = [hit.text.plain[s.start : s.end] for s in hit.text.spans if s.style == "reverse"]
        assert marked and all(word.lower().startswith("alert") for word in marked)
        # Enter leaves the box for the results; on a hit it follows it; back returns to the search.
        await pilot.press("enter")
        assert app.focused is browser(app).query_one("#list", PagedList)
        await pilot.press("enter")
        await settle(pilot)
        assert current(app) == Ref("case", 1)
        await pilot.press("backspace")
        await settle(pilot)
        assert browser(app).place.section is Section.SEARCH
        assert browser(app).query_one("#list", PagedList).total == len(found)


async def test_search_results_can_be_filtered_and_sorted(read_only: Repertoire) -> None:
    app = CoptuiApp(read_only)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = browser(app)
        screen.search_for("alert")
        await settle(pilot)
        assert Ref("note", 2) in refs(app)
        screen.apply_filter(BrowseFilter(member="ben"))
        await settle(pilot)
        assert [r for r in refs(app) if r] == [Ref("case", 1), Ref("note", 1)] or Ref("note", 2) not in refs(
            app
        )
        screen.apply_filter(BrowseFilter(sort=SortOrder.DATE))
        await settle(pilot)
        strategies = [r for r in refs(app) if r and r.kind == "strategy"]
        assert strategies == [Ref("strategy", 1), Ref("strategy", 2)]


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (BrowseFilter(topic="alerting"), [1]),
        (BrowseFilter(status=CaseStatus.OPEN), [2]),
        (BrowseFilter(outcome=Outcome.WORKED), [1]),
        (BrowseFilter(member="cho"), [2]),
        (BrowseFilter(since=date(2026, 11, 1)), [2]),
        (BrowseFilter(until=date(2026, 10, 31)), [1]),
        (BrowseFilter(outcome=Outcome.DID_NOT_WORK), []),
    ],
)
async def test_every_filter_narrows_the_cases(
    read_only: Repertoire, chosen: BrowseFilter, expected: list[int]
) -> None:
    app = CoptuiApp(read_only)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        browser(app).go_section(Section.CASES)
        await settle(pilot)
        browser(app).apply_filter(chosen)
        await settle(pilot)
        assert refs(app) == [Ref("case", i) for i in expected]
        if not expected:
            assert browser(app).query_one("#list", PagedList).empty.startswith("Nothing under the filter")


async def test_the_filter_form_validates_and_applies(read_only: Repertoire) -> None:
    app = CoptuiApp(read_only)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, FilterScreen)
        form.query_one("#topic", Select).value = "on-call"
        form.query_one("#member", Select).value = "ben"
        form.query_one("#since", Input).value = "not a date"
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen is form
        assert "From: must be a date" in str(form.query_one("#filter-error").render())
        form.query_one("#since", Input).value = "2026-09-01"
        await pilot.press("f2")
        await settle(pilot)
        place = browser(app).place
        assert place.section is Section.CASES
        assert place.filter == BrowseFilter(topic="on-call", member="ben", since=date(2026, 9, 1))
        assert refs(app) == [Ref("case", 1)]


async def test_following_references_and_coming_back(read_only: Repertoire) -> None:
    app = CoptuiApp(read_only)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = browser(app)
        screen.go(Place(section=Section.CASES, cursor=1))
        await settle(pilot)
        assert current(app) == Ref("case", 1)
        labels = [label for label, _ in screen.detail.refs]
        assert "member: @ben" in labels and "session: October clinic" in labels
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, ReferenceScreen)
        await pilot.press("enter")  # the first reference: the presenter
        await settle(pilot)
        assert screen.place.section is Section.MEMBERS
        assert current(app) == Ref("member", "ben")
        assert detail(app).startswith("Ben Okafor")
        screen.follow(Ref("strategy", 2))
        await settle(pilot)
        assert screen.place.section is Section.STRATEGIES and current(app) == Ref("strategy", 2)
        await pilot.press("backspace")
        await settle(pilot)
        assert current(app) == Ref("member", "ben")
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.place.section is Section.CASES and current(app) == Ref("case", 1)
        assert detail(app).startswith("Alert fatigue at night")
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert current(app) == Ref("member", "ben")
        await pilot.press("alt+right")
        await settle(pilot)
        assert current(app) == Ref("strategy", 2)
        await pilot.press("alt+left")
        await settle(pilot)
        assert current(app) == Ref("member", "ben")


async def test_a_link_in_the_detail_is_followed(read_only: Repertoire) -> None:
    app = CoptuiApp(read_only)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = browser(app)
        screen.follow(Ref("case", 2))
        await settle(pilot)
        assert "link('coptui:member/cho')" in [action for _, action in detail_links(app)]
        await click_link(pilot, "link('coptui:member/cho')")
        await settle(pilot)
        assert current(app) == Ref("member", "cho")


async def test_the_story_scrolls_by_key_and_wraps_again_when_the_terminal_widens(
    read_only: Repertoire,
) -> None:
    app = CoptuiApp(read_only)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        browser(app).follow(Ref("case", 1))
        await settle(pilot)
        await pilot.press("enter")  # from the list into the story
        pane = browser(app).query_one("#detail", StoryView)
        assert app.focused is pane
        first_page = screen_lines(app, pane.content_region)
        assert first_page[0].startswith("Alert fatigue at night")
        await pilot.press("pagedown")
        await pilot.pause()
        next_page = screen_lines(app, pane.content_region)
        assert next_page != first_page and not next_page[0].startswith("Alert fatigue at night")
        await pilot.press("home")
        await pilot.pause()
        assert screen_lines(app, pane.content_region) == first_page
        narrow = len(pane.lines)
        await pilot.resize_terminal(160, 45)
        await settle(pilot)
        # Wider, the same story takes fewer lines, and every word of it is still drawn.
        assert len(pane.lines) < narrow
        assert words(" ".join(await scrolled_lines(pilot, pane))) == detail(app)


async def test_what_has_worked_for_a_topic_and_for_a_search(tmp_path: Path, sample_file: Path) -> None:
    from coptui.interchange import read_document

    document = read_document(sample_file)
    with Repertoire.create(tmp_path / "guild.db", document.community) as repertoire:
        repertoire.load(document)
        app = CoptuiApp(repertoire)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = browser(app)
            screen.go_section(Section.TOPICS)
            await settle(pilot)
            assert current(app) == Ref("topic", "alerting")
            await pilot.press("w")
            await settle(pilot)
            assert screen.place.section is Section.WORKED and screen.place.topic == "alerting"
            ranked = rows(app)
            assert ranked[0].startswith("✓1") and ranked[-1].startswith("✓0 ◐0 ✗1")
            assert detail(app).startswith("What has worked · #alerting")
            # Three alerting cases from three sessions answer the recurring problem.
            assert len({a for _, a in detail_links(app) if a.startswith("link('coptui:case/")}) >= 3
            screen.search_for("alert fatigue")
            await settle(pilot)
            await pilot.press("w")
            await settle(pilot)
            assert screen.place.section is Section.WORKED and screen.place.search == "alert fatigue"
            assert rows(app)


async def test_help_lists_every_key(read_only: Repertoire) -> None:
    app = CoptuiApp(read_only)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        for binding in browser_bindings():
            assert binding.id and binding.description
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


def browser_bindings():
    from coptui.ui.screens.browser import BrowserScreen

    return [*BrowserScreen.BINDINGS, *PagedList.BINDINGS]


async def test_command_palette_offers_the_screens_commands(read_only: Repertoire) -> None:
    from coptui.ui.commands import BrowserCommands

    app = CoptuiApp(read_only)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        provider = BrowserCommands(browser(app))
        names = [name for name, _, _ in provider.commands()]
        assert {"Go to Cases", "Search", "Filter", "What worked", "Back", "Forward", "Live"} <= set(names)
        assert "Edit case" not in names  # read-only
        dict((n, c) for n, _, c in provider.commands())["High-contrast theme"]()
        assert app.theme == "coptui-high-contrast"


async def test_editing_a_case_commits_at_once(writable: Repertoire) -> None:
    app = CoptuiApp(writable)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        browser(app).follow(Ref("case", 2))
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, EditCaseScreen)
        form.query_one("#title", Input).value = ""
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen is form and "Title: must not be empty" in str(
            form.query_one("#form-error").render()
        )
        form.query_one("#title", Input).value = "Runbooks [nobody] *reads* |ever| 📚"
        form.query_one("#topics", Input).value = "on-call, nonsense"
        await pilot.press("f2")
        await pilot.pause()
        assert "nonsense" in str(form.query_one("#form-error").render())
        form.query_one("#topics", Input).value = "on-call, alerting"
        form.query_one("#question", TextArea).text = "How do we keep them alive?"
        await pilot.press("f2")
        await settle(pilot)
        with Repertoire.open(writable.path, read_only=True) as other:
            case = other.case(2)
        assert case.title == "Runbooks [nobody] *reads* |ever| 📚"
        assert case.topics == ["on-call", "alerting"]
        assert case.question == "How do we keep them alive?"
        assert detail(app).startswith("Runbooks [nobody] *reads* |ever| 📚")
        assert "Runbooks [nobody] *reads* |ever| 📚" in rows(app)[0]


async def test_changing_an_action_and_reporting_back(writable: Repertoire) -> None:
    app = CoptuiApp(writable)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        browser(app).follow(Ref("action", 2))
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ActionStatusScreen)
        app.screen.query_one("#status", Select).value = "dropped"
        await pilot.press("f2")
        await settle(pilot)
        assert writable.action(2).status is ActionStatus.DROPPED
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ReportBackScreen)
        await pilot.press("f2")
        await pilot.pause()
        assert "Outcome: must be" in str(form.query_one("#form-error").render())
        form.query_one("#outcome", Select).value = "partly"
        form.query_one("#story", TextArea).text = "Held two reviews, then on-call got busy."
        form.query_one("#reported_on", Input).value = "2026-12-10"
        await pilot.press("f2")
        await settle(pilot)
        reports = writable.action_report_backs(2)
        assert [(r.outcome, r.member, r.case) for r in reports] == [(Outcome.PARTLY, "ben", 1)]
        assert "◐ partly worked" in detail(app)


async def test_read_only_offers_no_edits(read_only: Repertoire) -> None:
    app = CoptuiApp(read_only)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = browser(app)
        screen.follow(Ref("action", 2))
        await settle(pilot)
        for action in ("edit_case", "action_status", "add_report_back"):
            assert screen.check_action(action, ()) is False
        await pilot.press("a", "n", "e")
        await pilot.pause()
        assert app.screen is screen
        footer_keys = {b.binding.action for b in screen.active_bindings.values() if b.enabled}
        assert not footer_keys & {"edit_case", "action_status", "add_report_back"}


async def test_writable_offers_edits_where_they_apply(writable: Repertoire) -> None:
    app = CoptuiApp(writable)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = browser(app)
        screen.follow(Ref("action", 2))
        await settle(pilot)
        assert screen.check_action("action_status", ()) is True
        assert screen.check_action("edit_case", ()) is False


async def test_a_read_only_browse_leaves_the_file_byte_identical(db_path: Path) -> None:
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    with Repertoire.open(db_path, read_only=True) as repertoire:
        app = CoptuiApp(repertoire)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            for keys in (
                ["shift+tab", "down", "down"],
                ["tab", "down", "enter"],
                ["slash", *"alert", "enter"],
            ):
                await pilot.press(*keys)
                await settle(pilot)
            browser(app).follow(Ref("case", 1))
            await settle(pilot)
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before


async def test_live_follow_shows_another_process_writing(db_path: Path) -> None:
    with Repertoire.open(db_path, read_only=True) as reader, Repertoire.open(db_path) as facilitator:
        app = CoptuiApp(reader)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            banner = browser(app).query_one("#live-banner", Static)
            assert not banner.display
            session = facilitator.session(2)
            started = datetime.now(UTC)
            phases = [
                p.model_copy(update={"started_at": started}) if p.position == 0 else p for p in session.phases
            ]
            facilitator.update_session(
                session.model_copy(
                    update={"status": SessionStatus.LIVE, "current_phase": 0, "phases": phases}
                )
            )
            await poll_live_until(pilot, lambda: banner.display)
            drawn_banner = " ".join(screen_lines(app, banner.region))
            assert "November clinic" in drawn_banner and "Check-in" in drawn_banner
            await pilot.press("l")
            await settle(pilot)
            assert drawn_detail(app).startswith("● Live: November clinic Check-in")
            facilitator.add_note(
                Note(
                    session=2,
                    phase=0,
                    author="cho",
                    kind=NoteKind.CHECK_IN,
                    text="Back from leave [finally]",
                    created_at=datetime.now(UTC),
                )
            )
            await poll_live_until(pilot, lambda: "@cho: Back from leave [finally]" in drawn_detail(app))
            assert rows(app)[1].startswith("▶")


def drawn_detail(app: CoptuiApp) -> str:
    """The words the detail pane draws, its lines joined as if unwrapped."""
    pane = browser(app).query_one("#detail")
    return words(" ".join(screen_lines(app, pane.content_region)))


async def test_markup_in_names_shows_as_typed(db_path: Path) -> None:
    with Repertoire.open(db_path) as repertoire:
        community = repertoire.community()
        repertoire.set_community(
            community.model_copy(update={"name": "[bold red]Guild[/] [@click=app.quit]q"})
        )
        app = CoptuiApp(repertoire)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            masthead = browser(app).query_one("#masthead", Static).render()
            assert "[bold red]Guild[/] [@click=app.quit]q" in str(masthead)
            assert detail(app).startswith("[bold red]Guild[/] [@click=app.quit]q")
            assert all(y > 0 and a.startswith("link('coptui:") for y, a in detail_links(app))
            assert app.is_running


async def test_no_color_is_honoured(read_only: Repertoire, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = CoptuiApp(read_only)
    assert app.no_color


async def test_lists_load_in_pages_as_the_cursor_moves(tmp_path: Path) -> None:
    from benchmarks.generate import write

    path = tmp_path / "big.db"
    write(path, 1_000)
    with Repertoire.open(path, read_only=True) as repertoire:
        app = CoptuiApp(repertoire)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            browser(app).go_section(Section.CASES)
            await settle(pilot)
            paged = browser(app).query_one("#list", PagedList)
            assert paged.total == 1_000
            assert sorted(paged.pages) == [0] and len(paged.loaded_rows()) == 100
            await pilot.press("end")
            await settle(pilot)
            assert sorted(paged.pages) == [0, 9]
            assert current(app) == Ref("case", 1)  # the oldest
            await pilot.press("pageup")
            await settle(pilot)
            assert paged.cursor < 999 and sorted(paged.pages) == [0, 9]
            await pilot.press("home")
            await settle(pilot)
            assert current(app) == Ref("case", 1_000)


async def test_member_and_session_views(read_only: Repertoire) -> None:
    app = CoptuiApp(read_only)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = browser(app)
        screen.follow(Ref("member", "ben"))
        await settle(pilot)
        member = detail(app)
        for heading in ("Cases brought", "Open actions", "Strategies proposed", "Reported back"):
            assert heading in member
        assert (
            "Start a weekly alert review" in member.split("Open actions")[1].split("Strategies proposed")[0]
        )
        assert "attended 2 sessions" in member
        screen.follow(Ref("session", 1))
        await settle(pilot)
        session = detail(app)
        assert "format cop-meeting" in session and "facilitated by @ana" in session
        assert "apologies: @cho" in session
        assert "Collaborative problem solving (30 min)" in session
        assert "Tired after a noisy week on call." in session


async def test_typing_during_a_search_queues_one_search_not_one_per_key(
    read_only: Repertoire, monkeypatch: pytest.MonkeyPatch
) -> None:
    searches: list[str] = []
    running: list[str] = []
    overlapped: list[str] = []
    answer = threading.Event()

    def slow_search(repertoire: Repertoire, text: str, filter: BrowseFilter) -> list[Row]:
        searches.append(text)
        if running:
            overlapped.append(text)
        running.append(text)
        answer.wait(timeout=60)  # a large repertoire: keys arrive while the store answers
        running.remove(text)
        return search_rows(repertoire, text, filter)

    monkeypatch.setattr(browser_search, "search_rows", slow_search)
    app = CoptuiApp(read_only)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"runbook")
        answer.set()
        await settle(pilot)
        # The first key searches at once; keys typed meanwhile wait, and only the latest runs.
        assert searches == ["r", "runbook"] and not overlapped
        assert refs(app)[1] == Ref("case", 2)
        assert str(browser(app).query_one("#list").border_title).startswith("Search: runbook (")

"""The hostile corpus on screen: every browser pane, title and toast draws members' text as typed.

Each item of a small community holds corpus entries in its fields, a different entry in
each field a pane shows, so a pane that drew one field as markup cannot hide behind
another. Assertions read the characters drawn on the terminal, not the widgets' data.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hostile import HOSTILE_TEXT
from repertoire_templates import RepertoireTemplates
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input
from ui_helpers import (
    actions_on_screen,
    browser,
    current,
    poll_live_until,
    refs,
    screen_lines,
    scrolled_lines,
    settle,
    words,
)

from coptui.facilitation import ManualClock, SessionPlan
from coptui.formats.model import PhaseSpec, SessionFormat
from coptui.models import (
    Action,
    Case,
    Community,
    Member,
    Note,
    PhaseKind,
    PhaseRun,
    RepertoireDocument,
    ReportBack,
    Session,
    SessionStatus,
    Strategy,
    Topic,
)
from coptui.store import Repertoire
from coptui.text import clean_text
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.filter import FilterScreen
from coptui.ui.screens.references import ReferenceScreen
from coptui.ui.screens.session import SessionScreen
from coptui.ui.screens.start_session import StartAnswers, StartSessionScreen
from coptui.ui.sources import Section
from coptui.ui.widgets.paged_list import PagedList, Ref
from coptui.ui.widgets.story_view import StoryView

SIZE = (160, 48)
ITEMS = range(len(HOSTILE_TEXT))
# The items a pane test opens: every third, so that each pane draws every corpus entry and
# each field at least one of the markup entries (see the first test), in a third of the time.
OPENED = ITEMS[::3]

# Which corpus entry (counted from the item's own number) each field holds. No two fields
# that one pane shows hold the same entry: case 0-9, strategy 0 4-8, member 0 1 4-7 10,
# session 0 4-9 11, topic 0 4 11 12, live 0 4-6 8 9 11 12.
CASE_TITLE, MEMBER_NAME, CONTEXT, QUESTION, STRATEGY, ACTION, STORY, LESSON = range(8)
SESSION_TITLE, NOTE, ORGANISATION, TOPIC_NAME, TOPIC_DESCRIPTION = range(8, 13)
PHASE_TITLE, PHASE_PROMPT = TOPIC_NAME, TOPIC_DESCRIPTION


def entry(item: int, field: int) -> str:
    """The corpus entry `field` of `item` holds, as typed (a block of text)."""
    return HOSTILE_TEXT[(item + field) % len(HOSTILE_TEXT)][1]


def line(item: int, field: int) -> str:
    """The same entry as a one-line field (a title, a name) can hold it: 300 characters at most."""
    return entry(item, field)[:300]


def shown(text: str) -> str:
    """What the screen must show for `text`: cleaned as on the way in, wrapping undone."""
    return words(clean_text(text))


def hostile_document() -> RepertoireDocument:
    """One member, topic, session, case, strategy, action, report-back and note per corpus entry."""
    members, topics, sessions, cases, strategies, actions, reports, notes = ([] for _ in range(8))
    for i in ITEMS:
        n, handle, day = i + 1, f"m{i}", date(2026, 1, 1) + timedelta(days=i)
        members.append(Member(handle=handle, name=line(i, MEMBER_NAME), organisation=line(i, ORGANISATION)))
        topics.append(Topic(slug=f"t{i}", name=line(i, TOPIC_NAME), description=entry(i, TOPIC_DESCRIPTION)))
        phase = PhaseRun(
            position=0,
            kind=PhaseKind.CHECK_IN,
            title=line(i, PHASE_TITLE),
            timebox_minutes=10,
            prompt=entry(i, PHASE_PROMPT),
        )
        sessions.append(
            Session(
                id=n,
                title=line(i, SESSION_TITLE),
                date=day,
                facilitator=handle,
                attendees=[handle],
                status=SessionStatus.CLOSED,
                phases=[phase],
            )
        )
        cases.append(
            Case(
                id=n,
                session=n,
                presenter=handle,
                title=line(i, CASE_TITLE),
                context=entry(i, CONTEXT),
                question=entry(i, QUESTION),
                topics=[f"t{i}"],
                opened_on=day,
            )
        )
        strategies.append(
            Strategy(id=n, case=n, session=n, proposer=handle, text=entry(i, STRATEGY), votes=1)
        )
        actions.append(Action(id=n, case=n, strategy=n, session=n, owner=handle, text=entry(i, ACTION)))
        reports.append(
            ReportBack(
                id=n,
                action=n,
                case=n,
                session=n,
                member=handle,
                outcome="worked",
                story=entry(i, STORY),
                lesson=entry(i, LESSON),
                reported_on=day,
            )
        )
        # Every other note hangs on its case: a note hit then opens the case's story, else the session's.
        notes.append(
            Note(
                id=n,
                session=n,
                case=n if i % 2 == 0 else None,
                author=handle,
                text=entry(i, NOTE),
                created_at=datetime(2026, 1, 1, 18, tzinfo=UTC) + timedelta(days=i),
            )
        )
    return RepertoireDocument(
        community=Community(name="Hostile guild"),
        members=members,
        topics=topics,
        sessions=sessions,
        cases=cases,
        strategies=strategies,
        actions=actions,
        report_backs=reports,
        notes=notes,
    )


@pytest.fixture
def hostile_db(tmp_path: Path, repertoire_templates: RepertoireTemplates) -> Path:
    return repertoire_templates.copy(tmp_path / "hostile.db", hostile_document)


# What each pane must show of item i: (one-line fields, blocks of text).
PANE_SHOWS: dict[str, tuple[list[int], list[int]]] = {
    "case": ([CASE_TITLE, MEMBER_NAME, SESSION_TITLE], [CONTEXT, QUESTION, STRATEGY, ACTION, STORY, LESSON]),
    "strategy": ([CASE_TITLE, SESSION_TITLE], [STRATEGY, ACTION, STORY, LESSON]),
    "member": ([MEMBER_NAME, ORGANISATION, CASE_TITLE], [STRATEGY, ACTION, STORY, LESSON]),
    "session": ([SESSION_TITLE, PHASE_TITLE, CASE_TITLE], [STRATEGY, ACTION, STORY, LESSON, NOTE]),
    "topic": ([TOPIC_NAME, CASE_TITLE], [TOPIC_DESCRIPTION, STRATEGY]),
}


def expected_in_pane(kind: str, i: int) -> list[str]:
    one_line_fields, blocks = PANE_SHOWS[kind]
    texts = [line(i, f) for f in one_line_fields] + [entry(i, f) for f in blocks]
    if kind == "case" and i % 2 == 0:
        texts.append(entry(i, NOTE))
    return texts


def expected_row(kind: str, i: int, repertoire: Repertoire) -> str:
    """The list row of item i as typed, before the list cuts it to its width."""
    if kind == "case":
        case = repertoire.case(i + 1)
        return f"{case.opened_on} {shown(case.title)}  {case.status.marked}"
    if kind == "strategy":
        return f"✓1 ◐0 ✗0 {shown(entry(i, STRATEGY))}"
    if kind == "member":
        return f"@m{i} {shown(line(i, MEMBER_NAME))} · {shown(line(i, ORGANISATION))}"
    if kind == "session":
        return f"{repertoire.session(i + 1).date} #{i + 1} {shown(line(i, SESSION_TITLE))}"
    return f"{shown(line(i, TOPIC_NAME))}  1 case"


def key_of(kind: str, i: int) -> int | str:
    return {"member": f"m{i}", "topic": f"t{i}"}.get(kind, i + 1)


def assert_drawn(drawn: str, expected: str) -> None:
    """`drawn` is a line on screen: all of `expected`, or its start cut with an ellipsis."""
    drawn = drawn.rstrip()
    if drawn.endswith("…"):
        assert expected.startswith(drawn[:-1].rstrip()), (drawn, expected[:200])
    else:
        assert drawn == expected, (drawn, expected[:200])


def assert_only_our_links(app: CoptuiApp) -> None:
    """Nothing members typed became a click action or a hyperlink: every one drawn is a coptui link."""
    foreign = {a for a in actions_on_screen(app) if not a.startswith("link('coptui:")}
    assert not foreign, foreign


def cursor_row(app: CoptuiApp) -> str:
    """The list's line under the cursor, as drawn."""
    paged = browser(app).query_one("#list", PagedList)
    lines = screen_lines(app, paged.scrollable_content_region)
    return lines[paged.cursor - paged.scroll_offset.y]


def list_title(app: CoptuiApp) -> str:
    """The list's border title, as drawn."""
    paged = browser(app).query_one("#list", PagedList)
    top = screen_lines(app, paged.region)[0]
    return top.strip("╭╮").strip("─").removeprefix(" ").rsplit(" ─", 1)[0].removesuffix(" ")


async def detail_seen(pilot: Pilot[None]) -> str:
    """All the detail pane shows, scrolled from top to bottom, with wrapping undone."""
    scroll = browser(pilot.app).query_one("#detail", StoryView)
    return words(" ".join(await scrolled_lines(pilot, scroll)))


async def assert_detail_shows(pilot: Pilot[None], texts: list[str]) -> None:
    seen = await detail_seen(pilot)
    for text in texts:
        assert shown(text) in seen, f"not drawn as typed: {text[:80]!r}"


MARKUP = [text for _, text in HOSTILE_TEXT[:3]]


@pytest.mark.parametrize("kind", list(PANE_SHOWS))
def test_the_opened_items_cover_the_corpus(kind: str) -> None:
    fields = [f for group in PANE_SHOWS[kind] for f in group]
    drawn = {entry(i, f) for i in OPENED for f in fields}
    assert drawn == {text for _, text in HOSTILE_TEXT}
    for f in fields:
        assert any(entry(i, f) in MARKUP for i in OPENED), f


@pytest.mark.parametrize("kind", list(PANE_SHOWS))
async def test_every_story_pane_and_list_draws_the_corpus_as_typed(hostile_db: Path, kind: str) -> None:
    with Repertoire.open(hostile_db, read_only=True) as repertoire:
        app = CoptuiApp(repertoire)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            for i in OPENED:
                ref = Ref(kind, key_of(kind, i))
                browser(app).follow(ref)
                await settle(pilot)
                assert current(app) == ref
                assert_drawn(cursor_row(app), expected_row(kind, i, repertoire))
                await assert_detail_shows(pilot, expected_in_pane(kind, i))
                assert_only_our_links(app)
            assert app.is_running


TYPABLE = [text for _, text in HOSTILE_TEXT if "\n" not in text and len(text) < 120]


async def test_the_reference_list_and_the_filter_form_draw_names_as_typed(hostile_db: Path) -> None:
    with Repertoire.open(hostile_db, read_only=True) as repertoire:
        app = CoptuiApp(repertoire)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            for i in OPENED:
                browser(app).follow(Ref("case", i + 1))
                await settle(pilot)
                await pilot.press("g")  # the references the case's story names, to follow by key
                await pilot.pause()
                assert isinstance(app.screen, ReferenceScreen)
                drawn = "\n".join(screen_lines(app))
                for label in (
                    f"session: {shown(line(i, SESSION_TITLE))}",
                    f"strategy: {shown(entry(i, STRATEGY))}",
                    f"topic: {shown(line(i, TOPIC_NAME))}",
                ):
                    assert label[:40] in drawn, label
                assert_only_our_links(app)
                await pilot.press("escape")
                await pilot.pause()
            await pilot.press("f")
            await pilot.pause()
            assert isinstance(app.screen, FilterScreen)
            for select, names in (("#topic", TOPIC_NAME), ("#member", MEMBER_NAME)):
                app.screen.query_one(select).focus()
                await pilot.press("enter")  # open the list of choices
                await pilot.pause()
                drawn = "\n".join(screen_lines(app))
                for i in (i for i in ITEMS if line(i, names) in MARKUP):
                    prefix = "" if select == "#topic" else f"@m{i} "
                    assert f"{prefix}{shown(line(i, names))}"[:40] in drawn, (select, i)
                assert_only_our_links(app)
                await pilot.press("escape")
                await pilot.pause()
            assert app.is_running


async def test_search_typed_into_the_box_draws_query_hits_and_stories_as_typed(hostile_db: Path) -> None:
    with Repertoire.open(hostile_db, read_only=True) as repertoire:
        app = CoptuiApp(repertoire)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            box = browser(app).query_one("#search", Input)
            for text in TYPABLE:
                item = next(i for i in ITEMS if entry(i, CASE_TITLE) == text)
                await pilot.press("slash")
                box.value = ""
                await type_or_paste(pilot, box, text)
                await pilot.press("enter")
                await settle(pilot)
                assert browser(app).place.search == text.strip()
                assert_drawn(screen_lines(app, box.content_region)[0], shown(text))
                hits = sum(r is not None for r in refs(app))
                assert_drawn(list_title(app), f"Search: {shown(text)} ({hits})")
                # The case whose title is the query leads its own hit, cut to 40 characters.
                case_hit = refs(app).index(Ref("case", item + 1))
                paged = browser(app).query_one("#list", PagedList)
                drawn = screen_lines(app, paged.scrollable_content_region)[case_hit - paged.scroll_offset.y]
                assert drawn.startswith(shown(text)[:39]), (drawn, text)
                assert_only_our_links(app)
                if text not in MARKUP:
                    continue
                # A report-back hit and a note hit open the stories they belong to.
                for hit in (
                    Ref("report_back", (item - STORY) % len(ITEMS) + 1),
                    Ref("note", (item - NOTE) % len(ITEMS) + 1),
                ):
                    await move_cursor_to(pilot, hit)
                    await assert_detail_shows(pilot, [text])
                    assert_only_our_links(app)
                # What has worked for the search names the search in its title.
                await pilot.press("w")
                await settle(pilot)
                assert browser(app).place.section is Section.WORKED
                assert_drawn(list_title(app), f"What has worked · “{shown(text)}”")
                await pilot.press("backspace")
                await settle(pilot)
            assert app.is_running


async def type_or_paste(pilot: Pilot[None], box: Input, text: str) -> None:
    """Type short ASCII `text` key by key, paste the rest: Pilot cannot press emoji and other
    non-ASCII keys, and each key press redraws the whole browser."""
    if text.isascii() and len(text) <= 30:
        await pilot.press(*text)
    else:
        box.post_message(events.Paste(text))
        await pilot.pause()
    assert box.value == text


async def move_cursor_to(pilot: Pilot[None], ref: Ref) -> None:
    """Put the list's cursor on the row for `ref` at once (arrow keys would load every story on the way)."""
    app = pilot.app
    assert isinstance(app, CoptuiApp)
    assert ref in refs(app), f"{ref} is not in the list"
    browser(app).query_one("#list", PagedList).move_to(refs(app).index(ref))
    await settle(pilot)
    assert current(app) == ref


async def test_the_live_pane_and_banner_draw_the_corpus_as_typed(hostile_db: Path) -> None:
    with Repertoire.open(hostile_db, read_only=True) as reader, Repertoire.open(hostile_db) as facilitator:
        app = CoptuiApp(reader)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("l")
            for i in OPENED:
                make_live(facilitator, i + 1)
                await wait_for_live(pilot, i + 1)
                banner = screen_lines(app, browser(app).query_one("#live-banner").region)[0].strip()
                assert banner.startswith(f"● LIVE  {shown(line(i, SESSION_TITLE))[:39]}"), banner
                assert f" · {shown(line(i, PHASE_TITLE))[:30]}" in banner, banner
                assert_drawn(cursor_row(app), f"● {shown(line(i, SESSION_TITLE))}")
                await assert_detail_shows(
                    pilot,
                    [line(i, SESSION_TITLE), line(i, PHASE_TITLE), line(i, CASE_TITLE)]
                    + [entry(i, f) for f in (PHASE_PROMPT, NOTE, STORY, ACTION, STRATEGY)],
                )
                assert_only_our_links(app)
            assert app.is_running


def make_live(repertoire: Repertoire, session_id: int) -> None:
    """Session `session_id` becomes the one live session, paused in its first phase."""
    for session in repertoire.sessions():
        if session.status is SessionStatus.LIVE:
            repertoire.update_session(session.model_copy(update={"status": SessionStatus.CLOSED}))
    session = repertoire.session(session_id)
    # Paused, so the timer in the pane stands still and the pane is not redrawn while it is read.
    started = datetime.now(UTC)
    phases = [session.phases[0].model_copy(update={"started_at": started, "paused_at": started})]
    repertoire.update_session(
        session.model_copy(update={"status": SessionStatus.LIVE, "current_phase": 0, "phases": phases})
    )


async def wait_for_live(pilot: Pilot[None], session_id: int) -> None:
    """Let the live poll pick the new live session up."""
    screen = browser(pilot.app)

    def picked_up() -> bool:
        story = screen.live_story
        return story is not None and story.session.id == session_id and screen.detail_ref is None

    await poll_live_until(pilot, picked_up)


# A format a community wrote, its title and phase titles in markup: each phase is ten minutes.
HOSTILE_FORMAT = SessionFormat(
    name="hostile",
    title=MARKUP[1],
    phases=[PhaseSpec(kind=PhaseKind.CHECK_IN, title=text, timebox_minutes=10) for text in MARKUP],
)
CLOCK_START = datetime(2026, 12, 3, 17, tzinfo=UTC)


async def test_the_start_screen_draws_member_names_and_format_titles_as_typed(tmp_path: Path) -> None:
    path = tmp_path / "start.db"
    with Repertoire.create(path, Community(name="Guild")) as repertoire:
        for i, text in enumerate(MARKUP):
            repertoire.add_member(Member(handle=f"m{i}", name=text))
        app = CoptuiApp(repertoire, clock=ManualClock(CLOCK_START), launch=StartAnswers(HOSTILE_FORMAT))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, StartSessionScreen)
            chosen_format = app.screen.query_one("#start-format")
            drawn = words(" ".join(screen_lines(app, chosen_format.region)))
            assert f"{shown(HOSTILE_FORMAT.title)} · 30 min" in drawn, drawn
            facilitator = app.screen.query_one("#start-facilitator")
            for i, text in enumerate(MARKUP):
                facilitator.value = f"m{i}"  # type: ignore[attr-defined]
                await pilot.pause()
                drawn = words(" ".join(screen_lines(app, facilitator.region)))
                assert f"m{i} · {shown(text)}" in drawn, drawn
            await pilot.press("tab", "tab", "enter")  # open the facilitator's list of members
            await pilot.pause()
            drawn = "\n".join(screen_lines(app))
            for i, text in enumerate(MARKUP):
                assert f"m{i} · {shown(text)}"[:60] in drawn, text
                assert f"m{i} {shown(text)}"[:25] in drawn, text  # the attendee and apology lists
            assert_only_our_links(app)
            assert app.is_running


async def test_timer_toasts_draw_phase_titles_as_typed(db_path: Path) -> None:
    clock = ManualClock(CLOCK_START)
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, clock=clock, launch=SessionPlan(HOSTILE_FORMAT, "ana", ["ben"]))
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(pilot)
            for text in MARKUP:
                screen = app.screen
                assert isinstance(screen, SessionScreen)
                clock.advance(minutes=11)
                screen.tick()  # what the one-second interval does
                expected = f"{shown(text)}: over time"
                drawn = await drawn_toasts(pilot, expected)
                assert len(drawn) == 1 and expected in drawn[0], drawn
                assert_only_our_links(app)
                app.clear_notifications()
                await pilot.press("f5")
                await settle(pilot)
            assert app.is_running


async def drawn_toasts(pilot: Pilot[None], expected: str, *, frames: int = 50) -> list[str]:
    """The words of each toast drawn, once `expected` shows as the only one (or `frames` frames on)."""
    drawn: list[str] = []
    for _ in range(frames):
        await pilot.pause()
        toasts = pilot.app.screen.query("Toast")
        drawn = [words(" ".join(screen_lines(pilot.app, toast.content_region))) for toast in toasts]
        if len(drawn) == 1 and expected in drawn[0]:
            break
    return drawn


async def test_escape_bytes_written_by_another_tool_never_reach_the_terminal(db_path: Path) -> None:
    """The store cleans what coptui writes; what other tools wrote into the file is cleaned as it is drawn."""
    raw = "Pager\x1b]0;pwned\x07 storm \x1b[2J\u202eevil\x9b31m"
    with Repertoire.open(db_path) as writer:
        writer.db.execute("UPDATE cases SET title = ?, context = ? WHERE id = 1", [raw, raw])
        writer.db.execute("UPDATE members SET name = ? WHERE handle = 'ben'", [raw])
        writer.db.conn.commit()
    with Repertoire.open(db_path, read_only=True) as repertoire:
        app = CoptuiApp(repertoire)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            browser(app).follow(Ref("case", 1))
            await settle(pilot)
            drawn = "\n".join(screen_lines(app)) + await detail_seen(pilot)
            assert "Pager storm evil" in drawn
            assert not any((ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) <= 0x9F for c in drawn)
            assert "\u202e" not in drawn

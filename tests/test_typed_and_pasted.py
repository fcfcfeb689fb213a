"""Text typed or pasted into coptui's boxes: cleaned as it enters, kept whole, filed the same either way.

Keys and pastes are sent as the terminal sends them: the bytes go through coptui's input
parser, and each event it makes goes to the app as the terminal driver sends it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from textual import events
from textual.pilot import Pilot
from textual.widget import Widget
from ui_helpers import browser, screen_lines, settle, words

from coptui.facilitation import ManualClock, SessionPlan
from coptui.formats import DEFAULT_FORMAT, find_format
from coptui.models import Case
from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.edit import EditCaseScreen
from coptui.ui.screens.session import SessionScreen
from coptui.ui.terminal_input import PasteSafeParser
from coptui.ui.widgets.paged_list import Ref

START = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
HEALTH_WORKER = "🧑\u200d⚕️ on call"  # the joiner is what makes one emoji of two
# Escape sequences, a C1 CSI, DEL and a bidi override: every one the store drops.
RAW = "a\x9b31mb\x7fc\u202ed\x1b]0;PWNED\x07e\x1b[2J"
UNSAFE = {"\x1b", "\x7f", "\u202e", *map(chr, range(0x80, 0xA0))}


async def from_terminal(pilot: Pilot[None], data: str) -> None:
    """`data` as the terminal sends it, typed or (between the bracketed-paste markers) pasted."""
    parser = PasteSafeParser()
    driver = pilot.app._driver
    assert driver is not None
    for event in [*parser.feed(data), *parser.feed("")]:
        driver.send_message(event)
        await pilot.pause()
    await settle(pilot)


def pasted(text: str) -> str:
    return f"\x1b[200~{text}\x1b[201~"


def drawn(app: CoptuiApp, widget: Widget) -> str:
    return "\n".join(line.rstrip() for line in screen_lines(app, widget.content_region)).strip()


def assert_nothing_unsafe_drawn(app: CoptuiApp) -> None:
    for strip in app.screen._compositor.render_strips():
        assert not UNSAFE & set(strip.text), repr(strip.text)


def session_app(repertoire: Repertoire) -> CoptuiApp:
    plan = SessionPlan(find_format(DEFAULT_FORMAT), "ana", ["ben", "cho"])
    return CoptuiApp(repertoire, clock=ManualClock(START), launch=plan)


def note_texts(repertoire: Repertoire) -> list[str]:
    live = repertoire.live_session()
    assert live is not None and live.id is not None
    return [note.text for note in repertoire.notes(session=live.id)]


async def test_a_joiner_typed_files_as_the_same_joiner_pasted(db_path: Path) -> None:
    with Repertoire.open(db_path) as repertoire:
        app = session_app(repertoire)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, SessionScreen)
            box = app.screen.query_one("#capture-input")
            await from_terminal(pilot, HEALTH_WORKER)
            assert drawn(app, box) == HEALTH_WORKER
            await from_terminal(pilot, "\r" + pasted(HEALTH_WORKER) + "\r")
            assert note_texts(repertoire)[-2:] == [HEALTH_WORKER, HEALTH_WORKER]


async def test_control_bytes_never_echo_in_the_capture_box_and_are_never_filed(db_path: Path) -> None:
    with Repertoire.open(db_path) as repertoire:
        app = session_app(repertoire)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            box = app.screen.query_one("#capture-input")
            for send, expected in (
                (lambda: from_terminal(pilot, pasted(RAW)), "abcde"),  # pasted in a terminal
                (lambda: from_terminal(pilot, "a\x9bb\u202ec"), "abc"),  # typed
                (lambda: from_driver(pilot, events.Paste(RAW)), "abcde"),  # from a driver passing bytes on
            ):
                await send()
                assert drawn(app, box) == expected
                assert_nothing_unsafe_drawn(app)
                await from_terminal(pilot, "\r")
            assert note_texts(repertoire)[-3:] == ["abcde", "abc", "abcde"]


async def from_driver(pilot: Pilot[None], event: events.Event) -> None:
    """`event` as a terminal driver hands it to the app, which gives it to the focused widget."""
    driver = pilot.app._driver
    assert driver is not None
    driver.send_message(event)
    await settle(pilot)


async def test_a_paste_with_escape_bytes_is_filed_as_one_piece(db_path: Path) -> None:
    with Repertoire.open(db_path) as repertoire:
        app = session_app(repertoire)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await from_terminal(pilot, pasted("Evil\x1b]0;PWNED\x07title and \x1b[31mred\x1b[0m") + "\r")
            assert note_texts(repertoire)[-1] == "Eviltitle and red"


async def test_a_paste_of_several_lines_is_filed_whole_and_the_facilitator_told_how(db_path: Path) -> None:
    with Repertoire.open(db_path) as repertoire:
        app = session_app(repertoire)
        async with app.run_test(size=(100, 30), notifications=True) as pilot:
            await settle(pilot)
            await from_terminal(pilot, pasted("line one\r\n  indented two\r\n"))
            assert note_texts(repertoire)[-1] == "line one\n  indented two"
            assert "Pasted 2 lines, filed as one entry, line breaks kept." in toasts(app)
            app.clear_notifications()
            await from_terminal(pilot, pasted("#decision one\n\n#decision two\n"))
            assert note_texts(repertoire)[-2:] == ["one", "two"]
            assert "Pasted 2 lines, all tags: filed one entry per line." in toasts(app)
            app.clear_notifications()
            await from_terminal(pilot, pasted("#decision three\nand more"))
            assert note_texts(repertoire)[-1] == "three\nand more"
            assert "Pasted 2 lines, filed as one #decision entry, line breaks kept." in toasts(app)
            assert app.screen.query_one("#capture-input").value == ""  # type: ignore[attr-defined]


def toasts(app: CoptuiApp) -> str:
    return words(
        " ".join(" ".join(screen_lines(app, toast.content_region)) for toast in app.screen.query("Toast"))
    )


async def test_the_search_box_shows_and_searches_only_clean_text(db_path: Path) -> None:
    with Repertoire.open(db_path, read_only=True) as repertoire:
        app = CoptuiApp(repertoire)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await pilot.press("slash")
            box = browser(app).query_one("#search")
            await from_terminal(pilot, pasted("fat\x7figue\u202e\nat night"))
            assert drawn(app, box) == "fatigue at night"
            assert_nothing_unsafe_drawn(app)
            await from_driver(pilot, events.Paste("x\x1b[2Jy"))
            assert drawn(app, box) == "fatigue at nightxy"
            box.value = "\x9b31mred"  # type: ignore[attr-defined]
            await settle(pilot)
            assert drawn(app, box) == "red"


async def test_the_edit_form_takes_and_shows_only_clean_text(db_path: Path) -> None:
    with Repertoire.open(db_path) as repertoire:
        # Another tool wrote escape bytes into the file: the form starts from them cleaned.
        repertoire.db.execute("UPDATE cases SET title = ?, context = ? WHERE id = 1", [RAW, f"{RAW}\nsecond"])
        repertoire.db.conn.commit()
        app = CoptuiApp(repertoire)
        async with app.run_test(size=(100, 40)) as pilot:
            await settle(pilot)
            browser(app).follow(Ref("case", 1))
            await settle(pilot)
            await pilot.press("e")
            await settle(pilot)
            assert isinstance(app.screen, EditCaseScreen)
            title, context = app.screen.query_one("#title"), app.screen.query_one("#context")
            assert drawn(app, title) == "abcde"
            assert drawn(app, context).splitlines()[:2] == ["abcde", "second"]
            assert_nothing_unsafe_drawn(app)
            title.focus()
            await pilot.press("end")  # focus selects the whole title; paste after it
            await from_terminal(pilot, pasted(" \x1b]8;;https://evil.example\x1b\\more\x1b]8;;\x1b\\"))
            context.focus()
            await from_driver(pilot, events.Paste("\u202eline\x9b2J\nthree"))
            assert_nothing_unsafe_drawn(app)
            await pilot.press("f2")
            await settle(pilot)
        case = repertoire.case(1)
        assert isinstance(case, Case)
        assert case.title == "abcde more"
        assert case.context == "line\nthreeabcde\nsecond"  # pasted where the cursor was, at the start

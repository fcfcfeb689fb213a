"""A repertoire another tool filled with escape bytes, in every text column: nothing reaches the terminal.

The store cleans what coptui writes, but the file can be edited by other tools, and rows are
read back as they are. Here plain `sqlite3` writes every unsafe string of the corpus into
every text column of every table, and every screen is walked at two sizes (browser panes,
live banner, search, forms, dialogs, palette, help, a resumed session through each phase to
its summary) while reading the bytes the app writes for the whole screen: no ESC but the
app's own drawing, no C1 control, no bidi override, nothing of the escape sequences' payloads.
A real terminal run (`python -m coptui browse` on a pty) checks the live banner's bytes.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import pty
import re
import select
import signal
import sqlite3
import struct
import sys
import termios
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hostile import UNSAFE_TEXT
from textual._compositor import LayoutUpdate
from textual.command import CommandPalette
from textual.pilot import Pilot
from ui_helpers import browser, filed, refs

from coptui.facilitation import ManualClock
from coptui.models import SessionStatus
from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.edit import ActionStatusScreen, EditCaseScreen, ReportBackScreen
from coptui.ui.screens.session import SessionScreen
from coptui.ui.screens.session_summary import SessionSummaryScreen
from coptui.ui.sources import NAVIGATOR, Section
from coptui.ui.widgets.paged_list import PagedList, Ref

# Every unsafe string of the corpus, one after another: what each text column gets added to it.
PAYLOAD = "".join(raw for _, raw, _ in UNSAFE_TEXT)
# What must never show up in the output: the escape sequences' payloads, and each unsafe
# string as it was written (an escape drawn as text would carry the characters around it).
MARKERS = ["pwned", "ZXZpbA==", "evil.example"] + [raw for _, raw, stored in UNSAFE_TEXT if raw != stored]
BIDI = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# The app's own drawing: colours and styles, cursor moves, and hyperlinks to coptui's items.
APP_DRAWING = re.compile(r"\x1b\[[0-9;:]*[mHK]|\x1b\]8;id=[^;\x1b]*;(?:coptui:[^\x1b]*)?\x1b\\")
# A terminal app also sets and queries modes, as Textual does on start and exit.
TERMINAL_MODES = re.compile(r"\x1b\[[?>=<]?[0-9;:]*\$?[a-zA-Z~]|\x1b\]22;[a-z-]*\x07|\x1b[=>78]")
SIZES = [(80, 24), (160, 45)]
START = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
# Text columns the payload must reach, at the least: every column a screen draws stored text from.
DRAWN_COLUMNS = {
    "community.name", "community.domain", "topics.slug", "topics.name", "topics.description",
    "members.handle", "members.name", "members.organisation", "sessions.title", "phase_runs.title",
    "phase_runs.prompt", "cases.title", "cases.context", "cases.question", "strategies.text",
    "actions.text", "report_backs.story", "report_backs.lesson", "notes.text",
}  # fmt: skip


def text_columns(db: sqlite3.Connection) -> list[tuple[str, str]]:
    """Every (table, column) declared TEXT, leaving out full-text indexes and their shadow tables."""
    tables = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
    fts = [name for name, sql in tables if sql and sql.upper().startswith("CREATE VIRTUAL TABLE")]
    return [
        (table, column)
        for table, _ in tables
        if not table.startswith("sqlite_") and not any(table == f or table.startswith(f"{f}_") for f in fts)
        for _, column, kind, *_ in db.execute(f"PRAGMA table_info({table})")
        if kind.upper() in ("TEXT", "")
    ]


def parsed_by_the_store(values: list[str]) -> bool:
    """Dates, times and JSON are read as such, not drawn as text: a hostile one is another test's."""
    for value in values:
        try:
            datetime.fromisoformat(value)
        except ValueError:
            try:
                json.loads(value)
            except ValueError:
                return False
    return bool(values)


def write_the_corpus_everywhere(path: Path) -> set[str]:
    """Add PAYLOAD to every value of every text column that takes it; the columns written."""
    written: set[str] = set()
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys = ON")  # a new handle or slug follows into every reference
    for table, column in text_columns(db):
        values = [v for (v,) in db.execute(f'SELECT "{column}" FROM {table} WHERE "{column}" IS NOT NULL')]
        if parsed_by_the_store(values):
            continue
        try:
            with db:
                db.execute(
                    f'UPDATE {table} SET "{column}" = "{column}" || ? WHERE "{column}" IS NOT NULL', [PAYLOAD]
                )
        except sqlite3.IntegrityError:
            continue  # an enumeration the schema checks (status, kind, role): nothing else can be stored
        written.add(f"{table}.{column}")
    db.close()
    return written


@pytest.fixture
def hostile_file(db_path: Path) -> Path:
    make_hostile(db_path)
    return db_path


def make_hostile(db_path: Path) -> None:
    """The small community, session 2 live and paused in its first phase, then the corpus everywhere."""
    with Repertoire.open(db_path) as repertoire:
        session = repertoire.session(2)
        phases = [
            phase.model_copy(update={"started_at": START, "paused_at": START})
            if phase.position == 0
            else phase
            for phase in session.phases
        ]
        repertoire.update_session(
            session.model_copy(
                update={
                    "status": SessionStatus.LIVE,
                    "current_phase": 0,
                    "phases": phases,
                    "date": date(2026, 12, 3),
                }
            )
        )
    written = write_the_corpus_everywhere(db_path)
    assert written >= DRAWN_COLUMNS, DRAWN_COLUMNS - written


def app_output(app: CoptuiApp) -> str:
    """The bytes the app writes to draw its whole screen now (as it does on a full repaint)."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    assert isinstance(update, LayoutUpdate)
    return update.render_segments(app.console)


def unsafe_in(output: str, allowed: re.Pattern[str] = APP_DRAWING) -> list[str]:
    rest = allowed.sub("", output)
    found = {
        repr(c)
        for c in rest
        if c == "\x1b" or (ord(c) < 0x20 and c not in "\n\r") or 0x7F <= ord(c) <= 0x9F or c in BIDI
    }
    return sorted(found) + [marker for marker in MARKERS if marker in output]


class Walk:
    """Goes from screen to screen, noting anything unsafe each one writes."""

    def __init__(self, pilot: Pilot[None], size: tuple[int, int]) -> None:
        self.pilot, self.size = pilot, size
        self.seen: list[str] = []
        self.problems: list[str] = []

    async def check(self, where: str) -> None:
        await self.settle()
        app = self.pilot.app
        assert isinstance(app, CoptuiApp)
        self.seen.append(where)
        if found := unsafe_in(app_output(app)):
            self.problems.append(f"{self.size} {where}: {found}")

    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)
        await self.settle()

    async def settle(self) -> None:
        """Wait for the workers a key set off. A row whose handle or slug no longer has the form
        the models check fails its query: the app says so in a toast, which is checked too."""
        for _ in range(6):
            await asyncio.gather(*[w.wait() for w in list(self.pilot.app.workers)], return_exceptions=True)
            await filed(self.pilot)  # a live session's keys are filed by its recorder, not a worker
            await self.pilot.pause()


async def walk_the_browser(walk: Walk) -> None:
    app = walk.pilot.app
    assert isinstance(app, CoptuiApp)
    for _ in range(5):  # the live poll finds the live session: run it now, as its interval would
        if browser(app).live_story is not None:
            break
        browser(app).poll_live()
        await walk.settle()
    assert browser(app).live_story is not None
    await walk.check("overview with the live banner")
    for section in [*NAVIGATOR, Section.LIVE]:
        browser(app).go_section(section)
        await walk.check(f"{section} list")
        items = [i for i, ref in enumerate(refs(app)) if ref is not None]
        for i in items[:3]:
            browser(app).query_one("#list", PagedList).move_to(i)
            await walk.check(f"{section} item {i}")
    browser(app).follow(Ref("case", 1))
    await walk.check("case 1")
    await walk.press("g")
    await walk.check("references")
    await walk.press("escape", "f")
    await walk.check("filter form")
    for select_id in ("#topic", "#member"):
        app.screen.query_one(select_id).focus()
        await walk.press("enter")
        await walk.check(f"filter {select_id} choices")
        await walk.press("escape")
    await walk.press("escape", "slash", *"alert", "enter")
    await walk.check("search")
    await walk.press("question_mark")
    await walk.check("help")
    await walk.press("escape", "ctrl+p")
    assert isinstance(app.screen, CommandPalette)
    await walk.check("command palette")
    await walk.press(*"go")
    await walk.check("command palette, searched")
    await walk.press("escape")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_a_reader_sees_nothing_unsafe_on_any_screen(hostile_file: Path, size: tuple[int, int]) -> None:
    with Repertoire.open(hostile_file, read_only=True) as repertoire:
        app = CoptuiApp(repertoire)
        async with app.run_test(size=size, notifications=True) as pilot:
            walk = Walk(pilot, size)
            await walk_the_browser(walk)
            assert walk.problems == []
            assert len(walk.seen) > 20


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_facilitators_forms_and_session_show_nothing_unsafe(
    hostile_file: Path, size: tuple[int, int]
) -> None:
    with Repertoire.open(hostile_file) as repertoire:
        app = CoptuiApp(repertoire)
        async with app.run_test(size=size, notifications=True) as pilot:
            walk = Walk(pilot, size)
            await walk.settle()
            browser(app).follow(Ref("case", 1))
            await walk.press("e")
            assert isinstance(app.screen, EditCaseScreen)
            await walk.check("edit case form")
            await walk.press("escape")
            for key, form in (("a", ActionStatusScreen), ("n", ReportBackScreen)):
                browser(app).follow(Ref("action", 2))
                await walk.press(key)
                assert isinstance(app.screen, form)
                await walk.check(form.__name__)
                await walk.press("escape")
            assert walk.problems == []

        app = CoptuiApp(repertoire, clock=ManualClock(START), launch="resume")
        async with app.run_test(size=size, notifications=True) as pilot:
            walk = Walk(pilot, size)
            await walk.settle()
            assert isinstance(app.screen, SessionScreen)
            await walk.check("resumed session")
            for key, where in (("f1", "session help"), ("f2", "jump dialog"), ("ctrl+p", "session palette")):
                await walk.press(key)
                await walk.check(where)
                await walk.press("escape")
            await walk.press(*"#focus 1", "enter")
            for phase in range(1, 4):
                await walk.press("f5")
                await walk.check(f"phase {phase}")
            await walk.press("f5")
            await walk.check("F5 again ends the session")
            await walk.press("f5")
            assert isinstance(app.screen, SessionSummaryScreen)
            await walk.check("summary")
            assert walk.problems == []


def read_until(fd: int, wanted: list[bytes], seconds: float) -> bytes:
    """What the terminal got until every one of `wanted` has appeared (or `seconds` have passed)."""
    got = b""
    deadline = time.monotonic() + seconds
    while not all(w in got for w in wanted) and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                got += os.read(fd, 65536)
            except OSError:  # the app has gone
                break
    return got


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_live_banner_writes_nothing_unsafe_to_a_real_terminal(
    hostile_file: Path, size: tuple[int, int]
) -> None:
    columns, lines = size
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(lines)}
    pid, fd = pty.fork()
    if pid == 0:  # the child: the browser, as every SSH member gets it
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        os.execvpe(
            sys.executable,
            [sys.executable, "-m", "coptui", "--db", str(hostile_file), "browse", "--read-only"],
            env,
        )
    try:
        # The banner's clean text: the session title with the corpus cleaned out of it.
        got = read_until(fd, [b"LIVE", b"November clinicbeforeafter"], seconds=120)
        os.write(fd, b"q")
        got += read_until(fd, [b"\x1b[?1049l"], seconds=60)  # the app leaves the alternate screen
    finally:
        for _ in range(100):  # give it ten seconds to finish quitting, then end it
            if os.waitpid(pid, os.WNOHANG)[0]:
                break
            select.select([], [], [], 0.1)
        else:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
    output = got.decode("utf-8", errors="replace")
    assert "LIVE" in output and "November clinicbeforeafter" in output, output[-2000:]
    assert unsafe_in(output, re.compile(f"{APP_DRAWING.pattern}|{TERMINAL_MODES.pattern}")) == []


def test_the_corpus_reaches_every_text_column(hostile_file: Path) -> None:
    """The fixture's own check: the payload is in each drawn column, as written, uncleaned."""
    db = sqlite3.connect(hostile_file)
    for name in DRAWN_COLUMNS:
        table, column = name.split(".")
        (value,) = db.execute(f'SELECT "{column}" FROM {table} LIMIT 1').fetchone()
        assert value.endswith(PAYLOAD), name
    db.close()

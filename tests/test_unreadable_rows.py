"""Rows another tool wrote that coptui would never write: they never lock anyone out.

An invalid UTF-8 byte reads back as U+FFFD wherever text is read (every command, the
browser, the live session's matters arising, a member joining); a message that quotes
stored text carries none of its control bytes; a value that is not what its column holds
is one clear line naming the table, the row, the column and the value.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sshclient import serving
from textual.pilot import Pilot
from ui_helpers import browser, browsing, polled_until, rows, screen_lines, settle, words

from coptui.cli import main
from coptui.facilitation import LiveSession, ManualClock, SessionPlan
from coptui.formats import find_format
from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.participant import Joining
from coptui.ui.screens.session import SessionScreen
from coptui.ui.sources import Section

START = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
BAD_BYTE = "CAST(x'ff' AS TEXT)"
# What a terminal would act on: a title, a clear screen, a cursor move, a link, a bell.
ESCAPES = "E'||char(27)||'[2J'||char(27)||'[5;5H'||char(27)||']0;PWNED'||char(7)||char(27)||']8;;http://evil.example/'||char(27)||'\\L'||char(27)||']8;;'||char(27)||'\\'||char(8238)||'R"


def write(db_path: Path, *statements: str) -> None:
    """What another tool writes: plain SQL, past coptui's checks."""
    with sqlite3.connect(db_path) as conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_:
        main(list(argv))
    out, err = capsys.readouterr()
    return int(exit_.value.code or 0), out, err


def drawn(app: CoptuiApp) -> str:
    return words(" ".join(screen_lines(app)))


async def jump_to_report_back(pilot: Pilot[None]) -> None:
    """F2, then 4 in the list of phases once it is up."""
    await pilot.press("f2")
    await settle(pilot)
    await pilot.press("4")
    await settle(pilot)


@asynccontextmanager
async def resumed(db_path: Path) -> AsyncIterator[tuple[CoptuiApp, Pilot[None], Repertoire]]:
    """The facilitator's screen on a session started live on `db_path`, settled, and the file."""
    start_live(db_path)
    with Repertoire.open(db_path) as repertoire:
        app = CoptuiApp(repertoire, clock=ManualClock(START), launch="resume")
        async with app.run_test(size=(160, 45)) as pilot:
            await settle(pilot)
            yield app, pilot, repertoire


def start_live(db_path: Path) -> None:
    with Repertoire.open(db_path) as repertoire:
        plan = SessionPlan(find_format("cop-meeting"), "ana", ["ben", "cho"], title="December clinic")
        LiveSession.start(repertoire, plan, ManualClock(START))


@pytest.fixture
def bad_bytes(db_path: Path) -> Path:
    """Ben's open action, notes, a session's title, a case's context, a member's name, practices and
    strategies each hold an invalid byte."""
    write(
        db_path,
        f"UPDATE actions SET text = text || ' ' || {BAD_BYTE} WHERE id = 2",
        f"UPDATE notes SET text = 'bad byte ' || {BAD_BYTE} || ' here'",
        f"UPDATE sessions SET title = title || ' ' || {BAD_BYTE} WHERE id = 2",
        f"UPDATE cases SET context = 'ctx ' || {BAD_BYTE} || ' end' WHERE id = 2",
        f"UPDATE members SET name = name || {BAD_BYTE} WHERE handle = 'cho'",
        f"UPDATE practices SET name = name || {BAD_BYTE}",
        f"UPDATE strategies SET text = text || {BAD_BYTE}",
    )
    return db_path


@pytest.mark.parametrize(
    "command",
    [
        ["sessions"],
        ["members", "list"],
        ["search", "runbook"],
        ["search", "--json", "runbook"],
        ["practices", "list"],
        ["practices", "show", "1"],
        ["export", "minutes", "2"],
        ["export", "minutes", "latest"],
    ],
)
def test_every_command_reads_a_file_with_an_invalid_byte(
    bad_bytes: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    code, out, err = run(capsys, "--db", str(bad_bytes), *command)
    assert (code, "decode" in err) == (0, False), err
    assert out


def test_the_json_export_carries_the_invalid_byte_as_a_replacement_character(
    bad_bytes: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out.json"
    assert run(capsys, "--db", str(bad_bytes), "export", "json", "-o", str(target))[0] == 0
    document = json.loads(target.read_text(encoding="utf-8"))
    assert "Start a weekly alert review \ufffd" in [a["text"] for a in document["actions"]]
    assert "ctx \ufffd end" in [c["context"] for c in document["cases"]]


def test_what_coptui_writes_back_is_valid_utf8(bad_bytes: Path) -> None:
    with Repertoire.open(bad_bytes) as repertoire:
        case = repertoire.case(2)
        assert case.context == "ctx \ufffd end"
        repertoire.update_case(case.model_copy(update={"question": "Keep them alive, still?"}))
    with sqlite3.connect(bad_bytes) as conn:
        conn.text_factory = bytes
        (context,) = conn.execute("SELECT context FROM cases WHERE id = 2").fetchone()
    conn.close()
    assert context.decode("utf-8") == "ctx \ufffd end"


async def test_the_live_session_lists_matters_arising_and_files_past_an_invalid_byte(
    bad_bytes: Path,
) -> None:
    async with resumed(bad_bytes) as (app, pilot, repertoire):
        assert isinstance(app.screen, SessionScreen)
        await jump_to_report_back(pilot)
        assert "1 ben · Start a weekly alert review �" in drawn(app)
        await pilot.press(*"ben tried it", "enter")
        await settle(pilot)
        assert "not filed" not in drawn(app)
        assert repertoire.session(3).current_phase == 3
        assert "ben tried it" in [n.text for n in repertoire.notes(session=3)]


async def test_the_owner_of_an_action_with_an_invalid_byte_joins(bad_bytes: Path) -> None:
    start_live(bad_bytes)
    joining = Joining("ben", "local")
    with Repertoire.open(bad_bytes) as repertoire:
        app = CoptuiApp(repertoire, clock=ManualClock(START), launch=joining, participant=joining)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert "you are @ben" in drawn(app)
            assert "Not joined" not in drawn(app)


def written_escapes(db_path: Path, table: str, column: str, where: str) -> None:
    """`column` starts with sequences a terminal acts on, as another tool might write them."""
    write(db_path, f"UPDATE {table} SET {column} = '{ESCAPES}' || {column} WHERE {where}")


def assert_inert(line: str) -> None:
    """Nothing in `line` that a terminal would act on, nor the escape sequences' payloads."""
    assert not any((ord(char) < 32 and char not in "\n\t") or 0x7F <= ord(char) < 0xA0 for char in line), line
    assert "\u202e" not in line and "PWNED" not in line and "evil.example" not in line, line


def test_the_error_line_carries_no_control_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "x\x1b]0;PWNED\x07\x1b[2J\u202e.db"  # quoted raw in "no repertoire at …"
    code, _, err = run(capsys, "--db", str(missing), "sessions")
    assert code == 1 and err.startswith(f"coptui: no repertoire at {tmp_path}/x.db;")
    assert_inert(err)


def test_the_html_minutes_title_carries_no_control_bytes(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    written_escapes(db_path, "sessions", "title", "id = 2")
    target = tmp_path / "m.html"
    assert run(capsys, "--db", str(db_path), "export", "minutes", "2", "-o", str(target))[0] == 0
    (title,) = [line for line in target.read_text(encoding="utf-8").splitlines() if "<title>" in line]
    assert title == "<title>ELRNovember clinic — minutes, 2026-11-05</title>"


async def test_the_serve_banner_carries_no_control_bytes(db_path: Path, tmp_path: Path) -> None:
    written_escapes(db_path, "community", "name", "1")
    async with serving(db_path, tmp_path) as (_, first):
        assert first.startswith("coptui: serving the repertoire of ELRSRE Guild read-only")
        assert_inert(first.rstrip("\n"))


# What another tool wrote where coptui keeps a date, a time or a number; what the one line says.
NOT_WHAT_THE_COLUMN_HOLDS = [
    (
        "UPDATE sessions SET date = 12345 WHERE id = 2",
        "table sessions, row 2: date is '12345', which is not a date",
    ),
    (
        "UPDATE sessions SET date = 'banana' WHERE id = 2",
        "table sessions, row 2: date is 'banana', which is not a date",
    ),
    (
        "UPDATE sessions SET started_at = 42 WHERE id = 2",
        "table sessions, row 2: started_at is '42', which is not a time",
    ),
    (
        "UPDATE notes SET created_at = 42 WHERE id = 1",
        "table notes, row 1: created_at is '42', which is not a time",
    ),
    (
        "UPDATE actions SET due = 'soon' WHERE id = 2",
        "table actions, row 2: due is 'soon', which is not a date",
    ),
    (
        "UPDATE phase_runs SET timebox_minutes = 'ten' WHERE session_id = 2 AND position = 0",
        "table phase_runs, row session_id 2, position 0: timebox_minutes is 'ten', "
        "which is not a whole number",
    ),
]


@pytest.mark.parametrize(("update", "said"), NOT_WHAT_THE_COLUMN_HOLDS)
@pytest.mark.parametrize(
    "command",
    [["sessions"], ["export", "minutes", "2"], ["export", "json"], ["export", "repertoire", "{tmp}/rep"]],
)
def test_a_value_not_of_its_column_is_one_line_naming_it_and_exit_1(
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    update: str,
    said: str,
    command: list[str],
) -> None:
    write(db_path, update)
    argv = [part.replace("{tmp}", str(tmp_path)) for part in command]
    code, _, err = run(capsys, "--db", str(db_path), *argv)
    if code == 0:  # a command that never reads that column is right to go on
        assert "Traceback" not in err
        return
    assert code == 1 and err.startswith(f"coptui: {db_path}: {said}"), err
    assert err.count("\n") == 1


def test_every_listed_value_stops_some_command(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The export of everything reads every column above: each one is refused there, in one line."""
    for n, (update, said) in enumerate(NOT_WHAT_THE_COLUMN_HOLDS):
        copy = tmp_path / f"{n}.db"
        copy.write_bytes(db_path.read_bytes())
        write(copy, update)
        code, _, err = run(capsys, "--db", str(copy), "export", "json", "-o", str(tmp_path / f"{n}.json"))
        assert code == 1 and said in err, err


def test_the_line_naming_a_value_carries_none_of_its_control_bytes(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    written_escapes(db_path, "sessions", "date", "id = 2")
    code, _, err = run(capsys, "--db", str(db_path), "sessions")
    assert code == 1 and "table sessions, row 2: date is " in err and "which is not a date" in err
    assert not any((ord(char) < 32 and char != "\n") or 0x7F <= ord(char) < 0xA0 for char in err), err
    assert "\u202e" not in err


async def test_a_key_that_meets_an_unreadable_row_is_not_filed_with_why_and_the_next_keys_go_on(
    db_path: Path,
) -> None:
    async with resumed(db_path) as (app, pilot, repertoire):
        await jump_to_report_back(pilot)
        write(db_path, "UPDATE cases SET opened_on = 'soon' WHERE id = 1")  # matter 1's case
        await pilot.press(*"#resolved 1", "enter")
        await settle(pilot)
        said = drawn(app)
        assert "✗ not filed (" in said and "table cases, row 1: opened_on is 'soon'" in said
        assert "not filed yet" not in said
        await pilot.press(*"the meeting goes on", "enter")
        await settle(pilot)
        assert "not filed yet" not in drawn(app)
        assert "the meeting goes on" in [n.text for n in repertoire.notes(session=3)]
        journal = repertoire.db.execute("SELECT text, filed FROM capture_journal ORDER BY id").fetchall()
        assert journal[-2:] == [("#resolved 1", 0), ("the meeting goes on", 1)]


async def test_a_fault_reading_the_session_back_never_stops_the_keys_behind_it(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    faults = ["a fault of coptui's own"]
    view = LiveSession.view

    def failing_once(live: LiveSession) -> object:
        if faults and live.repertoire.notes(session=3):  # once the first line is filed
            raise RuntimeError(faults.pop())
        return view(live)

    monkeypatch.setattr(LiveSession, "view", failing_once)
    async with resumed(db_path) as (app, pilot, repertoire):
        await pilot.press(*"ana checks in", "enter")
        await settle(pilot)
        await pilot.press(*"ben checks in", "enter")
        await settle(pilot)
        assert "ben checks in" in drawn(app)
        assert [n.text for n in repertoire.notes(session=3)] == ["ana checks in", "ben checks in"]


def toasts(app: CoptuiApp) -> list[str]:
    return [n.message for n in app._notifications]


@pytest.mark.parametrize(
    ("update", "said"),
    [
        ("UPDATE sessions SET date = 'banana' WHERE id = 1", "table sessions, row 1: date is 'banana'"),
        (
            "UPDATE phase_runs SET timebox_minutes = 'ten' WHERE session_id = 1 AND position = 0",
            "table phase_runs, row session_id 1, position 0: timebox_minutes is 'ten'",
        ),
    ],
)
async def test_the_sessions_pane_lists_the_others_and_says_which_row_it_left_out(
    db_path: Path, update: str, said: str
) -> None:
    write(db_path, update)
    async with browsing(db_path, size=(160, 45)) as (app, pilot):
        browser(app).go_section(Section.SESSIONS)
        await settle(pilot)
        assert rows(app)[0] == "2026-11-05 #2 November clinic"
        assert not any("October clinic" in row for row in rows(app))

        # What its one-second interval does, driven here: said once, however often it runs.
        def saying() -> list[str]:
            return [t for t in toasts(app) if said in t]

        await polled_until(pilot, app._say_rows_left_out, saying, polls=3)
        app._say_rows_left_out()
        (toast,) = saying()
        assert "left out, or shown without that value" in toast
        assert [n.title for n in app._notifications if said in n.message] == ["A row cannot be read"]


async def test_an_action_with_a_due_that_is_not_a_date_is_a_matter_arising_without_it(db_path: Path) -> None:
    write(db_path, "UPDATE actions SET due = 'soon' WHERE id = 2")
    async with resumed(db_path) as (app, pilot, repertoire):
        await jump_to_report_back(pilot)
        assert "1 ben · Start a weekly alert review" in drawn(app) and "overdue" not in drawn(app)
        await pilot.press(*"#report 1 worked Reviews every Monday now", "enter")
        await settle(pilot)
        assert "not filed" not in drawn(app)
        (report,) = repertoire.report_backs(session=3)
        assert (report.action, report.story) == (2, "Reviews every Monday now")
    with sqlite3.connect(db_path) as conn:  # what another tool wrote is left as it was
        assert conn.execute("SELECT due, status FROM actions WHERE id = 2").fetchone() == ("soon", "done")
    conn.close()


@pytest.mark.parametrize("phase", [99, -1])
def test_a_live_session_at_a_phase_it_does_not_have_is_one_line(
    db_path: Path, capsys: pytest.CaptureFixture[str], phase: int
) -> None:
    start_live(db_path)
    write(db_path, f"UPDATE sessions SET current_phase = {phase} WHERE status = 'live'")
    code, _, err = run(capsys, "--db", str(db_path), "run", "--resume")
    assert (code, err) == (
        1,
        f"coptui: {db_path}: table sessions, row 3: current_phase is {phase}, "
        "which is not one of the session's 4 phases (0 to 3)\n",
    )

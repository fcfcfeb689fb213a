"""`coptui run`: the questions its options answer, one live session at a time, and bad input."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from test_store import load_v1_fixture

from coptui.cli import launch, main
from coptui.facilitation import LiveSession, ManualClock, SessionPlan
from coptui.formats import find_format
from coptui.store import Repertoire
from coptui.ui.screens.start_session import StartAnswers


@pytest.fixture
def launches(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """What the app would have been opened on, instead of opening it."""
    seen: list[Any] = []

    def run_app(_repertoire: Repertoire, launch: Any = None) -> tuple[str, ...]:
        seen.append(launch)
        return ()  # no refused lines left listed

    monkeypatch.setattr(launch, "run_app", run_app)
    return seen


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    return int(exited.value.code or 0), capsys.readouterr().err


def test_every_answer_given_starts_at_once(
    db_path: Path, launches: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = run(
        capsys,
        *("--db", str(db_path), "run", "--format", "lean-coffee", "--title", "Coffee"),
        *("--facilitator", "@Ana", "--attendee", "ben", "--attendee", "cho", "--apology", "ben"),
    )
    assert code == 0
    (plan,) = launches
    assert isinstance(plan, SessionPlan)
    assert (plan.session_format.name, plan.title, plan.facilitator) == ("lean-coffee", "Coffee", "ana")
    assert (tuple(plan.attendees), tuple(plan.apologies)) == (("ben", "cho"), ("ben",))


def test_missing_answers_open_the_start_screen_with_the_rest_filled_in(
    db_path: Path, launches: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = run(capsys, "--db", str(db_path), "run", "--facilitator", "cho")
    assert code == 0
    assert launches == [StartAnswers(None, "", "cho", (), ())]


def test_a_format_file_by_path(
    db_path: Path, tmp_path: Path, launches: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "quick.toml"
    path.write_text('title = "Quick"\n[[phases]]\nkind = "check_in"\ntitle = "Hello"\ntimebox_minutes = 5\n')
    code, _ = run(capsys, "--db", str(db_path), "run", "--format", str(path))
    assert code == 0
    (answers,) = launches
    assert isinstance(answers, StartAnswers) and answers.session_format is not None
    assert answers.session_format.name == "quick"


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (("--attendee", "zed"), "--attendee: @zed is not a member of this community"),
        (("--facilitator", "zed"), "--facilitator: @zed is not a member"),
        (("--format", "nope"), "unknown session format 'nope'"),
        (("--resume",), "no session is live to resume"),
    ],
)
def test_bad_answers_are_one_line_and_open_nothing(
    db_path: Path, launches: list[Any], capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], says: str
) -> None:
    code, err = run(capsys, "--db", str(db_path), "run", *argv)
    assert code == 1 and says in err and err.count("\n") == 1
    assert launches == []


def test_a_second_run_while_live_says_so(
    db_path: Path, launches: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    with Repertoire.open(db_path) as repertoire:
        LiveSession.start(
            repertoire,
            SessionPlan(find_format("cop-meeting"), "ana", ["ben"], title="Live one"),
            ManualClock(datetime(2026, 12, 3, 17, tzinfo=UTC)),
        )
    code, err = run(capsys, "--db", str(db_path), "run", "--facilitator", "cho", "--attendee", "ben")
    assert code == 1
    assert "'Live one' is live" in err and "coptui run --resume" in err
    assert launches == []
    code, _ = run(capsys, "--db", str(db_path), "run", "--resume")
    assert (code, launches) == (0, ["resume"])


def test_leaving_the_app_with_the_session_live_says_how_to_go_on(
    db_path: Path, launches: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    with Repertoire.open(db_path) as repertoire:
        plan = SessionPlan(find_format("cop-meeting"), "ana", ["ben"], title="Night [shift]")
        LiveSession.start(repertoire, plan, ManualClock(datetime(2026, 12, 3, 17, tzinfo=UTC)))
    # The app closes (q, Ctrl+C, a closed terminal) with the session still live.
    code, err = run(capsys, "--db", str(db_path), "run", "--resume")
    assert code == 0
    assert err == (
        "coptui: 'Night [shift]' is still live, with everything filed so far; "
        "`coptui run --resume` goes on with it, `coptui abandon` gives it up\n"
    )


def test_a_session_ended_in_the_app_leaves_nothing_to_say(
    db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with Repertoire.open(db_path) as repertoire:
        plan = SessionPlan(find_format("cop-meeting"), "ana", ["ben"], title="Ends")
        LiveSession.start(repertoire, plan, ManualClock(datetime(2026, 12, 3, 17, tzinfo=UTC)))

    def the_session_ends_in_the_app(repertoire: Repertoire, launch: object = None) -> tuple[str, ...]:
        LiveSession.resume(repertoire).end()
        return ()  # no refused lines left listed

    monkeypatch.setattr(launch, "run_app", the_session_ends_in_the_app)
    assert run(capsys, "--db", str(db_path), "run", "--resume") == (0, "")


@pytest.mark.parametrize(
    ("command", "argv"),
    [
        ("run", ("run", "--facilitator", "ana", "--attendee", "ben")),
        ("run", ("run",)),
        ("demo", ("demo",)),
    ],
)
def test_commands_that_draw_say_in_one_line_that_they_need_a_terminal_and_start_nothing(
    db_path: Path, capsys: pytest.CaptureFixture[str], command: str, argv: tuple[str, ...]
) -> None:
    """Under pytest, as with `</dev/null >out`, neither input nor output is a terminal."""
    with Repertoire.open(db_path) as repertoire:
        before = [s.id for s in repertoire.sessions()]
    code, err = run(capsys, "--db", str(db_path), *argv)
    assert (code, err) == (
        1,
        f"coptui: {command} needs a terminal: run it in one, without redirecting its input or output\n",
    )
    with Repertoire.open(db_path) as repertoire:
        assert [s.id for s in repertoire.sessions()] == before and repertoire.live_session() is None


def test_demo_opens_a_copy_of_a_repertoire_file_and_leaves_the_file_as_it_was(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = db_path.read_bytes()
    opened: list[tuple[Path, list[str], str | None]] = []

    def the_app(repertoire: Repertoire, launch: object = None, demo_of: str | None = None) -> None:
        opened.append((repertoire.path, [s.title for s in repertoire.sessions()], demo_of))
        repertoire.set_community(repertoire.community().model_copy(update={"name": "Tried out on the copy"}))

    monkeypatch.setattr(launch, "run_app", the_app)
    code, err = run(capsys, "demo", str(db_path))
    assert (code, err) == (0, "")
    with Repertoire.open(db_path) as original:
        titles = [s.title for s in original.sessions()]
        assert original.community().name != "Tried out on the copy"
    [(copy, seen, demo_of)] = opened
    assert copy != db_path and not copy.exists(), "a temporary copy, gone afterwards"
    assert demo_of == db_path.name, "the app is told it shows a copy, and of what"
    assert seen == titles and titles
    assert db_path.read_bytes() == before


def test_demo_opens_a_repertoire_of_an_older_schema_as_an_upgraded_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "old.db"
    load_v1_fixture(old)
    before = old.read_bytes()
    seen: list[str] = []
    monkeypatch.setattr(
        launch, "run_app", lambda repertoire, demo_of=None: seen.append(repertoire.community().name)
    )
    assert run(capsys, "demo", str(old)) == (0, "")
    assert seen == ["Night Nurses"]
    assert old.read_bytes() == before, "the original keeps its schema"

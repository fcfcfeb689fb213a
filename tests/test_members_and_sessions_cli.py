"""`coptui sessions` and `coptui members`, and the same from the browser: references never break."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from test_session_screen import palette_found
from textual.widgets import Checkbox, Input
from ui_helpers import browser, detail, screen_lines, settle, words

from coptui.cli import main
from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.member_form import MemberScreen
from coptui.ui.widgets.paged_list import Ref


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    captured = capsys.readouterr()
    return int(exited.value.code or 0), captured.out, captured.err


def test_sessions_lists_id_date_status_format_and_title(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--db", str(db_path), "sessions")
    assert code == 0
    assert out.splitlines() == [
        "   id  date        status     format                title",
        "    2  2026-11-05  closed     cop-meeting           November clinic",
        "    1  2026-10-01  closed     cop-meeting           October clinic",
    ]


def test_members_are_added_renamed_and_leave_and_references_hold(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ("--db", str(db_path))
    code, _, err = run(capsys, *db, "members", "add", "dev", "Dev [new] Patel", "--organisation", "Acme")
    assert code == 0 and "Added @dev" in err
    code, _, err = run(capsys, *db, "members", "rename", "@Ben", "Benedict Okafor")
    assert code == 0 and "shown as Benedict Okafor" in err
    code, _, err = run(capsys, *db, "members", "leave", "cho", "--on", "2026-11-30")
    assert code == 0 and "left the community on 2026-11-30" in err
    code, out, _ = run(capsys, *db, "members", "list")
    assert code == 0
    assert "@ben                  Benedict Okafor · City Transit  [member]" in out
    assert "@cho                  Cho [lead] *ops* · Pixel | Forge  [member]  (left 2026-11-30)" in out
    assert "@dev                  Dev [new] Patel · Acme  [member]" in out
    with Repertoire.open(db_path) as repertoire:
        assert repertoire.case(2).presenter == "cho", "what cho filed is still theirs"
        assert repertoire.db.execute("PRAGMA foreign_key_check").fetchall() == []
    code, _, err = run(capsys, *db, "members", "leave", "cho", "--back")
    assert code == 0 and "a member again" in err
    with Repertoire.open(db_path) as repertoire:
        assert repertoire.member("cho").left_on is None


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (("add", "ben", "Ben Again"), "@ben is already a member"),
        (("add", "Dev!", "Dev"), "'Dev!' cannot be a handle"),
        (("add", "dev", "  "), "name: must not be empty"),
        (("rename", "zed", "Zed"), "@zed is not a member of this community"),
        (("leave", "ben", "--on", "someday"), "--on: 'someday' is not a date"),
    ],
)
def test_bad_member_changes_are_one_line_and_change_nothing(
    db_path: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], says: str
) -> None:
    code, _, err = run(capsys, "--db", str(db_path), "members", *argv)
    assert code == 1 and says in err and err.count("\n") == 1, err
    with Repertoire.open(db_path) as repertoire:
        assert [m.handle for m in repertoire.members()] == ["ana", "ben", "cho"]
        assert repertoire.member("ben").name == "Ben Okafor" and repertoire.member("ben").left_on is None


@pytest.fixture
def writable(db_path: Path) -> Iterator[Repertoire]:
    with Repertoire.open(db_path) as repertoire:
        yield repertoire


async def test_minutes_of_a_past_session_are_exported_from_the_browser(
    writable: Repertoire, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = CoptuiApp(writable)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        browser(app).follow(Ref("session", 1))
        await settle(pilot)
        assert "Session 1 · 2026-10-01" in detail(app)
        await pilot.press("x")
        await settle(pilot)
        assert any("Minutes saved to" in n.message for n in app._notifications)
    (saved,) = tmp_path.glob("*-minutes.md")
    assert saved.read_text(encoding="utf-8").startswith("# October clinic")


async def test_the_command_palette_exports_minutes_too(
    writable: Repertoire, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = CoptuiApp(writable)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        browser(app).follow(Ref("session", 2))
        await settle(pilot)
        await pilot.press("ctrl+p", *"export minutes")
        await palette_found(pilot, "Export minutes")
        await pilot.press("enter")
        await settle(pilot)
    (saved,) = tmp_path.glob("*-minutes.md")
    assert saved.read_text(encoding="utf-8").startswith("# November clinic")


async def test_a_read_only_browser_exports_nothing(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with Repertoire.open(db_path, read_only=True) as repertoire:
        app = CoptuiApp(repertoire)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            browser(app).follow(Ref("session", 1))
            await settle(pilot)
            await pilot.press("x", "plus")
            await settle(pilot)
            assert not isinstance(app.screen, MemberScreen), "no form to add a member either"
    assert not list(tmp_path.glob("*.md"))


async def test_members_are_added_renamed_and_leave_from_the_browser(writable: Repertoire) -> None:
    app = CoptuiApp(writable)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("plus")
        await pilot.pause()
        assert "New member" in " ".join(screen_lines(app))
        await pilot.press(*"kit", "tab", *"Kit [new] Ng", "f2")
        await settle(pilot)
        assert writable.member("kit").name == "Kit [new] Ng"
        browser(app).follow(Ref("member", "ben"))
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert "Member @ben" in " ".join(screen_lines(app))
        name = app.screen.query_one("#name", Input)
        name.value = ""
        name.focus()
        await pilot.press(*"Benedict Okafor")
        app.screen.query_one("#left", Checkbox).value = True
        await pilot.press("f2")
        await settle(pilot)
        assert "left the community on" in detail(app) and detail(app).startswith("Benedict Okafor")
    ben = writable.member("ben")
    assert ben.name == "Benedict Okafor" and ben.left_on is not None
    assert writable.case(1).presenter == "ben"


async def test_a_typo_on_the_start_screen_makes_no_member_without_asking(writable: Repertoire) -> None:
    app = CoptuiApp(writable)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        app.screen.query_one("#start-new-member", Input).focus()
        await pilot.press(*"bne Ben", "enter")
        await pilot.pause()
        shown = " ".join(screen_lines(app))
        assert "Add @bne (Ben) to the community?" in shown and "Did you mean @ben?" in shown
        await pilot.press("escape")
        await settle(pilot)
        assert "no member added" in " ".join(screen_lines(app))
        assert "bne" not in {m.handle for m in writable.members()}
        app.screen.query_one("#start-new-member", Input).value = ""
        await pilot.press(*"kit Kit Ng", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert writable.member("kit").name == "Kit Ng"


async def test_the_start_screen_no_longer_offers_who_left(writable: Repertoire) -> None:
    cho = writable.member("cho")
    writable.update_member(cho.model_copy(update={"left_on": date(2026, 11, 30)}))
    app = CoptuiApp(writable)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        attendees = words(" ".join(screen_lines(app, app.screen.query_one("#start-attendees").region)))
        assert "ben Ben Okafor" in attendees and "cho" not in attendees


async def test_a_ticked_box_reads_as_ticked_without_colour(writable: Repertoire) -> None:
    from coptui.ui.screens.start_session import StartAnswers

    app = CoptuiApp(writable, launch=StartAnswers(None, "", "ana", ("ben",), ()))
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        region = app.screen.query_one("#start-attendees").region
        strips = app.screen._compositor.render_strips()  # Textual has no public "the screen's styles"
        boxes: dict[str, bool] = {}
        for y in range(region.y, region.bottom):
            row = "".join(segment.text for segment in strips[y])[region.x : region.right]
            for handle in (h for h in ("ana", "ben", "cho") if f" {h} " in row):
                style = next(seg.style for seg in strips[y] if seg.text == "X" and seg.style is not None)
                boxes[handle] = bool(style and style.reverse and style.bold)
        # Attributes, not colours: what a monochrome terminal (or NO_COLOR) still shows.
        assert boxes == {"ana": True, "ben": True, "cho": False}


def test_every_new_field_travels_through_export_and_import(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from coptui.facilitation import LiveSession, ManualClock, SessionPlan
    from coptui.formats import find_format

    with Repertoire.open(db_path) as repertoire:
        clock = ManualClock(datetime(2026, 12, 3, 17, 0, tzinfo=UTC))
        plan = SessionPlan(find_format("cop-meeting"), "ana", ["ben"], apologies=["cho"])
        live = LiveSession.start(repertoire, plan, clock)
        for line in ("#arrived @cho", "#left @ben", "#next 2027-01-14"):
            assert live.enter(line).ok
        live.abandon()
        cho = repertoire.member("cho")
        repertoire.update_member(cho.model_copy(update={"left_on": date(2026, 12, 4)}))
    code, first, _ = run(capsys, "--db", str(db_path), "export", "json")
    assert code == 0
    for field in ('"status": "abandoned"', '"next_meeting": "2027-01-14"', '"left_on": "2026-12-04"'):
        assert field in first
    exported = tmp_path / "exported.json"
    exported.write_text(first, encoding="utf-8")
    copy = str(tmp_path / "copy.db")
    assert run(capsys, "--db", copy, "import", str(exported))[0] == 0
    code, second, _ = run(capsys, "--db", copy, "export", "json")
    assert second == first

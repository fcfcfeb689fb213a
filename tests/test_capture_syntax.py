"""One table says what the capture box takes: the parser, the help, the hints and the README follow it."""

from __future__ import annotations

import re
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.containers import VerticalScroll
from ui_helpers import screen_lines, scrolled_lines, settle, words

from coptui.facilitation import EntryError, LiveSession, ManualClock, SessionPlan, parse_entry
from coptui.facilitation.tags import SYNTAX, TAGS, Form, reusing, strategy_being_typed
from coptui.formats import find_format
from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.session import SessionScreen
from coptui.ui.screens.session_help import SYNTAX_COLUMN, SessionHelpScreen

README = Path(__file__).resolve().parent.parent / "README.md"
HANDLES = {"ana", "ben", "cho"}


def readme_row(form: Form) -> str:
    return f"| `{form.syntax}` | {form.meaning} | `{form.example}` |"


def test_the_readme_lists_the_capture_syntax_as_the_table_does() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    header = lines.index("| you type | what is filed | for example |")
    documented = lines[header + 2 : header + 2 + len(SYNTAX) + 1]
    expected = [readme_row(form) for form in SYNTAX]
    # One line past the table too: a row the table lacks shows as drift as well.
    assert documented == [*expected, ""], "README's capture table differs; it should read:\n" + "\n".join(
        expected
    )


@pytest.mark.parametrize("form", [form for form in SYNTAX if not form.inside_a_tag], ids=lambda f: f.syntax)
def test_each_example_reads_as_an_entry_through_its_own_parser(form: Form) -> None:
    entry = parse_entry(form.example, HANDLES)
    assert not isinstance(entry, EntryError), entry
    tag = form.example.split()[0][1:] if form.tags else None
    assert tag in (form.tags or (None,))
    rest = form.example.split(None, 1)[1] if form.tags and " " in form.example else ""
    assert form.parser(rest if form.tags else form.example, HANDLES) == entry


@pytest.mark.parametrize("form", [form for form in SYNTAX if form.inside_a_tag], ids=lambda f: f.syntax)
def test_a_word_inside_a_tag_is_read_by_that_tag(form: Form) -> None:
    tag = next(f for f in reversed(SYNTAX[: SYNTAX.index(form)]) if f.tags)
    with_word = parse_entry(f"{tag.example} {form.example}", HANDLES)
    assert not isinstance(with_word, EntryError), with_word
    assert with_word != parse_entry(tag.example, HANDLES)


def test_every_tag_is_completed_and_a_mistyped_one_is_named() -> None:
    assert set(TAGS) == {form.tags[0] for form in SYNTAX if form.tags}
    mistyped = parse_entry("#stratgy @ben x", HANDLES)
    assert mistyped == EntryError("#stratgy is not a tag; did you mean #strategy?")


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_the_session_help_draws_every_form_and_every_session_key(
    db_path: Path, size: tuple[int, int]
) -> None:
    clock = ManualClock(datetime(2026, 12, 3, 17, 0, tzinfo=UTC))
    with Repertoire.open(db_path) as repertoire:
        LiveSession.start(repertoire, SessionPlan(find_format("cop-meeting"), "ana", ["ben", "cho"]), clock)
        app = CoptuiApp(repertoire, clock=clock, launch="resume")
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            session = app.screen
            assert isinstance(session, SessionScreen)
            await pilot.press("f1")
            await pilot.pause()
            assert isinstance(app.screen, SessionHelpScreen)
            lines = await scrolled_lines(pilot, app.screen.query_one(VerticalScroll))
    for form in SYNTAX:
        # Its syntax (the longest wrap in their column), and beside it its meaning (which may wrap too).
        head, *rest = textwrap.wrap(form.syntax, SYNTAX_COLUMN)
        at = [
            (n, found.group(1))
            for n, line in enumerate(lines)
            if (found := re.match(rf"\W*{re.escape(head)} {{2,}}(\S.*?)\W*$", line))
        ]
        assert len(at) == 1 and form.meaning.startswith(at[0][1]), (form.syntax, at)
        below = [line.strip(" │▁▂▃▄▅▆▇█") for line in lines[at[0][0] + 1 : at[0][0] + 1 + len(rest)]]
        assert [line.startswith(part) for line, part in zip(below, rest, strict=True)] == [True] * len(rest)
    drawn = words(" ".join(lines))
    for binding in SessionScreen.BINDINGS:
        assert isinstance(binding, Binding)
        assert binding.key_display is None or binding.key_display in drawn
        assert binding.tooltip and words(binding.tooltip) in drawn
    assert "→ / tab at the end of the line: take the suggested #tag, @handle or practice (=N)" in drawn


async def test_each_phase_hints_at_its_own_forms(db_path: Path) -> None:
    clock = ManualClock(datetime(2026, 12, 3, 17, 0, tzinfo=UTC))
    with Repertoire.open(db_path) as repertoire:
        live = LiveSession.start(
            repertoire, SessionPlan(find_format("cop-meeting"), "ana", ["ben", "cho"]), clock
        )
        live.next_phase()
        live.next_phase()
        app = CoptuiApp(repertoire, clock=clock, launch="resume")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            bottom = " ".join(screen_lines(app)[-5:])
    assert "#strategy @who text · #vote N · #pick N · #action @who due:WHEN text" in bottom


@pytest.mark.parametrize(
    ("typed", "words", "taken"),
    [
        ("#strategy @ben sbar hand", "sbar hand", "#strategy @ben =3 "),
        ("#Strategy  @ben  night checklist", "night checklist", "#Strategy  @ben  =3 "),
        ("#strategy @ben =4 sbar", None, "#strategy @ben =4 sbar"),
        ("#strategy @ben ", None, "#strategy @ben "),
        ("#case @ben sbar", None, "#case @ben sbar"),
        ("#strategy sbar hand", "sbar hand", "#strategy =3 "),  # a member's, at their own screen
        ("#strategy @be", None, "#strategy @be"),
        ("#strategy =4", None, "#strategy =4"),
    ],
)
def test_a_new_strategy_being_typed_can_become_a_use_of_a_practice(
    typed: str, words: str | None, taken: str
) -> None:
    assert strategy_being_typed(typed) == words
    assert reusing(typed, 3) == taken

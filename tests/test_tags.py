"""The capture box's language: every tag, and every way of getting one wrong."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coptui.facilitation import (
    AbsentEntry,
    ActionEntry,
    CaseDetailEntry,
    CaseEntry,
    DecisionEntry,
    EntryError,
    FocusEntry,
    NoteEntry,
    PickEntry,
    ReportEntry,
    StrategyEntry,
    UndoEntry,
    VoteEntry,
    parse_entry,
)
from coptui.models import Outcome, ValueCycle

HANDLES = {"ana", "ben", "cho"}


@pytest.mark.parametrize(
    ("typed", "entry"),
    [
        ("Tired but here", NoteEntry("Tired but here")),
        ("  [bold]*stars*[/] 🎉  ", NoteEntry("[bold]*stars*[/] 🎉")),
        ("@Ben: slept well", NoteEntry("slept well", "ben")),
        ("#1 priority is sleep", NoteEntry("#1 priority is sleep")),
        ("#case @ben Alert fatigue at night", CaseEntry("ben", "Alert fatigue at night")),
        ("#CASE @ben  two   spaces", CaseEntry("ben", "two spaces")),
        ("#context Forty pages a week", CaseDetailEntry("context", text="Forty pages a week")),
        ("#question How do I cut pages?", CaseDetailEntry("question", text="How do I cut pages?")),
        ("#topic alerting, #on-call alerting", CaseDetailEntry("topics", topics=("alerting", "on-call"))),
        ("#focus 2", FocusEntry(2)),
        ("#strategy @cho Route low alerts to tickets", StrategyEntry("cho", "Route low alerts to tickets")),
        ("#strategy @cho =3", StrategyEntry("cho", "", 3)),
        ("#strategy @cho =12 tickets, nights only", StrategyEntry("cho", "tickets, nights only", 12)),
        ("#vote 1", VoteEntry(1, 1)),
        ("#vote 2 3", VoteEntry(2, 3)),
        ("#pick 1", PickEntry(1)),
        (
            "#action @ben due:2026-12-15 try ticket routing",
            ActionEntry("ben", "try ticket routing", date(2026, 12, 15)),
        ),
        ("#action @ben try it strategy:2", ActionEntry("ben", "try it", None, 2)),
        ("#decision We pilot in December", DecisionEntry("We pilot in December")),
        (
            "#report 2 worked Pages dropped lesson: most were noise value:realized",
            ReportEntry(Outcome.WORKED, 2, None, "Pages dropped", "most were noise", ValueCycle.REALIZED),
        ),
        ("#report @cho did-not-work", ReportEntry(Outcome.DID_NOT_WORK, None, "cho")),
        ("#report 1 not_tried no time", ReportEntry(Outcome.NOT_TRIED, 1, None, "no time")),
        ("#report 1 partly", ReportEntry(Outcome.PARTLY, 1)),
        ("#absent @cho", AbsentEntry("cho")),
        ("#undo", UndoEntry()),
    ],
)
def test_each_tag_reads_as_its_entry(typed: str, entry: object) -> None:
    assert parse_entry(typed, HANDLES) == entry


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "nothing to file"),
        ("   \n ", "nothing to file"),
        ("#casee @ben x", "#casee is not a tag; did you mean #case?"),
        ("#zzz", "#zzz is not a tag; F1 lists the tags"),
        ("@zed hello", "@zed is not a member"),
        ("@ben", "what did @ben say"),
        ("#case", "who?"),
        ("#case ben Title", "who?"),
        ("#case @ Title", "a handle follows @"),
        ("#case @zed Title", "@zed is not a member"),
        ("#case @ben", "needs a title"),
        ("#case @ben " + "x" * 301, "at most 300"),
        ("#context", "#context needs text"),
        ("#question", "#question needs text"),
        ("#topic", "needs one or more topics"),
        ("#topic Alert_Fatigue!", "is not a topic"),
        ("#focus", "#focus N"),
        ("#focus two", "not 'two'"),
        ("#focus 0", "not '0'"),
        ("#strategy Route alerts", "who?"),
        ("#strategy @ben", "what does @ben propose"),
        ("#vote", "#vote N"),
        ("#vote x", "not 'x'"),
        ("#vote 1 2 3", "#vote N"),
        ("#vote 1 lots", "not 'lots'"),
        ("#vote 1 100", "at most 99"),
        ("#strategy @ben =", "= is not a practice: =N tries practice N again, as in =3"),
        ("#strategy @ben =x", "=x is not a practice"),
        ("#strategy @ben =0 a", "=0 is not a practice"),
        ("#strategy @ben = 3", "= is not a practice"),
        ("#pick", "#pick N"),
        ("#pick 1 2", "#pick N"),
        ("#action ben try", "who?"),
        ("#action @ben due:2026-13-40 try", "due:2026-13-40 is not a date"),
        ("#action @ben due:someday try", "due:someday is not a date"),
        ("#action @ben due:2026-12-01", "what will @ben try"),
        ("#action @ben try strategy:x", "not 'x'"),
        ("#decision", "#decision needs text"),
        ("#report", "#report N outcome"),
        ("#report 1", "#report N outcome"),
        ("#report 1 great", "'great' is not an outcome"),
        ("#report @zed worked", "@zed is not a member"),
        ("#report one worked", "not 'one'"),
        ("#report 1 worked value:huge", "'huge' is not a value cycle"),
        ("#absent", "who?"),
        ("#absent @zed", "@zed is not a member"),
        ("#absent @ben @cho", "takes one handle"),
        ("#undo everything", "takes nothing after it"),
    ],
)
def test_malformed_entries_say_what_is_wrong(typed: str, says: str) -> None:
    result = parse_entry(typed, HANDLES)
    assert isinstance(result, EntryError), result
    assert says in result.message


@pytest.mark.parametrize("typed", ["#", "@", "#@", "# case", "\x1b[31m#case", "#report @ worked", "#v\x00te"])
def test_odd_input_never_raises(typed: str) -> None:
    assert parse_entry(typed, HANDLES) is not None


@given(st.text(max_size=200))
def test_any_text_gives_an_entry_or_an_error(typed: str) -> None:
    result = parse_entry(typed, HANDLES)
    assert isinstance(result, EntryError | NoteEntry | DecisionEntry | CaseEntry | CaseDetailEntry) or (
        type(result).__module__ in ("coptui.facilitation.tags", "coptui.facilitation.entries")
    )

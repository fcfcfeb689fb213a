"""Due dates as people type them, and the handles and dates the capture box reads back."""

from __future__ import annotations

from datetime import date

import pytest

from coptui.facilitation.dates import absolute_date, month_first, spoken
from coptui.facilitation.tags import ActionEntry, EntryError, parse_entry

TODAY = date(2026, 12, 3)


@pytest.mark.parametrize(
    ("typed", "day_first", "expected"),
    [
        ("2026-12-14", True, date(2026, 12, 14)),
        ("14 Dec", True, date(2026, 12, 14)),
        ("14 december", True, date(2026, 12, 14)),
        ("14dec", True, date(2026, 12, 14)),
        ("14th Dec 2027", True, date(2027, 12, 14)),
        ("Dec 14", True, date(2026, 12, 14)),
        ("Sept 2", True, date(2027, 9, 2)),
        ("14 Jan", True, date(2027, 1, 14)),  # no year: the next 14 January
        ("3 Dec", True, date(2026, 12, 3)),  # today is not the past
        ("2 Dec", True, date(2027, 12, 2)),
        ("14/12", True, date(2026, 12, 14)),
        ("14.12.", True, date(2026, 12, 14)),
        ("14/12/26", True, date(2026, 12, 14)),
        ("4/1", True, date(2027, 1, 4)),
        ("4/1", False, date(2027, 4, 1)),
        ("12/14", False, date(2026, 12, 14)),
        ("12/14", True, None),  # month 14
        ("31 Feb", True, None),
        ("14 Decembre", True, None),
        ("tomorrow", True, None),
        ("", True, None),
    ],
)
def test_absolute_dates_as_people_type_them(typed: str, day_first: bool, expected: date | None) -> None:
    assert absolute_date(typed, TODAY, day_first=day_first) == expected


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "en_US.UTF-8"}, True),
        ({"LANG": "en_GB.UTF-8"}, False),
        ({"LANG": "en_GB.UTF-8", "LC_TIME": "en_US.UTF-8"}, True),
        ({"LC_ALL": "de_DE@euro", "LC_TIME": "en_US.UTF-8"}, False),
        ({"LANG": "C.UTF-8"}, False),
        ({}, False),
    ],
)
def test_numbers_are_day_first_unless_the_locale_writes_the_month_first(
    environ: dict[str, str], expected: bool
) -> None:
    assert month_first(environ) is expected


def test_due_dates_in_an_action_take_the_words_that_belong_to_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LC_ALL", "en_GB.UTF-8")
    handles = ["ben"]
    for typed, due in [
        ("#action @ben due:14 Dec try ticket routing", date(2026, 12, 14)),
        ("#action @ben due:Dec 14 try ticket routing", date(2026, 12, 14)),
        ("#action @ben due:14 Dec 2027 try ticket routing", date(2027, 12, 14)),
        ("#action @ben try ticket routing due:14/12", date(2026, 12, 14)),
        ("#action @ben due:2026-12-14 try ticket routing", date(2026, 12, 14)),
    ]:
        assert parse_entry(typed, handles, TODAY) == ActionEntry("ben", "try ticket routing", due), typed
    # A day with a word that is not a month leaves the word in the text.
    assert parse_entry("#action @ben due:14 may try", handles, TODAY) == ActionEntry(
        "ben", "try", date(2027, 5, 14)
    )
    refused = parse_entry("#action @ben due:14/13 try", handles, TODAY)
    assert isinstance(refused, EntryError)
    assert refused.message == (
        "due:14/13 is not a date; write it as 2026-12-14, 14 Dec or 14/12 (day first), or +2w, fri, next"
    )


def test_a_mistyped_handle_gets_the_nearest_member() -> None:
    handles = ["aisha", "ben", "cho"]
    for typed in ("@aishа hi", "@aisah hi", "#case @aish Title", "#strategy @aisa x", "#report @asha worked"):
        found = parse_entry(typed, handles)
        assert isinstance(found, EntryError) and "did you mean @aisha?" in found.message, (typed, found)
    found = parse_entry("@zzzz hello", handles)
    assert isinstance(found, EntryError) and "did you mean" not in found.message


def test_dates_are_spoken_with_their_weekday() -> None:
    assert spoken(date(2026, 12, 14)) == "Mon 14 Dec 2026"

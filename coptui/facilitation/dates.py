"""Dates as people type them in a meeting: `2026-12-14`, `14 Dec`, `Dec 14`, `14/12`.

A date with no year is the next one from today (in December, `14 Jan` is next January).
Numbers alone (`14/12`, `14/12/26`) are read day first, unless the user's locale writes
the month first (the United States and a few others), as the session help says.
"""

from __future__ import annotations

import os
import re
from datetime import date

DATE_FORMS = "2026-12-14, 14 Dec or 14/12 (day first)"

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
# Where dates are written month first: the United States, the Philippines and a few Pacific states.
_MONTH_FIRST_REGIONS = {"US", "PH", "FM", "MH", "PW"}
_NUMERIC = re.compile(r"^(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2}|\d{4}))?\.?$")
_DAY_MONTH = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s.-]*([a-z]+)\.?(?:[\s,-]+(\d{4}))?$")
_MONTH_DAY = re.compile(r"^([a-z]+)\.?[\s.-]*(\d{1,2})(?:st|nd|rd|th)?(?:[\s,-]+(\d{4}))?$")


def month_first(environ: dict[str, str] | None = None) -> bool:
    """Whether the user's locale (LC_ALL, LC_TIME or LANG, as in `en_US.UTF-8`) writes the month first."""
    environ = dict(os.environ) if environ is None else environ
    name = environ.get("LC_ALL") or environ.get("LC_TIME") or environ.get("LANG") or ""
    region = name.split(".")[0].split("@")[0].partition("_")[2]
    return region.upper() in _MONTH_FIRST_REGIONS


def is_month(word: str) -> bool:
    return word.lower().rstrip(".,") in _MONTHS


def absolute_date(text: str, today: date, *, day_first: bool | None = None) -> date | None:
    """The date `text` names, or None when it names none (or an impossible one, as 31 Feb)."""
    text = text.strip().lower()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    if day_first is None:
        day_first = not month_first()
    numeric = _NUMERIC.match(text)
    if numeric:
        first, second, year = numeric.groups()
        day, month = (first, second) if day_first else (second, first)
        return _make(int(day), int(month), year, today)
    for pattern, day_at, month_at in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        named = pattern.match(text)
        if named and named.group(month_at) in _MONTHS:
            return _make(int(named.group(day_at)), _MONTHS[named.group(month_at)], named.group(3), today)
    return None


def _make(day: int, month: int, year: str | None, today: date) -> date | None:
    try:
        if year is not None:
            return date(int(year) + (2000 if len(year) == 2 else 0), month, day)
        found = date(today.year, month, day)
        return found if found >= today else date(today.year + 1, month, day)
    except ValueError:  # 31 Feb, month 13; 29 Feb in a year without one
        return None


def spoken(day: date) -> str:
    """A date as the confirmation says it: `Mon 14 Dec 2026`."""
    return f"{day:%a} {day.day} {day:%b %Y}"

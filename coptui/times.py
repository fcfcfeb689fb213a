"""Times of day as the screen and the minutes give them: in the local zone, to the minute.

Stored moments are in UTC; these turn them into what a person in the room reads.
"""

from __future__ import annotations

from datetime import datetime


def clock(moment: datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"  # strftime is slow, and this runs for every phase


def local(moment: datetime) -> datetime:
    """A stored (UTC) moment in the local time zone of the machine showing it."""
    return moment.astimezone()


def local_time(moment: datetime) -> str:
    """'18:02 CET': the local time of day, its zone named."""
    here = local(moment)
    return f"{clock(here)} {here.tzname()}"

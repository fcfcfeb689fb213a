"""The facilitator's side of participants: who joined from their own terminal, and what they filed.

Read in a worker each time the session screen draws a view; the screen toasts each arrival as
it comes, lists who joined and who has checked in under the attendees, and keeps the
participants' entries that still stand for F11 (take back the last) and the command palette.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from coptui.facilitation import LiveSession
from coptui.store.participants import Arrival, ParticipantEntry
from coptui.ui.render import plain


@dataclass(frozen=True)
class Room:
    arrivals: tuple[Arrival, ...]  # everyone who joined from their own terminal, in order
    entries: tuple[ParticipantEntry, ...]  # what participants filed that still stands, in order
    checked_in: tuple[str, ...]  # attendees with a check-in filed, in attendance order


def read_room(live: LiveSession) -> Room:
    return Room(
        arrivals=tuple(live.arrivals_since(0)),
        entries=tuple(live.participant_entries_since(0)),
        checked_in=tuple(p.member for p in live.participation() if p.check_ins),
    )


def arrival_said(arrival: Arrival) -> str:
    where = "over ssh" if arrival.via == "ssh" else "at a terminal here"
    return f"@{arrival.member} joined {where}"


def room_lines(room: Room, not_yet_heard: tuple[str, ...], hidden_dots: int) -> Text:
    """Under the attendees, once someone has joined: who joined, who checked in, who is not yet
    heard, and how many private dots wait to be revealed."""
    text = Text()
    if not room.arrivals:
        return text
    joined = {a.member: a.via for a in room.arrivals}
    for label, handles in (
        ("joined", [f"{h} ({via})" for h, via in joined.items()]),
        ("checked in", list(room.checked_in)),
        ("not yet heard", list(not_yet_heard)),
    ):
        text.append(f"\n{label}: ", style="dim")
        text.append_text(plain(" ".join(handles) or "nobody", style="dim"))
    if hidden_dots:
        text.append(f"\n● {hidden_dots} private dot{'s' if hidden_dots > 1 else ''} hidden · F10 reveals")
    return text

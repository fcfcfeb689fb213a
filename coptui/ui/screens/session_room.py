"""The facilitator's side of participants: who joined from their own terminal, and what they filed.

Read in a worker each time the session screen draws a view; the screen toasts each arrival as
it comes, lists who joined and who has checked in under the attendees, and keeps the
participants' entries that still stand for F11 (take back the last) and the command palette.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text

from coptui.facilitation import LiveSession
from coptui.store.participants import Arrival, ParticipantEntry
from coptui.ui.render import plain, plain_str


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


def arrival_said(arrival: Arrival, arrivals: Sequence[Arrival] = ()) -> str:
    """'@sam joined over ssh'; a member who joined before (`arrivals`) is said to join again, with
    when and how they first did: two terminals may be filing as one member."""
    said = f"@{plain_str(arrival.member)} joined"
    first = next((a for a in arrivals if a.member == arrival.member and a.id < arrival.id), None)
    if first is None:
        return f"{said} {_where(arrival)}"
    return f"{said} again, {_where(arrival)} (first at {first.joined_at.astimezone():%H:%M}, {_where(first)})"


def _where(arrival: Arrival) -> str:
    return "over ssh" if arrival.via == "ssh" else "at a terminal here"


def room_lines(room: Room, not_yet_heard: tuple[str, ...], hidden_dots: int) -> Text:
    """Under the attendees, once someone has joined: who joined and how, who has checked in, who
    has not been heard all session (the line above says who is not yet heard in this phase), and
    how many private dots wait to be revealed."""
    text = Text()
    if not room.arrivals:
        return text
    via = {a.member: a.via for a in room.arrivals}  # the latest way each came in
    lines = [
        ("joined over ssh", [h for h, v in via.items() if v == "ssh"]),
        ("joined here", [h for h, v in via.items() if v != "ssh"]),
        ("checked in", list(room.checked_in) or ["nobody yet"]),
        ("not heard today", list(not_yet_heard)),
    ]
    for label, handles in lines:
        if handles:
            text.append(f"\n{label}: ", style="dim")
            text.append_text(plain(" ".join(handles), style="dim"))
    if hidden_dots:
        text.append(f"\n● {hidden_dots} private dot{'s' if hidden_dots > 1 else ''} hidden · F10 reveals")
    return text

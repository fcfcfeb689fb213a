"""Who may join the live session, and why not: the rules `Participant.join` and the member's
screen apply before a member takes part, and the words that say why they cannot yet."""

from __future__ import annotations

from coptui.facilitation.clock import Clock
from coptui.models import Session, SessionStatus
from coptui.store import Repertoire

VIAS = ("ssh", "local")
WAITING_FOR_A_SESSION = "waiting for a session to start…"


class ParticipationRefused(Exception):
    """A member cannot join the live session; the message (one line) says why.

    `waiting_for` says, in a few words, what would let them in (a session starting, the
    facilitator's `#arrived`), when something done elsewhere may; None when nothing will.
    """

    def __init__(self, reason: str, waiting_for: str | None = None) -> None:
        super().__init__(reason)
        self.waiting_for = waiting_for


def handle_of(handle: str) -> str:
    return handle.strip().lstrip("@").lower()


def session_to_join(repertoire: Repertoire, member: str, clock: Clock) -> Session:
    """The live session `member` may join now; else ParticipationRefused says why, and what would."""
    if member not in {m.handle for m in repertoire.members()}:
        raise ParticipationRefused(f"@{member} is not a member of this community")
    session = repertoire.live_session()
    if session is None:
        raise ParticipationRefused(no_session(repertoire, clock), WAITING_FOR_A_SESSION)
    refused = attendance_refusal(session, member)
    if refused is not None:
        raise refused
    return session


def attendance_refusal(session: Session, member: str) -> ParticipationRefused | None:
    """Why `member` cannot take part in `session` as it stands (not on its list, or marked as
    left), with what would let them; None when they can."""
    refusal = not_attending(session, member)
    if refusal is None:
        return None
    if member in session.left:
        return ParticipationRefused(refusal, f"waiting for the facilitator to undo #left @{member}")
    return ParticipationRefused(refusal, f"waiting for the facilitator to add you: #arrived @{member}")


def not_attending(session: Session, member: str) -> str | None:
    if member not in session.attendees:
        return (
            f"@{member} is not on today's attendance list; the facilitator can add you (#arrived @{member})"
        )
    left = session.left.get(member)
    if left is not None:
        return f"@{member} left the session at {left.astimezone():%H:%M}"
    return None


def no_session(repertoire: Repertoire, clock: Clock) -> str:
    latest = repertoire.latest_session()
    ended = None if latest is None else latest.ended_at
    if (
        latest is not None
        and ended is not None
        and ended.astimezone().date() == clock.now().astimezone().date()
    ):
        return closed_said(latest)
    return "No session is live just now; you can still report back on your own actions."


def closed_said(session: Session) -> str:
    """How a session that is no longer live closed, and when."""
    ended = session.ended_at
    when = f" at {ended.astimezone():%H:%M}" if ended else ""
    how = "was abandoned" if session.status is SessionStatus.ABANDONED else "ended"
    return f"The session {how}{when}."

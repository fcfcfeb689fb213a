"""The phase countdown, large enough to read across a room, coloured as time runs short."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Digits, Static

from coptui.facilitation import PhaseTimer, TimerAlert, clock_face

_ALERT_CLASSES = {
    TimerAlert.FIVE_MINUTES: "-five",
    TimerAlert.ONE_MINUTE: "-one",
    TimerAlert.OVER: "-over",
}


# A five-row block font for a projector: `Digits` is three rows, too small across a room.
_GLYPHS = {
    "0": ["████", "█  █", "█  █", "█  █", "████"],
    "1": ["   █", "   █", "   █", "   █", "   █"],
    "2": ["████", "   █", "████", "█   ", "████"],
    "3": ["████", "   █", "████", "   █", "████"],
    "4": ["█  █", "█  █", "████", "   █", "   █"],
    "5": ["████", "█   ", "████", "   █", "████"],
    "6": ["████", "█   ", "████", "█  █", "████"],
    "7": ["████", "   █", "   █", "   █", "   █"],
    "8": ["████", "█  █", "████", "█  █", "████"],
    "9": ["████", "█  █", "████", "   █", "████"],
    ":": [" ", "█", " ", "█", " "],
    "-": ["   ", "   ", "███", "   ", "   "],
    "+": ["   ", " █ ", "███", " █ ", "   "],
}


def big_clock(face: str) -> str:
    """A clock face (`07:42`, `+01:05`) drawn five rows high in block characters."""
    glyphs = [_GLYPHS[char] for char in face if char in _GLYPHS]
    return "\n".join(" ".join(glyph[row] for glyph in glyphs) for row in range(5))


def countdown_face(remaining: int) -> str:
    """Time left (`07:42`), or once over time how far over (`+03:12`): what the room needs to see."""
    return clock_face(remaining) if remaining >= 0 else "+" + clock_face(-remaining)


class Countdown(Vertical):
    def compose(self) -> ComposeResult:
        yield Digits("--:--", id="countdown-digits")
        yield Static(id="countdown-big")
        yield Static(id="countdown-caption")

    def show(self, timer: PhaseTimer) -> None:
        remaining = timer.remaining_seconds
        face = countdown_face(remaining)
        self.query_one(Digits).update(face)
        self.query_one("#countdown-big", Static).update(big_clock(face))
        alert = timer.alert
        for cls in _ALERT_CLASSES.values():
            self.set_class(cls == _ALERT_CLASSES.get(alert), cls)
        self.set_class(timer.paused, "-paused")
        parts = [f"of {clock_face(timer.budget_seconds)}"]
        if timer.phase.extra_minutes:
            parts.append(f"+{timer.phase.extra_minutes} min")
        if alert is TimerAlert.OVER:
            parts.append("OVER TIME")
        elif alert is TimerAlert.ONE_MINUTE:
            parts.append("1 min left")
        elif alert is TimerAlert.FIVE_MINUTES:
            parts.append("5 min left")
        if timer.paused:
            parts.append("PAUSED")
        self.query_one("#countdown-caption", Static).update(" · ".join(parts))
        self.border_title = "Time left" if remaining >= 0 else "Over time"

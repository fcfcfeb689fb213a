"""Who is here: who has spoken in this phase, who is next, and how long the speaker has had the floor."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from coptui.facilitation import SpeakingOrder, clock_face
from coptui.models import Session
from coptui.ui.render import plain


class Attendance(Static):
    def show(
        self,
        session: Session,
        speaking: SpeakingOrder,
        round_phase: bool,
        now: datetime,
        participants: Text | None = None,
    ) -> None:
        """The speaking round; `participants`: what to say of those who joined from their own terminals."""
        width = max(self.content_size.width, 20)
        text = Text()
        line = 0
        next_speaker = speaking.next_speaker
        for handle in speaking.order:  # those who left are not in the round
            if speaking.has_spoken(handle):
                token = Text.assemble(("✓ ", "green"), plain(handle, style="dim"))
            elif handle == next_speaker:
                token = Text.assemble(("▶ ", "bold"), plain(handle, style="bold reverse"))
            else:
                token = Text.assemble("○ ", plain(handle))
            # Wrap between people, never between a mark and its name.
            if line and line + 2 + token.cell_len > width:
                text.append("\n")
                line = 0
            elif line:
                text.append("  ")
                line += 2
            text.append_text(token)
            line += token.cell_len
        gone = list(session.left)
        for label, handles in (("left", gone), ("apologies", session.apologies), ("absent", session.absent)):
            if handles:
                text.append_text(_named(f"\n{label}: ", handles, width))
        if next_speaker is None:
            text.append("\nEveryone has spoken", style="dim italic")
        elif round_phase:
            text.append("\nnext: ")
            text.append_text(plain(next_speaker, style="bold"))
            text.append(f"  ⏱ {clock_face(speaking.speaking_seconds(now))}")
        else:
            # This phase's round only: who checked in, or was heard earlier today, may be named here.
            text.append_text(_named("\nunheard this phase: ", speaking.waiting, width))
        if participants is not None:
            text.append_text(participants)
        self.update(text)
        self.border_subtitle = f"{len(speaking.spoken)}/{len(speaking.order)} spoken"


def _named(label: str, handles: list[str], width: int) -> Text:
    """`label` and the handles on one line of `width`: those that do not fit are counted ("+2"),
    as a panel too short for a second line would cut them without a word."""
    room = width - len(label.lstrip("\n"))
    shown: list[str] = []
    for at, handle in enumerate(handles):
        rest = len(handles) - at - 1
        if len(" ".join([*shown, handle])) + (len(f" +{rest}") if rest else 0) > room:
            shown.append(f"+{rest + 1}")
            break
        shown.append(handle)
    return Text.assemble((label, "dim"), plain(" ".join(shown), style="dim"))

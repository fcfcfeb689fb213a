"""The session screen's keys (read off its active bindings) and the capture box's tags, on one page."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen

from coptui.facilitation.dates import month_first
from coptui.models import CaseStatus
from coptui.ui.screens.help import HelpScreen, key_rows, key_table

# What a one-word footer label means in full, by binding id.
LONGER = {
    "session_help": "this page",
    "session_jump": "jump to a phase: F2 then its number",
    "session_shuffle": "shuffle the speaking order",
    "session_back": "back to the previous phase",
    "session_next": "next phase (on the last phase, F5 twice ends the session)",
    "session_pause": "pause or resume the timer",
    "session_extend": "five more minutes for this phase",
    "session_undo": "undo the last entry; its text comes back in the box to fix",
    "session_minutes": "save the minutes so far as Markdown, in the folder coptui started from",
    "session_abandon": "abandon the session (after asking, y): closed as abandoned, nothing deleted",
    "session_reveal": "reveal the participants' private dots on the case in focus (F8 hides them again)",
    "session_take_back": "take back the last entry a participant filed (F8 puts it back; Ctrl+P for others)",
    "session_page_up": "scroll the workspace up",
    "session_page_down": "scroll the workspace down",
    "quit": "quit; the session stays live and `coptui run` resumes it",
}
TAGS = [
    ("text", "a note in this phase (in check-in: the next speaker's check-in)"),
    ("@who text", "a note from that member"),
    ("#case @who title", "a case that member brings; it comes into focus"),
    ("#context text", "what the case in focus is about (adds to it)"),
    ("#question text", "what the presenter asks"),
    ("#topic a b", "topics of the case in focus"),
    ("#focus N", "put case N in focus"),
    ("#strategy @who text", "a strategy for the case in focus"),
    ("#vote N [count]", "dot votes for strategy N"),
    ("#pick N", "the presenter picks strategy N (again to unpick)"),
    ("#dot N [count]", "Lean Coffee: dots on topic N (the cases brought)"),
    ("#next-topic", "Lean Coffee: the undiscussed topic with most dots, its timebox started"),
    ("#thumbs up N down M", "Lean Coffee: more up than down: 4 more minutes, else move on"),
    ("#action @who due:14 Dec text", "a commitment; strategy:N says what it tries"),
    ("  due:+3d +2w fri next", "in 3 days, 2 weeks, on Friday, at the next meeting"),
    ("#next YYYY-MM-DD", "the date of the next meeting (also +4w, thu)"),
    ("#decision text", "a decision the group made"),
    ("#report N outcome story lesson: …", "report on matter arising N; value:applied etc."),
    ("#report @who outcome story", "a report from someone with nothing open"),
    ("#absent @who", "not there after all"),
    ("#arrived @who", "came late (taken off apologies or absent)"),
    ("#left @who", "left before the end; out of the speaking round"),
    ("#newcomer @who Full Name", "a new member of the community, here today"),
    ("#resolved N", "the case of matter N is resolved: a strategy worked"),
    ("  case:resolved", "in #report N worked …: the presenter says it is resolved"),
    ("#undo", "take back the last entry (F8)"),
]
CASE_STATUSES = [
    (status.label, meaning)
    for status, meaning in (
        (CaseStatus.OPEN, "shared; nothing agreed to try yet"),
        (CaseStatus.IN_TRIAL, "someone has an action to try a strategy for it"),
        (CaseStatus.REPORTED, "someone reported back on what they tried"),
        (CaseStatus.RESOLVED, "a strategy worked and the presenter says it is solved"),
        (CaseStatus.REOPENED, "it came back after all, and is open again"),
    )
]


def due_help(month_first: bool) -> str:
    order = "month/day, as your locale writes dates" if month_first else "day/month"
    return f"Due dates: due:14 Dec, due:2026-12-14, or numbers only ({order}); no year means the next one."


class SessionHelpScreen(HelpScreen):
    def __init__(self, session: Screen[Any]) -> None:
        rows = [*key_rows(session, LONGER), ("→", "accept the suggested #tag or @handle")]
        super().__init__(
            rows,
            key_table(TAGS, "Capture box"),
            key_table(CASE_STATUSES, "What a case's status means"),
            "Outcomes: worked, partly, did-not-work, not-tried.",
            due_help(month_first()),
        )

"""The session keys and the capture box's tags, on one page."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = [
    ("F5", "next phase (on the last phase: end the session)"),
    ("F4", "back to the previous phase"),
    ("F2", "jump to a phase"),
    ("F6", "pause or resume the timer"),
    ("F7", "five more minutes for this phase"),
    ("F8", "undo the last entry"),
    ("F9", "save the minutes so far as Markdown, in the folder coptui started from"),
    ("F3", "shuffle the speaking order"),
    ("F12", "abandon the session (after asking): closed as abandoned, nothing deleted"),
    ("Ctrl+P", "commands: go to a phase, mark someone absent, focus a case"),
    ("PgUp/PgDn", "scroll the workspace"),
    ("→", "accept the suggested #tag or @handle"),
    ("Ctrl+C", "quit; the session stays live and `coptui run` resumes it"),
]
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
    ("#action @who due:YYYY-MM-DD text", "a commitment; strategy:N says what it tries"),
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
    ("open", "shared; nothing agreed to try yet"),
    ("in trial", "someone has an action to try a strategy for it"),
    ("reported", "someone reported back on what they tried"),
    ("resolved", "a strategy worked and the presenter says it is solved"),
    ("reopened", "it came back after all, and is open again"),
]


class SessionHelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="help_close"),
        Binding("f1", "dismiss", "Close", id="help_close_f1"),
        # q closes the page rather than quitting in the middle of a meeting.
        Binding("q", "dismiss", "Close", id="help_close_q", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="session-help"):
            yield Static(self._table("Keys", KEYS))
            yield Static(self._table("Capture box", TAGS))
            yield Static(self._table("What a case's status means", CASE_STATUSES))
            yield Static("Outcomes: worked, partly, did-not-work, not-tried.  Escape closes.", classes="dim")

    @staticmethod
    def _table(title: str, rows: list[tuple[str, str]]) -> Table:
        table = Table(title=title, title_justify="left", show_header=False, box=None, expand=True)
        table.add_column(style="bold", no_wrap=True)
        table.add_column(ratio=1)
        for key, what in rows:
            table.add_row(key, what)
        return table

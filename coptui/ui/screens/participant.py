"""A participant's screen: a member taking part in the live session from their own terminal.

It shows the phase, its prompt and timer (read-only), what has been filed in the phase (kept
up to date as others write), and the member's own capture box. What they Enter goes through
the `Recorder` like the facilitator's keys (journalled first, then filed), to the member's
`Participant` engine, which decides what they may file; its refusals are said in one line
under the box. Reached from the browser (`j`, over `coptui serve --participants`) or with
`coptui join`.

A member who cannot join yet (no session live, not on its attendance list), or whose
session has ended, sees what the screen is waiting for; it looks again whenever the file
changes, and joins by itself (the next session, too).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Footer, Static

from coptui.counts import plural
from coptui.facilitation import PhaseTimer
from coptui.facilitation.joining import WAITING_FOR_A_SESSION, ParticipationRefused, attendance_refusal
from coptui.facilitation.participant import Participant, ParticipantView
from coptui.facilitation.recorder import JournalledEngine, reason
from coptui.facilitation.speaking import has_checked_in
from coptui.facilitation.view import EntryResult
from coptui.models import CommandKind, PhaseKind, Session, SessionStatus
from coptui.store import Repertoire, RepertoireBusy, StoreError
from coptui.store.participants import Arrival, ParticipantEntry
from coptui.ui.render import plain, plain_str
from coptui.ui.screens.help import HelpScreen, key_rows, key_table
from coptui.ui.screens.recording import CarriedOut, Opened, OpenFailed, RecordingScreen, Viewed
from coptui.ui.widgets.capture import CaptureBox, CaptureInput
from coptui.ui.widgets.countdown import Countdown
from coptui.ui.widgets.participant_workspace import (
    CHECKED_IN_PLACEHOLDER,
    PLACEHOLDERS,
    ParticipantWorkspace,
)

Via = Literal["ssh", "local"]

# How often a member waiting to join looks whether they may now: a read only when the file has changed.
JOIN_POLL_SECONDS = 0.25
JOIN_RETRY_SECONDS = 1.0  # after a join that could not write (a full disk, a lock held)


@dataclass(frozen=True)
class Joining:
    """Who may join the live session from this app, and how they came (said to the facilitator)."""

    member: str
    via: Via


class JoinChecked(Message):
    """Whether the member may join now, read at the file's data version `version`; None: they may."""

    def __init__(self, version: int, refused: ParticipationRefused | None) -> None:
        super().__init__()
        self.version, self.refused = version, refused


# What a participant may type, for the help page.
PARTICIPANT_TAGS = [
    ("text", "your check-in (in check-in), or a note from you"),
    ("#case title", "a case you bring (problem sharing)"),
    ("#context text", "what your case is about (the one in focus, else the last you brought)"),
    ("#question text", "what you ask about your case"),
    ("#topic a b", "topics of your case"),
    ("#strategy text", "a strategy for the case in focus (problem solving)"),
    ("#strategy =N [text]", "practice N tried again for the case in focus"),
    ("#vote N [dots]", "your dots on strategy N, hidden until the facilitator reveals them"),
    ("#report N outcome story", "report on your open action N (outcomes: worked, partly, …)"),
    ("#undo", "take back the last thing you filed (F8)"),
]


class ParticipantScreen(RecordingScreen):
    BINDINGS = [
        Binding("f1", "help", "Help", id="participant.help", key_display="F1", priority=True),
        Binding(
            "f2", "my_actions", "My actions", id="participant.my_actions", key_display="F2", priority=True
        ),
        Binding("f8", "undo", "Undo mine", id="participant.undo", key_display="F8", priority=True),
        Binding("f10", "leave", "Leave", id="participant.leave", key_display="F10", priority=True),
    ]

    def __init__(self, joining: Joining, *, leaving_exits: bool = False) -> None:
        super().__init__()
        self.joining = joining
        self.leaving_exits = leaving_exits  # opened by `coptui join`: leaving ends it
        self.participant: Participant | None = None
        self.view: ParticipantView | None = None
        self.refusal: str | None = None  # why this member could not join: said again at every Enter
        self.waiting_for: str | None = None  # what would let them in, while the screen looks for it
        self._rejoining = False  # a join after waiting is under way
        self._retrying = False  # joining failed on a write that may work in a moment: tried again
        self._arrival: Arrival | None = None  # filed by this screen's join, kept for a retry
        self._join_seen: int | None = None  # the file's data version when joining was last checked
        self._join_poll: Timer | None = None
        self.community = ""
        self._own_repertoire: Repertoire | None = None  # the engine's writable connection
        self._retired: list[Repertoire] = []  # the connections of sessions left, closed at the end
        self._session_typed_in: int | None = None  # the session whose lines the box and ↑ hold
        self._keys_when_closed: int | None = None  # the box's keystrokes as that session was seen closed
        # This member's entries seen taken back this session, by id.
        self._taken_back_seen: dict[int, ParticipantEntry] | None = None
        self._own_undos = 0  # undos this member pressed whose entry is not seen taken back yet

    def compose(self) -> ComposeResult:
        yield Static(id="session-masthead")
        with Horizontal(id="session-main"):
            with Vertical(id="session-side"):
                yield Static(id="participant-phase")
                yield Countdown(id="countdown")
                yield Static(id="participant-you")
            yield ParticipantWorkspace(id="workspace")
        yield CaptureBox(id="capture")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(Footer).compact = True
        self.query_one("#participant-phase").border_title = "Now"
        self.query_one("#participant-you").border_title = f"You · @{plain_str(self.joining.member)}"
        self._draw_masthead()
        capture = self.query_one("#capture-input", CaptureInput)
        capture.take_line = self.enter
        capture.placeholder = "joining…"
        capture.focus()
        try:
            self.start_recording(self.joining.member, self.open_participant)
        except StoreError as error:
            self._join_failed(error)
            return
        self.set_interval(1, self.tick)

    def on_unmount(self) -> None:
        super().on_unmount()
        for repertoire in [*self._retired, self._own_repertoire]:
            if repertoire is not None:
                repertoire.close()

    def open_participant(self) -> JournalledEngine[ParticipantView]:
        """Join as the member, on a connection of the engine's own (the browser's is read-only)."""
        repertoire = Repertoire.open(self.app.repertoire.path)
        try:
            participant = Participant.join(
                repertoire,
                self.joining.member,
                via=self.joining.via,
                clock=self.app.clock,
                arrived=self._arrival,
            )
            self._arrival = participant.arrival  # a retry after a failure from here on files no other
            self.community = repertoire.community().name
        except BaseException:
            repertoire.close()
            raise
        self._own_repertoire = repertoire
        return participant

    @property
    def engine(self) -> Participant | None:
        return self.participant

    @property
    def settled(self) -> bool:
        # Refused: the recorder has stopped, and there is nothing more to file.
        if self.refusal is not None and not self._rejoining:
            return self.reports.all_handled
        return super().settled

    # -- what the recorder reports -------------------------------------------------------

    @on(Opened)
    def _opened(self, message: Opened) -> None:
        self.reports.handled()
        self.refusal = self.waiting_for = None
        self._rejoining = False
        if self._join_poll is not None:
            self._join_poll.pause()
        self.participant = message.engine
        box = self.query_one("#capture-input", CaptureInput)
        if self._session_typed_in not in (None, message.engine.session_id):
            # Lines of the session before are never filed into this one: the box starts empty,
            # but for a line typed since that session closed.
            typed_since = self._keys_when_closed is not None and box.keystrokes != self._keys_when_closed
            box.start_afresh(keep_line=typed_since)
        self._session_typed_in, self._keys_when_closed = message.engine.session_id, None
        self._taken_back_seen, self._own_undos = None, 0
        self.query_one(CaptureBox).set_handles(message.engine.member_names)
        self.show(message.view)
        view = message.view
        title, member = plain_str(view.session.title), plain_str(self.joining.member)
        said = f"joined “{title}” as @{member} — {plain_str(view.phase.title)}"
        before = message.engine.joined_before
        if before is not None:  # a second terminal, or this one again: the facilitator is told too
            said += f" · @{member} joined before, at {before.joined_at.astimezone():%H:%M}"
        if self.query_one("#capture-input", CaptureInput).value.strip():
            said += "; Enter files your line"
        self.query_one(CaptureBox).say(said, ok=True)

    @on(OpenFailed)
    def _open_failed(self, message: OpenFailed) -> None:
        self.reports.handled()
        self._rejoining = False
        self._join_failed(message.error)

    def _join_failed(self, error: Exception) -> None:
        """Say why joining failed; when the file cannot be written just now (a full disk, another
        program's lock), say so and try again by itself, as a pending line is."""
        if isinstance(error, ParticipationRefused):
            self.refused(str(error), error.waiting_for)
        elif isinstance(error, StoreError) and (
            isinstance(error, RepertoireBusy) or "disk is full" in str(error)
        ):
            self.refused(str(error), f"retrying: {reason(error)}")
            self._retrying = True
            self.set_timer(JOIN_RETRY_SECONDS, self._retry_join)
        else:
            self.refused(str(error))

    def _retry_join(self) -> None:
        if self._retrying and not self._rejoining:
            self.join_now()

    # -- waiting to join --------------------------------------------------------------------

    def poll_join(self) -> None:
        if self.waiting_for is not None and not self._rejoining:
            self.check_join(self._join_seen)

    @work(thread=True, exclusive=True, group="join", exit_on_error=False)
    def check_join(self, seen: int | None) -> None:
        """Whether the member may join now, read again only when another connection has committed."""
        repertoire = self.app.repertoire
        version = repertoire.data_version()
        if version != seen:
            self.post_message(
                JoinChecked(version, Participant.may_join(repertoire, self.joining.member, self.app.clock))
            )

    @on(JoinChecked)
    def _join_checked(self, message: JoinChecked) -> None:
        if self.waiting_for is None or self._rejoining:
            return
        refused = message.refused
        if refused is None and self.refusal is None and not self.settled:
            return  # keys Entered in the session that ended are still on their way: look again
        self._join_seen = message.version
        if refused is None:
            self.join_now()
        elif refused.waiting_for != self.waiting_for or (self.refusal and str(refused) != self.refusal):
            self.refused(str(refused), refused.waiting_for)

    def join_now(self) -> None:
        """Join as at the start, on a recorder of its own: the one before stopped when joining was
        refused, or has nothing more to file in the session that ended."""
        self._rejoining = True
        self.query_one("#capture-input", CaptureInput).placeholder = "joining…"
        if self.recorder is not None:
            self.recorder.stop()
        if self._own_repertoire is not None:  # a read of the old session may still be on its way
            self._retired.append(self._own_repertoire)
            self._own_repertoire = None
        self.participant = None
        try:
            self.start_recording(self.joining.member, self.open_participant)
        except StoreError as error:
            self._rejoining = False
            self._join_failed(error)

    @on(CarriedOut)
    def _carried_out(self, message: CarriedOut) -> None:
        self.reports.handled()
        command, result = message.command, message.result
        untouched = self.untouched_since_press()
        typed = command.text if command.kind is CommandKind.ENTRY else ""
        if not isinstance(result, EntryResult):  # a participant never ends the session
            return
        undo = command.kind is CommandKind.UNDO or typed.lower().split()[:1] == ["#undo"]
        if undo and not result.ok and self._own_undos:  # it took nothing back
            self._own_undos -= 1
        self.say_entry_result(result, typed, untouched)

    @on(Viewed)
    def _viewed(self, message: Viewed) -> None:
        self.reports.handled()
        self.show(message.view)
        self.query_one(ParticipantWorkspace).scroll_end(animate=False)
        # A read of others' writes may have crossed this one: read again, so the newest is drawn last.
        self.others_seen(-1)
        self.poll_others()

    def refused(self, reason: str, waiting_for: str | None = None) -> None:
        """This member cannot take part now: say why where they type, and keep saying it.

        With `waiting_for`, say what would let them in, and look for it until it happens.
        """
        self.refusal, self.waiting_for = reason, waiting_for
        self._retrying = False
        self.view = None  # a session that ended is no longer drawn as this member's
        self._draw_masthead()
        box = self.query_one("#capture-input", CaptureInput)
        box.placeholder = waiting_for or "not joined: F2 My actions · F10 leave"
        self.query_one(CaptureBox).say(reason, ok=False)
        self.query_one("#participant-phase", Static).update(Text("not joined yet", style="dim"))
        body = Text(reason, style="bold")
        if waiting_for is not None:
            body.append(f"\n\n{waiting_for}\n", style="bold yellow")
            body.append("This screen joins by itself when it can. Meanwhile F2 lists your own actions.")
        self.query_one("#workspace-body", Static).update(body)
        workspace = self.query_one(ParticipantWorkspace)
        workspace.border_title = "Not joined yet" if waiting_for else "Not joined"
        workspace.border_subtitle = ""
        if waiting_for is not None:
            self.wait_to_join(waiting_for)

    def wait_to_join(self, waiting_for: str) -> None:
        """Look for a chance to join whenever the file changes, until one comes."""
        self.waiting_for = waiting_for
        if self._join_poll is None:
            self._join_poll = self.set_interval(JOIN_POLL_SECONDS, self.poll_join)
        else:
            self._join_poll.resume()

    # -- drawing ----------------------------------------------------------------------------

    def _draw_masthead(self) -> None:
        masthead = Text.assemble(("coptui · ", "bold"))
        if self.community:
            masthead.append_text(plain(self.community, style="bold"))
            masthead.append(" · ")
        if self.view is not None:
            masthead.append_text(plain(f"“{self.view.session.title}”"))
            masthead.append(" · ")
        masthead.append("you are ")
        masthead.append_text(plain(f"@{self.joining.member}", style="bold"))
        if self.view is not None and self.view.closed:
            masthead.append(f" · {how_it_closed(self.view.session)}", style="bold")
        self.query_one("#session-masthead", Static).update(masthead)

    def show(self, view: ParticipantView) -> None:
        if self.participant is None or view.session.id != self.participant.session_id:
            return  # a read of a session this screen has left, arriving late
        self.view = view
        self._draw_masthead()
        self._notice_taken_back(view)
        phase = view.phase
        now = Text.assemble(plain(phase.title, style="bold"))
        now.append(f"\nphase {phase.position + 1} of {len(view.session.phases)}", style="dim")
        now.append("\nfacilitator ", style="dim")
        now.append_text(plain(f"@{view.session.facilitator}", style="dim"))
        self.query_one("#participant-phase", Static).update(now)
        you = Text()
        if phase.kind is PhaseKind.PROBLEM_SOLVING and view.focus is not None:
            you.append(f"{plural(view.dots_left, 'dot')} of {view.dots_per_case} left\n")
        you.append(plural(len(view.my_actions), "open action"))
        you.append(" (F2)", style="dim")
        self.query_one("#participant-you", Static).update(you)
        self.query_one(ParticipantWorkspace).show(view)
        box = self.query_one("#capture-input", CaptureInput)
        closed = f"{how_it_closed(view.session)} · {WAITING_FOR_A_SESSION}"
        checked_in = phase.kind is PhaseKind.CHECK_IN and has_checked_in(
            view.notes, view.member, phase.position
        )
        placeholder = CHECKED_IN_PLACEHOLDER if checked_in else PLACEHOLDERS[phase.kind]
        box.placeholder = closed if view.closed else placeholder
        self.tick()
        if view.closed and self._keys_when_closed is None:
            self._keys_when_closed = box.keystrokes
        if view.closed and self.waiting_for is None:
            self.query_one(CaptureBox).say(closed, ok=False)
            self.wait_to_join(WAITING_FOR_A_SESSION)
        refused = None if view.closed else attendance_refusal(view.session, self.participant.member)
        if refused is not None and self.waiting_for is None:
            # Marked as left by the facilitator: not joined now, and what they type waits, as
            # before joining, until the facilitator takes it back.
            self.refused(str(refused), refused.waiting_for)

    def _notice_taken_back(self, view: ParticipantView) -> None:
        """Tell the member when the facilitator takes back something of theirs (their own undo
        says so itself), and give the line back to file again, in the right place."""
        seen = {e.id: e for e in view.taken_back}
        if self._taken_back_seen is None:  # joining: what was taken back before is old news
            self._taken_back_seen = seen
            return
        fresh = [e for e in view.taken_back if e.id not in self._taken_back_seen]
        put_back = [e for i, e in self._taken_back_seen.items() if i not in seen]
        self._taken_back_seen = seen  # one put back (the facilitator's F8) may be taken back again
        box = self.query_one("#capture-input", CaptureInput)
        for entry in put_back:  # filed again as it was: the line given back would file it twice
            typed = ParticipantView.typed(entry)
            if typed and box.value == typed:
                box.value = ""
            elif typed:
                box.take_from_aside(typed)
            by = f"@{plain_str(view.session.facilitator)}"
            self.query_one(CaptureBox).say(
                f"{by} put back {plain_str(entry.description)}: it is filed", ok=True
            )
        for entry in fresh:
            if self._own_undos:
                self._own_undos -= 1
                continue
            by = f"@{plain_str(view.session.facilitator)}"
            said = f"{by} took back {plain_str(entry.description)}"
            typed = ParticipantView.typed(entry)
            if typed and not box.value:
                box.give_back(typed, f"taken back by {by}")
                said += " · it is back in your box: fix it and Enter, or type over it"
            elif typed:
                box.put_aside(typed, f"taken back by {by}")
                said += " · ↑ brings it back"
            self.query_one(CaptureBox).say(said, ok=False)

    def tick(self) -> None:
        if self.view is not None:
            self.query_one(Countdown).show(PhaseTimer(self.view.phase, self.app.clock))

    # -- actions ------------------------------------------------------------------------------

    def enter(self, text: str) -> None:
        if self.refusal is not None and text.strip():
            # Not filed, and not dropped: the line waits in the box, to be Entered once joined;
            # given back selected like any refused line, so typing on starts a fresh one.
            reason = "not joined yet" if self.waiting_for else self.refusal
            self.query_one("#capture-input", CaptureInput).give_back(text, reason)
            said = "not joined yet: the line waits here; Enter files it once you have joined"
            self.query_one(CaptureBox).say(said if self.waiting_for else self.refusal, ok=False)
        elif self.refusal is not None:
            self.query_one(CaptureBox).say(self.refusal, ok=False)
        elif not text.strip():
            self.query_one(CaptureBox).say("nothing to file: type your entry, or a tag (F1)", ok=False)
        else:
            if text.split()[0].lower() == "#undo":
                self._own_undos += 1
            # Filed in the phase, and on the case in focus, shown as it was Entered, however long
            # it waits for the file.
            view = self.view
            phase = None if view is None else view.phase.position
            focus = None if view is None or view.focus is None else view.focus.id
            self.press(CommandKind.ENTRY, text, phase=phase, focus=focus)

    def action_undo(self) -> None:
        if self.refusal is None:
            self._own_undos += 1
            self.query_one("#capture-input", CaptureInput).call_later(self.press, CommandKind.UNDO)

    def action_my_actions(self) -> None:
        from coptui.ui.screens.my_actions import MyActionsScreen

        self.app.push_screen(MyActionsScreen(self.joining.member))

    def action_leave(self) -> None:
        """Back to the browser this member came from; `coptui join` ends."""
        if self.leaving_exits:
            self.app.exit()
        else:
            self.dismiss(None)

    def action_help(self) -> None:
        self.app.push_screen(
            HelpScreen(
                key_rows(self),
                key_table(PARTICIPANT_TAGS, "What you can type"),
                "You file as yourself only; the facilitator moves the phases and keeps the time.",
            )
        )


def how_it_closed(session: Session) -> str:
    """'the session has ended', or 'the session was abandoned': as the member's screen says it."""
    abandoned = session.status is SessionStatus.ABANDONED
    return "the session was abandoned" if abandoned else "the session has ended"

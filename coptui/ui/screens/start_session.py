"""Starting a session: the format, a title, the facilitator, who attends and who sent apologies.

A new member can be added on the spot. Answers given on the command line arrive filled in.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pydantic import ValidationError
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Select, SelectionList, Static
from textual.widgets.selection_list import Selection
from textual.worker import Worker

from coptui import config
from coptui.facilitation import FacilitationError, LiveSession, SessionPlan, default_title
from coptui.formats import DEFAULT_FORMAT, FormatError, SessionFormat, available_formats, builtin_formats
from coptui.models import Member, Role, Session
from coptui.ui.render import plain, plain_str
from coptui.ui.screens.dialogs import ConfirmDialog
from coptui.ui.screens.session import SessionScreen
from coptui.ui.widgets.clean_input import CleanInput
from coptui.ui.widgets.ticks import Ticks
from coptui.ui.worker_results import post_result

if TYPE_CHECKING:
    from coptui.ui.app import CoptuiApp

# The new member box's example: a handle no sample or demo community has, so it reads as new.
NEW_MEMBER_EXAMPLE = "rio Rio Tanaka"


@dataclass(frozen=True)
class StartAnswers:
    """What is already known about the session to start (from `coptui run`'s options)."""

    session_format: SessionFormat | None = None
    title: str = ""
    facilitator: str | None = None
    attendees: tuple[str, ...] = ()
    apologies: tuple[str, ...] = ()


# What the screen's workers return: each is posted to the screen when its worker is done.


@dataclass(eq=False)
class StartChoices(Message, bubble=False):
    members: list[Member]
    formats: list[SessionFormat]
    problem: str = ""
    last: Session | None = None  # the meeting held most recently, whose attendance F3 offers


@dataclass(eq=False)
class MemberAdded(Message, bubble=False):
    member: Member


@dataclass(eq=False)
class SessionStarted(Message, bubble=False):
    live: LiveSession


@dataclass
class _Known:
    formats: dict[str, SessionFormat] = field(default_factory=dict)
    members: list[Member] = field(default_factory=list)
    last: Session | None = None


def _last_meeting(last: Session, members: list[Member]) -> tuple[str, list[str]]:
    """'"November clinic" (5 Nov)' and who of today's members attended it, in list order."""
    came = set(last.attendees)
    when = f"{last.date.day} {last.date:%b}"
    return f'"{plain_str(last.title, 32)}" ({when})', [m.handle for m in members if m.handle in came]


def _member_options(members: list[Member]) -> list[tuple[Text, str]]:
    """The facilitator's choices: names are user text, so they are drawn as `Text`, never as markup."""
    return [(plain(f"{m.handle} · {m.name}"), m.handle) for m in members]


class StartSessionScreen(Screen[None]):
    app: CoptuiApp

    BINDINGS = [
        Binding("f5", "start", "Start the session", id="start_session", key_display="F5", priority=True),
        Binding("f3", "tick_last", "Tick last meeting's", id="start_tick_last", key_display="F3"),
        Binding("escape", "back", "Back", id="start_back"),
    ]

    def __init__(self, answers: StartAnswers | None = None) -> None:
        super().__init__()
        self.answers = answers or StartAnswers()
        self.known = _Known()
        # Who is ticked among the attendees only for facilitating (not by hand, not as an
        # attendee given on the command line): unticked again when someone else facilitates.
        self._ticked_to_facilitate: str | None = None

    def compose(self) -> ComposeResult:
        yield Static("Start a session", id="start-heading")
        with Horizontal(id="start-form"):
            with Vertical(id="start-left"):
                yield Label("Format")
                yield Select[str]([], id="start-format", allow_blank=True, prompt="choose a format")
                yield Label("Title")
                yield CleanInput(id="start-title", value=plain_str(self.answers.title))
                yield Label("Facilitator")
                yield Select[str]([], id="start-facilitator", allow_blank=True, prompt="who facilitates?")
                yield Label("New member: handle name, Enter")
                yield CleanInput(id="start-new-member", placeholder=NEW_MEMBER_EXAMPLE)
                yield Button("Start (F5)", id="start-button", variant="primary")
            yield Ticks(id="start-attendees")
            yield Ticks(id="start-apologies")
        yield Static(id="start-summary")
        yield Static(id="start-message")
        yield Footer()

    def on_mount(self) -> None:
        today = self.app.clock.now().astimezone().date()
        self.query_one("#start-title", Input).placeholder = default_title(today)
        for list_id, title in (("#start-attendees", "Attendees"), ("#start-apologies", "Apologies")):
            self.query_one(list_id).border_title = title
            self.query_one(list_id).border_subtitle = "space ticks"
        self.load_choices()

    @work(thread=True, group="start", exit_on_error=False)
    def load_choices(self) -> StartChoices:
        # Those who left the community are no longer offered (what they filed stays theirs).
        members = [m for m in self.app.repertoire.members() if m.left_on is None]
        last = self.app.repertoire.latest_session()
        try:
            return StartChoices(members, available_formats(config.config_dir()), last=last)
        except FormatError as error:
            return StartChoices(
                members, builtin_formats(), f"{error} (only the built-in formats are offered)", last
            )

    @work(thread=True, group="start", exit_on_error=False)
    def add_member(self, member: Member) -> MemberAdded:
        return MemberAdded(self.app.repertoire.add_member(member))

    @work(thread=True, group="start", exit_on_error=False)
    def start_session(self, plan: SessionPlan) -> SessionStarted:
        return SessionStarted(LiveSession.start(self.app.repertoire, plan, self.app.clock))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        error = post_result(self, event)
        if isinstance(error, FacilitationError):
            self.say(str(error))  # beside the form, where the answer is changed
        elif error is not None:
            self.app.report_error(error)

    @on(SessionStarted)
    def session_started(self, started: SessionStarted) -> None:
        live = started.live
        self.app.switch_screen(SessionScreen(lambda: live))

    @on(StartChoices)
    def show_choices(self, choices: StartChoices) -> None:
        answers = self.answers
        given = answers.session_format
        formats = [f for f in choices.formats if given is None or f.name != given.name]
        if given is not None:
            formats.insert(0, given)
        self.known.formats = {f.name: f for f in formats}
        self.known.members = list(choices.members)
        self.known.last = choices.last
        select = self.query_one("#start-format", Select)
        select.set_options((plain(f"{f.title} · {f.total_minutes} min"), f.name) for f in formats)
        chosen = given.name if given is not None else DEFAULT_FORMAT
        if chosen in self.known.formats:
            select.value = chosen
        facilitator = self.query_one("#start-facilitator", Select)
        facilitator.set_options(_member_options(choices.members))
        default = answers.facilitator or next(
            (m.handle for m in choices.members if m.role is Role.FACILITATOR), None
        )
        if default in {m.handle for m in choices.members}:
            facilitator.value = default
        attending = set(answers.attendees) | ({default} if default else set())
        self._ticked_to_facilitate = default if default not in answers.attendees else None
        self._fill(self.query_one("#start-attendees", SelectionList), attending)
        self._fill(self.query_one("#start-apologies", SelectionList), set(answers.apologies))
        self.show_who()
        if choices.problem:
            self.say(choices.problem)
        elif choices.last is not None and not answers.attendees:
            meeting, came = _last_meeting(choices.last, self.known.members)
            if came:
                self.say(f"F3 ticks the {len(came)} who attended the last meeting, {meeting}", ok=True)
        self.query_one("#start-format", Select).focus()

    def _fill(self, selections: SelectionList[str], chosen: set[str]) -> None:
        selections.clear_options()
        selections.add_options(
            Selection(plain(f"{m.handle}  {m.name}"), m.handle, m.handle in chosen)
            for m in self.known.members
        )
        if self.known.members:
            selections.highlighted = 0

    @on(MemberAdded)
    def member_added(self, added: MemberAdded) -> None:
        member = added.member
        self.known.members.append(member)
        self.query_one("#start-attendees", SelectionList).add_option(
            Selection(plain(f"{member.handle}  {member.name}"), member.handle, True)
        )
        self.query_one("#start-apologies", SelectionList).add_option(
            Selection(plain(f"{member.handle}  {member.name}"), member.handle, False)
        )
        facilitator = self.query_one("#start-facilitator", Select)
        chosen = facilitator.value
        facilitator.set_options(_member_options(self.known.members))
        if isinstance(chosen, str):
            facilitator.value = chosen
        self.query_one("#start-new-member", Input).value = ""
        self.say(f"@{member.handle} joined the community and attends today", ok=True)

    @on(Select.Changed, "#start-facilitator")
    def facilitator_chosen(self, event: Select.Changed) -> None:
        """Whoever facilitates attends: ticked among the attendees, as the session will have them.
        The one they replace is unticked again if they were ticked only for facilitating."""
        attendees = self.query_one("#start-attendees", SelectionList)
        before, now = self._ticked_to_facilitate, event.value
        if before != now:
            if before is not None:
                attendees.deselect(before)
            self._ticked_to_facilitate = None
            if isinstance(now, str) and now not in attendees.selected:
                attendees.select(now)
                self._ticked_to_facilitate = now
        self.show_who()

    @on(SelectionList.SelectionToggled, "#start-attendees")
    def attendee_toggled(self, event: SelectionList.SelectionToggled[str]) -> None:
        """Ticked or unticked by hand: what the user said stands when the facilitator changes."""
        if event.selection.value == self._ticked_to_facilitate:
            self._ticked_to_facilitate = None

    def action_tick_last(self) -> None:
        """Most of who came last time come again: tick them in one key, as if ticked by hand."""
        if self.known.last is None:
            self.say("no meeting was held before this one: tick who attends with space")
            return
        meeting, came = _last_meeting(self.known.last, self.known.members)
        if not came:
            self.say(f"nobody who attended {meeting} is still a member: tick who attends with space")
            return
        attendees = self.query_one("#start-attendees", SelectionList)
        for handle in came:
            attendees.select(handle)
        if self._ticked_to_facilitate in came:
            self._ticked_to_facilitate = None  # they attend as last time, whoever facilitates
        self.say(f"ticked the {len(came)} who attended {meeting}: untick who is absent", ok=True)

    @on(SelectionList.SelectedChanged)
    def show_who(self) -> None:
        """Ticks are easy to miss across a room: say in words who attends and who sent apologies,
        as the session will have them (the facilitator attends, ticked or not)."""
        ticked = set(self.query_one("#start-attendees", SelectionList).selected)
        attending = [m.handle for m in self.known.members if m.handle in ticked]
        facilitator = self.query_one("#start-facilitator", Select).value
        if isinstance(facilitator, str):
            if facilitator not in attending:
                attending.insert(0, facilitator)  # as `LiveSession.start` puts them
            attending = [f"{h} (facilitating)" if h == facilitator else h for h in attending]
            ticked.add(facilitator)
        away = set(self.query_one("#start-apologies", SelectionList).selected) - ticked
        text = f"Attending ({len(attending)}): {', '.join(attending) or 'nobody yet'}"
        if away:
            text += f" · apologies: {', '.join(sorted(away))}"
        self.query_one("#start-summary", Static).update(plain(text, width=400))

    def say(self, message: str, *, ok: bool = False) -> None:
        self.query_one("#start-message", Static).update(
            plain(("✓ " if ok else "✗ ") + message, width=400, style="green" if ok else "bold red")
        )

    @on(Input.Submitted, "#start-new-member")
    def new_member(self, event: Input.Submitted) -> None:
        handle, _, name = event.value.strip().partition(" ")
        if not handle:
            self.say(f"type a handle and a name, as in: {NEW_MEMBER_EXAMPLE}")
            return
        try:
            member = Member(handle=handle, name=name.strip() or handle.lstrip("@"))
        except ValidationError:
            self.say(f"{handle!r} cannot be a handle: use lower-case letters, digits, '.', '_' or '-'")
            return
        handles = [m.handle for m in self.known.members]
        if member.handle in handles:
            self.say(f"@{member.handle} is already a member")
            return
        # A typo must not make a member: ask, and name a member it may have meant.
        close = difflib.get_close_matches(member.handle, handles, n=1, cutoff=0.6)
        detail = f"Did you mean @{close[0]}? Escape, then tick them below." if close else ""

        def answered(yes: bool | None) -> None:
            if yes:
                self.add_member(member)
            else:
                self.say("no member added")

        self.app.push_screen(
            ConfirmDialog(f"Add @{member.handle} ({plain_str(member.name)}) to the community?", detail),
            answered,
        )

    @on(Input.Submitted, "#start-title")
    def title_entered(self) -> None:
        self.query_one("#start-facilitator", Select).focus()

    @on(Button.Pressed, "#start-button")
    def start_pressed(self) -> None:
        self.action_start()

    def action_start(self) -> None:
        format_name = self.query_one("#start-format", Select).value
        facilitator = self.query_one("#start-facilitator", Select).value
        if not isinstance(format_name, str) or format_name not in self.known.formats:
            self.say("choose a format first")
            return
        if not isinstance(facilitator, str):
            self.say("choose who facilitates")
            return
        # The speaking order follows the list, not the order people were ticked in.
        ticked = set(self.query_one("#start-attendees", SelectionList).selected)
        away = set(self.query_one("#start-apologies", SelectionList).selected)
        attendees = [m.handle for m in self.known.members if m.handle in ticked]
        apologies = [m.handle for m in self.known.members if m.handle in away]
        self.start_session(
            SessionPlan(
                session_format=self.known.formats[format_name],
                facilitator=facilitator,
                attendees=attendees,
                apologies=[a for a in apologies if a not in ticked],
                title=self.query_one("#start-title", Input).value,
            )
        )

    def action_back(self) -> None:
        self.dismiss(None)

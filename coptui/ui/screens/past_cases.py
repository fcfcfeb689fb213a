"""The stories of the cases seen before, opened over the live session without leaving it (Ctrl+O).

The session goes on underneath: its recorder files every line already Entered, its timer
runs (the title here counts down with it), and the capture box keeps what was typed in it.
Typing goes on too: characters, Backspace and Enter typed here are handed to the capture box
in order (a line Entered here is filed), and the line being typed shows at the foot.
↑↓ and PgUp/PgDn stay with the stories; Escape returns to the session as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from coptui.facilitation import PhaseTimer, SessionView
from coptui.store.practice_records import SimilarCase
from coptui.ui.detail import Detail
from coptui.ui.render import plain
from coptui.ui.stories import case_detail
from coptui.ui.widgets.capture import CaptureInput
from coptui.ui.widgets.countdown import countdown_face
from coptui.ui.widgets.story_view import StoryView

if TYPE_CHECKING:
    from coptui.ui.app import CoptuiApp


class PastCasesScreen(ModalScreen[None]):
    app: CoptuiApp

    BINDINGS = [
        Binding("escape,ctrl+o", "dismiss", "Back", id="past_cases.close", tooltip="back to the session"),
        Binding("pageup", "scroll_story(-1)", "Scroll up", id="past_cases.page_up", show=False),
        Binding("pagedown", "scroll_story(1)", "Scroll down", id="past_cases.page_down", show=False),
    ]

    class Told(Message):
        def __init__(self, case_id: int, story: Detail) -> None:
            super().__init__()
            self.case_id, self.story = case_id, story

    def __init__(self, similar: list[SimilarCase], view: SessionView, capture: CaptureInput) -> None:
        super().__init__()
        self.similar = similar
        self.view = view
        self.capture = capture  # the session's capture box, underneath: typing here goes on there
        self._showing: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="past-cases"):
            yield OptionList(
                *(
                    Option(plain(f"{n}  {found.case.title}"), id=str(found.case.id))
                    for n, found in enumerate(self.similar, start=1)
                ),
                id="past-cases-list",
            )
            yield StoryView(id="past-case-story")
            yield Static(id="past-cases-typing")

    def on_mount(self) -> None:
        self.tick()
        self._show_typing()
        self.set_interval(1, self.tick)
        listing = self.query_one(OptionList)
        listing.highlighted = 0
        listing.focus()

    def tick(self) -> None:
        """The session's timer, counting on here: the meeting does not stop while a story is read."""
        timer = PhaseTimer(self.view.phase, self.app.clock)
        frame = self.query_one("#past-cases")
        frame.border_title = "Seen before · ↑↓ another case · Escape back to the session"
        frame.border_subtitle = f"⏱ {countdown_face(timer.remaining_seconds)}"

    def on_key(self, event: events.Key) -> None:
        """Keys a facilitator types as capture go to the capture box, in the order typed."""
        if not (event.is_printable or event.key in ("backspace", "enter")):
            return  # ↑↓ choose a story, Escape closes: the bindings take them
        event.stop()
        event.prevent_default()
        self.capture.call_later(self.capture.type_key, event.key, event.character)
        self.capture.call_later(self._show_typing)

    def _show_typing(self) -> None:
        line = Text("typing: ", style="dim")
        line.append_text(plain(self.capture.value, style="bold"))
        line.append("▏ goes on in the session's box, Enter files it", style="dim")
        self.query_one("#past-cases-typing", Static).update(line)

    def action_scroll_story(self, pages: int) -> None:
        story = self.query_one(StoryView)
        if pages < 0:
            story.scroll_page_up()
        else:
            story.scroll_page_down()

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None:
            self._showing = int(event.option.id)
            self._tell(self._showing)

    @work(thread=True, exclusive=True, group="past-case", exit_on_error=False)
    def _tell(self, case_id: int) -> None:
        self.post_message(self.Told(case_id, case_detail(self.app.repertoire.case_story(case_id))))

    @on(Told)
    def _told(self, message: Told) -> None:
        if message.case_id == self._showing:
            self.query_one(StoryView).show(message.story)

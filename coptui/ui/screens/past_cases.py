"""The stories of the cases seen before, opened over the live session without leaving it (Ctrl+O).

The session goes on underneath: its recorder files every line already Entered, its timer
runs (the title here counts down with it), and the capture box keeps what was typed in it.
Escape returns to it as it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from coptui.facilitation import PhaseTimer, SessionView
from coptui.store.practice_records import SimilarCase
from coptui.ui.detail import Detail
from coptui.ui.render import plain
from coptui.ui.stories import case_detail
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

    def __init__(self, similar: list[SimilarCase], view: SessionView) -> None:
        super().__init__()
        self.similar = similar
        self.view = view
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

    def on_mount(self) -> None:
        self.tick()
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

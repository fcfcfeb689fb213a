"""The keys read from the terminal, handed on in order, each once what the one before set off is done.

Pastes and mouse buttons wait in the same queue: what the user did applies in the order done (a
paste behind a typed line lands after it, a click behind ↓ acts after the move).

A key acts on what the keys before it chose: the row ↓ moved to (and so the item an edit key
opens), the field a select's menu gave the focus back to, the form a key opened. But a key goes
to its widget's queue, and what it sets off (the list telling the screen which row is under the
cursor, a focus moved through the app's queue) follows a moment later, while a binding of the
app or the screen marked priority acts as the key is read. Over SSH, or from a fast typist, keys
arrive batched: without this queue the outcome of a burst would depend on how fast it came.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from textual import events
from textual.errors import NoWidget
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Select

# What waits in the queue, beside keys: what the user did with a paste or a mouse button.
QUEUED = (events.Key, events.Paste, events.MouseDown, events.MouseUp)

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

# The longest keys wait for a screen that holds them (`hold`), or for a widget's answer that it has
# settled (a widget removed with the question still queued never answers): then they go on.
KEYS_HELD_AT_MOST = 5.0


class KeyQueue:
    """The keys an app has read and not handed on yet, and what each next one waits for.

    A key waits until: the screen in front has handled what opened it (its focus is set by then);
    the widget the key before it went to (its parents, the widget in focus, a select's menu) has
    nothing queued and the focus is as it was one turn of the app's queue before; and a screen
    that holds the keys (`hold`: a search's results are on their way) lets them go. A paste or a
    mouse button (`QUEUED`) waits as a key does; every other event goes to the app at once.
    """

    def __init__(self, app: App[Any], hand_on: Callable[[events.Event], Awaitable[None]]) -> None:
        self._app = app
        self._hand_on = hand_on  # the app's own handling of an input: its bindings, then the focus
        self._waiting: list[events.Event] = []
        self._screen_ready: Screen[Any] | None = None  # the screen in front, once it has opened
        self._asked_screen: Screen[Any] | None = None  # the screen asked to say when it has opened
        # The widget the last key went to, until it has settled (see `_settled`).
        self._went_to: Widget | None = None
        self._seen: tuple[Widget | None, bool] | None = None
        self._settle_asked = 0  # the question out, counted: a late answer to an earlier one is not this one's
        self._settle_answers = 0
        self._asked_at = 0.0
        self._overdue_check: Timer | None = None  # runs while a question is out, for the bound
        self._holding: Screen[Any] | None = None  # a screen not ready for the keys behind the last one
        self._hold_timer: Timer | None = None  # lets the keys go if the screen never says it is ready

    async def read(self, event: events.Event) -> None:
        """A key (a paste, a mouse button) the terminal sent: it goes behind the ones still waiting."""
        self._waiting.append(event)
        await self._hand_on_keys()

    def hold(self, screen: Screen[Any]) -> None:
        """The keys read after the one `screen` is handling wait, in order, until it calls
        `release` (a search's results are in the list), or for `KEYS_HELD_AT_MOST` at most."""
        if self._hold_timer is not None:  # an earlier hold's bound is not this one's
            self._hold_timer.stop()
        self._holding = screen
        self._hold_timer = self._app.set_timer(KEYS_HELD_AT_MOST, lambda: self.release(screen))

    def release(self, screen: Screen[Any]) -> None:
        if self._holding is screen:
            self._holding = None
            if self._hold_timer is not None:
                self._hold_timer.stop()
                self._hold_timer = None
            self._app.call_later(self._hand_on_keys)

    async def _hand_on_keys(self) -> None:
        """Hand on the keys waiting, oldest first, until one has to wait."""
        app = self._app
        while self._waiting:
            if self._holding is app.screen:
                return  # `release` hands them on
            if app.screen is not self._screen_ready:
                self._ask_when_open(app.screen)
                return
            if self._went_to is not None and not self._settled(self._went_to):
                return
            event = self._waiting.pop(0)
            went_to = self._goes_to(event)
            # A character typed into a text box moves no focus and chooses nothing: the next key
            # goes on behind it at once, so a line typed in a burst is not slowed key by key.
            self._went_to = None if _typed_into(event, went_to) else went_to
            await self._hand_on(event)

    def _goes_to(self, event: events.Event) -> Widget:
        """The widget `event` is handed to: the one under the pointer for a mouse button, else the focus."""
        app = self._app
        if isinstance(event, events.MouseEvent):
            try:
                return app.get_widget_at(event.x, event.y)[0]
            except NoWidget:
                return app.screen
        return app.focused or app.screen

    def _ask_when_open(self, screen: Screen[Any]) -> None:
        """Have `screen` say, through the app's queue, once it has handled what is queued for it."""
        if self._asked_screen is not screen:
            self._asked_screen = screen
            screen.call_later(self._app.call_later, self._opened, screen)

    async def _opened(self, screen: Screen[Any]) -> None:
        self._asked_screen = None
        if screen is self._app.screen:
            self._screen_ready = screen
        await self._hand_on_keys()  # if it closed meanwhile, the screen in front now is asked

    def _settled(self, widget: Widget) -> bool:
        """Whether `widget` has handled the keys handed to it, and what they set off is done.

        What a key sets off goes up through the widget's parents to the screen (the list telling
        the browser which row is under the cursor), and a select's menu takes and gives back the
        focus through the app's queue, behind the keys read since: settled is when the widget,
        its parents (and a select's menu) have nothing queued, and the focus (and the menu) are
        as they were one turn of the app's queue before. Until then it is asked again, through
        whichever of them is busy.
        """
        app = self._app
        if self._settle_asked > self._settle_answers:  # only the answer decides: a key read meanwhile
            return False  # may be ahead of a focus
        if not widget.is_attached or widget.screen is not app.screen:
            self._went_to = self._seen = None
            return True  # closed or covered: the screen in front is what the next key goes to
        select = widget if isinstance(widget, Select) else None
        # A key it does not take itself goes up through the screen to the app's bindings; the
        # next key goes to the widget in focus now, which may have something of its own queued.
        focused = app.focused.ancestors_with_self if app.focused else []
        path = [*(select.walk_children() if select else ()), *widget.ancestors_with_self, *focused]
        busy = next((node for node in path if node is not app and node.message_queue_size), None)
        seen = (app.focused, select is not None and select.expanded)
        if busy is None and seen == self._seen:
            self._went_to = self._seen = None
            return True
        self._seen = None if busy else seen
        self._settle_asked += 1
        self._asked_at = time.monotonic()
        (busy or app).call_later(app.call_later, self._settle_answered, self._settle_asked)
        if self._overdue_check is None:
            self._overdue_check = app.set_interval(1.0, self._answer_overdue)
        self._overdue_check.resume()
        return False

    async def _settle_answered(self, question: int) -> None:
        if question != self._settle_asked:
            return  # an earlier question's, answered by the bound
        self._settle_answers = question
        await self._hand_on_keys()

    async def _answer_overdue(self) -> None:
        """The bound on a question: a widget removed with it still queued never answers."""
        if self._settle_answers == self._settle_asked and self._overdue_check is not None:
            self._overdue_check.pause()
        elif time.monotonic() - self._asked_at > KEYS_HELD_AT_MOST:
            await self._settle_answered(self._settle_asked)


def _typed_into(event: events.Event, widget: Widget) -> bool:
    """Whether `event` is a character that `widget` (a text box) takes as typing."""
    return (
        isinstance(event, events.Key)
        and event.is_printable
        and widget.check_consume_key(event.key, event.character)
    )

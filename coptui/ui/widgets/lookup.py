"""A line or panel drawn from a store lookup that runs in a thread worker whenever its question changes.

Typing never waits for it: each new question starts a worker, and only the answer to the
latest question is drawn; one that comes back after the question moved on is dropped, so
the widget shows the last answer (or nothing) meanwhile.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

from textual import on, work
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from coptui.ui.app import CoptuiApp

Q = TypeVar("Q")
A = TypeVar("A")


class Lookup(Static, Generic[Q, A]):
    app: CoptuiApp

    class Answered(Message):
        def __init__(self, question: Any, answer: Any) -> None:
            super().__init__()
            self.question, self.answer = question, answer

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.display = False
        self.asked: Q | None = None

    def look_up(self, question: Q) -> A:
        """The answer, from the store: runs in a worker thread, and must not touch widgets."""
        raise NotImplementedError

    def answered(self, answer: A) -> None:
        """Draw the answer to the question asked last."""
        raise NotImplementedError

    def forget(self) -> None:
        """There is no question now: nothing to show."""
        self.asked = None
        self.display = False

    def ask(self, question: Q | None) -> None:
        if question is None:
            self.forget()
        elif question != self.asked:
            self.asked = question
            self._look_up(question)

    @work(thread=True, exclusive=True, group="lookup", exit_on_error=False)
    def _look_up(self, question: Q) -> None:
        self.post_message(self.Answered(question, self.look_up(question)))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.app.report_error(event.worker.error)

    @on(Answered)
    def _answered(self, message: Answered) -> None:
        message.stop()
        if message.question == self.asked:
            self.answered(message.answer)

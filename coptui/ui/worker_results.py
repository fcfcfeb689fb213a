"""A worker's result, as a message to the screen or widget that started it.

A thread worker returns a `Message` (a dataclass of what it read or wrote); when it
finishes, `post_result` posts that message to the node that started the worker, where one
`@on` handler per kind of result puts it on screen. A worker cancelled by a newer one of
its group posts nothing, so a stale result never overtakes a fresh one.
"""

from __future__ import annotations

from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import Worker, WorkerState


def post_result(node: MessagePump, event: Worker.StateChanged) -> BaseException | None:
    """Post a finished worker's message to `node`; return a failed one's error, for `node` to report."""
    worker = event.worker
    if event.state is WorkerState.SUCCESS and isinstance(worker.result, Message):
        node.post_message(worker.result)
    elif event.state is WorkerState.ERROR:
        return worker.error
    return None

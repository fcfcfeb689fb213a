"""The coptui Textual app: it holds the open repertoire and wires the screens together.

Data flows one way. Screens ask for data in thread workers (`@work(thread=True)`)
that call the store and return models; workers never touch widgets. Each screen's
`on_worker_state_changed` puts results on screen, and the app turns any worker
error into a notification, so a failed query never takes the app down.
"""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding
from textual.worker import Worker, WorkerState

from coptui.store import Repertoire
from coptui.ui.screens.home import HomeScreen
from coptui.ui.themes import DEFAULT_THEME, HIGH_CONTRAST


class CoptuiApp(App[None]):
    CSS_PATH = "coptui.tcss"
    TITLE = "coptui"
    BINDINGS = [
        Binding("ctrl+c", "quit", "Quit", id="quit", show=False, priority=True),
        Binding("q", "quit", "Quit", id="quit_q"),
    ]

    def __init__(self, repertoire: Repertoire, *, theme: str | None = None) -> None:
        super().__init__()
        self.repertoire = repertoire
        self.register_theme(HIGH_CONTRAST)
        self.theme = theme or DEFAULT_THEME

    def on_mount(self) -> None:
        self.push_screen(HomeScreen())

    def toggle_high_contrast(self) -> None:
        self.theme = DEFAULT_THEME if self.theme == HIGH_CONTRAST.name else HIGH_CONTRAST.name

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.notify(str(event.worker.error), title="Something went wrong", severity="error", markup=False)

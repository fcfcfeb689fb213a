"""Keys reach the screen they were typed at: in a burst, and while the app is still starting."""

from __future__ import annotations

from pathlib import Path

from textual import events
from ui_helpers import screen_lines, settle

from coptui.store import Repertoire
from coptui.ui.app import CoptuiApp
from coptui.ui.screens.home import HomeScreen


def key_events(typed: str) -> list[events.Key]:
    """What a terminal delivers when `typed` arrives in one read: one Key per character."""
    names = {"/": "slash", "\r": "enter", "\x1b": "escape"}
    return [events.Key(names.get(ch, ch), ch) for ch in typed]


def search_box(app: CoptuiApp) -> str:
    """The search line as drawn: the third line of the browser (masthead, hidden banner, box)."""
    return screen_lines(app)[1].strip()


class TypedAtStart(CoptuiApp):
    """Keys the user typed before the first screen was drawn, queued as the app mounts."""

    CSS_PATH = str(Path(__file__).resolve().parent.parent / "coptui" / "ui" / "coptui.tcss")

    def __init__(self, repertoire: Repertoire, typed: str) -> None:
        super().__init__(repertoire)
        self.typed = typed

    def on_mount(self) -> None:
        super().on_mount()
        for event in key_events(self.typed):
            self.post_message(event)


async def test_keys_typed_while_the_browser_starts_reach_the_search_box(db_path: Path) -> None:
    with Repertoire.open(db_path, read_only=True) as repertoire:
        app = TypedAtStart(repertoire, "/alert")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            assert search_box(app) == "alert"
            assert "Search: alert" in "\n".join(screen_lines(app))


async def test_a_burst_of_keys_after_slash_lands_in_the_box_and_a_slash_in_the_box_is_typed(
    db_path: Path,
) -> None:
    with Repertoire.open(db_path, read_only=True) as repertoire:
        app = CoptuiApp(repertoire)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            for event in key_events("/alert/night"):
                app.post_message(event)
            await settle(pilot)
            assert search_box(app) == "alert/night"


async def test_keys_after_enter_or_escape_in_the_box_go_to_the_list(db_path: Path) -> None:
    with Repertoire.open(db_path, read_only=True) as repertoire:
        app = CoptuiApp(repertoire)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            # `/` selects what the box holds, so the second search replaces the first.
            for typed, shown in (("/alert\rj", "alert"), ("/night\x1bj", "night")):
                for event in key_events(typed):
                    app.post_message(event)
                await settle(pilot)
                assert search_box(app) == shown, typed
                assert app.focused is app.screen.query_one("#list")

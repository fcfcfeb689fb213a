"""Under the capture box while a new strategy is typed: practices tried before with similar words.

Reuse should be the easy path: `#strategy @ben sbar` shows "=3 Structured SBAR handover
✓3 ◐1 ✗1 · Tab takes it", and Tab makes the line `#strategy @ben =3 `. The lookup runs
beside the typing (see `Lookup`).
"""

from __future__ import annotations

from rich.text import Text

from coptui.facilitation.tags import strategy_being_typed
from coptui.store.practice_records import PracticeRecord
from coptui.ui.render import plain
from coptui.ui.widgets.lookup import Lookup

SHOWN = 3


class PracticeHints(Lookup[str, list[PracticeRecord]]):
    practices: list[PracticeRecord] = []

    @property
    def offered(self) -> PracticeRecord | None:
        """The practice Tab takes now: the most alike to the words in the box."""
        return self.practices[0] if self.display and self.practices else None

    def typed(self, line: str) -> None:
        """The capture box holds `line` now: look up practices if it is a new strategy being typed."""
        words = strategy_being_typed(line)
        self.ask(words if words is not None and len(words.strip()) >= 3 else None)

    def look_up(self, question: str) -> list[PracticeRecord]:
        return self.app.repertoire.suggest_practices(question, limit=SHOWN)

    def forget(self) -> None:
        super().forget()
        self.practices = []

    def answered(self, answer: list[PracticeRecord]) -> None:
        self.practices = answer
        self.display = bool(answer)
        if answer:
            self.update(hint_line(answer))


def hint_line(practices: list[PracticeRecord]) -> Text:
    first, *others = practices
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(f"={first.practice.id} ", style="bold")
    line.append_text(plain(first.practice.name, width=48, style="bold"))
    line.append(f" {first.record.marks()} · Tab takes it", style="dim")
    for other in others:
        line.append(f" · ={other.practice.id} ", style="dim")
        line.append_text(plain(other.practice.name, width=24, style="dim"))
    return line

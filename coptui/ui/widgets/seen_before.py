"""Seen before: while a case is in focus, the past cases most like it and what worked for them.

The repertoire read in the meeting: as soon as the case in focus has a title (and again
when its context, question or topics change), the store is asked for the cases most like
it (beside the typing: see `Lookup`); the panel draws them with their date, status and
the outcome of what was tried, and beneath, the practices that worked or partly worked
for them.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from coptui.models import Case
from coptui.store.practice_records import PracticeRecord, SimilarCase
from coptui.ui.render import plain
from coptui.ui.widgets.lookup import Lookup

SIMILAR_CASES = 5
# On a small screen the panel keeps to a few lines, under what the group is working on.
SMALL_SCREEN_ROWS = 3
# From this width a case, its date, status and record share one line.
WIDE = 90

_Asked = tuple[int, str, str, str, tuple[str, ...]]


def asked_about(case: Case) -> _Asked | None:
    """What the lookup for `case` depends on: a new lookup when any of it changes."""
    if case.id is None or not case.title:
        return None
    return (case.id, case.title, case.context, case.question, tuple(case.topics))


class SeenBefore(Lookup[_Asked, list[SimilarCase]]):
    similar: list[SimilarCase] = []

    def follow(self, case: Case | None) -> None:
        """The case in focus is `case` now (or none): look up what resembles it, if that changed."""
        self.ask(None if case is None else asked_about(case))

    def look_up(self, question: _Asked) -> list[SimilarCase]:
        # The other cases of this meeting are its agenda, not what the group has seen before.
        return self.app.repertoire.similar_cases(question[0], limit=SIMILAR_CASES, earlier_only=True)

    def forget(self) -> None:
        super().forget()
        self.similar = []

    def answered(self, answer: list[SimilarCase]) -> None:
        self.similar = answer
        self.display = True
        self.redraw()
        # It arrives after the workspace scrolled to what was just filed: bring it into view too.
        self.call_after_refresh(self.scroll_visible, animate=False)

    def on_resize(self) -> None:
        if self.display:
            self.redraw()

    def redraw(self) -> None:
        rows = SMALL_SCREEN_ROWS if self.screen.size.height < 30 else SIMILAR_CASES
        self.update(seen_before(self.similar, rows, wide=self.size.width >= WIDE))


def seen_before(similar: list[SimilarCase], rows: int, *, wide: bool) -> Group:
    heading = Text("\nSeen before", style="bold underline")
    if not similar:
        heading.append("  nothing like it in the repertoire yet", style="dim not underline")
        return Group(heading)
    heading.append("  Ctrl+O opens their stories", style="dim not underline")
    cases = Table.grid(expand=True, padding=(0, 1, 0, 0))
    cases.add_column(width=2, justify="right")
    cases.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    for number, found in enumerate(similar[:rows], start=1):
        case = found.case
        tried = found.record.marks() if found.record.tried else "nothing tried yet"
        when = Text(f"{case.opened_on:%d %b %Y} · {case.status.marked} · {tried}", style="dim")
        if wide:
            cases.add_row(Text(str(number), style="bold"), Text.assemble(plain(case.title), "  ", when))
        else:  # the title whole on its own line, what became of it beneath
            cases.add_row(Text(str(number), style="bold"), plain(case.title))
            cases.add_row("", when)
    practices = what_worked(similar)
    parts: list[Table | Text] = [heading, cases]
    if practices:
        parts.append(Text("What worked for them", style="bold"))
        worked = Table.grid(expand=True, padding=(0, 1, 0, 0))
        worked.add_column(no_wrap=True, justify="right")
        worked.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        worked.add_column(no_wrap=True)
        for record in practices[:rows]:
            worked.add_row(
                Text(f"={record.practice.id}", style="bold"),
                plain(record.practice.name),
                Text(record.record.marks(), style="green"),
            )
        parts.append(worked)
    return Group(*parts)


def what_worked(similar: list[SimilarCase]) -> list[PracticeRecord]:
    """The practices that worked or partly worked for these cases, each once, best evidence first."""
    found: dict[int, PracticeRecord] = {}
    for case in similar:
        for record in case.practices:
            found.setdefault(record.practice.id or 0, record)
    return sorted(found.values(), key=lambda record: -record.evidence)

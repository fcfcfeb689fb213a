"""A participant's view of the phase: its prompt and what has been filed in it (a `ParticipantView`)."""

from __future__ import annotations

from datetime import date

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from coptui.counts import plural
from coptui.facilitation.my_actions import MyAction
from coptui.facilitation.participant import ParticipantView
from coptui.models import PhaseKind
from coptui.ui.render import block, plain, plain_str
from coptui.ui.widgets.workspace import (
    actions_agreed,
    case_details,
    cases_table,
    heading,
    matter_lines,
    notes_table,
    phase_notes,
    report_line,
    strategies_table,
)

# What a participant may type in each kind of phase, as the box's placeholder says it.
PLACEHOLDERS = {
    PhaseKind.CHECK_IN: "Your check-in, then Enter",
    PhaseKind.PROBLEM_SHARING: "#case title (a case you bring) · #context · #question · or a note",
    PhaseKind.PROBLEM_SOLVING: "#strategy text · #vote N [dots] · or a note",
    PhaseKind.REPORT_BACK: "#report N worked|partly|did-not-work|not-tried story · or a note",
}
# In check-in once theirs is filed: one check-in each, what follows is a note.
CHECKED_IN_PLACEHOLDER = "A note (your check-in is filed), then Enter"


class ParticipantWorkspace(VerticalScroll):
    def compose(self) -> ComposeResult:
        yield Static(id="workspace-body")

    def show(self, view: ParticipantView) -> None:
        phase = view.phase
        self.border_title = Content(plain_str(phase.title))
        self.border_subtitle = f"phase {phase.position + 1} of {len(view.session.phases)}"
        parts: list[RenderableType] = []
        if phase.prompt:
            parts.append(block(phase.prompt, style="italic dim"))
        kind = phase.kind
        if kind is PhaseKind.CHECK_IN:
            parts.extend(self._check_in(view))
        elif kind is PhaseKind.PROBLEM_SOLVING:
            parts.extend(self._solving(view))
        elif kind is PhaseKind.REPORT_BACK:
            parts.extend(self._report_back(view))
        else:
            parts.extend(self._sharing(view))
        self.query_one("#workspace-body", Static).update(Group(*parts))

    def _check_in(self, view: ParticipantView) -> list[RenderableType]:
        if not view.notes:
            return [Text("\nNo check-in yet: type yours and press Enter.", "dim")]
        return [heading("Check-ins"), notes_table(list(view.notes), among_check_ins=True)]

    def _sharing(self, view: ParticipantView) -> list[RenderableType]:
        parts: list[RenderableType] = []
        if not view.cases:
            parts.append(Text("\nNo case yet: #case title brings one you present.", "dim"))
        else:
            parts.append(heading("Cases"))
            ids = [case.id for case in view.cases]
            focus = ids.index(view.focus.id) if view.focus is not None and view.focus.id in ids else None
            parts.append(cases_table(view.cases, focus))
        if view.focus is not None:
            parts.extend(case_details(view.focus))
        parts.extend(phase_notes(view.notes))
        return parts

    def _solving(self, view: ParticipantView) -> list[RenderableType]:
        case = view.focus
        if case is None:
            return [Text("\nNo case in focus yet: the facilitator brings one into focus.", "dim")]
        parts: list[RenderableType] = [Text.assemble(("\n", ""), plain(case.title, style="bold"))]
        parts.append(Text.assemble(("brought by ", "dim"), plain(case.presenter, style="dim")))
        if case.question:
            parts.append(Text.assemble(("Question: ", "bold"), block(case.question)))
        dots = f"{plural(view.dots_left, 'dot')} of {view.dots_per_case} left"
        parts.append(heading("Strategies", f"#vote N [dots] · {dots}"))
        if not view.numbers.numbered:
            parts.append(Text("None yet: #strategy text proposes one.", "dim"))
        else:
            parts.append(
                strategies_table(
                    view.numbers,
                    lambda s: block(s.text),
                    lambda s: s.votes if view.votes_revealed else view.my_votes.get(s.id or 0, 0),
                )
            )
            said = (
                "Everyone's votes, revealed by the facilitator."
                if view.votes_revealed
                else "● are your dots; everyone's stay hidden until the facilitator reveals them."
            )
            parts.append(Text(said, style="dim"))
        agreed = actions_agreed(view.actions, case, view.numbers)
        if agreed:  # what the presenter (and the rest) committed to, as the facilitator's screen lists it
            parts.append(heading("Actions agreed"))
            parts.extend(agreed)
        parts.extend(phase_notes(view.notes))
        return parts

    def _report_back(self, view: ParticipantView) -> list[RenderableType]:
        # Numbered as on the facilitator's screen, and reported ones stay where they were: the
        # numbers hold all session, so "report on 3" means the same on every screen.
        parts: list[RenderableType] = [heading("Your matters arising", "#report N outcome story")]
        if not view.my_matters:
            parts.append(Text("No actions of yours from earlier sessions are open.", "dim"))
        parts.extend(matter_lines(matter, view.session.date, owner=False) for matter in view.my_matters)
        if view.reports:
            parts.append(heading("Reported this session"))
            parts.extend(report_line(report) for report in view.reports)
        parts.extend(phase_notes(view.notes))
        return parts


def my_action_line(mine: MyAction, today: date) -> Table:
    """One of the member's open actions, with the case behind it; overdue said in words, as the
    facilitator's matters arising say it. Wrapped lines hang under the text, not its number."""
    action = mine.action
    line = Text(plain_str(action.text))  # wraps, in its column
    if action.due is not None and action.overdue_on(today):
        line.append(f" · ⚠ overdue {action.due:%d %b %Y}", style="bold red")
    elif action.due:
        line.append(f" · due {action.due:%d %b %Y}", style="dim")
    if mine.case_title:
        line.append("\ncase: ", style="dim")
        line.append_text(plain(mine.case_title, style="dim"))
    table = Table.grid(padding=(0, 1, 0, 0))
    table.add_column(width=2, justify="right", style="bold")
    table.add_column(ratio=1, overflow="fold")
    table.add_row(str(mine.number), line)
    return table

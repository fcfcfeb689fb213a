"""The current phase's workspace: what the group is working on, drawn from a `SessionView`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from coptui.counts import plural
from coptui.facilitation import MatterArising, MattersArising, SessionView, clock_face, lean_coffee
from coptui.facilitation.strategy_numbers import StrategyNumbers
from coptui.models import Action, Case, Note, NoteKind, PhaseKind, ReportBack, Strategy
from coptui.ui.render import block, plain, plain_str
from coptui.ui.widgets.seen_before import SeenBefore

if TYPE_CHECKING:
    from coptui.ui.app import CoptuiApp


class PhaseWorkspace(VerticalScroll):
    app: CoptuiApp
    _view: SessionView | None = None  # the last drawn, redrawn each second for a Lean Coffee topic's clock

    def compose(self) -> ComposeResult:
        yield Static(id="workspace-body")
        yield SeenBefore(id="seen-before")

    def on_mount(self) -> None:
        self.set_interval(1, self._tick)

    def _tick(self) -> None:
        """Redraw the Lean Coffee topic's countdown as the app's clock moves on."""
        if self._view is not None and lean_coffee.is_lean_coffee(self._view.session):
            self.show(self._view)

    def show(self, view: SessionView) -> None:
        phase = view.phase
        # Titles are the community's text: shown as typed, never read as markup.
        self.border_title = Content(f"{plain_str(phase.title)}{self._case_heading(view)}")
        count = len(view.session.phases)
        last = " · F5 twice ends the session" if phase.position == count - 1 else ""
        self.border_subtitle = f"phase {phase.position + 1} of {count}{last}"
        parts: list[RenderableType] = []
        if phase.prompt:
            # Whole and wrapped at every size: guidance cut mid-sentence is no guidance (PgUp/PgDn scroll).
            parts.append(block(phase.prompt, style="italic dim"))
        self._view = view
        kind = phase.kind
        if lean_coffee.is_lean_coffee(view.session):
            parts.extend(self._lean_coffee(view))
        elif kind is PhaseKind.CHECK_IN:
            parts.extend(self._check_in(view))
        elif kind is PhaseKind.PROBLEM_SHARING:
            parts.extend(self._sharing(view))
        elif kind is PhaseKind.PROBLEM_SOLVING:
            parts.extend(self._solving(view))
        else:
            parts.extend(self._report_back(view))
        self.query_one("#workspace-body", Static).update(Group(*parts))
        seen = kind in (PhaseKind.PROBLEM_SHARING, PhaseKind.PROBLEM_SOLVING)
        self.query_one(SeenBefore).follow(view.focused_case if seen else None)

    def show_latest(self) -> None:
        """Scroll to what was filed last: the end of the phase's part, just above the panel below it."""
        body = self.query_one("#workspace-body")
        self.call_after_refresh(
            lambda: self.scroll_to(
                y=max(0, body.virtual_region.bottom - self.scrollable_content_region.height),
                animate=False,
            )
        )

    @staticmethod
    def _case_heading(view: SessionView) -> str:
        case = view.focused_case
        if view.phase.kind is not PhaseKind.PROBLEM_SOLVING or view.focus is None or case is None:
            return ""
        return f" · case {view.focus + 1} of {len(view.cases)}: {plain_str(case.title, 60)}"

    # -- each kind of phase ---------------------------------------------------------

    def _check_in(self, view: SessionView) -> list[RenderableType]:
        notes = [n for n in view.notes]
        if not notes:
            return [
                Text("\nType each person's check-in and press Enter; it goes to the next speaker.", "dim")
            ]
        return [heading("Check-ins"), notes_table(notes, among_check_ins=True)]

    def _sharing(self, view: SessionView) -> list[RenderableType]:
        parts: list[RenderableType] = []
        if not view.cases:
            parts.append(Text("\nNo case yet: #case @who title, then #context, #question, #topic.", "dim"))
        else:
            parts.append(heading("Cases"))
            parts.append(cases_table(view.cases, view.focus))
        if view.focused_case is not None:
            parts.extend(case_details(view.focused_case))
        parts.extend(phase_notes(view.notes))
        return parts

    def _solving(self, view: SessionView) -> list[RenderableType]:
        case = view.focused_case
        if case is None:
            return [Text("\nNo case in focus: share one first (#case @who title), or #focus N.", "dim")]
        parts: list[RenderableType] = [Text.assemble(("\n", ""), plain(case.title, style="bold"))]
        by = Text("brought by ", style="dim")
        by.append_text(plain(case.presenter, style="dim"))
        parts.append(by)
        if case.question:
            parts.append(Text.assemble(("Question: ", "bold"), block(case.question)))
        parts.append(heading("Strategies"))
        if view.numbers.numbered:
            parts.append(
                strategies_table(
                    view.numbers,
                    lambda s: Text.assemble(block(s.text), practice_record(view, s)),
                    lambda s: s.votes,
                )
            )
        parts.append(heading("Actions"))
        parts.extend(actions_agreed(view.actions, case, view.numbers))
        parts.extend(phase_notes(view.notes))
        return parts

    def _lean_coffee(self, view: SessionView) -> list[RenderableType]:
        """The topic under discussion with its own countdown, what is next, and every topic by dots."""
        parts: list[RenderableType] = []
        if view.phase.kind is PhaseKind.PROBLEM_SOLVING:
            parts.extend(self._topic_in_discussion(view))
        if not view.cases:
            parts.append(Text("\nNo topic yet: #case @who title brings one.", "dim"))
            return [*parts, *phase_notes(view.notes)]
        parts.append(heading("Topics", "#dot N [count] · #next-topic · #thumbs up N down M"))
        table = Table.grid(expand=True, padding=(0, 1, 0, 0))
        table.add_column(width=3, justify="right")
        table.add_column(ratio=1, overflow="ellipsis", no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column(no_wrap=True, justify="right")
        current = lean_coffee.current_topic(view.cases)
        for topic in lean_coffee.by_dots(view.cases):
            case = topic.case
            now = current is not None and current.number == topic.number
            done = case.discussed_at is not None and not now
            style = "bold" if now else "dim" if done else ""
            mark = "▶" if now else "✓" if done else " "
            table.add_row(
                Text(f"{mark}{topic.number}", style=style),
                plain(case.title, style=style),
                plain(case.presenter, style="dim"),
                Text("●" * min(case.dots, 12) + (f"{case.dots}" if case.dots > 12 else "")),
            )
        parts.append(table)
        return [*parts, *phase_notes(view.notes)]

    def _topic_in_discussion(self, view: SessionView) -> list[RenderableType]:
        current = lean_coffee.current_topic(view.cases)
        following = lean_coffee.next_topic(view.cases)
        parts: list[RenderableType] = []
        if current is None:
            parts.append(Text("\nNo topic yet in discussion: #next-topic brings up the most dotted.", "dim"))
        else:
            left = lean_coffee.seconds_left(current.case, self.app.clock.now())
            line = Text("\nNow: ", style="bold")
            line.append_text(plain(current.case.title, style="bold"))
            line.append(f"  {clock_face(left)}", style="bold red" if left < 0 else "bold")
            if left < 0:
                line.append("  time's up: #thumbs up N down M", style="bold red")
            parts.append(line)
        if following is not None:
            parts.append(Text.assemble(("Next: ", "dim"), plain(following.case.title, style="dim")))
        elif current is not None:
            parts.append(Text("Next: no topic left", style="dim"))
        return parts

    def _report_back(self, view: SessionView) -> list[RenderableType]:
        parts: list[RenderableType] = [heading("Matters arising")]
        matters = view.matters
        if matters is None or not matters.page:
            parts.append(Text("No open actions from earlier sessions.", "dim"))
        else:
            absent = set(view.session.absent)  # expected, so numbered with those here, but marked
            for matter in matters.page:
                if matter.number == matters.expected + 1:  # today's members' come first
                    parts.append(Text("  Not here today:", style="bold dim"))
                away = matter.action.owner in absent
                parts.append(matter_lines(matter, view.session.date, absent=away))
            if matters.more:
                parts.append(Text(more_matters(matters), "dim"))
        if view.reports:
            parts.append(heading("Other report-backs"))
            parts.extend(report_line(report) for report in view.reports)
        parts.extend(phase_notes(view.notes))
        return parts


def strategies_table(
    numbers: StrategyNumbers, what: Callable[[Strategy], Text], dots: Callable[[Strategy], int]
) -> Table:
    """The case in focus's strategies by their numbers (`what` each says, and its `dots`), as every
    screen numbers them this session: one withdrawn keeps its number, marked, and is never voted on."""
    table = Table.grid(expand=True, padding=(0, 1, 0, 0))
    table.add_column(width=2, justify="right")
    table.add_column(ratio=1, overflow="fold")
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True, justify="right")
    table.add_column(width=1)
    for numbered in numbers.numbered:
        strategy, number = numbered.strategy, str(numbered.number)
        by = plain(f"({strategy.proposer})", style="dim")
        if numbered.withdrawn:
            table.add_row(number, block(strategy.text, style="dim strike"), by, Text("withdrawn", "dim"))
            continue
        count = dots(strategy)
        table.add_row(
            number,
            what(strategy),
            by,
            Text("●" * min(count, 12) + (f"{count}" if count > 12 else "")),
            Text("✓" if strategy.picked else "", style="bold green"),
        )
    return table


def actions_agreed(actions: Sequence[Action], case: Case, strategies: StrategyNumbers) -> list[Text]:
    """The actions agreed for `case`, each with its owner, due date and the strategy (by its
    number) it tries."""
    numbers = {n.strategy.id: n.number for n in strategies.numbered if not n.withdrawn}
    lines = []
    for action in (a for a in actions if a.case == case.id):
        line = Text("• ")
        line.append_text(plain(action.owner, style="bold"))
        line.append(" · ")
        line.append_text(block(action.text))
        if action.due:
            line.append(f" · due {action.due}", style="dim")
        if action.strategy in numbers:
            line.append(f" · tries {numbers[action.strategy]}", style="dim")
        lines.append(line)
    return lines


def more_matters(matters: MattersArising) -> str:
    """The matters arising past the page: how many, which numbers, and how to reach them."""
    first, here = len(matters.page) + 1, matters.expected - len(matters.page)
    whose = f"{here:,} of today's members' first, then " if here > 0 else ""
    return (
        f"… {matters.more:,} more, numbered {first:,} to {matters.total:,} ({whose}by owner): "
        "#report N takes any of them"
    )


def practice_record(view: SessionView, strategy: Strategy) -> Text:
    """The track record of the practice a strategy is a use of, across every case it was tried on."""
    record = view.practices.get(strategy.practice or 0)
    if record is None:
        return Text()
    if not record.record.tried:
        return Text(f"  ={record.practice.id} untried", style="dim")
    cases = f" on {plural(record.cases, 'case')}" if record.cases > 1 else ""
    return Text(f"  ={record.practice.id} {record.record.marks()}{cases}", style="dim")


def heading(title: str, hint: str = "") -> Text:
    text = Text(f"\n{title}", style="bold underline")
    if hint:
        text.append(f"  {hint}", style="dim not underline")
    return text


def cases_table(cases: Sequence[Case], focus: int | None) -> Table:
    """The session's cases, numbered, the one in focus (an index) marked."""
    table = Table.grid(expand=True, padding=(0, 1, 0, 0))
    table.add_column(width=3)
    table.add_column(ratio=1, overflow="ellipsis", no_wrap=True)
    table.add_column(no_wrap=True)
    for i, case in enumerate(cases):
        focused = i == focus
        style = "bold" if focused else ""
        table.add_row(
            Text(f"{'▶' if focused else ' '}{i + 1}", style=style),
            plain(case.title, style=style),
            plain(case.presenter, style="dim"),
        )
    return table


def report_line(report: ReportBack) -> Text:
    line = Text("• ")
    line.append_text(plain(report.member, style="bold"))
    line.append(f" {report.outcome.marked} ")
    line.append_text(plain(report.story, width=200))
    return line


def case_details(case: Case) -> list[RenderableType]:
    parts: list[RenderableType] = [heading("In focus")]
    title = Text.assemble(plain(case.title, style="bold"), (" — ", "dim"), plain(case.presenter, style="dim"))
    parts.append(title)
    for label, value in (("Context", case.context), ("Question", case.question)):
        if value:
            parts.append(Text.assemble((f"{label}: ", "bold"), block(value)))
    if case.topics:
        parts.append(plain("Topics: " + " ".join("#" + t for t in case.topics), style="dim"))
    return parts


def phase_notes(notes: tuple[Note, ...]) -> list[RenderableType]:
    if not notes:
        return []
    return [heading("Notes"), notes_table(list(notes))]


# The workspace shows a phase's latest entries: redrawing a phase's every entry after each
# one is filed kept the screen (and the next key) waiting once a phase ran long.
SHOWN_NOTES = 40


def notes_table(notes: list[Note], *, among_check_ins: bool = False) -> Table:
    """The notes of a phase; `among_check_ins`: those that are not check-ins say so (one each)."""
    table = Table.grid(expand=True, padding=(0, 1, 0, 0))
    table.add_column(no_wrap=True)
    table.add_column(ratio=1, overflow="fold")
    if len(notes) > SHOWN_NOTES:
        earlier = len(notes) - SHOWN_NOTES
        table.add_row(
            "…", Text(f"{plural(earlier, 'earlier entry', 'earlier entries')}: in the minutes (F9)", "dim")
        )
        notes = notes[-SHOWN_NOTES:]
    for note in notes:
        who = plain(note.author or "·", style="bold")
        text = block(note.text)
        if note.kind is NoteKind.DECISION:
            text = Text.assemble(("Decision: ", "bold magenta"), text)
        elif note.kind is NoteKind.NOTE and among_check_ins:
            text = Text.assemble(("Note: ", "bold"), text)
        table.add_row(who, text)
    return table


def matter_lines(matter: MatterArising, today: date, *, owner: bool = True, absent: bool = False) -> Table:
    """One matter arising in two lines: who (unless `owner` is False: a member's own; marked if
    `absent` today) and what, then the case and strategy behind it."""
    action = matter.action
    table = Table.grid(expand=True, padding=(0, 1, 0, 0))
    table.add_column(width=2, justify="right")
    table.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    table.add_column(no_wrap=True, justify="right")
    who = plain(action.owner, style="bold")
    if absent:
        who.append(" (absent)", style="dim")
    what = Text.assemble(who, " · ") if owner else Text()
    what.append_text(plain(action.text))
    if matter.report is not None:
        status = Text(matter.report.outcome.marked, style="bold green")
    else:
        if action.due is not None and action.overdue_on(today):
            # Said in words too: colour alone is missed on a projector.
            status = Text(f"⚠ overdue {action.due:%d %b}", style="bold red")
        else:
            status = Text(f"due {action.due:%d %b}" if action.due else "", style="dim")
    table.add_row(Text(str(matter.number), style="bold"), what, status)
    behind = [f"case: {plain_str(matter.case_title)}"] if matter.case_title else []
    if matter.strategy_text:
        behind.append(f"strategy: {plain_str(matter.strategy_text)}")
    if matter.report is not None and matter.report.story:
        behind.insert(0, matter.report.story)
    if behind:
        table.add_row("", plain(" · ".join(behind), style="dim"), "")
    return table

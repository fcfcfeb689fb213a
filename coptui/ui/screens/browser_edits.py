"""The writable browser's edits: cases, actions, report-backs, members and practices.

Each form validates before anything is written; `write` commits the change at once in a
worker, and the browser shows what changed. A read-only browser (SSH) offers none of them
(`EDITS_ON` and the browser's `check_action`), and its file refuses a write in any case.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from textual import on, work
from textual.message import Message
from textual.screen import Screen

from coptui.models import Action, Case, Member, Practice, ReportBack
from coptui.store import StoreError
from coptui.ui.refs import Ref, RefKind
from coptui.ui.render import plain_str

if TYPE_CHECKING:
    from coptui.store import Repertoire
    from coptui.ui.app import CoptuiApp
    from coptui.ui.screens.edit import Added, Filled

P = ParamSpec("P")
S = TypeVar("S", bound="BrowserEdits")

# The kinds of item each edit applies to: it is offered when the detail pane shows one.
EDITS_ON = {
    "edit_case": (RefKind.CASE,),
    "action_status": (RefKind.ACTION,),
    "add_report_back": (RefKind.ACTION, RefKind.CASE),
    "edit_member": (RefKind.MEMBER,),
    # Minutes are written to a file where coptui runs: never for a read-only (SSH) browser.
    "export_minutes": (RefKind.SESSION,),
    "rename_practice": (RefKind.PRACTICE,),
    "merge_practice": (RefKind.PRACTICE,),
    "split_strategy": (RefKind.PRACTICE, RefKind.STRATEGY),
}


def reports_store_errors(method: Callable[Concatenate[S, P], None]) -> Callable[Concatenate[S, P], None]:
    """For the few reads made on the UI thread (to fill a form): a failed one is a toast, not a crash."""

    @functools.wraps(method)
    def wrapper(screen: S, *args: P.args, **kwargs: P.kwargs) -> None:
        try:
            method(screen, *args, **kwargs)
        except StoreError as error:
            screen.app.report_error(error)

    return wrapper


@dataclass(eq=False)
class MinutesExported(Message, bubble=False):
    path: Path


@dataclass(eq=False)
class Saved(Message, bubble=False):
    """An edit reached the database: say so, and show the change (at `focus`, when it moved)."""

    said: str
    focus: Ref | None = None


class BrowserEdits(Screen[None]):
    """The browser's editing actions; the browser itself shows what they change."""

    app: CoptuiApp
    detail_ref: Ref | None

    @reports_store_errors
    def action_edit_case(self) -> None:
        from coptui.ui.screens.edit import EditCaseScreen

        if self.detail_ref is None or self.detail_ref.kind is not RefKind.CASE:
            return
        repertoire = self.app.repertoire
        case = repertoire.case(int(self.detail_ref.key))

        def save(filled: Filled[Case]) -> str:
            saved = repertoire.edit_case(case.id or 0, filled.changes, filled.opened)
            if filled.changes.get("status", saved.status) != saved.status:
                return f"Saved case {case.id}; it stays {saved.status.label}: it has an open action."
            return f"Saved case {case.id}."

        self.app.push_screen(EditCaseScreen(case, repertoire.topics(), save), self.saved)

    @reports_store_errors
    def action_action_status(self) -> None:
        from coptui.ui.screens.edit import ActionStatusScreen

        if self.detail_ref is None or self.detail_ref.kind is not RefKind.ACTION:
            return
        repertoire = self.app.repertoire
        action = repertoire.action(int(self.detail_ref.key))

        def save(filled: Filled[Action]) -> str:
            status = filled.item.status
            repertoire.set_action_status(action.id or 0, status, was=filled.opened["status"])
            return f"Action {action.id} is now {status.label}."

        self.app.push_screen(ActionStatusScreen(action, save), self.saved)

    @reports_store_errors
    def action_add_report_back(self) -> None:
        from coptui.ui.screens.edit import Added, ReportBackScreen

        ref = self.detail_ref
        if ref is None or ref.kind not in (RefKind.ACTION, RefKind.CASE):
            return
        repertoire = self.app.repertoire
        action = repertoire.action(int(ref.key)) if ref.kind is RefKind.ACTION else None
        case_id = action.case if action is not None else int(ref.key)

        def save(filled: Filled[ReportBack]) -> Added[ReportBack]:
            from coptui.facilitation.my_actions import MemberActions

            item = filled.item
            with repertoire.transaction():
                between_meetings = item.action is not None and item.session is None
                tried = repertoire.action(item.action or 0) if between_meetings else None
                case = None if tried is None or tried.case is None else repertoire.case(tried.case)
                report = repertoire.add_report_back(item)
                if tried is not None:  # between meetings: the next minutes list it, as a member's own
                    MemberActions(repertoire, report.member, self.app.clock).written_down(report, tried, case)
            edit = functools.partial(_save_report_back, repertoire, report.id or 0)
            return Added("Report-back filed.", report, edit)

        screen = ReportBackScreen(repertoire.members(), action=action, case=case_id, save=save)
        self.app.push_screen(screen, self.saved)

    @reports_store_errors
    def action_edit_member(self) -> None:
        from coptui.ui.screens.member_form import MemberScreen

        if self.detail_ref is None or self.detail_ref.kind is not RefKind.MEMBER:
            return
        repertoire = self.app.repertoire
        member = repertoire.member(str(self.detail_ref.key))

        save = functools.partial(_save_member, repertoire, member.handle)
        self.app.push_screen(MemberScreen(save, member), self.saved)

    def action_add_member(self) -> None:
        from coptui.ui.screens.edit import Added
        from coptui.ui.screens.member_form import MemberScreen

        repertoire = self.app.repertoire

        def save(filled: Filled[Member]) -> Added[Member]:
            member = repertoire.add_member(filled.item)
            edit = functools.partial(_save_member, repertoire, member.handle)
            return Added(f"Added @{plain_str(member.handle)}.", member, edit)

        self.app.push_screen(MemberScreen(save), self.saved)

    def saved(self, said: str | None) -> None:
        """A form put what was typed in the file (or was cancelled): show the change."""
        if said is not None:
            self.post_message(Saved(said))

    def action_export_minutes(self) -> None:
        if self.detail_ref is not None and self.detail_ref.kind is RefKind.SESSION:
            self.export_minutes(int(self.detail_ref.key))

    @work(thread=True, exclusive=True, group="minutes", exit_on_error=False)
    def export_minutes(self, session_id: int) -> MinutesExported:
        from coptui.export import save_minutes

        return MinutesExported(save_minutes(self.app.repertoire, session_id, Path.cwd()))

    # -- practices: rename, merge into another, split a strategy off -------------------------------

    @reports_store_errors
    def action_rename_practice(self) -> None:
        from coptui.ui.screens.practice_forms import RenamePracticeScreen

        practice_id = self._detail_key(RefKind.PRACTICE)
        if practice_id is not None:
            repertoire = self.app.repertoire
            practice = repertoire.practice(practice_id)

            def save(filled: Filled[Practice]) -> str:
                return repertoire.rename_practice(practice_id, filled.item.name, was=filled.opened["name"])

            self.app.push_screen(RenamePracticeScreen(practice, save), self.saved)

    @reports_store_errors
    def action_merge_practice(self) -> None:
        from coptui.ui.screens.practice_forms import PickScreen, practice_choice

        practice_id = self._detail_key(RefKind.PRACTICE)
        if practice_id is None:
            return
        repertoire = self.app.repertoire
        practice = repertoire.practice(practice_id)
        # Those named most alike first: the same idea written twice is what a merge is for.
        alike, best = repertoire.suggest_practices(practice.name, limit=8), repertoire.practices(limit=8)
        candidates = {
            found.practice.id: found for found in [*alike, *best] if found.practice.id != practice_id
        }
        screen = PickScreen(
            f"Merge practice {practice_id} into the practice picked (enter), or numbered:",
            [practice_choice(found) for found in candidates.values()],
            numbers=True,
        )
        self.app.push_screen(screen, functools.partial(self.merge_practice, practice_id))

    def merge_practice(self, practice_id: int, into: int | None) -> None:
        if into is not None:
            self.write(
                lambda: self.app.repertoire.merge_practices(into, practice_id),
                focus=Ref(RefKind.PRACTICE, into),
            )

    @reports_store_errors
    def action_split_strategy(self) -> None:
        from coptui.ui.screens.practice_forms import PickScreen, use_choice

        if (strategy_id := self._detail_key(RefKind.STRATEGY)) is not None:
            self.split_strategy(strategy_id)
            return
        practice_id = self._detail_key(RefKind.PRACTICE)
        if practice_id is None:
            return
        uses = self.app.repertoire.practice_story(practice_id).uses
        if len(uses) < 2:  # the store says why there is nothing to split
            self.split_strategy(uses[0].strategy.id if uses else 0)
            return
        title = f"Split a strategy off practice {practice_id}, into a practice of its own:"
        self.app.push_screen(PickScreen(title, [use_choice(use) for use in uses]), self.split_strategy)

    def split_strategy(self, strategy_id: int | None) -> None:
        if strategy_id is None:
            return

        def split() -> str:
            practice = self.app.repertoire.split_strategy(strategy_id)
            name = plain_str(practice.name, 60)
            return f"Split strategy {strategy_id} off into practice {practice.id} {name!r}."

        self.write(split)

    def _detail_key(self, kind: RefKind) -> int | None:
        ref = self.detail_ref
        return int(ref.key) if ref is not None and ref.kind is kind else None

    @work(thread=True, exclusive=True, group="write", exit_on_error=False)
    def write(self, change: Callable[[], object], message: str = "", *, focus: Ref | None = None) -> Saved:
        """Make `change`; say `message`, or else what the change says it did."""
        said = change()
        return Saved(message or str(said), focus)

    @on(MinutesExported)
    def minutes_exported(self, exported: MinutesExported) -> None:
        self.notify(f"Minutes saved to {plain_str(str(exported.path))}", title="Minutes", markup=False)


def _save_member(repertoire: Repertoire, handle: str, filled: Filled[Member]) -> str:
    saved = repertoire.edit_member(handle, filled.changes, filled.opened)
    left = f", left on {saved.left_on}" if saved.left_on else ""
    return f"Saved @{plain_str(saved.handle)}{left}."


def _save_report_back(repertoire: Repertoire, report_id: int, filled: Filled[ReportBack]) -> str:
    repertoire.edit_report_back(report_id, filled.changes, filled.opened)
    return f"Saved report-back {report_id}."

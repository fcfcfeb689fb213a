"""Strategy numbers: the strategies of the case in focus, numbered alike on every screen, all session.

`#vote N`, `#pick N`, `#action … strategy:N` and a member's `#vote N` name a strategy by the
number on screen. A strategy keeps its number for the session: one taken back (undone by whoever
filed it, or by the facilitator) leaves its number empty, shown as withdrawn and never given to
another. So a line Entered just before a removal and filed just after (the screens refresh about
once a second, a lock may be held) means what it named, or is refused, naming it; a screen drawn a
moment ago is still right. The numbers are read from the file (the case's strategies and those
withdrawn this session, by id), so the facilitator's screen, each member's and the replies agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from coptui.counts import plural
from coptui.models import Case, Strategy
from coptui.store import Repertoire, StoreError


@dataclass(frozen=True)
class NumberedStrategy:
    number: int
    strategy: Strategy  # a withdrawn one as it was when it was taken back
    withdrawn: bool = False

    @property
    def named(self) -> str:
        """How a reply names it: `3 “jun-B idea”`."""
        return f"{self.number} “{self.strategy.text}”"


@dataclass(frozen=True)
class StrategyNumbers:
    """One case's strategies, numbered for one session (withdrawn ones keep their numbers)."""

    numbered: tuple[NumberedStrategy, ...] = ()

    @classmethod
    def read(cls, repertoire: Repertoire, case_id: int | None, session_id: int) -> StrategyNumbers:
        if case_id is None:
            return cls()
        live = [(s, False) for s in repertoire.strategies(case=case_id)]
        withdrawn = [(s, True) for s in repertoire.withdrawn_strategies(case_id, session_id)]
        # By id: the order they were filed in (an id taken back is never given again, store/cases.py).
        ordered = sorted([*withdrawn, *live], key=lambda pair: pair[0].id or 0)
        return cls(tuple(NumberedStrategy(n, s, gone) for n, (s, gone) in enumerate(ordered, start=1)))

    @property
    def strategies(self) -> tuple[Strategy, ...]:
        """Those not withdrawn, in number order."""
        return tuple(n.strategy for n in self.numbered if not n.withdrawn)

    def pick(self, case: Case, number: int, *, none_yet: str) -> NumberedStrategy | str:
        """Strategy `number`, or why not (`none_yet`: what to say when the case has none)."""
        if not self.strategies:
            return f"“{case.title}” has no strategies yet: {none_yet}"
        found = next((n for n in self.numbered if n.number == number), None)
        left = [n.number for n in self.numbered if not n.withdrawn]
        gaps = left[-1] != len(left)  # one withdrawn before the last: say which numbers there are
        pick = f"pick one from 1 to {len(left)}"
        if gaps:
            pick = f"pick one of {', '.join(map(str, left))}" if len(left) > 1 else f"pick {left[0]}"
        if found is None:
            return f"“{case.title}” has {plural(len(left), 'strategy', 'strategies')}; {pick}"
        if found.withdrawn:
            return f"strategy {found.named} was withdrawn; its number stays empty: {pick}"
        return found


def withdraw(repertoire: Repertoire, strategy_id: int) -> None:
    """Take strategy `strategy_id` back, its number left empty; refused (`StoreError`) once anyone
    voted for it or picked it, so no one's dots go with it."""
    strategy = repertoire.strategy(strategy_id)
    if strategy.picked:
        raise StoreError(f"“{strategy.text}” is picked; it stays")
    if strategy.votes or repertoire.dots_on_strategy(strategy_id):
        raise StoreError(f"“{strategy.text}” has votes on it now; it stays")
    repertoire.delete_strategy(strategy_id)


class NumberedView:
    """A screen's view that lists the case in focus's strategies by their numbers (`numbers`)."""

    numbers: StrategyNumbers

    @property
    def strategies(self) -> tuple[Strategy, ...]:
        """The case in focus's strategies, those withdrawn left out."""
        return self.numbers.strategies


__all__ = ["NumberedStrategy", "NumberedView", "StrategyNumbers", "withdraw"]

"""A strategy as a use of a practice: `=N` tries practice N again; without it, the strategy starts its own."""

from __future__ import annotations

from coptui.facilitation.entries import StrategyEntry
from coptui.models import Strategy
from coptui.store import NotFound, Repertoire


def strategy_for(repertoire: Repertoire, entry: StrategyEntry, case: int, session: int) -> Strategy | str:
    """The strategy `entry` files for `case`; or, for a practice that does not exist, why not.

    Reusing a practice with no text of its own, the strategy reads as the practice's name.
    """
    if entry.practice is None:
        return Strategy(case=case, session=session, proposer=entry.proposer, text=entry.text)
    try:
        practice = repertoire.practice(entry.practice)
    except NotFound:
        return f"there is no practice {entry.practice}: the line under the box suggests those tried before"
    text = entry.text or practice.name
    return Strategy(case=case, session=session, proposer=entry.proposer, text=text, practice=practice.id)


def reuse_said(repertoire: Repertoire, strategy: Strategy) -> str:
    """What the reply adds when a strategy tries a practice again: which, and how it went so far."""
    if strategy.practice is None:
        return ""
    record = repertoire.practice_records([strategy.practice]).get(strategy.practice)
    if record is None or record.uses < 2:
        return ""
    return f", practice {strategy.practice} tried again ({record.record.marks()} so far)"

"""Curating practices: merging two that are the same idea, renaming one, splitting a strategy off again.

Real groups write the same idea twice; a merge joins the two track records, and a split
undoes it one strategy at a time. Each change is one transaction and says what it did;
each refusal changes nothing. A practice in use in the live session is neither merged
nor split, so the track records the facilitator sees do not change under them.
"""

from __future__ import annotations

from coptui.counts import plural
from coptui.models import Practice
from coptui.store.base import guarded
from coptui.store.errors import NotFound, Refused
from coptui.store.practices import PracticeStore
from coptui.text import clean_text, one_line


def _named(practice: Practice) -> str:
    return f"practice {practice.id} {one_line(practice.name, 60)!r}"


class PracticeCurationStore(PracticeStore):
    """Merge, rename and split practices."""

    def _refuse_if_live(self, practices: list[Practice], doing: str) -> None:
        """Refuse `doing` to a practice that a strategy of the live session uses."""
        live = self._rows("SELECT id, title FROM sessions WHERE status = 'live'")
        if not live:
            return
        for practice in practices:
            used = self.conn.execute(
                "SELECT 1 FROM strategies WHERE practice_id = :practice AND (session_id = :live "
                "OR case_id IN (SELECT id FROM cases WHERE session_id = :live)) LIMIT 1",
                {"practice": practice.id, "live": live[0]["id"]},
            ).fetchone()
            if used:
                raise Refused(
                    f"Cannot {doing}: {_named(practice)} is in use in the live session "
                    f"{one_line(live[0]['title'], 60)!r}; try again once it has ended."
                )

    def _record_line(self, practice_id: int) -> str:
        found = self.practice_records([practice_id])[practice_id]
        return f"{found.record.marks()} over {plural(found.cases, 'case')} tried"

    @guarded
    def merge_practices(self, into: int, other: int) -> str:
        """Make every use of practice `other` a use of practice `into`, and remove `other`.

        Their track records combine; `into` keeps its name and the earlier first use.
        """
        with self.transaction():
            kept, merged = self.practice(into), self.practice(other)
            if into == other:
                raise Refused(f"Cannot merge {_named(kept)} into itself.")
            self._refuse_if_live([kept, merged], "merge")
            moved = self.conn.execute(
                "UPDATE strategies SET practice_id = ? WHERE practice_id = ?", [into, other]
            ).rowcount
            self.conn.execute(
                "UPDATE practices SET created_on = min(created_on, ?) WHERE id = ?",
                [merged.created_on.isoformat(), into],
            )
            self.conn.execute("DELETE FROM practices WHERE id = ?", [other])
            record = self._record_line(into)
        return (
            f"Merged {_named(merged)} into {_named(kept)}: {plural(moved, 'strategy', 'strategies')} "
            f"moved; its record is now {record}."
        )

    @guarded
    def rename_practice(self, practice_id: int, name: str, *, was: str | None = None) -> str:
        """Give a practice a new name; its uses and track record stay as they are.

        With `was`, only if its name is still what it was when the renaming began."""
        cleaned = clean_text(name)
        with self.transaction():
            practice = self.practice(practice_id)
            if was is not None:
                self._unchanged_since(f"practice {practice_id}", practice, {"name": cleaned}, {"name": was})
            if not cleaned:
                raise Refused(f"Cannot rename {_named(practice)}: the new name is empty.")
            self.conn.execute("UPDATE practices SET name = ? WHERE id = ?", [cleaned, practice_id])
        old, new = one_line(practice.name, 60), one_line(cleaned, 60)
        return f"Renamed practice {practice_id} from {old!r} to {new!r}."

    @guarded
    def split_strategy(self, strategy_id: int, *, name: str | None = None) -> Practice:
        """Make a strategy the only use of a new practice, named `name` or by its text.

        What was reported on it moves with it; this undoes a merge, one strategy at a time.
        """
        cleaned = None if name is None else clean_text(name)
        with self.transaction():
            rows = self._rows(
                "SELECT s.text, s.practice_id, coalesce(ss.date, c.opened_on) AS first_used, "
                "(SELECT count(*) FROM strategies o WHERE o.practice_id = s.practice_id) AS uses "
                "FROM strategies s JOIN cases c ON c.id = s.case_id "
                "LEFT JOIN sessions ss ON ss.id = s.session_id WHERE s.id = ?",
                [strategy_id],
            )
            if not rows:
                raise NotFound(f"There is no strategy {strategy_id}.")
            row = rows[0]
            practice = self.practice(row["practice_id"])
            if cleaned == "":
                raise Refused(f"Cannot split strategy {strategy_id} off: the new practice's name is empty.")
            if row["uses"] < 2:
                raise Refused(
                    f"Strategy {strategy_id} is the only use of {_named(practice)}; "
                    "there is nothing to split it from."
                )
            self._refuse_if_live([practice], "split a strategy off")
            new_id = self._insert(
                "practices", {"name": cleaned or row["text"], "created_on": row["first_used"]}
            )
            self.conn.execute("UPDATE strategies SET practice_id = ? WHERE id = ?", [new_id, strategy_id])
            return self.practice(new_id)

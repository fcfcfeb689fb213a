"""One check-in each: in check-in, `@who text` once they have checked in, and a plain line once
everyone has, are notes (from them; from nobody), as README's table says, never more check-ins."""

from __future__ import annotations

from pathlib import Path

from test_check_in_turns import check_ins, drawn, enter, live_session
from test_session_others import facilitating
from ui_helpers import settle

from coptui.store import Repertoire


async def test_more_from_someone_who_has_checked_in_is_a_note_and_so_is_a_line_once_all_have(
    db_path: Path,
) -> None:
    db = db_path
    async with facilitating(db) as (_, pilot):
        session_id = live_session(db)
        for line in ("Ana fine", "Ben fine", "@cho more [x] *s*"):
            await enter(pilot, line)
        await settle(pilot)
        assert "✓ filed a check-in from @cho" in drawn(pilot)
        assert "check-in (or @who text)" not in drawn(pilot), "everyone has checked in"
        await enter(pilot, "@cho again |p|")
        await settle(pilot)
        assert "✓ filed a note from @cho (@cho had checked in already)" in drawn(pilot)
        await enter(pilot, "after all")
        await settle(pilot)
        screen = drawn(pilot)
        assert "✓ filed a note" in screen and "from @" not in screen.split("✓ filed a note")[-1]
        assert "cho Note: again |p|" in screen, screen
        assert "·   Note: after all" in screen, screen
        assert check_ins(db, session_id) == [
            ("ana", "check_in", "Ana fine"),
            ("ben", "check_in", "Ben fine"),
            ("cho", "check_in", "more [x] *s*"),
            ("cho", "note", "again |p|"),
            (None, "note", "after all"),
        ]
    with Repertoire.open(db) as repertoire:
        cho = next(p for p in repertoire.participation(session_id) if p.member == "cho")
        assert (cho.check_ins, cho.notes) == (1, 1)

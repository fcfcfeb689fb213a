"""The minutes' participation table: who contributed how much, for a community that wants to see it."""

from __future__ import annotations

from collections.abc import Sequence

from coptui.export.markdown import PageLinks, table
from coptui.store.participants import Participation

HEADERS = ("Member", "Check-in", "Cases", "Strategies", "Notes", "Votes", "Reports", "Spoke")


def participation_section(rows: Sequence[Participation], links: PageLinks) -> list[str]:
    """The table, one row an attendee in attendance order; and who was not heard, if anyone."""
    if not rows:
        return []
    blocks = [
        "## Participation",
        table(
            HEADERS,
            [
                [
                    links.member(row.member, cell=True),
                    *(str(n) for n in (row.check_ins, row.cases, row.strategies, row.notes)),
                    *(str(n) for n in (row.votes, row.reports)),
                    spoke(row.speaking_seconds),
                ]
                for row in rows
            ],
        ),
    ]
    unheard = [row.member for row in rows if not row.heard]
    if unheard:
        blocks.append(f"Not heard: {links.members(unheard)}.")
    return blocks


def spoke(seconds: int | None) -> str:
    """How long someone spoke in the check-in round, as m:ss; a dash where no speaking timer ran."""
    return "—" if seconds is None else f"{seconds // 60}:{seconds % 60:02d}"

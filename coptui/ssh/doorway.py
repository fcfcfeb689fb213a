"""Strangers' room: connections that have not signed in yet, kept apart from members'.

A connection is a stranger from its first byte until its key is accepted. Strangers have
a budget of their own, per source address and in total, so however many of them knock,
members who have signed in keep their room. When the budget is full, a newcomer is let
in and the stranger that has got least far (silent, then speaking SSH, then signing in)
and, among those, has waited longest is turned away: from the newcomer's own address if
that address is over its share, otherwise from the address holding the most places. So
silent sockets can only ever push out each other, and a member who is signing in is never
pushed out by them, even from the same address.
"""

from __future__ import annotations

from collections import Counter
from enum import IntEnum
from typing import Generic, Protocol, TypeVar


class Progress(IntEnum):
    SILENT = 0  # connected, and not a byte of SSH yet
    SPEAKING = 1  # sent its version: key exchange under way
    SIGNING_IN = 2  # asked to sign in


class Stranger(Protocol):
    @property
    def address(self) -> str: ...

    @property
    def progress(self) -> Progress: ...


S = TypeVar("S", bound=Stranger)


class Doorway(Generic[S]):
    """The strangers waiting to sign in, oldest first, and who gives way when there are too many."""

    def __init__(self, per_address: int, total: int) -> None:
        if not 1 <= per_address <= total:
            raise ValueError(f"need 1 <= per_address ({per_address}) <= total ({total})")
        self.per_address = per_address
        self.total = total
        self._waiting: dict[S, None] = {}  # insertion order is arrival order
        self._per_address: Counter[str] = Counter()

    def __len__(self) -> int:
        return len(self._waiting)

    def arrive(self, newcomer: S) -> S | None:
        """Let `newcomer` wait; return the stranger who must give way for it, if any (never the newcomer)."""
        self._waiting[newcomer] = None
        self._per_address[newcomer.address] += 1
        if self._per_address[newcomer.address] > self.per_address:
            crowded = newcomer.address
        elif len(self._waiting) > self.total:
            others = Counter(s.address for s in self._waiting if s is not newcomer)
            crowded = others.most_common(1)[0][0]
        else:
            return None
        # min() keeps the first of equals, and the dict is oldest first.
        gives_way = min(
            (s for s in self._waiting if s.address == crowded and s is not newcomer),
            key=lambda s: s.progress,
        )
        self.leave(gives_way)
        return gives_way

    def leave(self, stranger: S) -> None:
        """`stranger` signed in or went away (leaving twice is harmless)."""
        if stranger in self._waiting:
            del self._waiting[stranger]
            self._per_address[stranger.address] -= 1
            if not self._per_address[stranger.address]:
                del self._per_address[stranger.address]

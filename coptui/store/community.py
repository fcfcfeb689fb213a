"""The community a repertoire belongs to, its topics and its members."""

from __future__ import annotations

import sqlite3
from typing import Any

from coptui.models import (
    Community,
    Member,
    Problem,
    Topic,
)
from coptui.store.base import StoreBase, guarded
from coptui.store.errors import InvalidInput, NotFound, StoreError
from coptui.store.rows import (
    from_row,
    to_row,
)


class CommunityStore(StoreBase):
    """The community's own record, its topics and its members."""

    def _community_row(self) -> dict[str, Any] | None:
        rows = self._rows("SELECT name, domain FROM community WHERE id = 1")
        return rows[0] if rows else None

    @guarded
    def community(self) -> Community:
        row = self._community_row()
        if row is None:
            raise NotFound("this repertoire has no community yet")
        return from_row(Community, row)

    @guarded
    def set_community(self, community: Community) -> None:
        with self.transaction():
            self.db.table("community").upsert({"id": 1, **to_row(community)}, pk="id")

    @guarded
    def topics(self) -> list[Topic]:
        return self._items(Topic, "SELECT * FROM topics ORDER BY name")

    @guarded
    def add_topic(self, topic: Topic) -> Topic:
        with self.transaction():
            if self._rows("SELECT 1 FROM topics WHERE slug = ?", [topic.slug]):
                raise InvalidInput(
                    "cannot add topic", [Problem(path="slug", message=f"{topic.slug!r} exists")]
                )
            self.db.table("topics").insert(to_row(topic))
        return topic

    @guarded
    def members(self) -> list[Member]:
        return self._items(Member, "SELECT * FROM members ORDER BY handle")

    @guarded
    def member(self, handle: str) -> Member:
        return from_row(
            Member, self._one("SELECT * FROM members WHERE handle = ?", [handle], f"member @{handle}")
        )

    @guarded
    def add_member(self, member: Member) -> Member:
        with self.transaction():
            if self._rows("SELECT 1 FROM members WHERE handle = ?", [member.handle]):
                raise InvalidInput(
                    "cannot add member",
                    [Problem(path="handle", message=f"@{member.handle} is already a member")],
                )
            self.db.table("members").insert(to_row(member))
        return member

    @guarded
    def update_member(self, member: Member) -> Member:
        """Write back a member's name, role, organisation and leaving date; never their handle."""
        with self.db.atomic():
            self._one("SELECT 1 FROM members WHERE handle = ?", [member.handle], f"member @{member.handle}")
            self.db.table("members").update(member.handle, to_row(member, exclude={"handle"}))
        return member

    @guarded
    def edit_member(self, handle: str, changes: dict[str, Any], opened: dict[str, Any]) -> Member:
        """Write only the fields a form changed, unless one was changed meanwhile (see `edit_case`)."""
        with self.transaction():
            member = self._unchanged_since(f"@{handle}", self.member(handle), changes, opened)
            self.db.table("members").update(handle, to_row(member, exclude={"handle"}))
        return member

    @guarded
    def delete_member(self, handle: str) -> None:
        """Remove a member added by mistake; refused once anything refers to them."""
        with self.db.atomic():
            self._one("SELECT 1 FROM members WHERE handle = ?", [handle], f"member @{handle}")
            try:
                self.conn.execute("DELETE FROM members WHERE handle = ?", [handle])
            except sqlite3.IntegrityError:
                raise StoreError(f"@{handle} is named in what was filed since, so stays a member") from None

"""Adding a member, or changing one (name, organisation, role, leaving), from the writable browser.

The handle is what everything a member filed refers to, so a member's handle is never
changed here: only what is shown.
"""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.widgets import Checkbox, Label, Select

from coptui.models import Member, Role
from coptui.ui.render import plain, plain_str
from coptui.ui.screens.edit import Form, Saver
from coptui.ui.widgets.clean_input import CleanInput


class MemberScreen(Form[Member]):
    """A new member when `member` is None; else that member, to rename or mark as having left."""

    WIDGETS = {"left_on": "left"}
    # Once a new member is added, the form edits them: all but the handle, which is theirs for good.
    EDITED_ONCE_ADDED = ("name", "organisation", "role")

    def __init__(self, save: Saver[Member], member: Member | None = None) -> None:
        # A new member is written whole; a member's edit writes only the fields changed.
        self.EDITED = () if member is None else ("name", "organisation", "role", "left_on")
        # A new member's handle is typed, and lower-cased before it is checked: quoted as typed.
        self.QUOTED_AS_TYPED = ("handle",) if member is None else ()
        super().__init__(save, member)
        self.member = member
        self.TITLE_TEXT = "New member" if member is None else f"Member @{plain_str(member.handle)}"

    def form_fields(self) -> ComposeResult:
        member = self.member
        if member is None:
            # A handle no member of the demo community has, so the example is never mistaken for one.
            yield Label("Handle (lower-case, as in sam)")
            yield CleanInput(id="handle", placeholder="sam")
        else:
            yield Label(plain(f"@{member.handle} keeps this handle; what they filed stays theirs", width=200))
        yield Label("Name, as shown")
        yield CleanInput(plain_str(member.name) if member else "", id="name", placeholder="Sam Osei")
        yield Label("Organisation")
        yield CleanInput(plain_str(member.organisation) if member else "", id="organisation")
        yield Label("Role")
        role = member.role.value if member else Role.MEMBER.value
        yield Select([(r.value, r.value) for r in Role], value=role, allow_blank=False, id="role")
        if member is not None:
            yield Checkbox("Has left the community", member.left_on is not None, id="left")

    def added(self, item: Member) -> None:
        handle = self.query_one("#handle", CleanInput)
        handle.value, handle.disabled = plain_str(item.handle), True

    def build(self) -> Member:
        member = self.member
        values = {
            "handle": self.value("handle") if member is None else member.handle,
            "name": self.value("name"),
            "organisation": self.value("organisation"),
            "role": self.value("role"),
        }
        if member is not None:
            left = self.query_one("#left", Checkbox).value
            values["left_on"] = (member.left_on or date.today()) if left else None
        return Member.model_validate(values)

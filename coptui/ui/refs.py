"""What a row, a link or a history entry points at: a kind of item and its key."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote, unquote


class RefKind(StrEnum):
    """The kinds of item the browser can point at; the value is what a `coptui:` link names."""

    CASE = "case"
    STRATEGY = "strategy"
    SESSION = "session"
    MEMBER = "member"
    TOPIC = "topic"
    ACTION = "action"
    REPORT_BACK = "report_back"
    NOTE = "note"
    LIVE = "live"
    PRACTICE = "practice"


@dataclass(frozen=True, init=False)
class Ref:
    kind: RefKind
    key: int | str

    def __init__(self, kind: RefKind | str, key: int | str) -> None:
        """`kind` may be given by its value ("case"); an unknown one is a ValueError."""
        object.__setattr__(self, "kind", RefKind(kind))
        object.__setattr__(self, "key", key)

    @classmethod
    def parse(cls, href: str) -> Ref | None:
        """A `coptui:kind/key` link from a detail pane, or None if it is not one of ours."""
        if not href.startswith("coptui:") or "/" not in href:
            return None
        name, _, quoted = href.removeprefix("coptui:").partition("/")
        try:
            kind = RefKind(name)
        except ValueError:
            return None
        key = unquote(quoted)
        return cls(kind, int(key) if key.isdigit() else key)

    @property
    def href(self) -> str:
        """The link's target. A key is stored text (a handle, a slug): quoted, so whatever
        another tool wrote into it can neither break the Markdown link nor reach the terminal."""
        return f"coptui:{self.kind.value}/{quote(str(self.key), safe='')}"

"""File names for exported pages: a readable slug plus the item's id, stable across exports.

The id makes a name unique and keeps it when an export is repeated, so a wiki's
history follows the same file; the slug makes a folder listing readable. A title
that changes gives a new name, and the re-export removes the old file (see
`coptui.export.folder`).
"""

from __future__ import annotations

import functools
import re
import unicodedata

from coptui.store.export_rows import CaseItem, PracticeItem, SessionItem
from coptui.text import strip_controls

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_APOSTROPHES = re.compile("['\u2019]")
SLUG_LENGTH = 60


@functools.lru_cache(maxsize=65536)
def slug(text: str, *, length: int = SLUG_LENGTH) -> str:
    """ASCII letters and digits joined by '-': "St Aldhelm's move!" → 'st-aldhelms-move'."""
    shown = _APOSTROPHES.sub("", strip_controls(text))  # what the pages show: no escape sequence's letters
    ascii_text = unicodedata.normalize("NFKD", shown).encode("ascii", "ignore").decode("ascii")
    words = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    if len(words) > length:
        words = words[:length].rsplit("-", 1)[0] if "-" in words[:length] else words[:length]
    return words


def _numbered(folder: str, number: int, name: str) -> str:
    """`folder/0018-name.md`, or `folder/0018.md` for an empty name (a title without letters or digits).

    One f-string: an export builds a path for every link to an item (some 200,000 at 10,000 cases).
    """
    return f"{folder}/{number:04d}-{name}.md" if name else f"{folder}/{number:04d}.md"


def case_path(case: CaseItem) -> str:
    return _numbered("cases", case.id or 0, slug(case.title))


def practice_path(practice: PracticeItem) -> str:
    return _numbered("practices", practice.id or 0, slug(practice.name))


def session_path(session: SessionItem) -> str:
    title, day = slug(session.title), session.date.isoformat()
    return _numbered("sessions", session.id or 0, f"{day}-{title}" if title else day)


def member_path(handle: str) -> str:
    return f"members/{handle}.md"


def topic_path(topic_slug: str) -> str:
    return f"topics/{topic_slug}.md"


def minutes_file_name(session: SessionItem, suffix: str, *, numbered: bool = False) -> str:
    """What saved minutes are called: `2026-11-04-pre-peak-clinic-minutes.md`; `numbered`, for a session
    that would share that name with an earlier one: `2026-11-04-pre-peak-clinic-session-9-minutes.md`."""
    number = f"session-{session.id}" if numbered else ""
    return (
        "-".join(p for p in (session.date.isoformat(), slug(session.title), number, "minutes") if p) + suffix
    )


def relative(target: str, start: str) -> str:
    """The link from the page at `start` to the page at `target`, both relative to the export's root.

    Pages sit at the root or one folder down, so this is string work, not `relpath`'s
    (it runs for every link of an export).
    """
    start_folder = start.rpartition("/")[0]
    target_folder, _, name = target.rpartition("/")
    if start_folder == target_folder:
        return name
    return ("../" if start_folder else "") + target

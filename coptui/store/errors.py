"""What can go wrong when opening or writing a repertoire, each with a message a person can act on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coptui.models import Problem


class StoreError(Exception):
    """Base of every error the store raises; its message is meant for the user as it is."""


class RepertoireMissing(StoreError):
    pass


class NotARepertoire(StoreError):
    pass


class NewerSchema(StoreError):
    pass


class ReadOnlyRepertoire(StoreError):
    pass


class RepertoireBusy(StoreError):
    pass


class NotFound(StoreError):
    pass


class Refused(StoreError):
    """A change the store will not make as things stand (a practice in use in the live session,
    an empty name, nothing to split): nothing is wrong with the file, and nothing was changed."""


# Fields whose names do not read as words: "the left on of @ana".
_FIELDS_SAID = {
    "left_on": "date of leaving",
    "extra_minutes": "extra minutes",
    "discussed_at": "discussion start",
}


class EditConflict(StoreError):
    """A field a form changed was changed in the file too, since the form opened: nothing was written.

    `field` is the model's field, `now` what the file holds in it now.
    """

    def __init__(self, what: str, field: str, now: object) -> None:
        self.field = field
        self.now = now
        said = _FIELDS_SAID.get(field, field.replace("_", " "))
        super().__init__(f"the {said} of {what} was changed meanwhile; nothing was saved")


class InvalidInput(StoreError):
    """Input that would corrupt the repertoire; `problems` locates each thing wrong.

    The message names every problem, up to `SHOWN_PROBLEMS`, so a file can be
    mended in one go rather than one problem per try.
    """

    SHOWN_PROBLEMS = 10

    def __init__(self, what: str, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        shown = "; ".join(str(problem) for problem in self.problems[: self.SHOWN_PROBLEMS])
        hidden = len(self.problems) - self.SHOWN_PROBLEMS
        more = f"; and {hidden} more problem{'s' if hidden > 1 else ''}" if hidden > 0 else ""
        count = f"{len(self.problems)} problems: " if len(self.problems) > 1 else ""
        super().__init__(f"{what}: {count}{shown}{more}")


class UnreadableRow(StoreError):
    """A row that does not hold what its column should, as another tool may write it: one line
    naming the table, the row, the column and the value (made safe to print), and what it should hold."""

    def __init__(self, table: str, row: str, column: str, value: object, expected: str) -> None:
        from coptui.text import one_line

        super().__init__(table, row, column, value)
        self.table, self.row, self.column, self.expected = table, row, column, expected
        self.shown = one_line(repr(value), 60)
        self.path: object = None  # the file, once the store that read it says so

    @property
    def key(self) -> tuple[str, str, str]:
        """The same row and column, however often it is read."""
        return self.table, self.row, self.column

    def __str__(self) -> str:
        said = f"table {self.table}, row {self.row}: {self.column} is {self.shown}"
        said += f", which is not {self.expected}"
        return said if self.path is None else f"{self.path}: {said}"

"""What can go wrong when opening or writing a repertoire, each with a message a person can act on."""

from __future__ import annotations

from collections.abc import Sequence

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


class InvalidInput(StoreError):
    """Input that would corrupt the repertoire; `problems` locates each thing wrong."""

    def __init__(self, what: str, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        more = f" (and {count - 1} more problem{'s' if count > 2 else ''})" if count > 1 else ""
        super().__init__(f"{what}: {self.problems[0]}{more}")

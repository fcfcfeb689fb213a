"""A session format: the ordered phases a meeting runs through, each with a kind and a timebox."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from coptui.models import Line, PhaseKind, PhaseRun, Text, Title

TIMEBOX_MIN = 1
TIMEBOX_MAX = 600
NAME_PATTERN = r"^[a-z0-9][a-z0-9-]{0,47}$"

FormatName = Annotated[
    str,
    StringConstraints(pattern=NAME_PATTERN),
    Field(description="How the format is chosen: lower-case letters, digits and '-'."),
]
# Strict, so that `timebox_minutes = true` or `"10"` in a file is an error rather than a guess.
Timebox = Annotated[int, Field(ge=TIMEBOX_MIN, le=TIMEBOX_MAX, strict=True)]


class PhaseSpec(BaseModel):
    """One phase as a format describes it, before any session has run it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: PhaseKind
    title: Title
    timebox_minutes: Timebox
    prompt: Text = ""


class SessionFormat(BaseModel):
    """A named, ordered list of phases that a live session can be started from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: FormatName
    title: Title
    description: Text = ""
    source: Line = Field(default="", description="Where the method comes from.")
    phases: Annotated[list[PhaseSpec], Field(min_length=1)]
    dots_per_case: Annotated[int, Field(ge=1, le=99, strict=True)] = Field(
        default=3, description="How many private dot votes each participant has for each case's strategies."
    )
    participation_table: bool = Field(
        default=True,
        description="Whether the session summary and the minutes show who contributed how much.",
    )

    @property
    def total_minutes(self) -> int:
        return sum(phase.timebox_minutes for phase in self.phases)

    def phase_runs(self) -> list[PhaseRun]:
        """The phases as a new session holds them: positions 0, 1, 2, … and no timer started."""
        return [
            PhaseRun(
                position=position,
                kind=phase.kind,
                title=phase.title,
                timebox_minutes=phase.timebox_minutes,
                prompt=phase.prompt,
            )
            for position, phase in enumerate(self.phases)
        ]

"""Session formats: the phases a meeting runs through, built in or a community's own TOML files."""

from coptui.formats.errors import FormatError
from coptui.formats.loader import (
    DEFAULT_FORMAT,
    available_formats,
    builtin_formats,
    find_format,
    format_settings,
    load_format_file,
    shows_participation,
)
from coptui.formats.model import PhaseSpec, SessionFormat

__all__ = [
    "DEFAULT_FORMAT",
    "FormatError",
    "PhaseSpec",
    "SessionFormat",
    "available_formats",
    "builtin_formats",
    "find_format",
    "format_settings",
    "load_format_file",
    "shows_participation",
]

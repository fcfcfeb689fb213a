"""The server log is one line per event, and clients cannot write into it.

Whatever a client sends (its version, user name, terminal type, a command, a forwarding
host) is logged through `shown`: quoted, escaped like a Python literal, and cut short. The
formatter escapes anything unprintable that reaches a line by another way, so no value
can start a forged line, retitle the operator's terminal or write its clipboard.
"""

from __future__ import annotations

import logging

SHOWN_LENGTH = 64  # characters of a client's value that reach the log


def shown(value: str | bytes, limit: int = SHOWN_LENGTH) -> str:
    """`value` as a quoted, escaped literal of at most `limit` characters, with `…` if cut."""
    text = value.decode("utf-8", errors="backslashreplace") if isinstance(value, bytes) else value
    cut = "…" if len(text) > limit else ""
    return repr(text[:limit]) + cut


def printable(text: str) -> str:
    """`text` with every unprintable character (controls, line breaks, bidi marks) escaped."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


class OneLineFormatter(logging.Formatter):
    """Formats a record's message as one printable line; a traceback, if any, follows as is."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = printable(record.message)
        return super().formatMessage(record)

"""User text as Markdown that shows exactly that text: the one place coptui escapes Markdown.

Every string a member typed reaches Markdown through one of these functions, so
that `*not*` stays asterisks, `[runbook]` is not a link, `<script>` is text, and a
line starting `# ` or `- ` or `1. ` does not turn into a heading or a list.

The method is CommonMark's backslash escape, which every CommonMark renderer (GitHub,
GitLab, Pandoc, markdown-it, goldmark) reads the same way: a backslash before any
ASCII punctuation character shows that character. Characters that mean something
anywhere in a line are always escaped; characters that only mean something at the
start of a line (`#`, `>`, `-`, `+`, `=`, `|`, `:`, `1.`) are escaped there. Prose
stays readable in the raw file: apostrophes, commas and full stops are left alone.

Left as they are: a bare URL, which GitHub and some wikis turn into a link showing
the same text, and `:emoji:` short codes, which GitHub shows as the emoji.

Control characters and escape sequences are dropped here too, not only when text is
stored: a repertoire file can be edited by other tools, and the store reads its own
rows back without checking them again.

Whitespace: HTML shows a run of spaces as one, so what a reader sees is the text
with its whitespace runs folded. Leading indentation of a line is kept visible as
no-break spaces, which also stops an indented line from becoming a code block.
"""

from __future__ import annotations

import functools
import re

from coptui.text import strip_controls

# Meaningful anywhere in a line: escapes, code spans, emphasis, links, autolinks and
# HTML, entities, and strikethrough in the GitHub dialect.
_ANYWHERE = "\\`*_[]<&~"
# Meaningful at the start of a line: headings, block quotes, list bullets, setext
# underlines, table rows and delimiter rows (`|---|`, `:--|`).
_LINE_START = "#>-+=|:"
# An ordered-list marker: digits then `.` or `)`.
_ORDERED_MARKER = re.compile(r"^(\d+)([.)])")
_HARD_BREAK = "\\\n"


def _table(characters: str) -> dict[int, str]:
    return {ord(c): "\\" + c for c in characters}


# str.translate does the escaping in one pass: export escapes every string it writes.
_INLINE = _table(_ANYWHERE)
_HEADING = _table(_ANYWHERE + "#")
_CELL = _table(_ANYWHERE + "|")
# Most lines of prose hold none of these, and a search is cheaper than a translate.
_SPECIAL = re.compile(f"[{re.escape(_ANYWHERE + '#|')}]")


def _escape_line(line: str, table: dict[int, str] = _INLINE) -> str:
    body = line.lstrip(" \t")
    indent = "&nbsp;" * len(line[: len(line) - len(body)].expandtabs(4)) if len(body) < len(line) else ""
    if _SPECIAL.search(body):
        body = body.translate(table)
    if body:
        first = body[0]
        if first in _LINE_START:
            body = "\\" + body
        elif first.isdigit():
            body = _ORDERED_MARKER.sub(r"\1\\\2", body)
    return indent + body if indent else body


@functools.lru_cache(maxsize=16384)
def inline(text: str) -> str:
    """One line of user text inside a paragraph or list item; line breaks fold to spaces."""
    return _escape_line(" ".join(strip_controls(text).split()))


@functools.lru_cache(maxsize=16384)
def heading(text: str) -> str:
    """User text as a heading's content: also `#`, which could close an ATX heading."""
    return _escape_line(" ".join(strip_controls(text).split()), _HEADING)


@functools.lru_cache(maxsize=16384)
def cell(text: str) -> str:
    """User text in a table cell: also `|`, and line breaks fold to spaces.

    A table row is one line, and `<br>` is not an option: with raw HTML off (as it
    must be, so that members' text cannot inject markup) it would show as `<br>`.
    The text with its breaks is shown in full elsewhere in the same file.
    """
    return _escape_line(" ".join(strip_controls(text).split()), _CELL)


def link_text(text: str) -> str:
    """User text as the text of a link: brackets are escaped like everywhere else."""
    return inline(text)


@functools.lru_cache(maxsize=16384)
def block(text: str, *, indent: str = "") -> str:
    """Multi-line user text (a note, a story) that keeps its line breaks as hard breaks.

    The lines stay one paragraph (a blank line becomes an empty hard-broken line),
    so the text can sit inside a list item or after a label; `indent` is put before
    every line after the first, to keep it inside a list item. (Remembered: a case's
    notes and strategies are on its page and, just before it, on its session's minutes.)
    """
    text = strip_controls(text).strip()
    if "\n" not in text:
        return _escape_line(text)  # most text is one line
    lines = [_escape_line(line.rstrip()) for line in text.split("\n")]
    return (_HARD_BREAK + indent).join(lines)

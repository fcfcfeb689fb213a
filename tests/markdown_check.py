"""Reading exported Markdown back as a renderer would: for tests of its structure and visible text."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from markdown_it import MarkdownIt
from markdown_it.token import Token

PARSER = MarkdownIt("commonmark", {"html": False}).enable("table")


def folded(text: str) -> str:
    """Text as a reader sees it in HTML: runs of whitespace shown as one space."""
    return " ".join(text.split())


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "br":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible(markdown_text: str) -> tuple[str, list[str]]:
    """The text a reader sees once `markdown_text` is rendered, and the HTML tags it rendered to."""
    reader = _VisibleText()
    reader.feed(PARSER.render(markdown_text))
    reader.close()
    return folded("".join(reader.parts)), reader.tags


def inline_text(token: Token) -> str:
    """The visible text of an inline token (its children's text, breaks as spaces)."""
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return folded("".join(parts))


def inline_links(token: Token) -> list[str]:
    return [str(child.attrs["href"]) for child in token.children or [] if child.type == "link_open"]


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    links: list[list[list[str]]] = field(default_factory=list)


@dataclass
class Page:
    headings: list[tuple[int, str]]
    tables: list[Table]
    links: list[str]


def parse(markdown_text: str) -> Page:
    """Headings (level, text), tables (cells as visible text) and every link target of a page."""
    tokens = PARSER.parse(markdown_text)
    headings: list[tuple[int, str]] = []
    tables: list[Table] = []
    links: list[str] = []
    row: list[str] | None = None
    row_links: list[list[str]] = []
    in_head = False
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            headings.append((int(token.tag[1]), inline_text(tokens[i + 1])))
        elif token.type == "table_open":
            tables.append(Table(header=[]))
        elif token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            row, row_links = [], []
        elif token.type == "tr_close" and row is not None:
            if in_head:
                tables[-1].header = row
            else:
                tables[-1].rows.append(row)
                tables[-1].links.append(row_links)
            row = None
        elif token.type == "inline":
            links.extend(inline_links(token))
            if row is not None:
                row.append(inline_text(token))
                row_links.append(inline_links(token))
    return Page(headings=headings, tables=tables, links=links)

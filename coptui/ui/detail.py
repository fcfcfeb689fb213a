"""A detail pane's document: a story as headings, paragraphs and list items of styled text.

A story is built once, in a worker, as Textual `Content`, and `StoryView` draws it line
by line: no Markdown is parsed and no widget is made per block. Parts given as `str`
are literal text, never markup, so members' words (cleaned through `coptui/ui/render.py`)
show exactly as typed; the only click actions are the links made here, to `coptui:` items,
and each of them is also in `refs`, so it can be followed from the keyboard.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

from textual.content import Content
from textual.style import Style

from coptui.ui.refs import Ref, RefKind
from coptui.ui.render import plain_str

# A piece of a line: a `str` is drawn as it is, a `Content` with its styles and links.
Part = str | Content


class BlockKind(Enum):
    TITLE = "title"  # the story's name, once, at the top
    HEADING = "heading"  # a section of the story
    PARAGRAPH = "paragraph"
    ITEM = "item"  # a list item; consecutive items make one list


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    content: Content
    depth: int = 0  # an item's nesting: 0 for the list, 1 for an item under an item


def strong(*parts: Part) -> Content:
    return Content.assemble(*parts).stylize("bold")


def em(*parts: Part) -> Content:
    return Content.assemble(*parts).stylize("italic")


def key(name: str) -> Content:
    """A key to press, drawn as keys are in the help."""
    return Content.styled(name, ".story-view--key")


@dataclass
class Detail:
    """A detail pane's document and the references it names, in order."""

    blocks: list[Block] = field(default_factory=list)
    refs: list[tuple[str, Ref]] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The document as plain text, a line a block: what changed, for a pane that redraws."""
        return "\n".join(block.content.plain for block in self.blocks)

    def _add(self, kind: BlockKind, parts: tuple[Part, ...], depth: int = 0) -> None:
        self.blocks.append(Block(kind, Content.assemble(*parts), depth))

    def title(self, *parts: Part) -> None:
        self._add(BlockKind.TITLE, parts)

    def heading(self, *parts: Part) -> None:
        self._add(BlockKind.HEADING, parts)

    def paragraph(self, *parts: Part) -> None:
        self._add(BlockKind.PARAGRAPH, parts)

    def item(self, *parts: Part, depth: int = 0) -> None:
        self._add(BlockKind.ITEM, parts, depth)

    def items(self, lines: Iterable[Content], *, empty: str) -> None:
        """A list of `lines`, or the sentence `empty` when there are none."""
        count = len(self.blocks)
        for line in lines:
            self.item(line)
        if len(self.blocks) == count:
            self.paragraph(empty)

    def link(self, label: str, ref: Ref, *, describe: str | None = None) -> Content:
        """A link to `ref` labelled with `label` (cleaned), remembered for the keyboard's reference list."""
        if all(existing != ref for _, existing in self.refs):
            # Whole: the reference list cuts each to its width, once.
            self.refs.append((describe or f"{ref.kind.replace('_', '-')}: {plain_str(label, 300)}", ref))
        # The action's argument is ours: `href` quotes the key, so no quote in it ends the string.
        return Content.styled(plain_str(label), Style.from_meta({"@click": f"link({ref.href!r})"}))

    def member(self, handle: str) -> Content:
        return self.link(f"@{handle}", Ref(RefKind.MEMBER, handle), describe=f"member: @{plain_str(handle)}")

    def session(self, session_id: int | None, title: str = "") -> Part:
        if session_id is None:
            return "outside a session"
        return self.link(title or f"session {session_id}", Ref(RefKind.SESSION, session_id))

    def case(self, case_id: int | None, title: str = "") -> Part:
        if case_id is None:
            return "no case"
        return self.link(title or f"case {case_id}", Ref(RefKind.CASE, case_id))

"""The detail pane: one scrollable widget that draws a story document line by line.

A story is laid out once per width (each block wrapped, list items with a hanging
indent) and only the lines in view are drawn, so showing the next case's story costs
what wrapping its text costs, not a tree of widgets. A click on a link posts
`LinkClicked`; the screen decides where it leads.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual

from coptui.ui.detail import Block, BlockKind, Detail

BULLETS = ("• ", "▪ ")
INDENT = 2  # the width of a bullet, and of each level of nesting
GAP = 1  # a column between the text and the scrollbar


def _spaced(previous: Block | None, block: Block) -> bool:
    """Whether a blank line goes between two blocks: not under a heading, nor between a list's items."""
    if previous is None or previous.kind is BlockKind.HEADING:
        return False
    return not (previous.kind is BlockKind.ITEM and block.kind is BlockKind.ITEM)


class StoryView(ScrollView, can_focus=True):
    # Lines are laid out per block, so Textual's selection offsets would not match them; the
    # terminal's own selection (shift and drag in most) still copies the text.
    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "story-view--title",
        "story-view--heading",
        "story-view--bullet",
        "story-view--key",
    }

    class LinkClicked(Message):
        def __init__(self, story_view: StoryView, href: str) -> None:
            super().__init__()
            self.story_view = story_view
            self.href = href

        @property
        def control(self) -> StoryView:
            return self.story_view

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.detail = Detail()
        self._lines: list[Strip] | None = None
        self._laid_out_width = 0
        self._frame_lines: list[Strip] = []
        self._blank = Style()  # the pane's own style, for what lies beyond the story's lines

    def show(self, detail: Detail) -> None:
        """Draw `detail` from its top."""
        self.detail = detail
        self._lay_out()
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    @property
    def lines(self) -> list[Strip]:
        """The story's lines as drawn at the pane's width, from the top."""
        if self._lines is None or self._laid_out_width != self.scrollable_content_region.width:
            self._lay_out()
        assert self._lines is not None
        return self._lines

    def _lay_out(self) -> None:
        self._blank = self.rich_style
        width = max(self.scrollable_content_region.width - GAP, 1)
        lines: list[Strip] = []
        previous: Block | None = None
        for block in self.detail.blocks:
            if _spaced(previous, block):
                lines.append(Strip.blank(width, self._blank))
            lines += self._block_lines(block, width)
            previous = block
        self._lines, self._laid_out_width = lines, self.scrollable_content_region.width
        self._set_height(Size(width, len(lines)))

    def _set_height(self, size: Size) -> None:
        """The story's size, without laying out the screen again unless the scrollbar comes or goes:
        the pane's own size does not depend on the story's, so only its scrollbar needs telling."""
        view = self.scrollable_content_region.height
        if (size.height > view) != (self.virtual_size.height > view):
            self.virtual_size = size
            return
        self.set_reactive(StoryView.virtual_size, size)
        if self.show_vertical_scrollbar:
            self.vertical_scrollbar.window_virtual_size = size.height

    def _block_lines(self, block: Block, width: int) -> list[Strip]:
        base = self.visual_style
        if block.kind is BlockKind.TITLE:
            base += self.get_visual_style("story-view--title")
        elif block.kind is BlockKind.HEADING:
            base += self.get_visual_style("story-view--heading")
        if block.kind is not BlockKind.ITEM:
            return Visual.to_strips(self, block.content, width, None, base, apply_selection=False)
        indent = INDENT * (block.depth + 1)
        bullet_style = (base + self.get_visual_style("story-view--bullet")).rich_style
        bullet = Segment(" " * (indent - INDENT) + BULLETS[min(block.depth, len(BULLETS) - 1)], bullet_style)
        hang = Segment(" " * indent, base.rich_style)
        wrapped = Visual.to_strips(
            self, block.content, max(width - indent, 1), None, base, apply_selection=False
        )
        return [Strip([bullet if i == 0 else hang, *line]) for i, line in enumerate(wrapped)]

    def on_resize(self) -> None:
        if self._laid_out_width != self.scrollable_content_region.width:
            self._lay_out()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines = None  # a new theme: lay the story out again in its colours

    def render_lines(self, crop: Region) -> list[Strip]:
        self._frame_lines = self.lines  # once a frame: the width is checked here, not for every line
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        if index >= len(self._frame_lines):
            return Strip.blank(self._laid_out_width, self._blank)
        return self._frame_lines[index].crop_extend(0, self._laid_out_width, self._blank)

    def action_link(self, href: str) -> None:
        self.post_message(self.LinkClicked(self, href))

"""User text stays text: whatever a member typed, the rendered Markdown shows exactly that."""

from __future__ import annotations

import pytest
from hostile import HOSTILE_TEXT, UNSAFE_TEXT
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_check import folded, parse, visible

from coptui.export import escape
from coptui.text import clean_text

HOSTILE = [
    "*not* _this_ **either**",
    "[runbook](http://evil.example) and ![img](x.png)",
    "p50 | p95 | p99",
    "`code` and ``double``",
    "<script>alert(1)</script> <b>bold</b> <http://autolink.example>",
    "# not a heading",
    "> not a quote",
    "- not a list\n+ nor this\n* nor this",
    "1. not numbered\n2) either",
    "a\\\nb\\",
    "&amp; &copy; &#65; &",
    "line one\n---\nline two\n===",
    "a | b\n--|--\nc | d",
    "| a | b |\n|:--|--:|",
    "    indented code?\n\tand a tab",
    "~~struck~~ and ~one~",
    "first\n\n\nafter blank lines",
    "```\nfenced\n```",
    "[ref]: http://example.com",
]

# Markdown's punctuation, its line-start markers and whitespace, weighted well above
# the rest of Unicode so that hypothesis finds the awkward combinations.
MARKDOWNISH = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("#>-+=|:.)*_[]()!`<>&;~\\/'\" \n\t1a")),
        st.characters(),
    ),
    max_size=80,
)
ALLOWED_TAGS = {"p", "br", "ul", "li", "strong", "em", "h2", "table", "thead", "tbody", "tr", "th", "td"}


def test_each_escape_leaves_prose_readable() -> None:
    assert escape.inline("Ana's plan, step 2.") == "Ana's plan, step 2."
    assert escape.inline("snake_case *and* [x]") == "snake\\_case \\*and\\* \\[x\\]"
    assert escape.cell("a | b") == "a \\| b"
    assert escape.heading("C# tips #1") == "C\\# tips \\#1"
    assert escape.block("one\ntwo") == "one\\\ntwo"


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_shown_as_typed(text: str) -> None:
    assert_round_trips(text)


@settings(max_examples=400, deadline=None)
@given(MARKDOWNISH)
@example("1) x")
@example("\u00a0- x")
def test_any_text_round_trips_as_the_same_visible_text(raw: str) -> None:
    assert_round_trips(clean_text(raw))


def assert_round_trips(text: str) -> None:
    expected = folded(text)
    for where, markdown_text in {
        "paragraph": escape.block(text),
        "inline": escape.inline(text),
        "list item": "- **who:** " + escape.block(text, indent="  "),
        "heading": "## " + escape.heading(text),
        "link text": f"[{escape.link_text(text)}](page.md)",
    }.items():
        shown, tags = visible(markdown_text)
        wanted = folded("who: " + text) if where == "list item" else expected
        assert shown == wanted, (where, markdown_text)
        allowed = ALLOWED_TAGS | ({"a"} if where == "link text" else set())
        assert set(tags) <= allowed, (where, markdown_text, tags)
    # A table cell: the row keeps its three cells, whatever the text holds.
    page = parse(f"| a | b | c |\n|---|---|---|\n| x | {escape.cell(text)} | z |\n")
    assert len(page.tables) == 1 and page.tables[0].rows == [["x", expected, "z"]]


@pytest.mark.parametrize(("name", "text"), HOSTILE_TEXT, ids=[name for name, _ in HOSTILE_TEXT])
def test_the_hostile_corpus_is_shown_as_typed(name: str, text: str) -> None:
    assert_round_trips(clean_text(text))


@pytest.mark.parametrize(("name", "text", "stored"), UNSAFE_TEXT, ids=[name for name, _, _ in UNSAFE_TEXT])
def test_unsafe_text_is_shown_as_stored(name: str, text: str, stored: str) -> None:
    assert_round_trips(clean_text(text))
    assert visible(escape.block(clean_text(text)))[0] == folded(stored)

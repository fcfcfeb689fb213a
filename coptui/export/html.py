"""Markdown to one self-contained HTML file that reads well on screen and printed.

markdown-it-py renders it with raw HTML off, so members' text that looks like a tag
is shown as text: nothing a member typed can add markup or script to the page. The
style sheet is inline and names only local fonts: the file loads nothing else.
"""

from __future__ import annotations

import html

from coptui.text import one_line

CSS = """
:root { color-scheme: light; }
body {
  margin: 0 auto; max-width: 46rem; padding: 2rem 1.5rem 3rem;
  font: 11pt/1.5 Charter, "Bitstream Charter", Cambria, Georgia, "Times New Roman", serif;
  color: #1a1a1a; background: #fff;
}
h1, h2, h3 { font-family: "Segoe UI", Helvetica, Arial, sans-serif; line-height: 1.25; }
h1 { font-size: 1.7rem; margin: 0 0 0.3rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 0.5rem; padding-bottom: 0.2rem; border-bottom: 1px solid #bbb; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 0.4rem; }
p, ul, ol { margin: 0.4rem 0 0.7rem; }
li { margin: 0.15rem 0; }
blockquote { margin: 1rem 0; padding: 0.5rem 1rem; border-left: 4px solid #c90; background: #fff8e6; }
blockquote p { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 0.6rem 0 0.4rem; font-size: 0.95em; }
th, td { border: 1px solid #bbb; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
/* The minutes' action table: owner, action, due, status, case. */
th:nth-child(2) { width: 42%; }
th:nth-child(5) { width: 24%; }
td:nth-child(3) { white-space: nowrap; }
hr { border: 0; border-top: 1px solid #bbb; margin: 2rem 0 0.5rem; }
hr + p { color: #555; font-size: 0.9em; }
a { color: #1a4f8b; }
code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
@page { margin: 2cm 1.8cm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  tr, li, blockquote { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
  blockquote { background: none; }
}
"""

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="coptui {version}">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<main>
{body}</main>
</body>
</html>
"""


def render_html(markdown_text: str, title: str) -> str:
    """A whole HTML page for `markdown_text`; `title` is plain text (escaped here)."""
    from markdown_it import MarkdownIt

    from coptui import __version__

    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    return _PAGE.format(
        version=__version__, title=html.escape(one_line(title)), css=CSS, body=parser.render(markdown_text)
    )

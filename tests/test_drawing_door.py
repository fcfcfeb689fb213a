"""Stored text reaches the screen through one door, `coptui/ui/render.py`, and no other way.

The store hands rows back as they are in the file, where another tool may have written
escape bytes, so a widget given a stored title raw would send them to the terminal.
These checks read the UI's source: a new pane that draws a stored field without the
door fails here, before any hostile file has to find it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pydantic
import pytest

import coptui.models
from coptui.ui import render

UI = Path(render.__file__).parent
DOOR_MODULE = Path(render.__file__)

# Calls that clean what they are given: the door's functions, and the detail pane's link
# helpers, which pass their labels through `plain_str`.
DOOR_CALLS = {"plain", "block", "plain_str", "block_str", "highlighted"}
DOOR_CALLS |= {"input_line", "input_text"}
DOOR_CALLS |= {"link", "member", "_members", "session", "case", "_strategy_link"}
# Each screen's `say` draws its message through `plain` or `block`.
DOOR_CALLS |= {"say"}

# Where text becomes something drawn: widgets, renderables, toasts, titles, palette hits.
SINK_CALLS = {"Text", "Content", "Static", "Label", "Input", "TextArea", "Option", "DiscoveryHit", "Hit"}
SINK_CALLS |= {"notify", "update", "append", "assemble", "add_row", "add_option", "load_text"}
# A detail pane's story: its blocks and the styled pieces of their lines (coptui/ui/detail.py).
SINK_CALLS |= {"title", "heading", "paragraph", "item", "strong", "em", "styled"}
SINK_ATTRIBUTES = {"border_title", "border_subtitle", "value", "text", "placeholder", "tooltip"}


def stored_text_fields() -> set[str]:
    """Every text field of every model, and the store's story fields that carry members' words."""
    fields = {"case_title", "strategy_text", "snippet"}
    for item in vars(coptui.models).values():
        if isinstance(item, type) and issubclass(item, pydantic.BaseModel):
            fields |= {name for name, info in item.model_fields.items() if "str" in str(info.annotation)}
    return fields


STORED = stored_text_fields()

# Reads the check cannot tell from stored text, each with why it is not.
NOT_STORED = {
    ("screens/browser.py", "s.name"): "a Section's name, coptui's own word",
    ("screens/help.py", "binding.description"): "a key's description, coptui's own",
    ("screens/start_session.py", "member.handle"): "a handle just typed and validated, or a choice's value",
}


def ui_modules() -> list[Path]:
    return sorted(p for p in UI.rglob("*.py") if p != DOOR_MODULE)


def call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def raw_stored_reads(node: ast.AST) -> list[ast.Attribute]:
    """Reads of a stored text field (`case.title`) in `node` that no door call wraps."""
    if isinstance(node, ast.Call) and call_name(node) in DOOR_CALLS:
        return []
    found = []
    if isinstance(node, ast.Attribute) and node.attr in STORED and isinstance(node.ctx, ast.Load):
        found.append(node)
    for child in ast.iter_child_nodes(node):
        if isinstance(node, ast.Call) and child is node.func:
            continue  # `place.title()` calls a method; it is not the field
        if isinstance(node, ast.comprehension) and child is node.iter:
            continue  # `d.member(h) for h in session.attendees` draws `h` as its element says
        found += raw_stored_reads(child)
    return found


def outside_the_door(tree: ast.AST) -> list[ast.AST]:
    """Every node of `tree` but those inside a door call, whose output is clean whatever goes in."""
    nodes, todo = [], [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Call) and call_name(node) in DOOR_CALLS:
            continue
        nodes.append(node)
        todo.extend(ast.iter_child_nodes(node))
    return nodes


def raw_draws(tree: ast.AST) -> list[tuple[int, str]]:
    """Every place a stored field reaches a drawing call, a drawn attribute or an f-string raw."""
    found: list[tuple[int, str]] = []
    for node in outside_the_door(tree):
        if isinstance(node, ast.Call) and call_name(node) in SINK_CALLS:
            values: list[ast.AST] = [*node.args, *(k.value for k in node.keywords)]
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Attribute) and t.attr in SINK_ATTRIBUTES for t in node.targets
        ):
            values = [node.value]
        elif isinstance(node, ast.JoinedStr):
            values = [v.value for v in node.values if isinstance(v, ast.FormattedValue)]
        else:
            continue
        for value in values:
            found += [(read.lineno, ast.unparse(read)) for read in raw_stored_reads(value)]
    return sorted(set(found))


def test_only_the_door_imports_the_cleaning_functions() -> None:
    importers = [
        path.relative_to(UI).as_posix()
        for path in ui_modules()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom) and node.module == "coptui.text"
    ]
    assert importers == []


@pytest.mark.parametrize("path", ui_modules(), ids=lambda p: p.relative_to(UI).as_posix())
def test_no_ui_module_draws_a_stored_field_around_the_door(path: Path) -> None:
    module = path.relative_to(UI).as_posix()
    found = [
        (line, read)
        for line, read in raw_draws(ast.parse(path.read_text()))
        if (module, read) not in NOT_STORED
    ]
    assert found == [], f"{path.name}: stored text drawn without coptui/ui/render.py: {found}"


def test_the_check_sees_a_raw_draw() -> None:
    """The checker itself: each way of drawing a field raw is caught, each door call is not."""
    source = """
banner.update(Text(session.title))
box.border_title = f"{phase.title} · case"
self.notify(f"{title}: {case.context}")
area = TextArea(case.context)
ok = Text(plain_str(session.title))
fine = f"{plain_str(case.title)}"
method = place.title()
d.paragraph("Brought by ", member.name)
d.item(strong(case.title), " · ", d.case(case.id, case.title))
d.heading(plain_str(topic.name))
"""
    assert [line for line, _ in raw_draws(ast.parse(source))] == [2, 3, 4, 5, 9, 10]


def test_every_input_box_cleans_what_enters_it() -> None:
    """Boxes are made from `CleanInput`/`CleanTextArea`, never Textual's own, so nothing typed
    or pasted echoes a control byte (see coptui/ui/widgets/clean_input.py, clean_text_area.py)."""
    raw = [
        (path.relative_to(UI).as_posix(), node.lineno)
        for path in ui_modules()
        if path.name not in {"clean_input.py", "clean_text_area.py"}
        for node in ast.walk(ast.parse(path.read_text()))
        if (isinstance(node, ast.Call) and call_name(node) in {"Input", "TextArea"})
        or (isinstance(node, ast.ClassDef) and {ast.unparse(b) for b in node.bases} & {"Input", "TextArea"})
    ]
    assert raw == []

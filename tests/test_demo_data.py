"""The demo community ships inside the package, so `coptui demo` works from a wheel as from a checkout."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

from coptui.demo import demo_document
from coptui.interchange import read_document

PACKAGE = Path(__file__).resolve().parent.parent / "coptui"


def test_the_demo_community_loads_through_importlib_resources(sample_file: Path) -> None:
    document = demo_document()
    assert document.community.name == "SRE Guild"
    assert len(document.cases) >= 20
    assert document == read_document(sample_file)


def test_every_data_file_of_the_package_is_declared_for_the_wheel() -> None:
    """A file the package reads at run time reaches a wheel only through `package-data`."""
    settings = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = settings["tool"]["setuptools"]["package-data"]["coptui"]
    data_files = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    ]
    assert "demo/sre-guild.json" in data_files
    undeclared = [
        name
        for name in data_files
        if not any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(name, p.removeprefix("**/")) for p in patterns)
    ]
    assert undeclared == []

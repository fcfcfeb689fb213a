"""The demo community ships inside the package, so `coptui demo` works from a wheel as from a checkout."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

from coptui.demo import demo_document
from coptui.interchange import read_document
from coptui.store import Repertoire

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


def test_the_demo_shows_practices_tried_again_on_other_cases(tmp_path: Path) -> None:
    """On first launch the ranking and "seen before" have something to show: practices tried on
    two cases or more, with mixed outcomes, the best of them first."""
    document = demo_document()
    with Repertoire.create(tmp_path / "demo.db", document.community) as repertoire:
        repertoire.load(document)
        ranked = repertoire.practices()
        again = [r for r in ranked if r.cases >= 2]
        assert len(again) >= 3
        assert all(r.record.tried > r.record.worked for r in again)  # mixed outcomes, every one
        assert ranked[0] == again[0] and ranked[0].practice.name.startswith("Route what isn't urgent")
        seen = repertoire.similar_cases(12)
        assert {7, 1} <= {s.case.id for s in seen}
        assert any(p.cases >= 2 for s in seen for p in s.practices)

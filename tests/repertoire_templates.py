"""Repertoire files built once a test session and copied for each test that asks for one.

Building a repertoire (schema, migrations, search indexes, a document) takes a tenth of
a second or more; copying the closed file takes a thousandth. Each test still owns its
copy in its own `tmp_path`, so no test sees what another wrote.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from coptui.demo import DEMO_FILE
from coptui.models import RepertoireDocument
from coptui.store import Repertoire

SAMPLE = Path(str(resources.files("coptui.demo").joinpath(DEMO_FILE)))


def sample_document() -> RepertoireDocument:
    """The bundled demo community."""
    from coptui.interchange import read_document

    return read_document(SAMPLE)


class RepertoireTemplates:
    """One closed repertoire file per document function, made the first time it is asked for."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.made: dict[str, Path] = {}

    def copy(self, path: Path, document: Callable[[], RepertoireDocument]) -> Path:
        """A new repertoire at `path` holding `document()`, closed and ready to open."""
        name = f"{document.__module__}.{document.__qualname__}"
        assert "<" not in name, f"name the function that makes the document, not {name}"
        template = self.made.get(name)
        if template is None:
            template = self.folder / f"{name}.db"
            made = document()
            with Repertoire.create(template, made.community) as repertoire:
                repertoire.load(made)
            # Closed, the file holds everything: the write-ahead log was folded in and removed.
            assert not template.with_name(f"{template.name}-wal").exists()
            self.made[name] = template
        shutil.copyfile(template, path)
        return path

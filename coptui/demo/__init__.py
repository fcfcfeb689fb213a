"""The demo community (an SRE guild), inside the package: `coptui demo` works wherever it is installed."""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coptui.models import RepertoireDocument

DEMO_FILE = "sre-guild.json"


def demo_document() -> RepertoireDocument:
    """The demo community, read from the package's own data (a wheel, a checkout or a zip alike)."""
    from coptui.interchange import parse_json

    return parse_json(resources.files(__name__).joinpath(DEMO_FILE).read_bytes(), "the demo community")

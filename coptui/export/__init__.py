"""Minutes and the repertoire as Markdown, and as HTML: read through the store, never written back.

No Textual here: the CLI and the live-session screen (F9) both call these functions.
They are imported from `api` when first named, so that a screen using one of the small
modules here (the browser's stories use `markdown`'s dates) does not import every exporter.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coptui.export.api import (
        MinutesFormat,
        export_repertoire,
        minutes,
        resolve_session,
        save_minutes,
    )

__all__ = ["MinutesFormat", "export_repertoire", "minutes", "resolve_session", "save_minutes"]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from coptui.export import api

    globals().update({public: getattr(api, public) for public in __all__})
    return globals()[name]


class _Package(ModuleType):
    """The package, whose `minutes` stays the function whatever is imported first.

    Python names each submodule on its package as it is first imported, so importing
    the submodule `minutes` (as `api` does) would make `coptui.export.minutes` that module.
    """

    def __setattr__(self, name: str, value: object) -> None:
        if not (name in __all__ and isinstance(value, ModuleType)):
            super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

"""Minutes and the repertoire as Markdown, and as HTML: read through the store, never written back.

No Textual here: the CLI and the live-session screen (F9) both call these functions.
They are imported from `api` when first named, so that a screen using one of the small
modules here (the browser's stories use `markdown`'s dates) does not import every exporter.
"""

from __future__ import annotations

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

    # All at once: importing `api` imports the submodule `minutes`, which Python names here
    # too; the function of that name is the package's `minutes`. (Code that may run after
    # `api` was imported directly takes `minutes` from `coptui.export.api`.)
    globals().update({public: getattr(api, public) for public in __all__})
    return globals()[name]

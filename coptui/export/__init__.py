"""Minutes and the repertoire as Markdown, and as HTML: read through the store, never written back.

No Textual here: the CLI and the live-session screen (F9) both call these functions.
"""

from coptui.export.api import (
    MinutesFormat,
    export_repertoire,
    minutes,
    resolve_session,
    save_minutes,
)

__all__ = ["MinutesFormat", "export_repertoire", "minutes", "resolve_session", "save_minutes"]

"""Opening the Textual app: the one place the command line imports the UI, when a command draws."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coptui import config

if TYPE_CHECKING:
    from coptui.store import Repertoire
    from coptui.ui.app import Launch
    from coptui.ui.screens.participant import Joining


def run_app(
    repertoire: Repertoire,
    launch: Launch = None,
    *,
    theme: str | None = None,
    viewer: str | None = None,
    participant: Joining | None = None,
) -> None:
    from coptui.ui.app import CoptuiApp
    from coptui.ui.themes import THEMES

    CoptuiApp(
        repertoire,
        launch=launch,
        theme=THEMES.get(theme or "default"),
        viewer=viewer,
        participant=participant,
    ).run()


def signed_in_member() -> str | None:
    """The member `COPTUI_MEMBER` names, if it is a handle (sshd passes the key's option on unchecked)."""
    from pydantic import TypeAdapter, ValidationError

    from coptui.models import Handle

    named = config.member_variable()
    try:
        return TypeAdapter(Handle).validate_python(named) if named else None
    except ValidationError:
        return None

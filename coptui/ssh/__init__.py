"""The SSH front door: members browse the repertoire read-only with a plain `ssh`.

Built on asyncssh, imported only by `coptui serve`. Files, one concern each:
`authorized_keys` (who may sign in), `host_key` (the server's identity),
`doorway` (the budget of connections not signed in yet), `terminal` (a child process
on a pty), `launcher` (how a browser starts: its command line, its environment, forked
or spawned), `fork_server` (the pre-imported process browsers are forked from),
`session` (one browser per SSH session), `server` (sign-in, refusals, limits,
shutdown), `log_line` (client values made safe for the log) and `service` (the
command's lifetime).

The names below are imported when first used, so the fork server, which runs
`coptui.ssh.fork_server`, imports neither asyncssh nor the server.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coptui.ssh.errors import ServeError
    from coptui.ssh.host_key import default_host_key_path
    from coptui.ssh.server import BrowserServer, ServerSettings
    from coptui.ssh.service import configure_logging, serve_until_stopped, start_server

_HOMES = {
    "BrowserServer": "coptui.ssh.server",
    "ServeError": "coptui.ssh.errors",
    "ServerSettings": "coptui.ssh.server",
    "configure_logging": "coptui.ssh.service",
    "default_host_key_path": "coptui.ssh.host_key",
    "serve_until_stopped": "coptui.ssh.service",
    "start_server": "coptui.ssh.service",
}

__all__ = [
    "BrowserServer",
    "ServeError",
    "ServerSettings",
    "configure_logging",
    "default_host_key_path",
    "serve_until_stopped",
    "start_server",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'coptui.ssh' has no attribute {name!r}")
    return getattr(importlib.import_module(_HOMES[name]), name)

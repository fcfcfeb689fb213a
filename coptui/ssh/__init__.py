"""The SSH front door: members browse the repertoire read-only with a plain `ssh`.

Built on asyncssh, imported only by `coptui serve`. Files, one concern each:
`authorized_keys` (who may sign in), `host_key` (the server's identity),
`doorway` (the budget of connections not signed in yet), `terminal` (a child process
on a pty), `session` (one browser per SSH session), `server` (sign-in, refusals,
limits, shutdown), `log_line` (client values made safe for the log) and `service`
(the command's lifetime).
"""

from coptui.ssh.errors import ServeError
from coptui.ssh.host_key import default_host_key_path
from coptui.ssh.server import BrowserServer, ServerSettings
from coptui.ssh.service import configure_logging, serve_until_stopped, start_server

__all__ = [
    "BrowserServer",
    "ServeError",
    "ServerSettings",
    "configure_logging",
    "default_host_key_path",
    "serve_until_stopped",
    "start_server",
]

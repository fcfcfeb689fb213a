"""`coptui serve` from start to stop: keys, listening, the banner, and SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
import sys
from collections.abc import Callable
from typing import TextIO

from coptui.ssh.authorized_keys import AuthorizedKeys
from coptui.ssh.host_key import HostKey, load_or_create_host_key
from coptui.ssh.log_line import OneLineFormatter
from coptui.ssh.server import BrowserServer, ServerSettings
from coptui.text import one_line

log = logging.getLogger("coptui.ssh")


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a line is logged (tests swap it)."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


def configure_logging() -> None:
    """One printable line per event on stderr; asyncssh's own chatter only when something is wrong."""
    coptui_log = logging.getLogger("coptui")
    if any(isinstance(handler, _StderrHandler) for handler in coptui_log.handlers):
        return
    handler = _StderrHandler()
    handler.setFormatter(OneLineFormatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%dT%H:%M:%S%z"))
    coptui_log.addHandler(handler)
    coptui_log.setLevel(logging.INFO)
    # asyncssh's warnings go through the same formatter, not Python's raw last-resort handler.
    asyncssh_log = logging.getLogger("asyncssh")
    asyncssh_log.addHandler(handler)
    asyncssh_log.setLevel(logging.WARNING)
    asyncssh_log.propagate = False


def banner(community: str, server: BrowserServer, host_key: HostKey) -> list[str]:
    host, port = server.settings.host, server.port
    made = f", made now in {host_key.path}" if host_key.created else f", from {host_key.path}"
    # Listening everywhere: members reach the machine by its name.
    reachable = socket.gethostname() if host in ("0.0.0.0", "::", "") else host
    target = f"-p {port} {reachable}" if port != 22 else reachable
    how = "read-only, and members may join the live session," if server.settings.participants else "read-only"
    return [
        # The name is stored text, and this line reaches terminals and service logs.
        f"coptui: serving the repertoire of {one_line(community)} {how} on {host}:{port}",
        f"coptui: host key {host_key.fingerprint} (ED25519{made})",
        f"coptui: members connect with: ssh {target}",
    ]


async def start_server(settings: ServerSettings, *, default_host_key: bool = False) -> BrowserServer:
    keys = AuthorizedKeys(settings.authorized_keys)
    if keys.load() == 0:
        log.warning("no keys in %s yet: nobody can sign in until you add some", settings.authorized_keys)
    host_key = load_or_create_host_key(settings.host_key, default_location=default_host_key)
    server = BrowserServer(settings, host_key, keys)
    await server.start()
    return server


async def serve_until_stopped(
    settings: ServerSettings,
    community: str,
    announce: Callable[[str], None],
    *,
    default_host_key: bool = False,
) -> None:
    server = await start_server(settings, default_host_key=default_host_key)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    # SIGHUP too: the operator's terminal closing ends the browsers as cleanly as ctrl+c. Before
    # the banner, so that a script stopping the server as soon as it has read it stops it cleanly.
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        loop.add_signal_handler(signum, stop.set)
    for line in banner(community, server, server.host_key):
        announce(line)
    await stop.wait()
    log.info("stopping: %d browsers open", len(server.sessions))
    await server.close()
    log.info("stopped")

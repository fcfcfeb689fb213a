"""The SSH server: public-key sign-in, one browser per connection, limits and a clean stop.

`MemberConnection` is asyncssh's per-connection handler: it decides who gets in and
refuses every kind of forwarding. `BrowserServer` listens, counts the open browsers
against the limit, and on shutdown ends them before closing the connections.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

import asyncssh

from coptui.ssh.authorized_keys import AuthorizedKeys, KeyGrant
from coptui.ssh.errors import ServeError
from coptui.ssh.host_key import HostKey
from coptui.ssh.session import BrowserSession

SHUTDOWN_GRACE = 5.0  # seconds the browsers get to end before their connections are cut

log = logging.getLogger("coptui.ssh")


@dataclass(frozen=True)
class ServerSettings:
    db_path: Path
    authorized_keys: Path
    host_key: Path
    host: str = "127.0.0.1"
    port: int = 2222
    max_sessions: int = 32
    idle_timeout: float = 900.0  # seconds without input; 0 means never
    login_timeout: float = 30.0  # seconds to finish signing in


class MemberConnection(asyncssh.SSHServer):
    """One client: signs in with an authorized key, then may open one browser session."""

    def __init__(self, server: BrowserServer) -> None:
        self._server = server
        self._conn: asyncssh.SSHServerConnection | None = None
        self.peer = "?"
        self._peer_addr = ""
        self._opened_at = time.monotonic()
        self._offered: str | None = None
        self._candidate: KeyGrant | None = None
        self.grant: KeyGrant | None = None
        self._session: BrowserSession | None = None
        self._browser_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        peer = conn.get_extra_info("peername") or ("?", 0)
        self._peer_addr = str(peer[0])
        self.peer = f"{peer[0]}:{peer[1]}"
        self._server.connections.add(conn)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._conn is not None:
            self._server.connections.discard(self._conn)
            self._conn = None
        if self._browser_deadline is not None:
            self._browser_deadline.cancel()
        took = time.monotonic() - self._opened_at
        if self.grant is None:
            offered = (
                f"key {self._offered} is not authorized" if self._offered else "no authorized key offered"
            )
            log.info("%s: refused after %.1f s: %s", self.peer, took, offered)
            return
        log.info("%s: %s (key %s) left after %.1f s", self.peer, self.grant.who, self.grant.fingerprint, took)

    def begin_auth(self, username: str) -> bool:
        # Checked here rather than on connect, so the client is told why (after key exchange).
        open_now = len(self._server.connections)
        if self._conn is not None and open_now > self._server.max_connections:
            log.warning("%s: turned away: %d connections open", self.peer, open_now - 1)
            self._conn.disconnect(asyncssh.DISC_TOO_MANY_CONNECTIONS, "too many connections; try again later")
        return True

    def password_auth_supported(self) -> bool:
        return False

    def kbdint_auth_supported(self) -> bool:
        return False

    def host_based_auth_supported(self) -> bool:
        return False

    def public_key_auth_supported(self) -> bool:
        return True

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        # asyncssh signs in with the last key validated here: it checks the signature next.
        self._offered = key.get_fingerprint("sha256")
        self._candidate = self._server.keys.grant(key, self._peer_addr)
        return self._candidate is not None

    def auth_completed(self) -> None:
        self.grant = self._candidate
        if self.grant is not None:
            log.info("%s: %s signed in with key %s", self.peer, self.grant.who, self.grant.fingerprint)
        # A connection is for a browser: one that opens none (`ssh -N`) does not keep its place.
        self._browser_deadline = asyncio.get_running_loop().call_later(
            self._server.settings.login_timeout, self._close_if_no_browser
        )

    def _close_if_no_browser(self) -> None:
        if self._session is None and self._conn is not None:
            log.info(
                "%s: closing: %s opened no browser", self.peer, self.grant.who if self.grant else "nobody"
            )
            self._conn.disconnect(
                asyncssh.DISC_BY_APPLICATION, "this server only opens the repertoire browser"
            )

    def session_requested(self) -> BrowserSession | bool:
        if self.grant is None or self._session is not None:
            return False  # one browser per connection
        self._session = BrowserSession(self._server, self.grant, self.peer)
        return self._session

    def connection_requested(self, dest_host: str, dest_port: int, orig_host: str, orig_port: int) -> bool:
        log.info("%s: refused forwarding to %s:%s", self.peer, dest_host, dest_port)
        return False

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        log.info("%s: refused a remote forward of %s:%s", self.peer, listen_host, listen_port)
        return False

    def unix_connection_requested(self, dest_path: str) -> bool:
        return False

    def unix_server_requested(self, listen_path: str) -> bool:
        return False

    def tun_requested(self, unit: int | None) -> bool:
        return False

    def tap_requested(self, unit: int | None) -> bool:
        return False


class BrowserServer:
    """Listens for members; every connection gets a `MemberConnection`."""

    def __init__(self, settings: ServerSettings, host_key: HostKey, keys: AuthorizedKeys) -> None:
        self.settings = settings
        self.host_key = host_key
        self.keys = keys
        self.connections: set[asyncssh.SSHServerConnection] = set()
        self.sessions: set[BrowserSession] = set()
        self._no_sessions = asyncio.Event()
        self._no_sessions.set()
        self._acceptor: asyncssh.SSHAcceptor | None = None
        self._closing = False

    @property
    def max_connections(self) -> int:
        """Room for every browser, and as many again signing in, so strangers cannot crowd members out."""
        return 2 * self.settings.max_sessions

    @property
    def port(self) -> int:
        assert self._acceptor is not None
        return self._acceptor.get_port()

    async def start(self) -> None:
        try:
            self._acceptor = await asyncssh.listen(
                self.settings.host,
                self.settings.port,
                server_factory=lambda: MemberConnection(self),
                server_host_keys=[self.host_key.key],
                config=None,
                public_key_auth=True,
                password_auth=False,
                kbdint_auth=False,
                host_based_auth=False,
                gss_host=None,
                agent_forwarding=False,
                x11_forwarding=False,
                allow_scp=False,
                line_editor=False,
                encoding=None,
                login_timeout=self.settings.login_timeout,
                keepalive_interval=60,
                keepalive_count_max=3,
            )
        except OSError as error:
            reason = os.strerror(error.errno) if error.errno else str(error)
            raise ServeError(
                f"cannot listen on {self.settings.host}:{self.settings.port}: {reason}"
            ) from error

    def admit(self, session: BrowserSession) -> bool:
        if self._closing or len(self.sessions) >= self.settings.max_sessions:
            return False
        self.sessions.add(session)
        self._no_sessions.clear()
        return True

    def release(self, session: BrowserSession) -> None:
        self.sessions.discard(session)
        if not self.sessions:
            self._no_sessions.set()

    async def sessions_ended(self) -> None:
        await self._no_sessions.wait()

    async def close(self) -> None:
        """Stop accepting, end every browser (telling its member why), then close the connections."""
        self._closing = True
        if self._acceptor is not None:
            self._acceptor.close()
        for session in list(self.sessions):
            session.end("the server is shutting down")
        try:
            await asyncio.wait_for(self.sessions_ended(), SHUTDOWN_GRACE + 1)
        except TimeoutError:
            log.warning("%d browsers did not end in time", len(self.sessions))
        for conn in list(self.connections):
            conn.close()
        for conn in list(self.connections):
            await conn.wait_closed()
        if self._acceptor is not None:
            await self._acceptor.wait_closed()

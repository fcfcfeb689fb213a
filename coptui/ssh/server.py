"""The SSH server: public-key sign-in, one browser per connection, limits and a clean stop.

`MemberConnection` is asyncssh's per-connection handler: it decides who gets in and
refuses every kind of forwarding. `BrowserServer` listens, keeps strangers (connections
not yet signed in) in their own budget apart from members, counts the open browsers
against the limit, ends the session of a member whose key is removed, and on shutdown
ends the browsers before closing the connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import asyncssh

from coptui.ssh.authorized_keys import AuthorizedKeys, KeyGrant
from coptui.ssh.doorway import Doorway, Progress
from coptui.ssh.errors import ServeError
from coptui.ssh.host_key import HostKey
from coptui.ssh.launcher import BrowserLauncher, browser_arguments
from coptui.ssh.log_line import shown
from coptui.ssh.session import BrowserSession

SHUTDOWN_GRACE = 5.0  # seconds the browsers get to end before their connections are cut
MAX_SIGN_IN_ATTEMPTS = 6  # keys refused on one connection before it is cut, as OpenSSH's MaxAuthTries

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
    login_grace: float = 10.0  # seconds to sign in, and then to open the browser
    max_strangers: int = 128  # connections not signed in yet, from everywhere
    max_strangers_per_address: int = 32  # ... and from one address (a whole class behind one NAT)
    key_check_interval: float = 2.0  # seconds between looks at the authorized_keys file
    hang_up_grace: float = 2.0  # seconds a client gets to hang up by itself once its one session is over
    fork_server: bool = True  # fork browsers from a pre-imported process (False: spawn each one afresh)
    participants: bool = False  # a member's browser may join the live session and file as that member


class MemberConnection(asyncssh.SSHServer):
    """One client: a stranger until it signs in with an authorized key, then it may open one browser."""

    def __init__(self, server: BrowserServer) -> None:
        self._server = server
        self._conn: asyncssh.SSHServerConnection | None = None
        self.peer = "?"
        self.address = ""
        self._opened_at = time.monotonic()
        self._signing_in = False
        self._user = ""
        self._offered: str | None = None
        self._refused_keys = 0
        self._refusal: str | None = None
        self._candidate: tuple[KeyGrant, asyncssh.SSHKey] | None = None
        self.grant: KeyGrant | None = None
        self._key: asyncssh.SSHKey | None = None
        self._session: BrowserSession | None = None
        self._closer: asyncio.TimerHandle | None = None

    @property
    def progress(self) -> Progress:
        """How far a stranger has got, so the doorway turns away the one that has got least far."""
        if self._signing_in:
            return Progress.SIGNING_IN
        if self._client():
            return Progress.SPEAKING
        return Progress.SILENT

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn
        peer = conn.get_extra_info("peername") or ("?", 0)
        self.address = str(peer[0])
        self.peer = f"{peer[0]}:{peer[1]}"
        self._server.arrived(self)

    def connection_lost(self, exc: Exception | None) -> None:
        client = self._client()
        self._conn = None
        self._server.left(self)
        if self._closer is not None:
            self._closer.cancel()
        took = time.monotonic() - self._opened_at
        if self.grant is None:
            said = f" (client {shown(client)})" if client else ""
            log.info("%s: refused after %.1f s: %s%s", self.peer, took, self._why_refused(exc), said)
            return
        log.info("%s: %s (key %s) left after %.1f s", self.peer, self.grant.who, self.grant.fingerprint, took)

    def _client(self) -> str:
        """The version the client announced (`SSH-2.0-OpenSSH_9.6`), or '' before it spoke."""
        return self._conn.get_extra_info("client_version", "") if self._conn is not None else ""

    def _why_refused(self, exc: Exception | None) -> str:
        if self._refusal:
            return self._refusal
        if self._offered:
            return f"key {self._offered} is not authorized"
        if isinstance(exc, asyncssh.ConnectionLost) and "timeout" in str(exc).lower():
            return f"did not sign in within {self._server.settings.login_grace:g} s"
        return "no authorized key offered"

    def turn_away(self, reason: str) -> None:
        """Cut a stranger off to make room for a newer one."""
        self._refusal = reason
        if self._conn is not None:
            self._conn.disconnect(asyncssh.DISC_TOO_MANY_CONNECTIONS, reason)

    def hang_up(self) -> None:
        """Close the connection: the server is stopping."""
        if self._conn is not None:
            self._conn.close()

    def begin_auth(self, username: str) -> bool:
        self._signing_in = True
        self._user = username
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
        grant = self._server.keys.grant(key, self.address)
        if grant is None:
            self._refused_keys += 1
            log.info(
                "%s: key %s is not authorized (%d of %d tries)",
                self.peer,
                self._offered,
                self._refused_keys,
                MAX_SIGN_IN_ATTEMPTS,
            )
            if self._refused_keys >= MAX_SIGN_IN_ATTEMPTS:
                self._refusal = f"{self._refused_keys} keys tried, none authorized"
                raise asyncssh.PermissionDenied("too many sign-in attempts")
            return False
        if not self._server.has_room_for_a_member():
            self._refusal = "members' connections are all taken"
            raise asyncssh.DisconnectError(
                asyncssh.DISC_TOO_MANY_CONNECTIONS, "too many connections; try again later"
            )
        self._candidate = (grant, key)
        return True

    def auth_completed(self) -> None:
        assert self._candidate is not None
        self.grant, self._key = self._candidate
        self._server.signed_in(self)
        log.info(
            "%s: %s signed in with key %s (user %s, client %s)",
            self.peer,
            self.grant.who,
            self.grant.fingerprint,
            shown(self._user),
            shown(self._client()),
        )
        # A connection is for a browser: one that opens none (`ssh -N`) does not keep its place.
        self._close_later(self._server.settings.login_grace, "opened no browser")

    def _close_later(self, delay: float, why: str) -> None:
        if self._closer is not None:
            self._closer.cancel()
        self._closer = asyncio.get_running_loop().call_later(delay, self._close, why)

    def _close(self, why: str, message: str = "this server only opens the repertoire browser") -> None:
        if self._conn is not None:
            log.info("%s: closing: %s %s", self.peer, self.grant.who if self.grant else "nobody", why)
            self._conn.disconnect(asyncssh.DISC_BY_APPLICATION, message)

    def recheck(self) -> None:
        """After the keys file changed: a member whose key no longer lets them in is shown out."""
        if self._key is None or self.grant is None or self._conn is None:
            return
        if self._server.keys.grant(self._key, self.address) == self.grant:
            return
        log.info(
            "%s: ending the session of %s: key %s is no longer authorized",
            self.peer,
            self.grant.who,
            self.grant.fingerprint,
        )
        if self._session is not None:
            self._session.end("your key is no longer authorized on this server", status=1)
        else:
            self._close("has a key that is no longer authorized", "your key is no longer authorized")

    def session_requested(self) -> BrowserSession | bool:
        if self.grant is None or self._session is not None:
            return False  # one browser per connection
        if self._closer is not None:
            self._closer.cancel()
        self._session = BrowserSession(self._server, self.grant, self.peer, self._session_closed)
        return self._session

    def _session_closed(self) -> None:
        # The connection's one session is over (browsed, refused, or ended): the client hangs up.
        self._close_later(self._server.settings.hang_up_grace, "kept the connection open after its session")

    def connection_requested(self, dest_host: str, dest_port: int, orig_host: str, orig_port: int) -> bool:
        log.info("%s: refused forwarding to %s port %s", self.peer, shown(dest_host), dest_port)
        return False

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        log.info("%s: refused a remote forward of %s port %s", self.peer, shown(listen_host), listen_port)
        return False

    def unix_connection_requested(self, dest_path: str) -> bool:
        log.info("%s: refused forwarding to socket %s", self.peer, shown(dest_path))
        return False

    def unix_server_requested(self, listen_path: str) -> bool:
        log.info("%s: refused a remote forward of socket %s", self.peer, shown(listen_path))
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
        self.connections: set[MemberConnection] = set()
        self.strangers: Doorway[MemberConnection] = Doorway(
            settings.max_strangers_per_address, settings.max_strangers
        )
        self.members: set[MemberConnection] = set()
        self.sessions: set[BrowserSession] = set()
        self._no_sessions = asyncio.Event()
        self._no_sessions.set()
        self._no_connections = asyncio.Event()
        self._no_connections.set()
        self._acceptor: asyncssh.SSHAcceptor | None = None
        self._key_watcher: asyncio.Task[None] | None = None
        self._closing = False
        self.launcher = BrowserLauncher(browser_arguments(settings), fork_server=settings.fork_server)

    @property
    def max_members(self) -> int:
        """Signed-in connections: one per browser, and as many again opening or closing one."""
        return 2 * self.settings.max_sessions

    def arrived(self, connection: MemberConnection) -> None:
        self.connections.add(connection)
        self._no_connections.clear()
        crowded_out = self.strangers.arrive(connection)
        if crowded_out is not None:
            crowded_out.turn_away("too many connections waiting to sign in; a newer one took its place")

    def has_room_for_a_member(self) -> bool:
        return len(self.members) < self.max_members

    def signed_in(self, member: MemberConnection) -> None:
        self.strangers.leave(member)
        self.members.add(member)

    def left(self, connection: MemberConnection) -> None:
        self.connections.discard(connection)
        if not self.connections:
            self._no_connections.set()
        self.strangers.leave(connection)
        self.members.discard(connection)

    async def _watch_keys(self) -> None:
        """Re-read the keys file when it changes, and show out members whose key no longer admits them."""
        seen = self.keys.generation
        while True:
            await asyncio.sleep(self.settings.key_check_interval)
            self.keys.refresh()
            if self.keys.generation != seen:
                seen = self.keys.generation
                for member in list(self.members):
                    member.recheck()

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
                login_timeout=self.settings.login_grace,
                keepalive_interval=60,
                keepalive_count_max=3,
            )
        except OSError as error:
            reason = os.strerror(error.errno) if error.errno else str(error)
            raise ServeError(
                f"cannot listen on {self.settings.host}:{self.settings.port}: {reason}"
            ) from error
        self._key_watcher = asyncio.create_task(self._watch_keys())
        await self.launcher.start()

    def meeting_is_live(self) -> bool:
        """Whether a meeting is on: a session live in the repertoire, held today (one left live
        since another day, the facilitator's laptop shut on it, keeps no browser open). False when
        that cannot be read."""
        from coptui.store import Repertoire, StoreError

        try:
            with Repertoire.open(self.settings.db_path, read_only=True) as repertoire:
                live = repertoire.live_session()
        except (StoreError, OSError):
            return False
        return live is not None and live.date == date.today()

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
        if self._key_watcher is not None:
            self._key_watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._key_watcher
        for session in list(self.sessions):
            session.end("the server is shutting down")
        try:
            await asyncio.wait_for(self.sessions_ended(), SHUTDOWN_GRACE + 1)
        except TimeoutError:
            log.warning("%d browsers did not end in time", len(self.sessions))
        for connection in list(self.connections):
            if connection.grant is None:
                connection.hang_up()
        # A member's `ssh` hangs up once its session has closed; told to disconnect first, it exits 255.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._no_connections.wait(), self.settings.hang_up_grace)
        for connection in list(self.connections):
            connection.hang_up()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._no_connections.wait(), SHUTDOWN_GRACE)
        if self._acceptor is not None:
            await self._acceptor.wait_closed()
        await self.launcher.close()

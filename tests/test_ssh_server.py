"""The SSH front door, in-process: who gets in, what they get, and everything they cannot do.

Each test starts its own server on a free loopback port with a throwaway host key; the
browsers are real `coptui browse --read-only` processes on pseudo-terminals.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
from pathlib import Path

import asyncssh
import pytest
from sshclient import (
    Screen,
    StartServer,
    authorize,
    child_environment,
    connect,
    digest,
    hang_up,
    knock,
    logged,
    new_key,
    parent_of,
)

from coptui.facilitation import LiveSession, SessionPlan
from coptui.formats import find_format
from coptui.ssh import BrowserServer
from coptui.ssh.terminal import RESTORE_TERMINAL
from coptui.store import Repertoire

pytest_plugins = ["sshfixtures"]  # member_key, keys_file, start, server


async def test_a_member_sees_the_browser_read_only(
    server: BrowserServer, member_key: asyncssh.SSHKey, db_path: Path
) -> None:
    before = digest(db_path)
    async with connect(server.port, member_key) as conn:
        screen = await Screen.open(conn, 80, 24)
        await screen.wait_for(b"SRE Guild")
        await screen.wait_for(b"signed in as ")
        await screen.wait_for(b"ana")
        await screen.wait_for(b"\x1b[24;1H")  # the app drew its last row at the client's size
        assert b"\x1b[25;" not in screen.received
        (session,) = server.sessions
        assert session.pid is not None
        argv = Path(f"/proc/{session.pid}/cmdline").read_bytes().split(b"\0")
        assert argv[-4:-1] == [str(db_path).encode(), b"browse", b"--read-only"]
    await asyncio.wait_for(server.sessions_ended(), 30)
    assert digest(db_path) == before


async def test_a_spawned_browser_gets_the_members_environment(
    start: StartServer, member_key: asyncssh.SSHKey
) -> None:
    """Spawned, as when there is no fork server: /proc shows the environment it was started with."""
    server = await start(fork_server=False)
    async with connect(server.port, member_key) as conn:
        screen = await Screen.open(conn, 80, 24)
        await screen.wait_for(b"SRE Guild")
        (session,) = server.sessions
        assert session.pid is not None
        assert os.getpid() == parent_of(session.pid)
        env = child_environment(session.pid)
        assert env["TERM"] == "xterm-256color"
        assert env["COPTUI_MEMBER"] == "ana"
        assert "COLUMNS" not in env and "LINES" not in env


async def test_a_window_change_reaches_the_app(server: BrowserServer, member_key: asyncssh.SSHKey) -> None:
    async with connect(server.port, member_key) as conn:
        screen = await Screen.open(conn, 80, 24)
        await screen.wait_for(b"SRE Guild")
        assert b"\x1b[40;1H" not in screen.received
        screen.process.change_terminal_size(120, 40)
        await screen.wait_for(b"\x1b[40;1H")  # redrawn down to the new last row


async def test_the_terminals_early_replies_are_not_echoed_onto_the_screen(
    server: BrowserServer, member_key: asyncssh.SSHKey
) -> None:
    async with connect(server.port, member_key) as conn:
        screen = await Screen.open(conn)
        # A terminal answering a query (DECRPM) before the app has put its terminal in raw mode.
        screen.process.stdin.write(b"\x1b[?2026;2$y")
        await screen.wait_for(b"SRE Guild")
        await screen.wait_for(b"\x1b[24;1H")
        assert b"2026;2$y" not in screen.received


async def test_quitting_the_app_closes_the_channel_with_its_status_and_a_clean_terminal(
    server: BrowserServer, member_key: asyncssh.SSHKey
) -> None:
    async with connect(server.port, member_key) as conn:
        screen = await Screen.open(conn)
        await screen.wait_for(b"SRE Guild")
        screen.process.stdin.write(b"\x03")  # ctrl+c, the app's quit key
        rest = await screen.read_to_end()
        assert rest.endswith(RESTORE_TERMINAL)
        assert (await screen.process.wait()).exit_status == 0


async def test_a_browser_that_cannot_open_the_repertoire_says_why(
    server: BrowserServer, member_key: asyncssh.SSHKey, db_path: Path
) -> None:
    db_path.rename(db_path.with_name("moved.db"))
    async with connect(server.port, member_key) as conn:
        screen = await Screen.open(conn)
        await screen.wait_for(b"no repertoire at")
        await screen.read_to_end()
        assert (await screen.process.wait()).exit_status == 1


async def test_a_member_who_leaves_takes_the_browser_along(
    server: BrowserServer, member_key: asyncssh.SSHKey
) -> None:
    async with connect(server.port, member_key) as conn:
        screen = await Screen.open(conn)
        await screen.wait_for(b"SRE Guild")
        (session,) = server.sessions
        pid = session.pid
    await asyncio.wait_for(server.sessions_ended(), 30)
    assert pid is not None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


async def test_an_unknown_key_is_refused_and_logged(server: BrowserServer) -> None:
    stranger = new_key()
    async with logged(f"key {stranger.get_fingerprint('sha256')} is not authorized"):
        with pytest.raises(asyncssh.PermissionDenied):
            async with connect(server.port, stranger):
                pass


async def test_passwords_and_keyboard_interactive_are_refused(server: BrowserServer) -> None:
    with pytest.raises(asyncssh.PermissionDenied):
        async with connect(server.port, None, password="hunter2"):
            pass
    with pytest.raises(asyncssh.PermissionDenied):
        async with connect(server.port, None, kbdint_auth=True, password="hunter2"):
            pass


async def test_commands_are_refused_with_a_reason_the_client_shows(
    server: BrowserServer, member_key: asyncssh.SSHKey
) -> None:
    for terminal in ({}, {"term_type": "xterm", "term_size": (80, 24)}):
        async with connect(server.port, member_key) as conn:
            done = await conn.run("cat /etc/passwd", **terminal)  # type: ignore[arg-type]
        assert done.exit_status == 1 and not done.stdout
        assert "this server runs no commands" in str(done.stderr)
    assert not server.sessions


async def test_sftp_is_refused(server: BrowserServer, member_key: asyncssh.SSHKey) -> None:
    async with connect(server.port, member_key) as conn:
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.start_sftp_client()


async def test_port_forwarding_is_refused(server: BrowserServer, member_key: asyncssh.SSHKey) -> None:
    async with connect(server.port, member_key) as conn:
        with pytest.raises(asyncssh.ChannelOpenError):  # ssh -L
            await conn.open_connection("127.0.0.1", server.port)
        with pytest.raises(asyncssh.ChannelListenError):  # ssh -R
            await conn.forward_remote_port("127.0.0.1", 0, "127.0.0.1", server.port)
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.open_unix_connection("/run/docker.sock")


async def test_a_session_without_a_terminal_gets_one_line_and_its_connection_is_closed(
    server: BrowserServer, member_key: asyncssh.SSHKey
) -> None:
    async with connect(server.port, member_key) as conn:
        done = await conn.run(encoding=None)
        assert done.exit_status == 1
        assert isinstance(done.stdout, bytes) and done.stdout.count(b"\n") == 1
        assert b"needs a terminal" in done.stdout
        await asyncio.wait_for(conn.wait_closed(), 20)  # the server hangs up; the client did not
    assert not server.sessions and not server.connections


async def test_one_connection_opens_one_browser(server: BrowserServer, member_key: asyncssh.SSHKey) -> None:
    async with connect(server.port, member_key) as conn:
        screen = await Screen.open(conn)
        await screen.wait_for(b"SRE Guild")
        with pytest.raises(asyncssh.ChannelOpenError):
            await Screen.open(conn)
        assert len(server.sessions) == 1


async def test_twenty_members_browse_at_once(
    server: BrowserServer, db_path: Path, tmp_path: Path, keys_file: Path
) -> None:
    before = digest(db_path)
    members = [(f"m{i:02}", new_key()) for i in range(20)]
    for handle, key in members:
        authorize(keys_file, key, member=handle)
    all_open = asyncio.Event()
    viewers: list[str] = []

    async def browse(key: asyncssh.SSHKey) -> None:
        async with connect(server.port, key) as conn:
            screen = await Screen.open(conn)
            await screen.wait_for(b"SRE Guild")
            if len(server.sessions) == len(members) and not all_open.is_set():
                viewers.extend(sorted(s.grant.member or "" for s in server.sessions))
                all_open.set()
            await all_open.wait()

    async with asyncio.timeout(120):
        await asyncio.gather(*(browse(key) for _, key in members))
        await server.sessions_ended()
    assert viewers == [handle for handle, _ in members]
    assert digest(db_path) == before


async def test_the_session_limit_turns_the_next_member_away(
    start: StartServer, member_key: asyncssh.SSHKey
) -> None:
    server = await start(max_sessions=1)
    async with connect(server.port, member_key) as first, connect(server.port, member_key) as second:
        screen = await Screen.open(first)
        await screen.wait_for(b"SRE Guild")
        turned_away = await Screen.open(second)
        await turned_away.wait_for(b"the server is full (it serves 1 at once)")
        assert (await turned_away.process.wait()).exit_status == 1


async def test_signed_in_connections_beyond_twice_the_session_limit_are_turned_away(
    start: StartServer, member_key: asyncssh.SSHKey
) -> None:
    server = await start(max_sessions=1)
    async with connect(server.port, member_key), connect(server.port, member_key):
        with pytest.raises(asyncssh.DisconnectError, match="too many connections"):
            async with connect(server.port, member_key):
                pass


async def test_a_connection_that_opens_no_browser_is_closed(
    start: StartServer, member_key: asyncssh.SSHKey
) -> None:
    server = await start(login_grace=0.5)
    async with connect(server.port, member_key) as conn:  # like `ssh -N`
        await asyncio.wait_for(conn.wait_closed(), 20)
    assert not server.connections


async def test_an_idle_browser_is_closed(start: StartServer, member_key: asyncssh.SSHKey) -> None:
    server = await start(idle_timeout=1.0)
    async with connect(server.port, member_key) as conn:
        screen = await Screen.open(conn)
        await screen.wait_for(b"coptui: closed after 1 second without input")
        rest = await screen.read_to_end()
        assert rest == b"\r\n"
        assert (await screen.process.wait()).exit_status == 0  # a clean close, not the signal's 143
    assert not server.sessions


async def test_a_browser_is_not_idle_while_a_session_is_live(
    start: StartServer, member_key: asyncssh.SSHKey, db_path: Path
) -> None:
    """A member listening through a meeting presses no key for a whole phase."""
    server = await start(idle_timeout=0.5)
    looked_while_live = threading.Semaphore(0)
    is_live = server.meeting_is_live

    def looked() -> bool:
        live_now = is_live()
        if live_now:
            looked_while_live.release()
        return live_now

    server.meeting_is_live = looked  # type: ignore[method-assign]
    with Repertoire.open(db_path) as repertoire:
        live = LiveSession.start(repertoire, SessionPlan(find_format("cop-meeting"), "ana", ["ben"]))
        async with connect(server.port, member_key) as conn:
            screen = await Screen.open(conn)
            for _ in range(3):  # three idle timeouts pass during the meeting
                assert await asyncio.to_thread(looked_while_live.acquire, timeout=60)
            assert len(server.sessions) == 1 and b"without input" not in screen.received
            live.abandon()
            await screen.wait_for(b"coptui: closed after 0.5 seconds without input")
    assert not server.sessions


async def test_a_session_left_live_since_another_day_keeps_no_idle_browser_open(
    start: StartServer, member_key: asyncssh.SSHKey, db_path: Path
) -> None:
    """The facilitator shut the laptop on Tuesday's meeting: on Wednesday nobody is listening."""
    with Repertoire.open(db_path) as repertoire:
        LiveSession.start(repertoire, SessionPlan(find_format("cop-meeting"), "ana", ["ben"]))
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE sessions SET date = date('now', 'localtime', '-1 day') WHERE status = 'live'")
    server = await start(idle_timeout=0.5)
    async with connect(server.port, member_key) as conn:
        screen = await Screen.open(conn)
        await screen.wait_for(b"coptui: closed after 0.5 seconds without input")
    assert not server.sessions


async def test_five_hundred_silent_connections_do_not_keep_a_member_out(
    server: BrowserServer, member_key: asyncssh.SSHKey
) -> None:
    """From the member's own address, while more keep coming: they only push out each other."""
    silent: list[asyncio.StreamWriter] = []
    await knock(server.port, 250, sockets=silent)
    more = asyncio.create_task(knock(server.port, 250, sockets=silent))
    try:
        async with connect(server.port, member_key) as conn:
            screen = await Screen.open(conn)
            await screen.wait_for(b"SRE Guild")
            assert [s.grant.member for s in server.sessions] == ["ana"]
            await more
            assert len(silent) == 500
            assert len(server.strangers) <= server.settings.max_strangers_per_address
    finally:
        more.cancel()
        hang_up(silent)


async def test_strangers_from_many_addresses_cannot_fill_the_room_either(
    start: StartServer, member_key: asyncssh.SSHKey
) -> None:
    server = await start(max_strangers=8, max_strangers_per_address=4)
    silent = await knock(server.port, 4, "127.0.0.2") + await knock(server.port, 4, "127.0.0.3")
    try:
        assert len(server.strangers) == 8
        async with connect(server.port, member_key) as conn:
            screen = await Screen.open(conn)
            await screen.wait_for(b"SRE Guild")
    finally:
        hang_up(silent)


async def test_each_refused_key_is_logged_and_the_sixth_ends_the_connection(
    server: BrowserServer, member_key: asyncssh.SSHKey
) -> None:
    """So a list of public keys cannot be checked against the members, one connection at a time."""
    strangers = [new_key() for _ in range(6)]
    async with connect(server.port, [*strangers[:5], member_key]) as conn:
        screen = await Screen.open(conn)
        await screen.wait_for(b"SRE Guild")
    sixth = f"key {strangers[5].get_fingerprint('sha256')} is not authorized (6 of 6 tries)"
    async with logged(sixth), logged("refused after"), logged("6 keys tried, none authorized"):
        with pytest.raises(asyncssh.PermissionDenied, match="too many sign-in attempts"):
            async with connect(server.port, [*strangers, member_key]):
                pass


async def test_an_expired_key_is_refused(server: BrowserServer, keys_file: Path) -> None:
    expired = new_key()
    authorize(keys_file, expired, member="bo", options='expiry-time="20000101"')
    async with logged("expired at 2000-01-01T00:00:00"):
        with pytest.raises(asyncssh.PermissionDenied):
            async with connect(server.port, expired):
                pass


async def test_removing_a_key_ends_that_members_session_and_no_other(
    start: StartServer, member_key: asyncssh.SSHKey, keys_file: Path, tmp_path: Path
) -> None:
    server = await start(key_check_interval=0.1)
    ben = new_key()
    authorize(keys_file, ben, member="ben")
    async with connect(server.port, member_key) as ana_conn, connect(server.port, ben) as ben_conn:
        ana_screen, ben_screen = await Screen.open(ana_conn), await Screen.open(ben_conn)
        await ana_screen.wait_for(b"SRE Guild")
        await ben_screen.wait_for(b"SRE Guild")
        without_ana = tmp_path / "authorized_keys.new"
        authorize(without_ana, ben, member="ben")
        without_ana.replace(keys_file)
        await ana_screen.wait_for(b"coptui: your key is no longer authorized on this server")
        await ana_screen.read_to_end()
        assert (await ana_screen.process.wait()).exit_status == 1
        await asyncio.wait_for(ana_conn.wait_closed(), 20)
        assert [s.grant.member for s in server.sessions] == ["ben"]


async def test_only_a_plain_terminal_type_reaches_the_browser(
    start: StartServer, member_key: asyncssh.SSHKey
) -> None:
    """Spawned, so /proc shows its environment (tests/test_ssh_fork_server.py sees a forked one's colours)."""
    server = await start(fork_server=False)
    forged = "xterm\n2026-01-01T00:00:00+0000 INFO 10.0.0.1: root signed in\x1b]52;c;cHduZWQ=\x07"
    async with (
        logged("terminal type 'xterm\\n2026-01-01T00:00:00+0000 INFO 10.0.0.1: root"),
        connect(server.port, member_key) as conn,
    ):
        screen = await Screen.open(conn, term_type=forged)
        await screen.wait_for(b"SRE Guild")
        (session,) = server.sessions
        assert session.pid is not None
        assert child_environment(session.pid)["TERM"] == "xterm-256color"
    async with connect(server.port, member_key) as conn:
        screen = await Screen.open(conn, term_type="screen.xterm-256color")
        await screen.wait_for(b"SRE Guild")
        (session,) = server.sessions
        assert session.pid is not None
        assert child_environment(session.pid)["TERM"] == "screen.xterm-256color"


async def test_a_client_that_never_signs_in_is_cut_off(start: StartServer) -> None:
    server = await start(login_grace=0.5)
    async with logged("did not sign in within 0.5 s"):
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        async with asyncio.timeout(20):
            greeting = await reader.read()  # the server's version line, then the close
        assert greeting.startswith(b"SSH-2.0-")
        writer.close()


async def test_authorized_keys_are_reread_when_the_file_changes(
    server: BrowserServer, keys_file: Path
) -> None:
    newcomer = new_key()
    with pytest.raises(asyncssh.PermissionDenied):
        async with connect(server.port, newcomer):
            pass
    authorize(keys_file, newcomer, member="dee")
    async with connect(server.port, newcomer) as conn:
        screen = await Screen.open(conn)
        await screen.wait_for(b"SRE Guild")
        assert [s.grant.member for s in server.sessions] == ["dee"]
    keys_file.write_text("")
    with pytest.raises(asyncssh.PermissionDenied):
        async with connect(server.port, newcomer):
            pass


async def test_stopping_the_server_ends_every_browser_and_says_why(
    start: StartServer, member_key: asyncssh.SSHKey
) -> None:
    server = await start(hang_up_grace=30.0)
    async with connect(server.port, member_key) as conn:
        screen = await Screen.open(conn)
        await screen.wait_for(b"SRE Guild")
        (session,) = server.sessions
        pid = session.pid
        assert pid is not None
        closing = asyncio.create_task(server.close())
        await screen.wait_for(b"coptui: the server is shutting down")
        await screen.read_to_end()
        assert (await screen.process.wait()).exit_status == 0
        # The member's client hangs up first: OpenSSH told to disconnect before that exits 255.
        assert not closing.done() and not conn.is_closed()
    await asyncio.wait_for(closing, 30)
    assert not server.sessions and not server.connections
    assert pid is not None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(OSError):
        await asyncio.open_connection("127.0.0.1", server.port)

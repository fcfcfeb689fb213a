"""Browsers forked from the pre-imported fork server: what a member gets, and what happens when it dies.

The server starts `coptui.ssh.fork_server` at launch; each login is a fork of it on the
member's pty. These tests read the processes from /proc: who is whose parent, which
session leads, what is still running.
"""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import asyncssh
import pytest
from sshclient import (
    Screen,
    StartServer,
    authorize,
    child_environment,
    connect,
    logged,
    new_key,
    parent_of,
)

from coptui.ssh import BrowserServer
from coptui.ssh import launcher as launcher_module
from coptui.ssh.launcher import ForkServer

pytest_plugins = ["sshfixtures"]  # member_key, keys_file, start, server

TRUECOLOR = b"\x1b[38;2;"  # what Rich writes for a colour when COLORTERM says the terminal has 24 bits
EIGHT_BIT = b"\x1b[38;5;"  # ... and for xterm-256color without it


def fork_server_of(server: BrowserServer) -> ForkServer:
    fork_server = server.launcher.fork_server
    assert fork_server is not None
    return fork_server


def process_stat(pid: int) -> list[str]:
    """/proc/PID/stat from the state on: state, ppid, pgrp, session, ..."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat[stat.rindex(")") + 2 :].split()


def is_running(pid: int) -> bool:
    """True while `pid` runs; False once it has ended (a zombie waiting for its parent counts as ended)."""
    try:
        return process_stat(pid)[0] != "Z"
    except FileNotFoundError:
        return False


def children_of(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def the_forked_browser(server: BrowserServer) -> tuple[int, int]:
    """The one open browser's pid, and the fork server's."""
    (session,) = server.sessions
    pid, fork_server = session.pid, fork_server_of(server).pid
    assert pid is not None and fork_server is not None
    return pid, fork_server


async def test_a_login_through_the_fork_server_reaches_the_first_screen(
    server: BrowserServer, member_key: asyncssh.SSHKey, db_path: Path
) -> None:
    async with connect(server.port, member_key) as conn:
        screen = await Screen.open(conn, 80, 24)
        await screen.wait_for(b"signed in as ")
        await screen.wait_for(b"\x1b[24;1H")  # the whole first screen, at the member's size
        pid, fork_server = the_forked_browser(server)
        parent, group, leads = process_stat(pid)[1:4]
        assert parent == str(fork_server)  # forked, not spawned
        assert group == leads == str(pid)  # its own session and process group, so the server can end it
        # The fork server itself holds no thread and no database: each child opens its own.
        assert "\nThreads:\t1\n" in Path(f"/proc/{fork_server}/status").read_text()
        opened = {os.readlink(fd) for fd in Path(f"/proc/{fork_server}/fd").iterdir()}
        assert not any(name.startswith(str(db_path)) for name in opened)
        assert not any("coptui-warm-up-" in name for name in opened)  # its warm-up's copy is gone
        screen.process.stdin.write(b"\x03")  # ctrl+c, the app's quit key
        await screen.read_to_end()
        assert (await screen.process.wait()).exit_status == 0


async def test_each_forked_browser_has_its_members_identity_and_terminal(
    start: StartServer, keys_file: Path, member_key: asyncssh.SSHKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSH_AUTH_SOCK", "/tmp/operator-agent.sock")  # the operator's, not the members'
    server = await start()
    ben = new_key()
    authorize(keys_file, ben, member="ben")
    async with connect(server.port, member_key) as ana_conn, connect(server.port, ben) as ben_conn:
        ana = await Screen.open(ana_conn)
        ben_screen = await Screen.open(ben_conn, env={"COLORTERM": "truecolor", "COPTUI_MEMBER": "ana"})
        for screen, handle in ((ana, b"ana"), (ben_screen, b"ben")):
            await screen.wait_for(b"signed in as ")
            await screen.wait_for(handle)
            await screen.wait_for(b"\x1b[24;1H")
        assert b"signed in as ana" not in ben_screen.received.replace(b"\x1b[0m", b"")
        assert EIGHT_BIT in ana.received and TRUECOLOR not in ana.received
        assert TRUECOLOR in ben_screen.received
        for session in server.sessions:
            assert session.pid is not None
            # What a forked browser starts from is the fork server's environment: only what is allowed.
            inherited = child_environment(session.pid)
            assert "SSH_AUTH_SOCK" not in inherited and "COPTUI_MEMBER" not in inherited


async def test_closing_the_connection_ends_the_forked_browser_and_it_is_reaped(
    server: BrowserServer, member_key: asyncssh.SSHKey
) -> None:
    async with connect(server.port, member_key) as conn:
        screen = await Screen.open(conn)
        await screen.wait_for(b"SRE Guild")
        pid, fork_server = the_forked_browser(server)
        assert children_of(fork_server) == [pid]
    await asyncio.wait_for(server.sessions_ended(), 30)
    with pytest.raises(ProcessLookupError):  # gone, not a zombie: the fork server reaped it
        os.kill(pid, 0)
    assert children_of(fork_server) == []


async def test_the_fork_server_is_restarted_and_its_browsers_live_on(
    server: BrowserServer, member_key: asyncssh.SSHKey, keys_file: Path
) -> None:
    ben = new_key()
    authorize(keys_file, ben, member="ben")
    async with connect(server.port, member_key) as ana_conn:
        ana = await Screen.open(ana_conn)
        await ana.wait_for(b"SRE Guild")
        (ana_session,) = server.sessions
        ana_pid, first = the_forked_browser(server)
        async with (
            logged(f"the fork server (pid {first}) ended with status -9; restarting it"),
            logged("is ready: browsers start pre-imported"),
        ):
            os.kill(first, signal.SIGKILL)
        second = fork_server_of(server).pid
        assert second is not None and second != first
        ana.process.change_terminal_size(120, 40)
        await ana.wait_for(b"\x1b[40;1H")  # her browser, now an orphan, still draws
        async with connect(server.port, ben) as ben_conn:
            ben_screen = await Screen.open(ben_conn)
            await ben_screen.wait_for(b"SRE Guild")
            (ben_session,) = server.sessions - {ana_session}
            assert ben_session.pid is not None and parent_of(ben_session.pid) == second
        ana.process.stdin.write(b"\x03")
        await ana.read_to_end()
        await ana.process.wait()
    await asyncio.wait_for(server.sessions_ended(), 30)
    assert not is_running(ana_pid)


async def test_without_a_fork_server_browsers_are_spawned(
    start: StartServer, member_key: asyncssh.SSHKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(launcher_module, "FORK_SERVER_MODULE", "coptui.ssh.no_such_module")
    async with logged("before it was ready; browsers are started one at a time from now on"):
        server = await start()
    async with connect(server.port, member_key) as conn:
        screen = await Screen.open(conn)
        await screen.wait_for(b"SRE Guild")
        (session,) = server.sessions
        assert session.pid is not None and parent_of(session.pid) == os.getpid()

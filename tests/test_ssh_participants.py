"""`coptui serve --participants`: a member's browser may join the live session (else SSH is read-only).

Each test starts its own server on a free loopback port; the browsers are real processes on
pseudo-terminals, signed in with real keys.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import asyncssh
import pytest
from sshclient import Screen, authorize, connect, new_key, serving

from coptui.facilitation import LiveSession, SessionPlan
from coptui.formats import find_format
from coptui.ssh import BrowserServer, ServerSettings, start_server
from coptui.store import Repertoire


@pytest.fixture
async def participants_server(db_path: Path, tmp_path: Path) -> AsyncIterator[tuple[BrowserServer, Path]]:
    keys_file = tmp_path / "authorized_keys"
    keys_file.touch()
    server = await start_server(
        ServerSettings(
            db_path=db_path,
            authorized_keys=keys_file,
            host_key=tmp_path / "host_key",
            port=0,
            participants=True,
        )
    )
    yield server, keys_file
    await server.close()


def browser_argv(pid: int) -> list[bytes]:
    return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[:-1]


async def opened_argv(server: BrowserServer, key: asyncssh.SSHKey) -> list[bytes]:
    async with connect(server.port, key) as conn:
        screen = await Screen.open(conn, 80, 24)
        await screen.wait_for(b"SRE Guild")
        (session,) = server.sessions
        assert session.pid is not None
        argv = browser_argv(session.pid)
    await asyncio.wait_for(server.sessions_ended(), 30)
    return argv


async def test_with_participants_a_members_browser_may_join(
    participants_server: tuple[BrowserServer, Path],
) -> None:
    server, keys_file = participants_server
    ben = new_key()
    authorize(keys_file, ben, member="ben")
    assert (await opened_argv(server, ben))[-3:] == [b"browse", b"--read-only", b"--participant"]


async def test_with_participants_a_key_naming_nobody_is_not_offered_the_session(
    participants_server: tuple[BrowserServer, Path], db_path: Path
) -> None:
    server, keys_file = participants_server
    with Repertoire.open(db_path) as repertoire:
        LiveSession.start(repertoire, SessionPlan(find_format("cop-meeting"), "ana", ["ben"]))
    stranger, nobody = new_key(), new_key()
    authorize(keys_file, stranger)
    authorize(keys_file, nobody, member="zed")  # a handle, but no member of this community
    for key in (stranger, nobody):
        async with connect(server.port, key) as conn:
            screen = await Screen.open(conn, 100, 30)
            await screen.wait_for(b"LIVE")  # the live banner is drawn: a member would be offered j here
            screen.process.stdin.write(b"j?")  # j does not join; help lists every key that works here
            await screen.wait_for(b"escape closes")
            assert b"j joins" not in screen.received
            assert b"Join the live session" not in screen.received
            screen.process.stdin.write(b"\x03")
            await screen.read_to_end()
    await asyncio.wait_for(server.sessions_ended(), 30)
    with Repertoire.open(db_path) as repertoire:
        assert repertoire.arrivals(3) == []


async def test_serve_says_members_may_join(db_path: Path, tmp_path: Path) -> None:
    async with serving(db_path, tmp_path, "--participants") as (process, first):
        assert "SRE Guild read-only, and members may join the live session, on 127.0.0.1:" in first
        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(30):
            assert await process.wait() == 0


def test_browse_lets_only_a_member_named_by_the_key_join(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`browse --participant` (what serve runs): the member COPTUI_MEMBER names may join, nobody else."""
    from coptui.cli import main
    from coptui.ui.screens.participant import Joining

    joining: list[object] = []

    def fake_run(repertoire: object, **options: object) -> None:
        joining.append(options["participant"])

    monkeypatch.setattr("coptui.cli.launch.run_app", fake_run)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    for named in ("ben", "nobody", ""):
        monkeypatch.setenv("COPTUI_MEMBER", named)
        with pytest.raises(SystemExit) as done:
            main(["--db", str(db_path), "browse", "--read-only", "--participant"])
        assert done.value.code == 0
    assert joining == [Joining("ben", "ssh"), None, None]


async def test_a_member_joins_over_ssh_and_files_a_check_in_the_facilitator_sees(
    participants_server: tuple[BrowserServer, Path], db_path: Path
) -> None:
    server, keys_file = participants_server
    with Repertoire.open(db_path) as repertoire:
        live = LiveSession.start(
            repertoire,
            SessionPlan(find_format("cop-meeting"), "ana", ["ben", "cho"], title="December clinic"),
        )
        ben = new_key()
        authorize(keys_file, ben, member="ben")
        async with connect(server.port, ben) as conn:
            screen = await Screen.open(conn, 100, 30)
            await screen.wait_for(b"j joins")
            screen.process.stdin.write(b"j")
            await screen.wait_for(b"joined")
            screen.process.stdin.write("Glad [to] be *here* 🎉\r".encode())
            await screen.wait_for(b"filed a check-in from @ben")
            notes = live.view().notes
            assert [(n.author, n.text) for n in notes] == [("ben", "Glad [to] be *here* 🎉")]
            assert [(a.member, a.via) for a in live.arrivals_since(0)] == [("ben", "ssh")]
            screen.process.stdin.write(b"\x1b[21~")  # F10: leave, back to the browser
            await screen.wait_for(b"j joins")
            screen.process.stdin.write(b"\x03")
            await screen.read_to_end()
    await asyncio.wait_for(server.sessions_ended(), 30)

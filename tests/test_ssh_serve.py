"""`coptui serve` as an operator runs it: the banner, the checks before listening, and SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import re
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncssh
import pytest
from sshclient import Screen, authorize, connect, digest, new_key

from coptui.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


@dataclass
class Serving:
    """A running `coptui serve`: its banner and port; its log once it has stopped."""

    process: asyncio.subprocess.Process
    banner: list[str]
    port: int
    log: str = ""


@contextlib.asynccontextmanager
async def serving(
    db_path: Path, keys_file: Path, stop_with: signal.Signals = signal.SIGTERM
) -> AsyncIterator[Serving]:
    """`coptui serve` on a free port; `stop_with` at the end unless the block stopped it; it must exit 0."""
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "coptui", "--db", str(db_path), "serve"),
        *("--authorized-keys", str(keys_file), "--port", "0"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    try:
        async with asyncio.timeout(30):
            banner = [(await process.stdout.readline()).decode() for _ in range(3)]
        assert banner[0].startswith("coptui: serving the repertoire of SRE Guild read-only on 127.0.0.1:")
        served = Serving(process, banner, int(banner[0].rsplit(":", 1)[1]))
        yield served
        if process.returncode is None:
            process.send_signal(stop_with)
        async with asyncio.timeout(30):
            served.log = (await process.stderr.read()).decode()
            assert await process.wait() == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_serve_from_start_to_sigterm(db_path: Path, tmp_path: Path) -> None:
    keys_file = tmp_path / "authorized_keys"
    member = new_key()
    authorize(keys_file, member, member="ana")
    before = digest(db_path)
    async with serving(db_path, keys_file) as served:
        port, banner = served.port, served.banner
        fingerprint = re.search(r"host key (SHA256:\S+) \(ED25519, made now in (.+)\)", banner[1])
        assert fingerprint is not None
        host_key = Path(fingerprint[2])
        assert host_key == tmp_path / "data" / "ssh_host_ed25519_key"
        assert stat.S_IMODE(host_key.stat().st_mode) == 0o600
        assert banner[2] == f"coptui: members connect with: ssh -p {port} 127.0.0.1\n"

        trusted = asyncssh.read_public_key(f"{host_key}.pub")
        async with connect(port, member, known_hosts=([trusted], [], [])) as conn:
            host = conn.get_server_host_key()
            assert host is not None and host.get_fingerprint("sha256") == fingerprint[1]
            screen = await Screen.open(conn)
            await screen.wait_for(b"SRE Guild")
            served.process.send_signal(signal.SIGTERM)
            await screen.wait_for(b"coptui: the server is shutting down")
            await screen.read_to_end()
            assert (await screen.process.wait()).exit_status == 0
    log = served.log
    assert f"ana signed in with key {member.get_fingerprint('sha256')}" in log
    assert re.search(r"ana \(key SHA256:\S+\) left after \d+\.\d s", log)
    assert log.rstrip().endswith("INFO stopped")
    assert digest(db_path) == before


async def test_the_log_shows_what_clients_send_only_escaped(db_path: Path, tmp_path: Path) -> None:
    """A forged line, a retitled terminal or a clipboard write must not get into the operator's log."""
    keys_file = tmp_path / "authorized_keys"
    member = new_key()
    authorize(keys_file, member, member="ana")
    forged = "\n2026-01-01T00:00:00+0000 INFO 10.0.0.1: root signed in\x1b]52;c;cHduZWQ=\x07\x1b]0;pwned\x07"
    async with serving(db_path, keys_file, stop_with=signal.SIGHUP) as served:  # a hang-up stops cleanly too
        async with connect(served.port, member, username="u" * 300) as conn:
            screen = await Screen.open(conn, term_type=f"xterm{forged}")
            await screen.wait_for(b"SRE Guild")
            with pytest.raises(asyncssh.ChannelOpenError):
                await conn.open_connection(f"intranet{forged}", 80)
        async with connect(served.port, member) as conn:
            refused = await conn.run(f"ls{forged}")
            assert refused.exit_status == 1 and "runs no commands" in str(refused.stderr)
        reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
        writer.write(f"SSH-2.0-evil{forged[1:]}\r\n".encode())
        await reader.readline()  # the server's version; then it reads ours
        writer.close()
    lines = served.log.splitlines()
    assert all(re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} (INFO|WARNING) \S", line) for line in lines)
    assert not any(char < " " or "\x7f" <= char <= "\x9f" for char in "".join(lines))
    assert sum("root signed" in line for line in lines) == 4  # terminal, forward, command, version
    assert "type 'xterm\\n2026-01-01T00:00:00+0000 INFO 10.0.0.1: root signed in\\x1b]52'…" in served.log
    assert f"user '{'u' * 64}'…" in served.log
    assert "forwarding to 'intranet\\n2026-01-01" in served.log
    assert "refused a command for ana: 'ls\\n2026-01-01" in served.log
    assert "(client 'SSH-2.0-evil2026-01-01T00:00:00+0000 INFO 10.0.0.1: root signed '…)" in served.log


def test_serve_refuses_a_repertoire_it_cannot_open_read_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "old.db"
    with sqlite3.connect(old) as conn:
        conn.executescript((FIXTURES / "repertoire-v1.sql").read_text())
    conn.close()
    keys_file = tmp_path / "authorized_keys"
    keys_file.write_text("")
    code, out, err = run(
        capsys, "--db", str(old), "serve", "--authorized-keys", str(keys_file), "--port", "0"
    )
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and "older schema" in err and "without --read-only to upgrade it" in err


def test_serve_needs_the_authorized_keys_file(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "authorized_keys"
    code, out, err = run(capsys, "--db", str(db_path), "serve", "--authorized-keys", str(missing))
    assert (code, out) == (1, "")
    assert err == (
        f"coptui: cannot read the authorized keys file {missing}: No such file or directory; "
        "create it with one member's public key per line\n"
    )


def test_serve_says_when_the_port_is_taken(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keys_file = tmp_path / "authorized_keys"
    keys_file.write_text("")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, out, err = run(
            capsys, "--db", str(db_path), "serve", "--authorized-keys", str(keys_file), "--port", str(port)
        )
    assert (code, out) == (1, "")
    assert err.splitlines()[-1] == f"coptui: cannot listen on 127.0.0.1:{port}: Address already in use"


def test_browse_without_a_terminal_says_so(
    db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What `ssh host ls` meets under sshd's ForceCommand: one line, not a browser left running."""
    monkeypatch.setenv("SSH_CONNECTION", "192.0.2.7 51000 192.0.2.1 22")
    code, out, err = run(capsys, "--db", str(db_path), "browse", "--read-only")
    assert (code, out) == (1, "")
    assert (
        err == "coptui: browse needs a terminal; connect with plain `ssh` (or `ssh -t`), without a command\n"
    )
    # On this machine, with its output piped: no talk of ssh.
    monkeypatch.delenv("SSH_CONNECTION")
    code, out, err = run(capsys, "--db", str(db_path), "browse", "--read-only")
    assert (code, out, err) == (
        1,
        "",
        "coptui: browse needs a terminal: run it in one, without redirecting its input or output\n",
    )


def test_the_cli_starts_without_asyncssh() -> None:
    code = "import sys, coptui.cli\nassert 'asyncssh' not in sys.modules, 'asyncssh imported by the CLI'\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr

"""`coptui serve` as an operator runs it: the banner, the checks before listening, and SIGTERM."""

from __future__ import annotations

import asyncio
import re
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
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


async def test_serve_from_start_to_sigterm(db_path: Path, tmp_path: Path) -> None:
    keys_file = tmp_path / "authorized_keys"
    member = new_key()
    authorize(keys_file, member, member="ana")
    before = digest(db_path)
    server = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "coptui", "--db", str(db_path), "serve"),
        *("--authorized-keys", str(keys_file), "--port", "0"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert server.stdout is not None and server.stderr is not None
    try:
        async with asyncio.timeout(30):
            banner = [(await server.stdout.readline()).decode() for _ in range(3)]
        assert banner[0].startswith("coptui: serving the repertoire of SRE Guild read-only on 127.0.0.1:")
        port = int(banner[0].rsplit(":", 1)[1])
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
            server.send_signal(signal.SIGTERM)
            await screen.wait_for(b"coptui: the server is shutting down")
            await screen.read_to_end()
        async with asyncio.timeout(30):
            log = (await server.stderr.read()).decode()
            assert await server.wait() == 0
    finally:
        if server.returncode is None:
            server.kill()
            await server.wait()
    assert f"ana signed in with key {member.get_fingerprint('sha256')}" in log
    assert re.search(r"ana \(key SHA256:\S+\) left after \d+\.\d s", log)
    assert log.rstrip().endswith("INFO stopped")
    assert digest(db_path) == before


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


def test_browse_without_a_terminal_says_so(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What `ssh host ls` meets under sshd's ForceCommand: one line, not a browser left running."""
    code, out, err = run(capsys, "--db", str(db_path), "browse", "--read-only")
    assert (code, out) == (1, "")
    assert (
        err == "coptui: browse needs a terminal; connect with plain `ssh` (or `ssh -t`), without a command\n"
    )


def test_the_cli_starts_without_asyncssh() -> None:
    code = "import sys, coptui.cli\nassert 'asyncssh' not in sys.modules, 'asyncssh imported by the CLI'\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr

"""The SSH tests' fixtures (a pytest plugin of tests/test_ssh_*.py): a member, the keys file, servers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import asyncssh
import pytest
from sshclient import StartServer, authorize, new_key

from coptui.ssh import BrowserServer, ServerSettings, start_server


@pytest.fixture
def member_key() -> asyncssh.SSHKey:
    return new_key()


@pytest.fixture
def keys_file(tmp_path: Path, member_key: asyncssh.SSHKey) -> Path:
    path = tmp_path / "authorized_keys"
    authorize(path, member_key, member="ana")
    return path


@pytest.fixture
async def start(db_path: Path, keys_file: Path, tmp_path: Path) -> AsyncIterator[StartServer]:
    """Starts servers on free ports (settings overridable); closes them all at the end."""
    started: list[BrowserServer] = []
    base = ServerSettings(db_path=db_path, authorized_keys=keys_file, host_key=tmp_path / "host_key", port=0)

    async def start_with(**overrides: object) -> BrowserServer:
        server = await start_server(replace(base, **overrides))  # type: ignore[arg-type]
        started.append(server)
        return server

    yield start_with
    for server in started:
        await server.close()


@pytest.fixture
async def server(start: StartServer) -> BrowserServer:
    return await start()

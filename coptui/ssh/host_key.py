"""The server's host key: an ed25519 key made on first start, kept private (mode 0600)."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

import asyncssh

from coptui import config
from coptui.ssh.errors import ServeError

HOST_KEY_NAME = "ssh_host_ed25519_key"


def default_host_key_path() -> Path:
    return config.data_dir() / HOST_KEY_NAME


@dataclass(frozen=True)
class HostKey:
    key: asyncssh.SSHKey
    path: Path
    created: bool

    @property
    def fingerprint(self) -> str:
        """As OpenSSH shows it when a member first connects: `SHA256:...`."""
        return self.key.get_fingerprint("sha256")


def load_or_create_host_key(path: Path, *, default_location: bool = False) -> HostKey:
    """Read the key at `path`, or make one there if there is none yet."""
    if not path.exists():
        return HostKey(_create(path, make_folder=default_location), path, created=True)
    mode = path.stat().st_mode
    if mode & 0o077:
        raise ServeError(
            f"the host key {path} can be read by other users (mode {stat.S_IMODE(mode):04o}); "
            f"run `chmod 600 {path}`"
        )
    try:
        key = asyncssh.read_private_key(path)
    except (asyncssh.KeyImportError, asyncssh.KeyEncryptionError) as error:
        raise ServeError(f"the host key {path} is not a usable SSH private key ({error})") from error
    except OSError as error:
        raise ServeError(f"cannot read the host key {path}: {error.strerror}") from error
    return HostKey(key, path, created=False)


def _create(path: Path, *, make_folder: bool) -> asyncssh.SSHKey:
    if make_folder:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    elif not path.parent.is_dir():
        raise ServeError(f"cannot create the host key {path}: folder {path.parent} does not exist")
    key = asyncssh.generate_private_key("ssh-ed25519", comment="coptui host key")
    try:
        # O_EXCL with mode 0600: the private key is never readable by others, not even for a moment.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(key.export_private_key("openssh"))
        Path(f"{path}.pub").write_bytes(key.export_public_key("openssh"))
    except OSError as error:
        raise ServeError(f"cannot create the host key {path}: {error.strerror}") from error
    return key

"""Who may connect: the members' public keys, from an OpenSSH authorized_keys file.

The file is re-read whenever it changes, so adding or removing a member needs no restart.
A key names its member with the standard `environment` option:

    environment="COPTUI_MEMBER=ana" ssh-ed25519 AAAA... ana@laptop

The same line works for sshd's `ForceCommand` set-up (with `PermitUserEnvironment
COPTUI_MEMBER`). `from="..."` patterns are honoured; other options are ignored, since
every session runs the read-only browser and nothing else.
"""

from __future__ import annotations

import logging
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import asyncssh

from coptui.ssh.errors import ServeError

MEMBER_VARIABLE = "COPTUI_MEMBER"
HANDLE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,31}$")

log = logging.getLogger("coptui.ssh")


@dataclass(frozen=True)
class KeyGrant:
    """An accepted key: its fingerprint, and the member it names (None if it names nobody)."""

    fingerprint: str
    member: str | None

    @property
    def who(self) -> str:
        return self.member or "an unnamed member"


@dataclass(frozen=True)
class _Line:
    number: int
    keys: asyncssh.SSHAuthorizedKeys


class AuthorizedKeys:
    """The authorized_keys file, parsed, and re-parsed whenever its size, time or inode changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: tuple[int, int, int] | None = None
        self._lines: list[_Line] = []

    def load(self) -> int:
        """Read the file at start-up, where a missing file is the operator's mistake to fix."""
        try:
            self.path.read_bytes()
        except OSError as error:
            raise ServeError(
                f"cannot read the authorized keys file {self.path}: {error.strerror}; "
                "create it with one member's public key per line"
            ) from error
        self._reload_if_changed()
        return len(self._lines)

    def grant(self, key: asyncssh.SSHKey, client_addr: str) -> KeyGrant | None:
        """The grant for `key` connecting from `client_addr`, or None if the key is not authorized."""
        self._reload_if_changed()
        for line in self._lines:
            options = line.keys.validate(key, client_addr, client_addr)
            if options is not None:
                return KeyGrant(key.get_fingerprint("sha256"), self._member(options, line.number))
        return None

    def _member(self, options: Mapping[str, object], number: int) -> str | None:
        environment = options.get("environment")
        member = environment.get(MEMBER_VARIABLE) if isinstance(environment, dict) else None
        if member is None:
            return None
        if not HANDLE.match(member):
            log.warning(
                "%s line %d: %s=%r is not a member handle (lower-case letters, digits, '.', '_', '-')",
                self.path,
                number,
                MEMBER_VARIABLE,
                member,
            )
            return None
        return str(member)

    def _reload_if_changed(self) -> None:
        try:
            info = self.path.stat()
        except OSError as error:
            if self._stamp is not None or self._lines:
                log.warning("%s is unreadable (%s): every key is refused until it is back", self.path, error)
            self._stamp, self._lines = None, []
            return
        stamp = (info.st_mtime_ns, info.st_size, info.st_ino)
        if stamp == self._stamp:
            return
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except OSError as error:
            log.warning("cannot read %s (%s): every key is refused", self.path, error.strerror)
            self._stamp, self._lines = None, []
            return
        self._stamp = stamp
        self._lines = list(self._parse(text))
        if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            log.warning("%s can be changed by other users; anyone who can write it can sign in", self.path)
        log.info("read %d authorized keys from %s", len(self._lines), self.path)

    def _parse(self, text: str) -> list[_Line]:
        lines = []
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            try:
                lines.append(_Line(number, asyncssh.import_authorized_keys(line)))
            except (ValueError, asyncssh.KeyImportError) as error:
                reason = "not a public key" if "No valid entries" in str(error) else str(error)
                log.warning("%s line %d ignored: %s", self.path, number, reason)
        return lines

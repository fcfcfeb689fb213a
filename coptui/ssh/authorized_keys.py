"""Who may connect: the members' public keys, from an OpenSSH authorized_keys file.

The file is re-read whenever it changes, so adding or removing a member needs no restart.
A key names its member with the standard `environment` option:

    environment="COPTUI_MEMBER=ana" ssh-ed25519 AAAA... ana@laptop

The same line works for sshd's `ForceCommand` set-up (with `PermitUserEnvironment
COPTUI_MEMBER`). `from="..."` patterns and `expiry-time="YYYYMMDD[HHMM[SS]][Z]"` are
honoured as sshd honours them (local time unless `Z`; a malformed time refuses the key);
other options are ignored, since every session runs the read-only browser and nothing else.
"""

from __future__ import annotations

import logging
import re
import stat
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import asyncssh

from coptui.config import MEMBER_VARIABLE
from coptui.ssh.errors import ServeError
from coptui.ssh.log_line import shown

HANDLE = re.compile(r"[a-z0-9][a-z0-9_.-]{0,31}")
EXPIRY_TIME = re.compile(r"(\d{8}(?:\d{4}(?:\d{2})?)?)([Zz]?)")
EXPIRY_FORMATS = {8: "%Y%m%d", 12: "%Y%m%d%H%M", 14: "%Y%m%d%H%M%S"}

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

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self._clock = clock
        self._stamp: tuple[int, int, int] | None = None
        self._lines: list[_Line] = []
        self.generation = 0  # counts the times the file was read, so others can tell it changed

    def load(self) -> int:
        """Read the file at start-up, where a missing file is the operator's mistake to fix."""
        try:
            self.path.read_bytes()
        except OSError as error:
            raise ServeError(
                f"cannot read the authorized keys file {self.path}: {error.strerror}; "
                "create it with one member's public key per line"
            ) from error
        self.refresh()
        return len(self._lines)

    def grant(self, key: asyncssh.SSHKey, client_addr: str) -> KeyGrant | None:
        """The grant for `key` connecting from `client_addr`, or None if the key is not authorized."""
        self.refresh()
        for line in self._lines:
            options = line.keys.validate(key, client_addr, client_addr)
            if options is not None and self._unexpired(options, line.number, key):
                return KeyGrant(key.get_fingerprint("sha256"), self._member(options, line.number))
        return None

    def _unexpired(self, options: Mapping[str, object], number: int, key: asyncssh.SSHKey) -> bool:
        values = options.get("expiry-time")
        if not values:
            return True
        for value in values if isinstance(values, list) else [values]:
            expires = expiry_time(str(value))
            if expires is None:
                log.warning(
                    "%s line %d: expiry-time=%s is not YYYYMMDD[HHMM[SS]][Z]; the key is refused",
                    self.path,
                    number,
                    shown(str(value)),
                )
                return False
            if expires < self._clock():
                log.info(
                    "%s line %d: key %s expired at %s",
                    self.path,
                    number,
                    key.get_fingerprint("sha256"),
                    datetime.fromtimestamp(expires).astimezone().isoformat(timespec="seconds"),
                )
                return False
        return True

    def _member(self, options: Mapping[str, object], number: int) -> str | None:
        environment = options.get("environment")
        member = environment.get(MEMBER_VARIABLE) if isinstance(environment, dict) else None
        if member is None:
            return None
        if not HANDLE.fullmatch(member):
            log.warning(
                "%s line %d: %s=%s is not a member handle (lower-case letters, digits, '.', '_', '-')",
                self.path,
                number,
                MEMBER_VARIABLE,
                shown(member),
            )
            return None
        return str(member)

    def refresh(self) -> None:
        """Re-read the file if its size, time or inode changed since it was last read."""
        try:
            info = self.path.stat()
        except OSError as error:
            if self._stamp is not None or self._lines:
                log.warning("%s is unreadable (%s): every key is refused until it is back", self.path, error)
            self._forget()
            return
        stamp = (info.st_mtime_ns, info.st_size, info.st_ino)
        if stamp == self._stamp:
            return
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except OSError as error:
            log.warning("cannot read %s (%s): every key is refused", self.path, error.strerror)
            self._forget()
            return
        self._stamp = stamp
        self._lines = list(self._parse(text))
        self.generation += 1
        if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            log.warning("%s can be changed by other users; anyone who can write it can sign in", self.path)
        log.info("read %d authorized keys from %s", len(self._lines), self.path)

    def _forget(self) -> None:
        if self._stamp is not None or self._lines:
            self.generation += 1
        self._stamp, self._lines = None, []

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


def expiry_time(value: str) -> float | None:
    """`YYYYMMDD[HHMM[SS]]` in local time, or in UTC with a `Z`, as a timestamp; None if malformed."""
    match = EXPIRY_TIME.fullmatch(value)
    if match is None:
        return None
    digits, utc = match.groups()
    try:
        moment = datetime.strptime(digits, EXPIRY_FORMATS[len(digits)])
    except ValueError:
        return None
    return (moment.replace(tzinfo=UTC) if utc else moment).timestamp()

"""The server's key files: the host key it makes and guards, and the members' authorized keys."""

from __future__ import annotations

import logging
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import asyncssh
import pytest
from sshclient import authorize, new_key

from coptui.ssh import ServeError, default_host_key_path
from coptui.ssh.authorized_keys import AuthorizedKeys, expiry_time
from coptui.ssh.host_key import load_or_create_host_key
from coptui.ssh.launcher import browser_environment


def public(key: asyncssh.SSHKey) -> asyncssh.SSHKey:
    """What the server sees of a client's key."""
    return key.convert_to_public()


def test_the_host_key_is_made_private_once_then_reused(tmp_path: Path) -> None:
    path = default_host_key_path()
    assert path.parent == tmp_path / "data"  # the test's own data folder
    made = load_or_create_host_key(path, default_location=True)
    assert made.created
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert made.key.algorithm == b"ssh-ed25519"
    assert made.fingerprint.startswith("SHA256:")
    again = load_or_create_host_key(path)
    assert not again.created and again.fingerprint == made.fingerprint
    assert Path(f"{path}.pub").read_bytes() == made.key.export_public_key("openssh")


def test_a_host_key_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "host_key"
    load_or_create_host_key(path)
    path.chmod(0o644)
    with pytest.raises(ServeError, match=r"can be read by other users \(mode 0644\); run `chmod 600"):
        load_or_create_host_key(path)


def test_a_host_key_file_that_is_not_a_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "host_key"
    path.write_text("not a key\n")
    path.chmod(0o600)
    with pytest.raises(ServeError, match="not a usable SSH private key"):
        load_or_create_host_key(path)


def test_a_chosen_host_key_needs_an_existing_folder(tmp_path: Path) -> None:
    with pytest.raises(ServeError, match="does not exist"):
        load_or_create_host_key(tmp_path / "nowhere" / "host_key")


def test_a_key_names_its_member_with_the_environment_option(tmp_path: Path) -> None:
    path = tmp_path / "authorized_keys"
    ana, nameless, stranger = new_key(), new_key(), new_key()
    authorize(path, ana, member="ana")
    authorize(path, nameless)
    keys = AuthorizedKeys(path)
    assert keys.load() == 2
    grant = keys.grant(public(ana), "127.0.0.1")
    assert grant is not None and grant.member == "ana" and grant.fingerprint == ana.get_fingerprint("sha256")
    nameless_grant = keys.grant(public(nameless), "127.0.0.1")
    assert nameless_grant is not None and nameless_grant.member is None
    assert keys.grant(public(stranger), "127.0.0.1") is None


def test_a_member_name_that_is_not_a_handle_is_not_passed_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "authorized_keys"
    key = new_key()
    authorize(path, key, member="Ana;rm")
    keys = AuthorizedKeys(path)
    keys.load()
    grant = keys.grant(public(key), "127.0.0.1")
    assert grant is not None and grant.member is None
    assert "is not a member handle" in caplog.text


def test_from_patterns_are_honoured(tmp_path: Path) -> None:
    path = tmp_path / "authorized_keys"
    key = new_key()
    authorize(path, key, member="ana", options='from="10.0.0.0/8"')
    keys = AuthorizedKeys(path)
    keys.load()
    assert keys.grant(public(key), "127.0.0.1") is None
    assert keys.grant(public(key), "10.1.2.3") is not None


def test_lines_that_are_not_keys_are_skipped_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "authorized_keys"
    path.write_text("# members of the SRE Guild\n\nssh-ed25519 garbage\n")
    key = new_key()
    authorize(path, key, member="ana")
    keys = AuthorizedKeys(path)
    assert keys.load() == 1
    assert f"{path} line 3 ignored" in caplog.text
    assert keys.grant(public(key), "127.0.0.1") is not None


def test_a_missing_keys_file_stops_the_start_and_later_refuses_everyone(tmp_path: Path) -> None:
    path = tmp_path / "authorized_keys"
    with pytest.raises(ServeError, match="cannot read the authorized keys file"):
        AuthorizedKeys(path).load()
    key = new_key()
    authorize(path, key)
    keys = AuthorizedKeys(path)
    keys.load()
    path.unlink()
    assert keys.grant(public(key), "127.0.0.1") is None


def test_the_browser_gets_the_members_terminal_not_the_servers(monkeypatch: pytest.MonkeyPatch) -> None:
    server_only = {
        "COLUMNS": "200",
        "LINES": "60",
        "TMUX": "/tmp/tmux-0/default,1,0",
        "SSH_AUTH_SOCK": "/tmp/agent.sock",
        "DISPLAY": ":0",
        "COPTUI_MEMBER": "eve",
    }
    for name, value in server_only.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("LC_TIME", "en_GB.UTF-8")
    env = browser_environment("screen-256color", None, {"COLORTERM": "truecolor", "LD_PRELOAD": "x.so"})
    assert env["TERM"] == "screen-256color" and env["COLORTERM"] == "truecolor"
    assert not ({*server_only, "LD_PRELOAD"} & env.keys())
    assert env["LC_TIME"] == "en_GB.UTF-8" and env["COPTUI_DATA_DIR"] == os.environ["COPTUI_DATA_DIR"]
    assert browser_environment("xterm", "ana", {})["COPTUI_MEMBER"] == "ana"


def test_expiry_time_is_read_as_sshd_reads_it() -> None:
    local = datetime(2026, 3, 1, 14, 30, 15)
    assert expiry_time("20260301") == datetime(2026, 3, 1).timestamp()
    assert expiry_time("202603011430") == local.replace(second=0).timestamp()
    assert expiry_time("20260301143015") == local.timestamp()
    assert expiry_time("20260301143015Z") == local.replace(tzinfo=UTC).timestamp()
    for malformed in ("2026-03-01", "2026030", "2026030114", "20261301", "20260301T1430", "", "20260301\n"):
        assert expiry_time(malformed) is None, malformed


def test_a_key_past_its_expiry_time_is_refused(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "authorized_keys"
    key = new_key()
    authorize(path, key, member="ana", options='expiry-time="202603011430"')
    caplog.set_level(logging.INFO, "coptui.ssh")
    expires = datetime(2026, 3, 1, 14, 30).timestamp()
    now = expires - 1
    keys = AuthorizedKeys(path, clock=lambda: now)
    keys.load()
    assert keys.grant(public(key), "127.0.0.1") is not None
    now = expires + 1
    assert keys.grant(public(key), "127.0.0.1") is None
    assert f"line 1: key {key.get_fingerprint('sha256')} expired at 2026-03-01T14:30:00" in caplog.text


def test_a_malformed_expiry_time_refuses_the_key_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "authorized_keys"
    key = new_key()
    authorize(path, key, member="ana", options='expiry-time="next\x1b]0;tuesday\x07"')
    keys = AuthorizedKeys(path)
    keys.load()
    assert keys.grant(public(key), "127.0.0.1") is None
    assert "line 1: expiry-time='next\\x1b]0;tuesday\\x07' is not YYYYMMDD[HHMM[SS]][Z]" in caplog.text

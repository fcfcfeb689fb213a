"""docs/deploying.md says what works: its command lines are ones coptui's CLI accepts.

The systemd unit's ExecStart, the sshd ForceCommand and the backup command are read out
of the page and parsed by the same click commands `coptui` runs (a backup taken while a
facilitator writes is tests/test_backup.py's).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import click

from coptui.cli import cli

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "deploying.md"


def blocks(language: str) -> list[str]:
    """The page's fenced code blocks in `language` ('' for those without one)."""
    found: list[str] = []
    opened: str | None = None  # the language of the block being read
    lines: list[str] = []
    for line in PAGE.read_text().splitlines():
        if opened is None and line.startswith("```"):
            opened, lines = line[3:], []
        elif opened is not None and line == "```":
            if opened == language:
                found.append("\n".join(lines))
            opened = None
        elif opened is not None:
            lines.append(line)
    return found


def parsed(command_line: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """`coptui ...` parsed as coptui would: the subcommand's name, the group's and its own options."""
    program, *argv = shlex.split(command_line)
    assert program.endswith("/coptui") or program == "coptui"
    commands = cli.list_commands(click.Context(cli))
    at = next(i for i, word in enumerate(argv) if word in commands)
    group = cli.make_context("coptui", argv[:at])
    name = argv[at]
    command = cli.get_command(group, name)
    assert command is not None
    return name, group.params, command.make_context(name, argv[at + 1 :], parent=group).params


def test_the_systemd_units_command_line_is_one_coptui_accepts() -> None:
    (unit,) = blocks("ini")
    settings = dict(line.split("=", 1) for line in unit.splitlines() if re.match(r"\w+=", line))
    name, group, serve = parsed(settings["ExecStart"])
    assert name == "serve"
    db = group["db"]
    assert serve["authorized_keys"].parent == db.parent  # the keys beside the file, in one folder
    assert (serve["host"], serve["port"]) == ("0.0.0.0", 2222)
    # What the service may write: the repertoire's folder (for -shm) and the host key's.
    data_dir = settings["Environment"].removeprefix("COPTUI_DATA_DIR=")
    assert settings["ReadWritePaths"].split() == [str(db.parent), data_dir]
    assert settings["KillMode"] == "mixed"


def test_the_force_command_opens_the_browser_read_only() -> None:
    (force_command,) = (
        line.split("ForceCommand", 1)[1]
        for block in blocks("")
        for line in block.splitlines()
        if "ForceCommand" in line
    )
    name, group, browse = parsed(force_command)
    assert name == "browse" and browse["read_only"]
    assert str(group["db"]) == "/srv/coptui/sre-guild/repertoire.db"


def test_the_backup_command_is_coptuis() -> None:
    (backup,) = (line for block in blocks("sh") for line in block.splitlines() if " backup " in line)
    name, group, options = parsed(backup)
    assert name == "backup"
    assert options["destination"].parent == Path("/var/backups/coptui")
    assert str(group["db"]) == "/srv/coptui/sre-guild/repertoire.db"


def test_the_readme_links_the_page() -> None:
    assert "(docs/deploying.md)" in (ROOT / "README.md").read_text()

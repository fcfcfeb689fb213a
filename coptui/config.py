"""Where coptui keeps things: the one seam tests point at a temporary folder.

Options come from the command line first, then the environment (`COPTUI_DB`,
`COPTUI_CONFIG_DIR`, `COPTUI_DATA_DIR`), then the user's platform folders.
`COPTUI_MEMBER` says who is looking: `coptui serve` sets it from the member's key.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "coptui"
MEMBER_VARIABLE = "COPTUI_MEMBER"


def data_dir() -> Path:
    if folder := os.environ.get("COPTUI_DATA_DIR"):
        return Path(folder)
    import platformdirs  # here, not above: a command given its file never needs it

    return platformdirs.user_data_path(APP_NAME)


def config_dir() -> Path:
    """Holds a community's own session formats, in `formats/*.toml`."""
    if folder := os.environ.get("COPTUI_CONFIG_DIR"):
        return Path(folder)
    import platformdirs

    return platformdirs.user_config_path(APP_NAME)


def member_variable() -> str | None:
    """Who is looking, as `coptui serve` (or sshd's `environment=` option) names them; unchecked."""
    return os.environ.get(MEMBER_VARIABLE)


def default_db_path() -> Path:
    return data_dir() / "repertoire.db"

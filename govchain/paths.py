"""Where govchain keeps its files: the project checkout and its git-ignored state folder."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def state_dir() -> Path:
    """The git-ignored folder for chain state, pid files, logs and the default database."""
    return Path(os.environ.get("GOVCHAIN_HOME", PROJECT_ROOT / ".govchain"))


def anvil_command() -> str:
    """The Anvil executable: $GOVCHAIN_ANVIL, else the native binary npm installed for this platform
    (not the node_modules/.bin launcher: a signal to that Node.js wrapper, SIGKILL above all, does not
    reach the Anvil process it spawns), else the launcher, else PATH."""
    if explicit := os.environ.get("GOVCHAIN_ANVIL"):
        return explicit
    native = sorted((PROJECT_ROOT / "node_modules" / "@foundry-rs").glob("anvil-*/bin/anvil"))
    if native:
        return str(native[0])
    local = PROJECT_ROOT / "node_modules" / ".bin" / "anvil"
    return str(local) if local.exists() else "anvil"

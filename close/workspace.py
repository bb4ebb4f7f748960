"""Where close keeps its state for a pack: the ledger database and the review store.

By default the workspace is `.close/` inside the pack folder (for an .xlsx pack,
`.close/<stem>/` beside the workbook), so the books and everything decided about them
travel together. `--workspace` or CLOSE_WORKSPACE puts it elsewhere.
"""
from __future__ import annotations

import getpass
import os
from pathlib import Path


def workspace_for(pack_path: Path, override: Path | None = None) -> Path:
    if override is not None:
        return Path(override)
    env = os.environ.get("CLOSE_WORKSPACE")
    if env:
        return Path(env)
    pack_path = Path(pack_path)
    if pack_path.is_dir():
        return pack_path / ".close"
    return pack_path.parent / ".close" / pack_path.stem


def current_user(as_name: str | None = None) -> str:
    """The acting person: --as NAME, else CLOSE_USER, else the login name."""
    if as_name and as_name.strip():
        return as_name.strip()
    env = os.environ.get("CLOSE_USER", "").strip()
    if env:
        return env
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"

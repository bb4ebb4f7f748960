"""Who is acting on the command line: a logged-in user, or single-user mode said plainly.

A workspace with users (close/review/users.py) accepts an acting command only with the
token `close login` saved for it: the command acts as that token's user, and `--as` is
refused, since a name typed on the command line proves nothing. A workspace without
users runs in single-user mode: the person is whoever `--as`, CLOSE_USER or the login
name says, every output says so, and sign-off is refused.

Tokens are kept in the user's config dir (CLOSE_CONFIG_DIR, else $XDG_CONFIG_HOME/close,
else ~/.config/close), in credentials.json, one per review store, written with 0600
permissions in a 0700 folder. A credentials file that others can read is refused, as ssh
refuses a private key others can read: whoever reads the token can act as its user.
"""
from __future__ import annotations

import json
import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path

import typer

from close.cli.common import EXIT_USAGE, fail

CREDENTIALS = "credentials.json"


@dataclass(frozen=True)
class Acting:
    """The acting person and how close knows it: 'users' (a logged-in user, with role) or
    'single-user' (a name taken at its word)."""

    name: str
    mode: str
    role: str | None = None

    @property
    def single_user(self) -> bool:
        return self.mode == "single-user"


def config_dir() -> Path:
    explicit = os.environ.get("CLOSE_CONFIG_DIR", "").strip()
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".config") / "close"


def credentials_file() -> Path:
    return config_dir() / CREDENTIALS


def _read() -> dict:
    path = credentials_file()
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return {}
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        fail(f"{path} can be read by others (mode {stat.S_IMODE(mode):o}): anyone who reads a "
             f"token acts as its user; `chmod 600 {path}`, or log in again after removing it")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        fail(f"cannot read {path}: {exc}; remove it and log in again")
    return data if isinstance(data, dict) else {}


def _write(data: dict) -> Path:
    """Replace the credentials file atomically, never readable by anyone but its owner."""
    path = credentials_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path.parent, 0o700)
    temp = path.with_name(f".{CREDENTIALS}.{os.getpid()}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, (json.dumps(data, indent=2, sort_keys=True) + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, path)
    return path


def saved_token(store: Path) -> str | None:
    from close.review.anchors import store_key

    entry = (_read().get("stores") or {}).get(store_key(store))
    return entry.get("token") if isinstance(entry, dict) else None


def save_token(store: Path, *, user: str, token: str, expires_at: str) -> Path:
    from close.review.anchors import store_key

    data = _read()
    data.setdefault("stores", {})[store_key(store)] = {"user": user, "token": token,
                                                       "expires_at": expires_at}
    return _write(data)


def forget_token(store: Path) -> bool:
    from close.review.anchors import store_key

    data = _read()
    if (data.get("stores") or {}).pop(store_key(store), None) is None:
        return False
    _write(data)
    return True


def acting(con: sqlite3.Connection | None, workspace: Path, as_user: str | None) -> Acting:
    """The person a command acts for, from the saved token when the workspace has users."""
    from close.review.store import store_path
    from close.review.users import configured, token_user
    from close.workspace import current_user

    if not configured(con):
        return Acting(current_user(as_user), "single-user")
    if as_user:
        fail(f"--as {as_user}: this workspace has users, so a command acts as the user "
             f"logged in with `close login NAME`, never as a name typed on the command line",
             EXIT_USAGE)
    user = token_user(con, saved_token(store_path(workspace)), "cli")
    return Acting(user.name, "users", user.role)


def mode_line(who: Acting) -> str | None:
    """The line every acting command prints in single-user mode."""
    from close.review.users import SINGLE_USER_NOTE

    return SINGLE_USER_NOTE if who.single_user else None


def echo_mode(who: Acting, *, err: bool = False) -> None:
    line = mode_line(who)
    if line:
        typer.echo(line, err=err)

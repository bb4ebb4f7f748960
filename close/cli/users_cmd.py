"""`close users add|list|disable`, `close login`, `close logout`, `close whoami`.

Users live in the workspace's review store (close/review/users.py): the first one added
must be a controller, and from then on only a logged-in controller adds or disables
users. Passwords are prompted (twice when set) without echo, or read from one line of
standard input with --password-stdin, for scripts; they never appear on the command line,
where other users of the machine could read them in the process list.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from close.cli.auth import acting, echo_mode, forget_token, save_token, saved_token
from close.cli.common import print_json
from close.cli.review_cmd import JSON, PACK, WORKSPACE, opened_store, store_workspace

users_app = typer.Typer(name="users", no_args_is_help=True, add_completion=False,
                        help="Who may act in a workspace: add, list and disable users.")

ROLE = typer.Option(..., "--role", help="preparer (runs closes, comments), reviewer (also approves and rejects) or controller (also signs off, reopens and manages users).")
PASSWORD_STDIN = typer.Option(False, "--password-stdin", help="Read the password from one line of standard input instead of prompting.")


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
    app.command("login")(login)
    app.command("logout")(logout)
    app.command("whoami")(whoami)


def _password(from_stdin: bool, *, confirm: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=confirm)


@users_app.command("add")
def add_cmd(
    name: str = typer.Argument(..., help="The user's name, as it appears in the audit trail."),
    role: str = ROLE, password_stdin: bool = PASSWORD_STDIN,
    pack: Optional[Path] = PACK, workspace: Optional[Path] = WORKSPACE, as_json: bool = JSON,
) -> None:
    """Add a user (the first must be a controller; after that, a logged-in controller adds
    users). The password is prompted twice and stored only as its argon2id hash."""
    from close.review.users import ROLES, add_user, configured

    if role not in ROLES:
        from close.cli.common import fail

        fail(f"--role {role!r}: choose one of {', '.join(ROLES)}")
    ws = store_workspace(pack, workspace)
    with opened_store(pack, workspace, create=True) as con:
        by = acting(con, ws, None).name if configured(con) else _first_adder()
        user = add_user(con, name, role, _password(password_stdin, confirm=True), by=by)
    if as_json:
        print_json(user.to_dict())
        return
    typer.echo(f"added {user.name} as {user.role} (by {by}); they log in with "
               f"`close login {user.name}`")


def _first_adder() -> str:
    """Who adds the first user: nobody is a user yet, so the login name, as in single-user mode."""
    from close.workspace import current_user

    return current_user(None)


@users_app.command("list")
def list_cmd(pack: Optional[Path] = PACK, workspace: Optional[Path] = WORKSPACE,
             as_json: bool = JSON) -> None:
    """List the workspace's users with role and state; without users, say single-user mode."""
    from close.cli.auth import Acting
    from close.review.users import list_users

    with opened_store(pack, workspace, create=False) as con:
        users = list_users(con)
    if as_json:
        print_json({"mode": "users" if users else "single-user", "users": [u.to_dict() for u in users]})
        return
    if not users:
        typer.echo("no users")
        echo_mode(Acting("", "single-user"))
        return
    from close.cli.tables import Column, console, fitted_table

    rows = [{"name": u.name, "role": u.role,
             "state": "active" if u.active else f"disabled by {u.disabled_by} at {u.disabled_at}",
             "added": f"by {u.added_by} at {u.added_at}"} for u in users]
    console().print(fitted_table(None, [Column("name"), Column("role"), Column("state", "text"),
                                        Column("added", "text", optional=True)], rows))


@users_app.command("disable")
def disable_cmd(
    name: str = typer.Argument(..., help="The user to disable."),
    reason: Optional[str] = typer.Option(None, "--reason", help="Recorded in the audit trail."),
    pack: Optional[Path] = PACK, workspace: Optional[Path] = WORKSPACE, as_json: bool = JSON,
) -> None:
    """Disable a user for good (a controller's act): their logins stop working at once.
    Their past work stays attributed to them."""
    from close.review.users import disable_user

    ws = store_workspace(pack, workspace)
    with opened_store(pack, workspace, create=True) as con:
        who = acting(con, ws, None)
        user = disable_user(con, name, by=who.name, reason=reason)
    if as_json:
        print_json(user.to_dict())
        return
    typer.echo(f"disabled {user.name} (by {who.name})")


def login(
    name: str = typer.Argument(..., help="Your user name."),
    password_stdin: bool = PASSWORD_STDIN,
    pack: Optional[Path] = PACK, workspace: Optional[Path] = WORKSPACE, as_json: bool = JSON,
) -> None:
    """Log in to a workspace: checks the password and keeps a token (12 hours) in your
    config dir, readable only by you. Acting commands then act as you."""
    from close.cli.common import fail
    from close.review.store import store_path
    from close.review.users import authenticate, configured, issue_token

    ws = store_workspace(pack, workspace)
    with opened_store(pack, workspace, create=False) as con:
        if not configured(con):
            fail(f"{ws} has no users: it runs in single-user mode; a controller is added with "
                 f"`close users add NAME --role controller`")
        password = _password(password_stdin, confirm=False)
        user = authenticate(con, name, password)
        token, expires = issue_token(con, user, "cli")
    path = save_token(store_path(ws), user=user.name, token=token, expires_at=expires)
    if as_json:
        print_json({"user": user.name, "role": user.role, "expires_at": expires,
                    "credentials": str(path)})
        return
    typer.echo(f"logged in as {user.name} ({user.role}) until {expires}; token kept in {path}")


def logout(pack: Optional[Path] = PACK, workspace: Optional[Path] = WORKSPACE,
           as_json: bool = JSON) -> None:
    """End your login to the workspace: the token stops working and leaves your config dir."""
    from close.review.store import store_path
    from close.review.users import end_token

    ws = store_workspace(pack, workspace)
    token = saved_token(store_path(ws))
    ended = False
    if token:
        with opened_store(pack, workspace, create=False) as con:
            ended = con is not None and end_token(con, token)
    forget_token(store_path(ws))
    if as_json:
        print_json({"logged_out": bool(token), "token_ended": ended})
        return
    typer.echo("logged out" if token else "not logged in to this workspace")


def whoami(pack: Optional[Path] = PACK, workspace: Optional[Path] = WORKSPACE,
           as_user: Optional[str] = typer.Option(None, "--as", help="Single-user mode only: the name to act as."),
           as_json: bool = JSON) -> None:
    """Who acting commands act as here: your logged-in user, or the name single-user mode takes."""
    ws = store_workspace(pack, workspace)
    with opened_store(pack, workspace, create=False) as con:
        who = acting(con, ws, as_user)
    if as_json:
        print_json({"name": who.name, "role": who.role, "mode": who.mode})
        return
    typer.echo(f"{who.name} ({who.role})" if who.role else who.name)
    echo_mode(who)

"""The people of the review tests, as users of a workspace, with cheap password hashes.

Argon2 at its production cost takes a fifth of a second per hash; tests add and log in
users by the dozen, so they swap in argon2's cheapest profile (cheap_hashing). What is
tested is who may do what, not how hard a hash is to crack.
"""
from __future__ import annotations

from argon2 import PasswordHasher, profiles

PASSWORD = "correct horse battery"
# name -> role: ana prepares, bob and dan review, carol controls; erin is a second controller.
PEOPLE = {"carol": "controller", "ana": "preparer", "bob": "reviewer", "dan": "reviewer",
          "erin": "controller"}


def cheap_hashing(monkeypatch) -> None:
    import close.review.users as users

    monkeypatch.setattr(users, "HASHER", PasswordHasher.from_parameters(profiles.CHEAPEST))
    monkeypatch.setattr(users, "_DUMMY", [])


def add_people(con, people=None) -> None:
    """Add the people (carol first: the first user is a controller, who adds the rest)."""
    from close.review.users import add_user, configured

    people = dict(people or PEOPLE)
    first = next(n for n, r in people.items() if r == "controller")
    if not configured(con):
        add_user(con, first, "controller", PASSWORD, by="admin")
    for name, role in people.items():
        if name != first:
            add_user(con, name, role, PASSWORD, by=first)


def login_env(workspace, name: str, config_root) -> dict:
    """Log `name` in to the workspace with `close login`, in a config dir of their own;
    the environment to pass to later commands so that they act as that user."""
    from typer.testing import CliRunner

    from close.cli import app

    env = {"CLOSE_CONFIG_DIR": str(config_root / f"config-{name}")}
    result = CliRunner().invoke(app, ["login", name, "--password-stdin", "--workspace", str(workspace)],
                                input=PASSWORD + "\n", env=env)
    assert result.exit_code == 0, result.stderr
    return env

"""Fixtures shared by every test area: the demo group's books, loaded and closed once per
test run, and a private identity for tests that act as named people."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def demo_pack():
    from fixtures.demo import demo_pack_path

    return demo_pack_path()


@pytest.fixture(scope="session")
def demo_books(demo_pack, tmp_path_factory):
    """(connection, PackInfo) for the demo pack, in a workspace private to this run."""
    from close.pack import open_pack

    con, info = open_pack(demo_pack, tmp_path_factory.mktemp("demo-workspace"))
    yield con, info
    con.close()


@pytest.fixture(scope="session")
def demo_close(demo_books):
    """Every registered skill run on the demo group for May 2026, once."""
    from close.periods import parse_month
    from close.runner import run_close

    con, info = demo_books
    return run_close(con, info, parse_month("2026-05"))


@pytest.fixture(scope="session")
def answer_key():
    import json
    from pathlib import Path

    import fixtures

    return json.loads((Path(fixtures.__file__).parent / "answer_key.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def group_close(demo_close, answer_key, tmp_path_factory):
    """A function: group name -> (outcome of its May 2026 close, its answer key), each group
    generated (cached), loaded and closed once per test run. "acme" is the demo."""
    import json

    from close.pack import open_pack
    from close.periods import parse_month
    from close.runner import run_close

    closed = {"acme": (demo_close, answer_key)}
    connections = []

    def close_of(group: str):
        if group not in closed:
            from fixtures.demo import demo_pack_path

            pack = demo_pack_path(group=group)
            con, info = open_pack(pack, tmp_path_factory.mktemp(f"{group}-workspace"))
            connections.append(con)
            key = json.loads((pack / "answer_key.json").read_text(encoding="utf-8"))
            closed[group] = (run_close(con, info, parse_month(key["month"])), key)
        return closed[group]

    yield close_of
    for con in connections:
        con.close()


@pytest.fixture
def private_identity(monkeypatch, tmp_path):
    """No user, workspace or audit anchor taken from the environment, a config dir of this
    test's own, and cheap password hashes (tests.support.people): for tests that log in
    and act as named people."""
    from tests.support.people import cheap_hashing

    for var in ("CLOSE_USER", "CLOSE_WORKSPACE", "CLOSE_AUDIT_ANCHOR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("CLOSE_CONFIG_DIR", str(tmp_path / "config"))
    cheap_hashing(monkeypatch)

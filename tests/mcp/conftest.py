"""The MCP server over the demo group, with a client in the same process.

This folder is the package tests.mcp (tests/ is a package tree imported from the
repository root), so it never shadows the SDK named `mcp`.
"""
from __future__ import annotations

import json

import pytest


@pytest.fixture(scope="session")
def mcp_workspace(tmp_path_factory):
    """A workspace private to these tests: its ledger database and review store."""
    return tmp_path_factory.mktemp("mcp-workspace")


@pytest.fixture(scope="session")
def mcp_books(demo_pack, mcp_workspace):
    """One Books for the session, so the demo close runs once for every test."""
    from close.mcp import Books

    books = Books(demo_pack, mcp_workspace)
    yield books
    books.close()


@pytest.fixture
def server(mcp_books):
    from close.mcp import build_server

    return build_server(mcp_books)


@pytest.fixture(scope="session")
def demo_answer_key(demo_pack):
    """The seeded cases of the demo pack these tests run on (written with it)."""
    return json.loads((demo_pack / "answer_key.json").read_text(encoding="utf-8"))

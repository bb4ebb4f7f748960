"""Review tests act as named people in a private workspace, whatever the environment says."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _clean_identity(monkeypatch):
    monkeypatch.delenv("CLOSE_USER", raising=False)
    monkeypatch.delenv("CLOSE_WORKSPACE", raising=False)


@pytest.fixture
def workspace(tmp_path):
    return tmp_path / "ws"


@pytest.fixture
def store(workspace):
    from close.review.store import connect

    con = connect(workspace)
    yield con
    con.close()

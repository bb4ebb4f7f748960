"""Review tests act as named people in a private workspace, whatever the environment says."""
from __future__ import annotations

import pytest

from tests.support.people import add_people


@pytest.fixture(autouse=True)
def _clean_identity(private_identity):
    """Every review test starts with nobody logged in (tests/conftest.py)."""


@pytest.fixture
def workspace(tmp_path):
    return tmp_path / "ws"


@pytest.fixture
def store(workspace):
    from close.review.store import connect

    con = connect(workspace)
    yield con
    con.close()


@pytest.fixture
def people(store):
    """The store with users: ana (preparer), bob and dan (reviewers), carol and erin
    (controllers). Sign-off needs them: a workspace without users cannot sign off."""
    add_people(store)
    return store

"""Fixtures for the demo generator's tests: the cached demo pack and small generated packs."""
from __future__ import annotations

import json

import pytest

from tests.support.books import csv_db

SMALL_SCALE = 0.05


@pytest.fixture(scope="session")
def demo_dir():
    from fixtures.demo import demo_pack_path

    return demo_pack_path()


@pytest.fixture(scope="session")
def demo_key(demo_dir):
    return json.loads((demo_dir / "answer_key.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def small_pack(tmp_path_factory):
    """(folder, totals returned by generate) for a small pack."""
    from fixtures.generate import generate

    folder = tmp_path_factory.mktemp("small")
    return folder, generate(folder, scale=SMALL_SCALE)


@pytest.fixture(scope="session")
def demo_db(demo_dir):
    con = csv_db(demo_dir)
    yield con
    con.close()


@pytest.fixture(scope="session")
def small_db(small_pack):
    con = csv_db(small_pack[0])
    yield con
    con.close()

"""A workspace with users and a closed month of the mini pack, for the review page.

The close runs once per test session (a few seconds); each test copies its workspace, so
tests that approve, reject or sign off do not see each other. ana (preparer) ran the
close; bob and dan review; carol controls; erin is a second controller.
"""
from __future__ import annotations

import shutil

import pytest

from tests.support.people import PASSWORD, add_people, cheap_hashing


@pytest.fixture(autouse=True)
def _private(monkeypatch, tmp_path):
    monkeypatch.delenv("CLOSE_USER", raising=False)
    monkeypatch.delenv("CLOSE_WORKSPACE", raising=False)
    monkeypatch.delenv("CLOSE_AUDIT_ANCHOR", raising=False)
    monkeypatch.setenv("CLOSE_CONFIG_DIR", str(tmp_path / "config"))
    cheap_hashing(monkeypatch)


@pytest.fixture(scope="session")
def closed_month(tmp_path_factory):
    """(pack, workspace) after ana's close of 2026-05 on the mini pack plus a self-approved
    entry (so a skill has findings with refs), with users set up."""
    from argon2 import PasswordHasher, profiles

    import close.review.users as users
    from close.cli.common import open_pack_or_fail
    from close.config import load_config
    from close.periods import parse_month
    from close.pipeline import run_month
    from close.review.store import connect
    from tests.framework.minipack import JOURNAL, line, write_minipack

    saved = users.HASHER
    users.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    try:
        root = tmp_path_factory.mktemp("closed")
        extra = [line("US01", "JE-9", 1, "2026-05-20", "6000", "300.00", "0.00", preparer="ana", approver="ana"),
                 line("US01", "JE-9", 2, "2026-05-20", "1000", "0.00", "300.00", preparer="ana", approver="ana")]
        pack = write_minipack(root / "pack", [*JOURNAL, *extra])
        ws = root / "ws"
        con = connect(ws)
        add_people(con)
        con.close()
        path, ledger, info = open_pack_or_fail(pack, ws)
        try:
            run_month(con=ledger, pack=info, pack_path=path, workspace=ws, month=parse_month("2026-05"),
                      config=load_config(path), out_dir=root / "out", user="ana")
        finally:
            ledger.close()
    finally:
        users.HASHER = saved
    return pack, ws


@pytest.fixture
def site(closed_month, tmp_path):
    """A private copy of the closed month: (pack, workspace, settings)."""
    from close.cli.serve_cmd import build_settings

    pack, ws = closed_month
    mine = tmp_path / "ws"
    shutil.copytree(ws, mine)
    settings = build_settings(pack, mine, allow_host=["testserver"])
    return pack, mine, settings


@pytest.fixture
def password():
    return PASSWORD

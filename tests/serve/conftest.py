"""A workspace with users and a closed month of the mini pack, for the review page.

The close runs once per test session (a few seconds); each test copies its workspace, so
tests that approve, reject or sign off do not see each other. ana (preparer) ran the
close; bob and dan review; carol controls; erin is a second controller.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.support.people import PASSWORD, add_people


@pytest.fixture(autouse=True)
def _private(private_identity):
    """Every review-page test starts with nobody logged in (tests/conftest.py)."""


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
    from tests.support.books import mini_books, self_approved_entry

    saved = users.HASHER
    users.HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
    try:
        root = tmp_path_factory.mktemp("closed")
        pack = mini_books(*self_approved_entry("JE-9", "300.00")).write(root / "pack")
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


# Browser tests: real headless Chromium driven by pytest-playwright. Playwright's own
# browser download is never used: the system's Chromium is launched by path.
CHROMIUM = os.environ.get("CLOSE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Flags for a machine without network or display: no sandbox (tests run as root in CI),
# no GPU, and none of the background connections Chromium makes to Google's hosts.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--disable-quic"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium package (or set "
                    f"CLOSE_CHROMIUM to a Chromium binary) to run the browser tests")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS,
            "headless": True}


@pytest.fixture
def live(site):
    """The page served by uvicorn on a free loopback port, in a thread: its base URL."""
    import threading
    import time

    import uvicorn

    from close.serve import create_app

    _, _, settings = site
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=0,
                                           log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the review page did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)

"""`close run` queues, reviewers decide, sign-off locks, `--reopen --reason` reopens."""
import json

import pytest
from typer.testing import CliRunner

from close.cli import app
from tests.support.books import mini_books, self_approved_entry
from tests.support.people import PASSWORD, login_env

runner = CliRunner()


def self_approved_books(folder, amount):
    """The mini pack plus one May entry prepared and approved by the same person; carol
    is the controller who may reopen a signed-off month."""
    pack = mini_books(*self_approved_entry("JE-9", amount)).write(folder)
    (pack / "close.toml").write_text('[review]\ncontrollers = ["carol"]\n', encoding="utf-8")
    return pack


def invoke(*args, env=None, input=None):
    return runner.invoke(app, list(args), env=env, input=input)


@pytest.fixture
def setup(tmp_path):
    """Users set up the way a team does: carol, the first user, is the controller; she
    logs in and adds ana (preparer) and bob (reviewer); each logs in."""
    pack = self_approved_books(tmp_path / "pack", "300.00")
    ws, out = tmp_path / "ws", tmp_path / "out"
    added = invoke("users", "add", "carol", "--role", "controller", "--password-stdin",
                   "--workspace", str(ws), input=PASSWORD + "\n")
    assert added.exit_code == 0, added.stderr
    env = {"carol": login_env(ws, "carol", tmp_path)}
    for name, role in (("ana", "preparer"), ("bob", "reviewer")):
        added = invoke("users", "add", name, "--role", role, "--password-stdin", "--workspace",
                       str(ws), env=env["carol"], input=PASSWORD + "\n")
        assert added.exit_code == 0, added.stderr
        env[name] = login_env(ws, name, tmp_path)

    def close_run(*extra, who="ana"):
        return invoke("run", "--month", "2026-05", "--pack", str(pack), "--workspace", str(ws),
                      "--out", str(out), *extra, env=env[who])

    def items(*extra):
        result = invoke("review", "list", "--workspace", str(ws), "--json", *extra)
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)

    return pack, ws, close_run, items, env


def test_run_review_signoff_lock_reopen(tmp_path, setup):
    pack, ws, close_run, items, env = setup
    first = close_run()
    assert first.exit_code == 0, first.stderr
    queued = items()
    skill_items = [i for i in queued if i["key"] == "je.self_approved/US01"]
    assert [(i["key"], i["version"], i["status"], i["preparer"]) for i in skill_items] == [
        ("je.self_approved/US01", 1, "pending", "ana")]
    assert all(i["preparer"].endswith("on behalf of ana") for i in queued if i["kind"] == "section")

    assert close_run().exit_code == 0
    assert items() == queued                       # same books: nothing added

    for item in queued:
        extra = ["--accept-unverified", "--note", "checked"] if item["unverified"] else []
        result = invoke("review", "approve", item["id"], "--workspace", str(ws), *extra, env=env["bob"])
        assert result.exit_code == 0, result.stderr
    signed = invoke("signoff", "--month", "2026-05", "--workspace", str(ws), env=env["carol"])
    assert signed.exit_code == 0, signed.stderr

    locked = close_run()
    assert locked.exit_code == 2
    lines = locked.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("close: error: 2026-05 was signed off by carol")

    self_approved_books(pack, "350.00")            # the books change after sign-off
    refused = close_run("--reopen", "--reason", "late correction to JE-9")
    assert refused.exit_code == 2 and "ana is a preparer and cannot reopen" in refused.stderr
    reopened = close_run("--reopen", "--reason", "late correction to JE-9", who="carol")
    assert reopened.exit_code == 0, reopened.stderr
    after = {i["key"]: i for i in items()}
    changed = after["je.self_approved/US01"]
    assert (changed["version"], changed["status"], changed["stale_approvals"]) == (2, "pending", 1)
    stale = items("--status", "stale")
    assert skill_items[0]["id"] in [i["id"] for i in stale if i["kind"] == "skill"]

    log = json.loads(invoke("audit", "log", "--workspace", str(ws), "--json").stdout)
    events = [r["event"] for r in log]
    assert events.count("signed_off") == 1 and events.count("reopened") == 1
    reopen = next(r for r in log if r["event"] == "reopened")
    assert (reopen["actor"], reopen["details"]["reason"]) == ("carol", "late correction to JE-9")
    refusal = next(r for r in log if r["event"] == "refused")
    assert refusal["actor"] == "ana" and "controller" in refusal["details"]["reason"]
    assert events.index("reopened") < events.index("stale")
    assert invoke("audit", "verify", "--workspace", str(ws)).exit_code == 0


def test_demo_close_queues_its_exceptions(tmp_path):
    pytest.importorskip("fixtures.demo")
    ws = tmp_path / "ws"
    result = invoke("run", "--month", "2026-05", "--workspace", str(ws), "--out", str(tmp_path / "out"),
                    "--as", "ana", "--json")
    assert result.exit_code in (0, 1), result.stderr
    doc = json.loads(result.stdout)
    with_exceptions = {f"{s['id']}/{s['entity_id'] or 'group'}" for s in doc["skills"]
                       if s["status"] == "exceptions"}
    items = json.loads(invoke("review", "list", "--workspace", str(ws), "--json").stdout)
    assert items, "the demo close queued nothing"
    assert {i["key"] for i in items if i["kind"] == "skill"} == with_exceptions
    sections = [s["id"] for s in (doc.get("narrative") or {}).get("sections", [])]
    assert [i["key"] for i in items if i["kind"] == "section"] == sections
    assert invoke("audit", "verify", "--workspace", str(ws)).exit_code == 0

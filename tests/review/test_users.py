"""Users: roles, passwords, tokens, and the single-user mode a workspace without them runs in."""
import json
import os
import stat

import pytest
from typer.testing import CliRunner

from close.cli import app
from close.review import queue_run
from close.review.audit import verify
from close.review.decisions import approve, comment, reject
from close.review.errors import BadLogin, NotLoggedIn, NotPermitted, UsageError
from close.review.store import guard_names
from close.review.users import (LOGIN_TRIES, add_user, authenticate, configured, disable_user,
                                end_token, find, issue_token, list_users, token_user)
from tests.review.docs import standard_doc
from tests.support.people import PASSWORD, add_people, login_env

runner = CliRunner()


def refused(con):
    return [(r["actor"], json.loads(r["details"])["action"])
            for r in con.execute("SELECT * FROM audit_log WHERE event = 'refused' ORDER BY seq")]


def test_the_first_user_is_a_controller_who_adds_the_rest(store):
    with pytest.raises(UsageError, match="the first user must be a controller"):
        add_user(store, "bob", "reviewer", PASSWORD, by="root")
    add_user(store, "carol", "controller", PASSWORD, by="root")
    assert configured(store)
    with pytest.raises(NotPermitted, match="'root' is not a user"):
        add_user(store, "bob", "reviewer", PASSWORD, by="root")
    add_user(store, "bob", "reviewer", PASSWORD, by="carol")
    with pytest.raises(NotPermitted, match="bob is a reviewer and cannot manage users"):
        add_user(store, "mallory", "controller", PASSWORD, by="bob")
    assert refused(store) == [("root", "add user bob"), ("bob", "add user mallory")]
    assert [(u.name, u.role, u.added_by) for u in list_users(store)] == [
        ("carol", "controller", "root"), ("bob", "reviewer", "carol")]
    assert verify(store).ok


@pytest.mark.parametrize("lookalike", ["Bob", " bob ", "b\u043eb", "\uff42\uff4f\uff42"])
def test_names_that_read_the_same_are_one_user(people, lookalike):
    with pytest.raises(UsageError, match="already a user"):
        add_user(people, lookalike, "reviewer", PASSWORD, by="carol")


@pytest.mark.parametrize("name, password, message", [
    ("", PASSWORD, "needs a name"), ("x" * 65, PASSWORD, "at most 64"),
    ("bo\x1bb", PASSWORD, "control or invisible"), ("zed", "short", "at least 10")])
def test_bad_names_and_short_passwords_are_refused(people, name, password, message):
    with pytest.raises(UsageError, match=message):
        add_user(people, name, "reviewer", password, by="carol")


def test_passwords_and_tokens_are_kept_only_as_hashes(people):
    row = people.execute("SELECT password_hash FROM users WHERE name = 'bob'").fetchone()
    assert row[0].startswith("$argon2id$") and PASSWORD not in row[0]
    token, _ = issue_token(people, find(people, "bob"), "cli")
    dump = "\n".join(people.iterdump())
    assert token not in dump and PASSWORD not in dump
    assert token_user(people, token, "cli").name == "bob"
    with pytest.raises(NotLoggedIn):
        token_user(people, token, "web")          # a CLI token is not a page session
    assert end_token(people, token) and not end_token(people, token)
    with pytest.raises(NotLoggedIn, match="logged out"):
        token_user(people, token)


def test_an_expired_token_is_refused(people):
    token, _ = issue_token(people, find(people, "bob"), "cli", hours=-1)
    with pytest.raises(NotLoggedIn, match="expired"):
        token_user(people, token)


def test_login_checks_the_password_and_stops_after_too_many_failures(people):
    assert authenticate(people, "BOB", PASSWORD).name == "bob"
    with pytest.raises(BadLogin, match="do not match"):
        authenticate(people, "nobody", PASSWORD)
    for _ in range(LOGIN_TRIES):
        with pytest.raises(BadLogin, match="do not match"):
            authenticate(people, "bob", "wrong password")
    with pytest.raises(BadLogin, match="too many failed logins for bob"):
        authenticate(people, "bob", PASSWORD)     # the right password, too late
    assert refused(people).count(("bob", "log in")) == LOGIN_TRIES + 1
    assert authenticate(people, "dan", PASSWORD).name == "dan"   # others are not locked out


def test_a_disabled_user_can_neither_log_in_nor_use_a_token(people):
    token, _ = issue_token(people, find(people, "bob"), "cli")
    disable_user(people, "bob", by="carol", reason="left the team")
    with pytest.raises(NotLoggedIn, match="disabled by carol"):
        token_user(people, token)
    with pytest.raises(BadLogin, match="disabled"):
        authenticate(people, "bob", PASSWORD)
    with pytest.raises(UsageError, match="already disabled"):
        disable_user(people, "bob", by="carol")
    disable_user(people, "erin", by="carol")
    with pytest.raises(NotPermitted, match="last active controller"):
        disable_user(people, "carol", by="carol")
    assert verify(people).ok


def test_roles_decide_who_may_act(workspace, people):
    queue_run(standard_doc(), workspace=workspace, user="ana", pack_path="p")
    with pytest.raises(NotPermitted, match="ana is a preparer and cannot approve"):
        approve(people, "R-0003", user="ana")
    with pytest.raises(NotPermitted, match="'mallory' is not a user"):
        reject(people, "R-0003", user="mallory", reason="no")
    comment(people, "R-0003", user="ana", text="support attached")   # everyone comments
    approve(people, "R-0003", user="bob")
    assert refused(people) == [("ana", "approve"), ("mallory", "reject")]
    with pytest.raises(NotPermitted, match="'mallory' is not a user"):
        queue_run(standard_doc(), workspace=workspace, user="mallory", pack_path="p")


def test_verify_finds_users_and_acts_slipped_in_behind_close(workspace, people):
    queue_run(standard_doc(), workspace=workspace, user="ana", pack_path="p")
    assert verify(people).ok
    for name in guard_names():
        people.execute(f"DROP TRIGGER {name}")
    people.execute("INSERT INTO users (name, name_key, role, password_hash, added_by, at) "
                   "VALUES ('mallory', 'mallory', 'controller', 'x', 'carol', 'now')")
    verdict = verify(people)
    assert verdict.problem == "mismatch" and "user mallory" in verdict.message


def test_verify_finds_an_approval_recorded_for_someone_without_the_role(workspace, people):
    from close.review import audit
    from close.review.store import writing

    queue_run(standard_doc(), workspace=workspace, user="bob", pack_path="p")
    with writing(people):    # what close refuses, written around it: a preparer's approval
        people.execute("INSERT INTO decisions VALUES (3, 'approved', 'ana', NULL, 0, 'now')")
        audit.append(people, actor="ana", event="approved", month="2026-05", item="R-0003",
                     details={"note": None, "accepted_unverified": False})
    verdict = verify(people)
    assert verdict.problem == "forged" and "ana, who was not an active reviewer" in verdict.message


# The command line

def invoke(*args, env=None, input=None):
    return runner.invoke(app, list(args), env=env, input=input)


@pytest.mark.parametrize("command", [["users"], ["users", "add"], ["users", "list"],
                                     ["users", "disable"], ["login"], ["logout"], ["whoami"]],
                         ids=" ".join)
def test_every_users_command_has_help_and_json(command):
    result = invoke(*command, "--help")
    assert result.exit_code == 0 and "Usage: close " + " ".join(command) in result.stdout
    if command != ["users"]:
        assert "--json" in result.stdout


def test_users_from_the_command_line(tmp_path, workspace):
    ws = str(workspace)
    listed = invoke("users", "list", "--workspace", ws)
    assert listed.stdout.splitlines() == ["no users", listed.stdout.splitlines()[1]]
    assert listed.stdout.splitlines()[1].startswith("single-user mode:")
    first = invoke("users", "add", "carol", "--role", "controller", "--workspace", ws,
                   input=f"{PASSWORD}\n{PASSWORD}\n")          # prompted twice, not echoed
    assert first.exit_code == 0, first.stderr
    assert PASSWORD not in first.stdout
    carol = login_env(ws, "carol", tmp_path)
    credentials = tmp_path / "config-carol" / "credentials.json"
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    assert stat.S_IMODE(credentials.parent.stat().st_mode) == 0o700
    assert invoke("users", "add", "bob", "--role", "reviewer", "--password-stdin", "--workspace", ws,
                  env=carol, input=PASSWORD + "\n").exit_code == 0
    bad = invoke("users", "add", "dan", "--role", "boss", "--password-stdin", "--workspace", ws,
                 env=carol, input=PASSWORD + "\n")
    assert bad.exit_code == 2 and "choose one of preparer, reviewer, controller" in bad.stderr
    bob = login_env(ws, "bob", tmp_path)
    refused_add = invoke("users", "add", "dan", "--role", "reviewer", "--password-stdin",
                         "--workspace", ws, env=bob, input=PASSWORD + "\n")
    assert refused_add.exit_code == 1 and "bob is a reviewer and cannot manage users" in refused_add.stderr
    users = json.loads(invoke("users", "list", "--workspace", ws, "--json").stdout)
    assert users["mode"] == "users" and [u["name"] for u in users["users"]] == ["carol", "bob"]
    assert json.loads(invoke("whoami", "--workspace", ws, "--json", env=bob).stdout) == {
        "name": "bob", "role": "reviewer", "mode": "users"}
    as_flag = invoke("whoami", "--workspace", ws, "--as", "carol", env=bob)
    assert as_flag.exit_code == 2 and "this workspace has users" in as_flag.stderr
    wrong = invoke("login", "bob", "--password-stdin", "--workspace", ws, input="nope nope nope\n",
                   env={"CLOSE_CONFIG_DIR": str(tmp_path / "x")})
    assert wrong.exit_code == 1 and "do not match" in wrong.stderr
    assert invoke("users", "disable", "bob", "--reason", "moved on", "--workspace", ws,
                  env=carol).exit_code == 0
    gone = invoke("whoami", "--workspace", ws, env=bob)
    assert gone.exit_code == 1 and "disabled by carol" in gone.stderr
    assert invoke("logout", "--workspace", ws, env=carol).stdout.strip() == "logged out"
    assert "not logged in" in invoke("whoami", "--workspace", ws, env=carol).stderr


def test_a_credentials_file_others_can_read_is_refused(tmp_path, workspace):
    invoke("users", "add", "carol", "--role", "controller", "--password-stdin", "--workspace",
           str(workspace), input=PASSWORD + "\n")
    carol = login_env(workspace, "carol", tmp_path)
    os.chmod(tmp_path / "config-carol" / "credentials.json", 0o644)
    result = invoke("whoami", "--workspace", str(workspace), env=carol)
    assert result.exit_code == 2 and "can be read by others (mode 644)" in result.stderr


def test_single_user_mode_is_stated_by_every_acting_command(tmp_path):
    from tests.support.books import mini_books

    pack = mini_books().write(tmp_path / "pack")
    ws, out = tmp_path / "ws", tmp_path / "out"
    ran = invoke("run", "--month", "2026-05", "--pack", str(pack), "--workspace", str(ws),
                 "--out", str(out), "--as", "ana")
    assert ran.exit_code == 0, ran.stderr
    assert ran.stdout.strip().splitlines()[-1].startswith("single-user mode:")
    as_json = invoke("run", "--month", "2026-05", "--pack", str(pack), "--workspace", str(ws),
                     "--out", str(out), "--as", "ana", "--json")
    assert json.loads(as_json.stdout)["month"] == "2026-05"            # results.json unchanged
    assert as_json.stderr.strip().startswith("single-user mode:")
    commented = invoke("review", "comment", "R-0001", "--text", "hi", "--as", "bob", "--workspace", str(ws))
    assert "single-user mode:" in commented.stdout
    whoami = invoke("whoami", "--workspace", str(ws), "--as", "bob")
    assert whoami.stdout.splitlines() == ["bob", whoami.stdout.splitlines()[1]]


def test_with_users_close_run_acts_as_the_logged_in_user(tmp_path):
    from tests.support.books import mini_books

    pack = mini_books().write(tmp_path / "pack")
    ws, out = tmp_path / "ws", tmp_path / "out"
    from close.review.store import connect
    con = connect(ws)
    add_people(con)
    con.close()
    args = ["run", "--month", "2026-05", "--pack", str(pack), "--workspace", str(ws), "--out", str(out)]
    unauthenticated = invoke(*args)
    assert unauthenticated.exit_code == 1 and "not logged in" in unauthenticated.stderr
    assert invoke(*args, "--as", "ana").exit_code == 2
    ran = invoke(*args, env=login_env(ws, "ana", tmp_path))
    assert ran.exit_code == 0, ran.stderr
    assert "single-user" not in ran.stdout
    items = json.loads(invoke("review", "list", "--workspace", str(ws), "--json").stdout)
    assert items and {i["preparer"].split()[-1] for i in items} == {"ana"}

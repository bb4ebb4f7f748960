"""The review, signoff and audit commands as a reviewer meets them: output, --json, exit codes."""
import json

import pytest
from typer.testing import CliRunner

from close.cli import app
from close.review import queue_run
from close.review.store import connect, guard_names
from tests.review.docs import standard_doc
from tests.support.people import add_people, login_env

runner = CliRunner()


@pytest.fixture
def books(tmp_path):
    """Real books on disk, so that sign-off can check they are the ones the close ran on."""
    from close.pack.sources import locate, pack_sha256
    from tests.support.books import mini_books

    pack = mini_books().write(tmp_path / "pack")
    return pack, pack_sha256(locate(pack))


@pytest.fixture
def ws(workspace, books):
    pack, sha = books
    queue_run(standard_doc(pack={"name": "Test Group", "sha256": sha}), workspace=workspace,
              user="ana", pack_path=str(pack))
    return str(workspace)


def invoke(*args, env=None, as_json=False):
    if as_json:
        result = runner.invoke(app, [*args, "--json"], env=env)
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)
    return runner.invoke(app, list(args), env=env)


def one_line_error(result, code, *fragments):
    assert result.exit_code == code, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("close: error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


COMMANDS = [["review"], ["review", "list"], ["review", "show"], ["review", "approve"],
            ["review", "reject"], ["review", "comment"], ["signoff"], ["audit"],
            ["audit", "verify"], ["audit", "log"]]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command):
    result = invoke(*command, "--help")
    assert result.exit_code == 0 and "Usage: close " + " ".join(command) in result.stdout


@pytest.mark.parametrize("command", [c for c in COMMANDS if c not in (["review"], ["audit"])], ids=" ".join)
def test_every_command_takes_json(command):
    assert "--json" in invoke(*command, "--help").stdout


def test_list_text_and_json(ws):
    result = invoke("review", "list", "--workspace", ws, "--month", "2026-05", env={"COLUMNS": "200"})
    assert result.exit_code == 0
    lines = result.stdout.strip().splitlines()
    assert lines[0].split() == ["id", "sev", "amount", "skill/section", "entity", "status", "v", "preparer"]
    rows = lines[2:-1]  # riskiest first: the skills by severity and amount, then the sections
    assert [line.split()[:3] for line in rows[:2]] == [["R-0003", "high", "125.00"], ["R-0004", "high", "40.00"]]
    assert [line.split()[0] for line in rows[2:]] == ["R-0001", "R-0002"]
    assert "Claude on behalf of ana" in rows[2] and "[unverified]" in rows[3]
    assert lines[-1] == "2026-05: 0 of 4 approved (0.0%)"
    items = json.loads(invoke("review", "list", "--workspace", ws, "--json").stdout)
    assert [(i["id"], i["status"], i["key"]) for i in items][2] == ("R-0003", "pending", "recon.bank/US01")


def test_list_filters_by_status_and_month(ws):
    invoke("review", "approve", "R-0003", "--as", "bob", "--workspace", ws)
    approved = json.loads(invoke("review", "list", "--workspace", ws, "--status", "approved", "--json").stdout)
    assert [i["id"] for i in approved] == ["R-0003"]
    assert json.loads(invoke("review", "list", "--workspace", ws, "--month", "2026-04", "--json").stdout) == []
    one_line_error(invoke("review", "list", "--workspace", ws, "--status", "done"), 2, "--status 'done'")
    one_line_error(invoke("review", "list", "--workspace", ws, "--month", "May"), 2, "'May' is not a month")


def test_list_on_a_workspace_without_a_store_is_empty_and_creates_nothing(tmp_path):
    result = invoke("review", "list", "--workspace", str(tmp_path / "none"))
    assert result.exit_code == 0 and result.stdout.strip() == "no review items"
    assert not (tmp_path / "none").exists()


def test_show_text_and_json(ws):
    result = invoke("review", "show", "R-0002", "--workspace", ws)
    assert result.exit_code == 0
    assert "UNVERIFIED" in result.stdout and "$1.3M: matches no fact" in result.stdout
    assert "Bank differs by $1.3M." in result.stdout
    detail = json.loads(invoke("review", "show", "R-0003", "--workspace", ws, "--json").stdout)
    assert detail["content"]["findings"][0]["refs"] == ["journal_lines:JE-0001"]
    assert detail["history"][0]["event"] == "queued"
    one_line_error(invoke("review", "show", "R-0042", "--workspace", ws), 2, "no review item R-0042")


def test_approve_reject_comment_and_exit_codes(ws):
    one_line_error(invoke("review", "approve", "R-0003", "--as", "ana", "--workspace", ws), 1,
                   "ana cannot approve R-0003")
    one_line_error(invoke("review", "approve", "R-0002", "--as", "bob", "--workspace", ws), 1,
                   "--accept-unverified")
    ok = invoke("review", "approve", "R-0002", "--as", "bob", "--accept-unverified",
                "--note", "agreed to bank letter", "--workspace", ws)
    assert ok.exit_code == 0
    assert ok.stdout.splitlines()[0] == "approved R-0002 (reconciliations, version 1) as bob"
    assert ok.stdout.splitlines()[1].startswith("single-user mode: no users are set up")
    rejected = invoke("review", "reject", "R-0004", "--as", "carol", "--reason", "no support",
                      "--workspace", ws, "--json")
    assert rejected.exit_code == 0 and json.loads(rejected.stdout)["status"] == "rejected"
    one_line_error(invoke("review", "approve", "R-0004", "--as", "bob", "--workspace", ws), 1,
                   "already rejected by carol")
    assert invoke("review", "reject", "R-0003", "--as", "bob", "--workspace", ws).exit_code == 2
    one_line_error(invoke("review", "reject", "R-0003", "--as", "bob", "--reason", " ", "--workspace", ws), 2,
                   "--reason")
    commented = invoke("review", "comment", "R-0004", "--text", "support attached", "--as", "ana",
                       "--workspace", ws)
    assert commented.exit_code == 0 and commented.stdout.splitlines()[0] == "commented on R-0004 as ana"


def test_acting_person_from_close_user_then_login(ws):
    result = invoke("review", "approve", "R-0003", "--workspace", ws, env={"CLOSE_USER": "ana"})
    one_line_error(result, 1, "ana cannot approve")
    result = invoke("review", "approve", "R-0003", "--workspace", ws, env={"CLOSE_USER": "bob"})
    assert result.exit_code == 0 and result.stdout.splitlines()[0].endswith("as bob")
    result = invoke("review", "approve", "R-0004", "--as", "dan", "--workspace", ws,
                    env={"CLOSE_USER": "bob"}, as_json=True)
    assert (result["decided_by"], result["mode"]) == ("dan", "single-user")


def test_signoff_flow(ws, workspace, tmp_path):
    one_line_error(invoke("signoff", "--month", "2026-05", "--as", "carol", "--workspace", ws), 1,
                   "carol cannot sign off: this workspace is in single-user mode")
    con = connect(workspace)
    add_people(con)
    con.close()
    carol, bob = (login_env(ws, name, tmp_path) for name in ("carol", "bob"))
    one_line_error(invoke("signoff", "--month", "2026-05", "--as", "carol", "--workspace", ws), 2,
                   "--as carol: this workspace has users")
    one_line_error(invoke("signoff", "--month", "2026-05", "--workspace", ws), 1, "not logged in")
    one_line_error(invoke("signoff", "--month", "2026-05", "--workspace", ws, env=bob), 1,
                   "bob is a reviewer and cannot sign off")
    one_line_error(invoke("signoff", "--month", "2026-05", "--workspace", ws, env=carol), 1,
                   "cannot sign off 2026-05: 4 of 4 items are not approved")
    for item in ("R-0001", "R-0003", "R-0004"):
        assert invoke("review", "approve", item, "--workspace", ws, env=bob).exit_code == 0
    invoke("review", "approve", "R-0002", "--accept-unverified", "--note", "ok",
           "--workspace", ws, env=bob)
    result = invoke("signoff", "--month", "2026-05", "--workspace", ws, "--json", env=carol)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["items"] == ["R-0001", "R-0002", "R-0003", "R-0004"]
    assert json.loads(result.stdout)["mode"] == "users"
    one_line_error(invoke("signoff", "--month", "2026-05", "--workspace", ws, env=carol), 1,
                   "2026-05 was signed off by carol")
    one_line_error(invoke("signoff", "--month", "2026-5", "--workspace", ws, env=carol), 2, "is not a month")


def test_audit_log_and_verify(ws):
    invoke("review", "comment", "R-0001", "--text", "first look", "--as", "bob", "--workspace", ws)
    verified = invoke("audit", "verify", "--workspace", ws)
    assert verified.exit_code == 0 and verified.stdout.startswith("audit chain intact: 6 records")
    log = json.loads(invoke("audit", "log", "--workspace", ws, "--json").stdout)
    assert [(r["seq"], r["event"], r["actor"]) for r in log][-1] == (6, "commented", "bob")
    text = invoke("audit", "log", "--workspace", ws, "--item", "R-1").stdout.strip().splitlines()
    assert len(text) == 2 and "commented" in text[1] and "text=first look" in text[1]
    assert json.loads(invoke("audit", "log", "--workspace", ws, "--month", "2026-06", "--json").stdout) == []


def test_audit_verify_exit_1_names_the_record(ws, workspace):
    con = connect(workspace)
    for name in guard_names():
        con.execute(f"DROP TRIGGER {name}")
    con.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
    con.close()
    one_line_error(invoke("audit", "verify", "--workspace", ws), 1, "audit record 2 was changed")
    result = invoke("audit", "verify", "--workspace", ws, "--json")
    assert result.exit_code == 1
    assert {k: json.loads(result.stdout)[k] for k in ("ok", "problem", "seq")} == {
        "ok": False, "problem": "changed", "seq": 2}


def test_store_found_through_pack_workspace(tmp_path):
    pack = tmp_path / "books"
    pack.mkdir()
    queue_run(standard_doc(), workspace=pack / ".close", user="ana", pack_path=pack)
    result = invoke("review", "list", "--pack", str(pack), "--json")
    assert result.exit_code == 0 and len(json.loads(result.stdout)) == 4
    result = invoke("review", "list", "--json", env={"CLOSE_WORKSPACE": str(pack / ".close")})
    assert len(json.loads(result.stdout)) == 4
    one_line_error(invoke("review", "list", "--pack", str(tmp_path / "nowhere")), 2, "does not exist")


def test_a_file_that_is_not_a_store_is_one_line(tmp_path):
    (tmp_path / "review.sqlite").write_text("not a database at all " * 100)
    one_line_error(invoke("review", "list", "--workspace", str(tmp_path)), 2, "is not a usable review store")

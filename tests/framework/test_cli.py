"""The command line as a user meets it: exit codes, one-line errors, --json, --help."""
import json

import pytest
from typer.testing import CliRunner

from close.cli import app
from tests.support.books import mini_books, mini_line

runner = CliRunner()


@pytest.fixture
def pack(tmp_path):
    return mini_books().write(tmp_path / "pack")


def invoke(*args):
    return runner.invoke(app, list(args))


@pytest.mark.parametrize("month", ["2026-13", "May", "2026-5", "26-05"])
def test_bad_month_is_one_line_and_exit_2(pack, month):
    result = invoke("run", "--month", month, "--pack", str(pack))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"close: error: month {month!r} is not a month: expected YYYY-MM, for example 2026-05"]


def test_unknown_skill_and_entity_exit_2(pack):
    result = invoke("skills", "run", "je.nope", "--month", "2026-05", "--pack", str(pack))
    assert result.exit_code == 2
    assert "unknown skill 'je.nope'" in result.stderr
    result = invoke("run", "--month", "2026-05", "--pack", str(pack), "--entity", "FR01")
    assert result.exit_code == 2
    assert result.stderr.strip() == "close: error: unknown entity 'FR01'; the pack has UK01, US01"


def test_missing_pack_exit_2(tmp_path):
    result = invoke("run", "--month", "2026-05", "--pack", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_run_writes_results_and_is_byte_identical(pack, tmp_path):
    out = tmp_path / "out"
    first = invoke("run", "--month", "2026-05", "--pack", str(pack), "--out", str(out),
                   "--skills", "je.trial_balance", "--json")
    assert first.exit_code == 0, first.stderr
    doc = json.loads(first.stdout)
    assert doc["month"] == "2026-05" and doc["pack"]["name"] == "Mini Group"
    assert {(s["id"], s["entity_id"], s["status"]) for s in doc["skills"]} == {
        ("je.trial_balance", "US01", "pass"), ("je.trial_balance", "UK01", "pass")}
    saved = (out / "results.json").read_bytes()
    again = invoke("run", "--month", "2026-05", "--pack", str(pack), "--out", str(out),
                   "--skills", "je.trial_balance", "--json")
    assert again.exit_code == 0
    assert (out / "results.json").read_bytes() == saved


def test_fail_on_exceptions_turns_findings_into_exit_1(tmp_path):
    unbalanced = mini_line("US01", "JE-9", 1, "2026-05-20", "6000", "75.25", "0.00")
    pack = mini_books(unbalanced).write(tmp_path / "pack")
    args = ["run", "--month", "2026-05", "--pack", str(pack), "--out", str(tmp_path / "o"),
            "--skills", "je.trial_balance"]
    assert invoke(*args).exit_code == 0
    failed = invoke(*args, "--fail-on", "exceptions", "--json")
    assert failed.exit_code == 1
    tb = [s for s in json.loads(failed.stdout)["skills"] if s["entity_id"] == "US01"][0]
    assert tb["findings"][0]["amount"] == "75.25"
    assert tb["findings"][0]["refs"] == ["journal_lines:JE-9"]


def test_skills_list_show_json():
    listed = json.loads(invoke("skills", "list", "--json").stdout)
    assert any(s["id"] == "je.trial_balance" for s in listed)
    shown = json.loads(invoke("skills", "show", "je.trial_balance", "--json").stdout)
    assert shown["needs"] == ["journal_lines", "accounts"]
    assert invoke("skills", "show", "je.nope").exit_code == 2


def test_skills_run_param_of_wrong_type_exit_2(pack):
    result = invoke("skills", "run", "je.trial_balance", "--month", "2026-05", "--pack", str(pack),
                    "--param", "tolerance=abc")
    assert result.exit_code == 2
    assert "has no parameter 'tolerance'" in result.stderr


@pytest.mark.parametrize("command", [[], ["run"], ["skills"], ["skills", "list"], ["skills", "show"],
                                     ["skills", "run"]])
def test_every_command_has_help(command):
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    assert "Usage" in result.stdout


def test_ref_shows_the_lines_of_an_entry(pack, tmp_path):
    result = invoke("ref", "journal_lines:JE-3", "--pack", str(pack), "--json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)["rows"]
    assert [(r["line_no"], r["debit"], r["credit"]) for r in rows] == [(1, "250.50", "0.00"), (2, "0.00", "250.50")]
    assert invoke("ref", "journal_lines:JE-404", "--pack", str(pack)).exit_code == 1
    bad = invoke("ref", "JE-3", "--pack", str(pack))
    assert bad.exit_code == 2 and "must look like <table>:<key>" in bad.stderr


def test_skills_show_names_what_a_skill_needs_and_what_it_reads_when_it_ran():
    shown = invoke("skills", "show", "stmt.consolidation").stdout
    assert "reads, when they ran: stmt.statutory_pack" in shown
    shown = invoke("skills", "show", "recon.bank_unmatched_aging").stdout
    assert "needs the results of: recon.bank" in shown and "reads, when they ran" not in shown


def test_close_workspace_holds_the_ledger_and_the_review_store_together(pack, tmp_path):
    """CLOSE_WORKSPACE moves the whole workspace (close/workspace.py): the books' database
    is built there beside the review store, not in the pack's own .close folder."""
    elsewhere = tmp_path / "elsewhere"
    result = runner.invoke(app, ["run", "--month", "2026-05", "--pack", str(pack), "--out", str(tmp_path / "out"),
                                 "--skills", "je.trial_balance", "--json"],
                           env={"CLOSE_WORKSPACE": str(elsewhere)})
    assert result.exit_code == 0, result.stderr
    assert (elsewhere / "ledger.duckdb").is_file() and (elsewhere / "review.sqlite").is_file()
    assert not (pack / ".close").exists()


def test_the_queued_run_names_the_results_file_it_wrote(pack, tmp_path):
    """The review store records each run with the digest of its results.json, made once
    and both hashed and written: the file on disk is the one the queue names."""
    import hashlib
    import sqlite3

    out, workspace = tmp_path / "out", tmp_path / "ws"
    result = invoke("run", "--month", "2026-05", "--pack", str(pack), "--out", str(out),
                    "--workspace", str(workspace), "--skills", "je.trial_balance", "--json")
    assert result.exit_code == 0, result.stderr
    written = hashlib.sha256((out / "results.json").read_bytes()).hexdigest()
    with sqlite3.connect(workspace / "review.sqlite") as con:
        recorded = con.execute("SELECT run_id, results_sha256 FROM runs").fetchall()
    assert recorded == [(written[:12], written)]

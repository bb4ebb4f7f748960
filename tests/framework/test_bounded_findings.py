"""Outputs stay bounded: a result lists its first findings, counts the rest, and the
findings file beside results.json has every one."""
import csv
import json
from decimal import Decimal

from typer.testing import CliRunner

from close.cli import app
from close.results import result_to_dict
from close.skill import Finding, Result
from tests.support.books import mini_books, self_approved_entry


def many(n):
    return Result("je.duplicate_entries", "US01", "exceptions", "dupes", {}, [
        Finding("high" if i < 3 else "medium", f"dup {i}", Decimal(f"{i}.25"), (f"journal_lines:JE-{i}",))
        for i in range(n)])


def test_a_result_lists_its_first_findings_and_counts_the_rest():
    doc = result_to_dict(many(120), findings_limit=50)
    assert len(doc["findings"]) == 50
    assert doc["findings"][0]["amount"] == "2.25"          # high first, then by amount
    rest = doc["findings_omitted"]
    assert rest["count"] == 70 and rest["listed_in"] == "findings.csv"
    assert rest["by_severity"] == {"high": 0, "medium": 70, "low": 0}
    assert Decimal(rest["amount"]) == sum(Decimal(f"{i}.25") for i in range(3, 120)) - sum(
        Decimal(f["amount"]) for f in doc["findings"] if f["severity"] == "medium")
    assert "findings_omitted" not in result_to_dict(many(50), findings_limit=50)
    assert len(result_to_dict(many(120), findings_limit=None)["findings"]) == 120


def test_a_close_writes_every_finding_to_the_findings_file(tmp_path):
    extra = []
    for n in range(4):         # four self-approved entries: four findings on one result
        extra += self_approved_entry(f"JE-SA{n}", f"{100 + n}.00")
    pack = mini_books(*extra).write(tmp_path / "pack")
    (pack / "close.toml").write_text('[skills."close.exceptions_summary"]\nlisted = 2\n')
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", "--month", "2026-05", "--pack", str(pack), "--workspace",
                                      str(tmp_path / "ws"), "--out", str(out), "--as", "ana",
                                      "--findings-per-result", "1"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads((out / "results.json").read_text())
    assert all(len(r["findings"]) <= 1 for r in doc["skills"])
    sa = next(r for r in doc["skills"] if r["id"] == "je.self_approved" and r["entity_id"] == "US01")
    assert sa["findings_omitted"]["count"] == 3
    with open(out / "findings.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    listed = sum(len(r["findings"]) + (r.get("findings_omitted") or {}).get("count", 0) for r in doc["skills"])
    assert len(rows) == listed
    mine = [r for r in rows if r["skill_id"] == "je.self_approved" and r["entity_id"] == "US01"]
    assert [r["amount"] for r in mine] == ["103.00", "102.00", "101.00", "100.00"]
    assert mine[0]["refs"] == "journal_lines:JE-SA3" and mine[0]["currency"] == "USD"
    summary = next(r for r in doc["skills"] if r["id"] == "close.exceptions_summary")
    assert len(summary["metrics"]["ranked"]) == 2
    assert summary["metrics"]["ranked_omitted"]["count"] == summary["metrics"]["count"] - 2
    unlisted = summary["metrics"]["count"] - 2
    assert f"the other {unlisted} are listed in findings.csv" in (out / "report.md").read_text()
    assert f"the other {unlisted} are counted in the totals above" in (out / "report.html").read_text()


def test_profile_prints_stages_and_slowest_skills_on_stderr(tmp_path):
    pack = mini_books().write(tmp_path / "pack")
    result = CliRunner().invoke(app, ["run", "--month", "2026-05", "--pack", str(pack), "--workspace",
                                      str(tmp_path / "ws"), "--out", str(tmp_path / "out"),
                                      "--as", "ana", "--json", "--profile"])
    assert result.exit_code == 0, result.stderr
    json.loads(result.stdout)                  # --json output untouched
    for stage in ("skills", "narrative", "review queue and outputs"):
        assert stage in result.stderr
    assert result.stderr.count("  je.") + result.stderr.count("  recon.") + \
        result.stderr.count("  tax.") + result.stderr.count("  stmt.") + \
        result.stderr.count("  flux.") + result.stderr.count("  close.") == 10

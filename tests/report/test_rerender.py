"""`close report` renders a month again from its results.json and the review store: a month
signed off after its close shows the approvals and the sign-off, and its results.json is
left byte for byte as the sign-off approved it."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from close.cli import app
from close.pipeline import rerender_month
from close.results import dumps
from close.review import queue_run
from close.review.decisions import approve, comment
from close.review.signoff import sign_off
from close.review.store import connect
from tests.review.docs import standard_doc
from tests.support.people import add_people, cheap_hashing


@pytest.fixture
def signed(tmp_path, monkeypatch):
    """May closed by ana into out/, every item approved by bob and carol, signed off by carol."""
    monkeypatch.delenv("CLOSE_WORKSPACE", raising=False)
    monkeypatch.setenv("CLOSE_CONFIG_DIR", str(tmp_path / "config"))
    cheap_hashing(monkeypatch)
    workspace, out = tmp_path / "ws", tmp_path / "out"
    out.mkdir()
    doc = standard_doc()
    (out / "results.json").write_text(dumps(doc), encoding="utf-8")
    store = connect(workspace)
    add_people(store)
    queue_run(doc, workspace=workspace, user="ana", pack_path=str(tmp_path / "books"), out_dir=out)
    comment(store, "R-0003", user="ana", text="Bank fee posted on 3 June; cleared next month")
    for item in ("R-0001", "R-0002", "R-0003", "R-0004"):
        approve(store, item, user="bob", note="checked", accept_unverified=True)
    sign_off(store, "2026-05", user="carol", note="May close done")
    store.close()
    return workspace, out


def test_a_signed_month_renders_with_its_approvals_and_sign_off(signed):
    workspace, out = signed
    before = (out / "results.json").read_bytes()
    files = rerender_month(workspace=workspace, out_dir=out, month="2026-05", user="dan")
    assert {f.name for f in files} == {"report.html", "report.md", "report.xlsx", "statutory.html",
                                        "workpapers.xlsx"}
    assert (out / "results.json").read_bytes() == before
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "4 of 4 items approved" in html and "0 of 4" not in html
    assert "Signed off by <b>carol</b>" in html and "May close done" in html
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "(4 of 4)" in md and "signed off by carol" in md
    assert not list(out.glob(".*.tmp"))


def test_close_report_on_the_command_line(signed, tmp_path):
    workspace, out = signed
    result = CliRunner().invoke(app, ["report", "--month", "2026-05", "--out", str(out),
                                      "--workspace", str(workspace), "--json"])
    assert result.exit_code == 0, result.stderr
    assert sorted(json.loads(result.stdout)["files"])[0].endswith("report.html")
    assert "Signed off by <b>carol</b>" in (out / "report.html").read_text(encoding="utf-8")


def test_a_month_without_results_is_a_usage_error(signed, tmp_path):
    workspace, _ = signed
    result = CliRunner().invoke(app, ["report", "--month", "2026-05", "--out", str(tmp_path / "none"),
                                      "--workspace", str(workspace)])
    assert result.exit_code == 2 and "results.json does not exist" in result.stderr


def test_results_of_another_month_are_refused(signed):
    workspace, out = signed
    result = CliRunner().invoke(app, ["report", "--month", "2026-06", "--out", str(out),
                                      "--workspace", str(workspace)])
    assert result.exit_code == 2 and "holds the close of 2026-05" in result.stderr


@pytest.mark.parametrize("doctor,where", [
    (lambda d: d["skills"][0].update(status="failed"), "skills[0] (recon.bank).status must be one of"),
    (lambda d: d["skills"][0]["findings"][0].update(amount=450.0),
     "skills[0] (recon.bank).findings[0].amount must be a decimal string, not float 450.0"),
    (lambda d: d["skills"][0].update(verdict="ok"), "skills[0] has 'verdict', which this version does not write"),
])
def test_a_doctored_results_json_is_refused_in_one_line(signed, doctor, where):
    """results.json is read through the contract's reader: a document that is not one this
    version wrote is refused with the reader's message naming the file and the place,
    exit 2, no traceback, and no report is written."""
    workspace, out = signed
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert doc["skills"][0]["id"] == "recon.bank" and doc["skills"][0]["findings"]
    doctor(doc)
    (out / "results.json").write_text(json.dumps(doc), encoding="utf-8")
    reports = {p.name: p.read_bytes() for p in out.glob("report.*")}
    result = CliRunner().invoke(app, ["report", "--month", "2026-05", "--out", str(out),
                                      "--workspace", str(workspace)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert lines[0].startswith(f"close: error: {out / 'results.json'}: not a results.json of this version of close: ")
    assert where in lines[0]
    assert {p.name: p.read_bytes() for p in out.glob("report.*")} == reports

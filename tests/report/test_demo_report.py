"""The Monthly Financial Review of the demo close: every exception, statement and count.

The demo close runs once per test session (tests/conftest.py). The narrative and review
state are small example dicts here (their own stages are tested where they live), plus
one test that renders what those stages really return offline.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import load_workbook

from close.report import build_report, write_reports
from close.results import outcome_to_dict
from tests.report.checks import all_findings, external_references, finding_amount_text
from tests.report.samples import DOC as SAMPLE


@pytest.fixture(scope="module")
def demo_doc(demo_close):
    doc = outcome_to_dict(demo_close)
    doc["narrative"] = SAMPLE["narrative"]
    doc["usage"] = SAMPLE["usage"]
    return doc


@pytest.fixture(scope="module")
def review_state(demo_doc):
    first = next(r for r in demo_doc["skills"] if r["id"] == "recon.bank")
    return {"items": [
        {"id": "R-0001", "kind": "section", "key": "executive_summary", "version": 1,
         "status": "approved", "stale_approvals": 0, "unverified": False},
        {"id": "R-0002", "kind": "skill", "key": f"recon.bank/{first['entity_id']}", "version": 1,
         "status": "rejected", "stale_approvals": 0, "unverified": False}],
        "readiness": {"approved": 1, "total": 2, "share": "50.0"}, "locked": False}


@pytest.fixture(scope="module")
def written(demo_doc, review_state, tmp_path_factory):
    out = tmp_path_factory.mktemp("demo-report")
    paths = write_reports(demo_doc, out, review_state=review_state)
    return {p.name: p for p in paths}


@pytest.fixture(scope="module")
def page(written):
    return written["report.html"].read_text(encoding="utf-8")


def section(page: str, start: str, end: str) -> str:
    return page[page.index(f'id="{start}"'):page.index(f'id="{end}"')]


def test_html_is_self_contained(page):
    assert external_references(page) == []


def test_every_exception_with_refs_and_amount(demo_doc, page):
    exceptions = section(page, "exceptions", "not-run")
    findings = all_findings(demo_doc)
    assert findings, "the demo close has seeded exceptions"
    for result, finding in findings:
        for ref in finding["refs"]:
            assert ref in exceptions, (result["id"], ref)
        if finding["amount"] is not None:
            assert finding_amount_text(finding["amount"]) in exceptions, (result["id"], finding["amount"])
    assert exceptions.count('<span class="sev ') == len(findings)


def test_seeded_cases_found_are_in_the_exceptions_table(demo_close, answer_key, page):
    """Each seeded case its skill found is in the table, its refs and amount on one row."""
    exceptions = section(page, "exceptions", "not-run")
    rows = exceptions.split("<tr>")
    checked = 0
    for case in answer_key["cases"]:
        result = demo_close.result(case["skill"], case["entity_id"])
        if case["skill"].startswith("close.") or result is None or not any(
                f.amount == Decimal(case["amount"]) and set(case["refs"]) <= set(f.refs) for f in result.findings):
            continue
        assert any(case["skill"] in row and finding_amount_text(case["amount"]) in row
                   and all(ref in row for ref in case["refs"]) for row in rows), case
        checked += 1
    assert checked, "no seeded case was found by its skill"


def test_cover_readiness_counts(demo_close, page):
    cover = section(page, "cover", "summary")
    counts = {s: 0 for s in ("pass", "exceptions", "skipped", "error")}
    for r in demo_close.results:
        counts[r.status] += 1
    for label, status in (("Passed", "pass"), ("With exceptions", "exceptions"),
                          ("Skipped", "skipped"), ("Errored", "error")):
        assert f'<div class="label">{label}</div><div class="value">{counts[status]}</div>' in cover
    assert "50.0%" in cover
    for entity in demo_close.entities:
        assert entity.id in cover and entity.name in cover


def test_chart_from_the_mfr_series(demo_close, page):
    series = demo_close.result("close.mfr", None).metrics["series"]
    chart = section(page, "performance", "statements")
    assert chart.count("<svg") == 2 and chart.count("<rect") == 2 * len(series)
    assert "Jan 25 Revenue:" in chart and "May 26 Net income:" in chart


def test_statements_per_entity_with_prior_month_columns(demo_close, page):
    statements = section(page, "statements", "flux")
    for entity in demo_close.entities:
        assert f'id="statements-{entity.id}"' in statements
    for day in ("31 May 2026", "30 Apr 2026", "31 Dec 2025"):     # month end, last month, year end
        assert f">{day}</th>" in statements
    for r in demo_close.results:
        if r.skill_id == "stmt.balance_sheet" and r.status != "error":
            total = next(line for line in r.metrics["lines"] if line["line"] == "Total assets")
            assert finding_amount_text(str(total["amount"])) in statements
            assert finding_amount_text(str(total["prior"])) in statements


def test_reconciliation_and_tax_tables_list_every_result(demo_close, page):
    recon = section(page, "reconciliations", "tax")
    tax = section(page, "tax", "exceptions")
    for r in demo_close.results:
        if r.skill_id.startswith("recon."):
            assert r.skill_id in recon
        if r.skill_id.startswith("tax."):
            assert r.skill_id in tax
    assert "review: rejected" in recon


def test_markdown_has_the_same_exceptions(demo_doc, written):
    md = written["report.md"].read_text(encoding="utf-8")
    exceptions = md[md.index("\n## Exceptions"):md.index("\n## Reconciliations")]
    for result, finding in all_findings(demo_doc):
        for ref in finding["refs"]:
            assert f"`{ref}`" in exceptions
        if finding["amount"] is not None:
            assert finding_amount_text(finding["amount"]) in exceptions


def test_workbook_numbers_equal_the_decimal_amounts(demo_doc, written):
    wb = load_workbook(written["report.xlsx"])
    for name in ("Summary", "Statements", "Reconciliations", "Tax", "Flux", "Exceptions"):
        assert name in wb.sheetnames
    sheet = wb["Exceptions"]
    head = [c.value for c in sheet[1]]
    got = sorted((r[head.index("Skill")], r[head.index("Entity")], Decimal(str(r[head.index("Amount")])))
                 for r in sheet.iter_rows(min_row=2, values_only=True) if r[head.index("Amount")] is not None)
    want = sorted((res["id"], res["entity_id"] or "Group", Decimal(f["amount"]))
                  for res, f in all_findings(demo_doc) if f["amount"] is not None)
    assert got == want
    statements = wb["Statements"]
    assert statements.max_row > 20 and statements.freeze_panes == "F2"


def test_renders_what_the_narrative_and_review_stages_return(demo_close, tmp_path, monkeypatch):
    """Offline: the fallback drafter's sections and a real review queue in a temp workspace."""
    from close import narrative, review
    from close.config import Config

    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    doc = outcome_to_dict(demo_close)
    doc.update(narrative.draft(doc, Config()))
    state = review.queue_run(doc, workspace=tmp_path / "ws", user="tester", pack_path=tmp_path)
    report = build_report(doc, state)
    assert report.narrative and all(s.drafted_by == "fallback" for s in report.narrative.values())
    page = write_reports(doc, tmp_path / "out", review_state=state)[0].read_text(encoding="utf-8")
    assert "Fallback draft" in page
    if state:
        assert "review state unavailable" not in page


def test_every_skill_result_has_its_place_in_the_report(demo_close, page):
    """Each skill that ran is in the report: its area's section for statuses, and the
    full list at the end with its summary, per entity."""
    appendix = page[page.index('id="appendix"'):]
    rows = appendix.split("<tr>")
    for result in demo_close.results:
        entity = result.entity_id or "Group"
        assert any(f'<span class="mono">{result.skill_id}</span>' in row and f"<td>{entity}</td>" in row
                   for row in rows), (result.skill_id, entity)

"""The typed reader of results.json (close.results.reader): a document close wrote is
read field for field (the round trip gives back the same bytes), and a document that is
not one (or is of another version) is refused with a message that says where."""
from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest

from close.periods import Month
from close.results import (FindingView, ResultsDoc, ResultsError, dumps, outcome_to_dict,
                           read_results)


@pytest.fixture(scope="module")
def demo_doc(demo_close):
    return json.loads(dumps(outcome_to_dict(demo_close)))


def test_every_field_of_the_demo_results_is_read(demo_doc):
    read = read_results(demo_doc)
    assert dumps(read.to_dict()) == dumps(demo_doc)
    assert read_results(read) is read


def test_the_reader_gives_typed_values(demo_doc):
    read = read_results(demo_doc)
    assert read.month == Month(2026, 5)
    assert read.complete is True
    assert read.reporting_currency == "USD"
    assert read.entity_currency("UK01") == "GBP"
    assert read.entity_currency(None) == "USD"
    assert read.entities_catalog["CA01"].ownership_pct == Decimal("80.0000")
    assert read.skill_title("recon.bank") == demo_doc["catalog"]["skills"]["recon.bank"]["title"]
    assert read.skill_area("recon.bank") == "recon"
    assert {r.entity_id for r in read.results_for("recon.bank")} == {"US01", "UK01", "DE01", "CA01"}
    raw = next(r for r in demo_doc["skills"] if r["findings"] and r["findings"][0]["amount"])
    typed = read.result(raw["id"], raw["entity_id"])
    assert isinstance(typed.findings[0], FindingView)
    assert typed.findings[0].amount == Decimal(raw["findings"][0]["amount"])
    assert typed.findings[0].refs == tuple(raw["findings"][0]["refs"])
    assert read.status_counts() == {s: sum(1 for r in demo_doc["skills"] if r["status"] == s)
                                    for s in ("pass", "exceptions", "skipped", "error")}


def test_counts_include_findings_a_result_does_not_list():
    doc = {"month": "2026-05", "skills": [
        {"id": "je.duplicates", "entity_id": "US01", "status": "exceptions", "summary": "", "metrics": {},
         "findings": [{"severity": "high", "message": "a", "amount": "10.00", "refs": []}],
         "findings_omitted": {"count": 3, "amount": "7.50", "by_severity": {"high": 0, "medium": 3, "low": 0},
                              "listed_in": "findings.csv"}},
        {"id": "close.checklist", "entity_id": None, "status": "exceptions", "summary": "", "metrics": {},
         "findings": [{"severity": "high", "message": "restated", "amount": None, "refs": []}]}]}
    read = read_results(doc)
    assert read.severity_counts() == {"high": 1, "medium": 3, "low": 0}   # close.* restates, not counted
    assert read.results[0].findings_count == 4
    assert read.results[0].findings_amount == Decimal("17.50")
    assert dumps(read.to_dict()) == dumps(doc)


def _broken(demo_doc, change):
    doc = copy.deepcopy(demo_doc)
    change(doc)
    return doc


@pytest.mark.parametrize("change, says", [
    (lambda d: d.pop("skills"), "it has no skills"),
    (lambda d: d.update(month="May 2026"), "month must be YYYY-MM"),
    (lambda d: d["skills"][0].update(status="ok"), "skills[0] (je."),
    (lambda d: d["skills"][0].update(status="ok"), "status must be one of pass, exceptions, skipped, error"),
    (lambda d: d["skills"][0].update(score=1), "has 'score', which this version does not write"),
    (lambda d: d["skills"][0].update(findings=[{"severity": "urgent", "message": "m", "amount": None, "refs": []}]),
     "findings[0].severity must be one of high, medium, low"),
    (lambda d: d["skills"][0].update(findings=[{"severity": "high", "message": "m", "amount": 1.5, "refs": []}]),
     "amount must be a decimal string, not float"),
    (lambda d: d["catalog"]["entities"]["US01"].update(ownership_pct="most"), "catalog.entities.US01.ownership_pct"),
    (lambda d: d.update(catalog=[]), "catalog must be an object"),
])
def test_a_document_that_is_not_ours_is_refused_with_where(demo_doc, change, says):
    with pytest.raises(ResultsError) as refused:
        read_results(_broken(demo_doc, change))
    assert "not a results.json" in str(refused.value)
    assert says in str(refused.value)


@pytest.mark.parametrize("doc", [[], "results", None, {"rows": []}])
def test_something_else_entirely_is_refused(doc):
    with pytest.raises(ResultsError, match="not a results.json"):
        read_results(doc)


def test_the_report_refuses_a_foreign_document_clearly(demo_doc):
    from close.report import build_report

    with pytest.raises(ResultsError, match=r"skills\[0\] \(je\.[a-z_]+\)\.status"):
        build_report(_broken(demo_doc, lambda d: d["skills"][0].update(status="green")))


def test_a_results_doc_is_frozen(demo_doc):
    read = read_results(demo_doc)
    assert isinstance(read, ResultsDoc)
    with pytest.raises(AttributeError):
        read.month = Month(2026, 6)

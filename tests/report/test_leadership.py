"""The MFR's leadership page and ref links: figures against prior month, prior year and
budget; each variance with drivers, explanation and owner from the review; sign-off as
close signoff enforces it; every ref linked to the rows behind it."""
from __future__ import annotations

from close.report import build_report, render_html
from close.report.leadership import EXPLANATION_REQUIRED
from close.report.ref_lines import ref_anchor

DOC = {
    "month": "2026-05", "pack": {"name": "T", "sha256": "a" * 64}, "entities": ["US01"],
    "scope": {"complete": True},
    "skills": [
        {"id": "flux.kpis", "entity_id": "US01", "status": "pass", "summary": "",
         "metrics": {"revenue": "100.00", "ebitda": "30.00", "current_ratio": "2.10",
                     "prior": {"revenue": "90.00", "ebitda": "25.00", "current_ratio": "2.00"}},
         "findings": []},
        {"id": "flux.ar_aging", "entity_id": "US01", "status": "pass", "summary": "",
         "metrics": {"dso": "44.7"}, "findings": []},
        {"id": "flux.ap_aging", "entity_id": "US01", "status": "pass", "summary": "",
         "metrics": {"dpo": "30.4"}, "findings": []},
        {"id": "stmt.comparatives", "entity_id": "US01", "status": "pass", "summary": "",
         "metrics": {"net_income": {"mtd": "20.00", "prior_month": "18.00", "prior_year": "15.00"},
                     "income_statement": [{"line": "Gross profit", "section": "gross_profit",
                                           "kind": "subtotal", "mtd": "60.00", "prior_month": "55.00",
                                           "prior_year": "50.00"}]},
         "findings": []},
        {"id": "flux.budget_vs_actual", "entity_id": "US01", "status": "exceptions", "summary": "",
         "metrics": {"total_variance": "12.00", "total_variance_ytd": "40.00", "currency": "USD"},
         "findings": [{"severity": "high", "message": "Fees over budget by 12.00", "amount": "12.00",
                       "refs": ["accounts:6300", "journal_lines:JE-7"]}]},
        {"id": "flux.year_over_year", "entity_id": "US01", "status": "exceptions", "summary": "",
         "metrics": {"currency": "USD"},
         "findings": [{"severity": "medium", "message": "Revenue up 25.00", "amount": "25.00",
                       "refs": ["journal_lines:JE-9"]}]},
    ],
}

STATE = {"month": "2026-05", "locked": False, "readiness": {"approved": 1, "total": 2, "share": "50.0"},
         "items": [{"id": "R-0001", "kind": "skill", "key": "flux.budget_vs_actual/US01", "status": "pending"},
                   {"id": "R-0002", "kind": "skill", "key": "flux.year_over_year/US01", "status": "approved",
                    "decided_by": "bob"}],
         "comments": {"flux.budget_vs_actual/US01": [
             {"by": "ana", "at": "2026-06-02", "text": "Legal fees for the lease renewal, one-off"}]}}


def test_figures_against_prior_month_prior_year_and_budget():
    lead = build_report(DOC, STATE).leadership
    (us,) = lead.entities
    figures = {f.label: f for f in us.figures}
    assert figures["Revenue"].change(figures["Revenue"].prior_month) == 10
    assert figures["Net income"].change(figures["Net income"].prior_year) == 5
    assert str(figures["DSO"].value) == "44.7" and str(figures["DPO"].value) == "30.4"
    assert str(figures["EBITDA"].value) == "30.00" and str(figures["Current ratio"].value) == "2.10"
    assert str(us.budget_variance) == "12.00" and str(us.budget_variance_ytd) == "40.00"


def test_each_variance_carries_drivers_explanation_and_owner():
    lead = build_report(DOC, STATE).leadership
    by_skill = {v.skill_id: v for v in lead.variances}
    budget = by_skill["flux.budget_vs_actual"]
    assert budget.drivers == ["JE-7"] and budget.against == "budget"
    assert budget.explanation == "Legal fees for the lease renewal, one-off" and budget.owner == "ana"
    assert by_skill["flux.year_over_year"].owner == "bob"          # approved without a comment
    assert [v.skill_id for v in lead.variances] == ["flux.year_over_year", "flux.budget_vs_actual"]
    assert build_report(DOC, None).leadership.variances[0].explanation == EXPLANATION_REQUIRED


def test_sign_off_requirements_are_those_close_signoff_enforces():
    lead = build_report(DOC, STATE).leadership
    texts = [q.text for q in lead.requirements]
    assert any("complete close" in t for t in texts) and any("current books" in t for t in texts)
    assert any("Every review item approved" in t for t in texts)
    assert any("controller who did not run" in t for t in texts)
    approved = next(q for q in lead.requirements if q.text.startswith("Every review item"))
    assert approved.met is False and approved.detail == "1 of 2 approved"
    html = render_html(build_report(DOC, STATE))
    assert "What sign-off requires" in html and "high findings block" not in html.lower()
    assert html.index('id="leadership"') < html.index('id="cover"')


def test_every_ref_links_to_its_lines_in_the_appendix():
    lines = {"journal_lines:JE-7": [
        {"je_id": "JE-7", "line_no": 1, "account_id": "6300", "debit": "12.00", "credit": "0.00"},
        {"je_id": "JE-7", "line_no": 2, "account_id": "2000", "debit": "0.00", "credit": "12.00"}]}
    report = build_report(DOC, STATE, lines)
    html = render_html(report)
    for ref in ("accounts:6300", "journal_lines:JE-7", "journal_lines:JE-9"):
        assert f'href="#{ref_anchor(ref)}"' in html and f'id="{ref_anchor(ref)}"' in html
    entry = next(e for e in report.ref_lines if e.ref == "journal_lines:JE-7")
    assert str(entry.debit) == "12.00" and str(entry.credit) == "12.00" and len(entry.rows) == 2
    assert not next(e for e in report.ref_lines if e.ref == "accounts:6300").resolved


def test_ref_anchors_are_one_to_one():
    assert ref_anchor("journal_lines:JE-1") != ref_anchor("journal_lines:JE_1")
    assert ref_anchor("a:b c").replace("-", "").replace("_", "").isalnum()


def test_statements_show_their_ties_and_a_difference_loudly():
    doc = {"month": "2026-05", "pack": {"name": "T", "sha256": "a" * 64}, "entities": [],
           "skills": [
               {"id": "stmt.consolidation", "entity_id": None, "status": "exceptions", "summary": "",
                "metrics": {"lines": [{"line": "Total assets", "amount": "10.00"}], "difference": "1583.60"},
                "findings": []},
               {"id": "stmt.cash_flow", "entity_id": None, "status": "pass", "summary": "",
                "metrics": {"lines": [{"line": "Operating", "amount": "5.00"}], "cash_opening": "100.00",
                            "cash_closing": "105.00", "balance_sheet_cash_change": "5.00",
                            "net_change_in_cash": "5.00", "difference": "0.00"}, "findings": []},
               {"id": "stmt.equity_changes", "entity_id": None, "status": "pass", "summary": "",
                "metrics": {"lines": [{"line": "Share capital", "amount": "1.00"}], "total_opening": "9.00",
                            "profit": "1.00", "other_movements": "0.00", "total_closing": "10.00"},
                "findings": []}]}
    html = render_html(build_report(doc, None))
    assert "Does not tie" in html and "1,583.60" in html
    assert html.count("Does not tie") == 1                      # the cash flow ties: no callout
    for key in ("cash opening", "cash closing", "balance sheet cash change", "total closing"):
        assert key in html
    assert "Statement of changes in equity" in html

"""Small hand-written results documents for report tests.

They follow the results contract (DESIGN.md) and /interfaces of the narrative and
review stages, so the report is tested on every part it renders, including parts the
demo close may not produce offline (a Claude-drafted section, an unverified figure,
approved and rejected review items).
"""
from __future__ import annotations

import copy

SERIES = [
    {"month": f"2026-{m:02d}", "revenue": rev, "net_income": ni}
    for m, rev, ni in [(1, "812000.00", "64000.50"), (2, "798500.25", "-12500.00"),
                       (3, "905300.10", "88000.00"), (4, "930250.00", "91250.75"),
                       (5, "1012345.67", "120456.78")]
]

DOC = {
    "month": "2026-05",
    "pack": {"name": "Sample Group", "sha256": "ab" * 32},
    "entities": ["US01", "UK01"],
    "skills": [
        {"id": "je.trial_balance", "entity_id": "US01", "status": "pass",
         "summary": "Balanced.", "metrics": {"period_difference": "0.00"}, "findings": []},
        {"id": "je.self_approved", "entity_id": "US01", "status": "exceptions",
         "summary": "1 self-approved entry.", "metrics": {"entries": 1},
         "findings": [{"severity": "high", "message": "JE-000777 was prepared and approved by jdoe; have a second person approve it.",
                       "amount": "48210.55", "refs": ["journal_lines:JE-000777"]}]},
        {"id": "je.self_approved", "entity_id": "UK01", "status": "error",
         "summary": "SkillError: no closing rate USD->GBP for 2026-05", "metrics": {}, "findings": []},
        {"id": "recon.bank", "entity_id": "US01", "status": "exceptions",
         "summary": "3 unmatched bank lines.", "metrics": {"matched": 1180, "unmatched_bank": 3, "difference": "-1250.00"},
         "findings": [{"severity": "medium", "message": "Bank fee of 1,250.00 not booked; post it to bank charges.",
                       "amount": "1250.00", "refs": ["bank_transactions:BT-0042"]}]},
        {"id": "recon.bank", "entity_id": "UK01", "status": "pass", "summary": "Reconciled.",
         "metrics": {"matched": 410, "unmatched_bank": 0, "difference": "0.00"}, "findings": []},
        {"id": "recon.loans", "entity_id": "UK01", "status": "skipped",
         "summary": "needs loans.csv, which the pack does not have", "metrics": {}, "findings": []},
        {"id": "tax.vat_return", "entity_id": "UK01", "status": "exceptions", "summary": "VAT return off by 310.20.",
         "metrics": {"output_vat": "40120.00", "input_vat": "12000.00", "net_payable": "28120.00", "difference": "310.20"},
         "findings": [{"severity": "low", "message": "Box 1 differs from the VAT control account by 310.20.",
                       "amount": "310.20", "refs": ["ar_invoices:INV-0042", "accounts:2200"]}]},
        {"id": "stmt.income_statement", "entity_id": "US01", "status": "pass", "summary": "Net income 120,456.78.",
         "metrics": {"lines": [
             {"line": "Revenue", "amount": "1012345.67", "prior": "930250.00"},
             {"line": "Cost of sales", "amount": "-512000.00", "prior": "-470000.00"},
             {"line": "Gross profit", "amount": "500345.67", "prior": "460250.00"},
             {"line": "Operating expenses", "amount": "-379888.89", "prior": "-368999.25"},
             {"line": "Net income", "amount": "120456.78", "prior": "91250.75"}],
             "revenue": "1012345.67", "net_income": "120456.78"},
         "findings": []},
        {"id": "stmt.balance_sheet", "entity_id": "US01", "status": "pass", "summary": "Balances.",
         "metrics": {"lines": [
             {"section": "assets", "line": "Cash and equivalents", "amount": "2500000.00", "prior": "2350000.00"},
             {"section": "assets", "line": "Trade receivables", "amount": "800000.00", "prior": "760000.00"},
             {"section": "assets", "line": "Total assets", "amount": "3300000.00", "prior": "3110000.00"},
             {"section": "liabilities", "line": "Trade payables", "amount": "-400000.00", "prior": "-380000.00"},
             {"section": "equity", "line": "Retained earnings", "amount": "2900000.00", "prior": "2730000.00"},
             {"section": "equity", "line": "Total liabilities and equity", "amount": "3300000.00", "prior": "3110000.00"}],
             "difference": "0.00", "total_assets": "3300000.00"},
         "findings": []},
        {"id": "flux.month_over_month", "entity_id": "US01", "status": "exceptions", "summary": "1 variance.",
         "metrics": {"variances": [{"line": "Revenue", "amount": "1012345.67", "prior": "930250.00",
                                    "change": "82095.67", "change_pct": "8.8"}]},
         "findings": [{"severity": "medium", "message": "Revenue up 82,095.67 (8.8%) vs April, driven by JE-000901.",
                       "amount": "82095.67", "refs": ["journal_lines:JE-000901"]}]},
        {"id": "close.checklist", "entity_id": None, "status": "exceptions",
         "summary": "Sign-off blocked: 1 skill errored and 1 high-severity exception is open.",
         "metrics": {"by_area": {"je": {"pass": 1, "exceptions": 1, "skipped": 0, "error": 1, "missing": 0}},
                     "blockers": [{"kind": "error", "skill_id": "je.self_approved", "entity_id": "UK01",
                                   "detail": "SkillError: no closing rate USD->GBP for 2026-05"}]},
         "findings": [{"severity": "high", "message": "je.self_approved errored for UK01; fix and re-run.",
                       "amount": None, "refs": []}]},
        {"id": "close.mfr", "entity_id": None, "status": "pass", "summary": "Review assembled.",
         "metrics": {"reporting_currency": "USD",
                     "entities": [
                         {"entity_id": "US01", "name": "Sample Inc", "functional_currency": "USD",
                          "country": "US", "parent_id": None, "ownership_pct": None},
                         {"entity_id": "UK01", "name": "Sample UK Ltd", "functional_currency": "GBP",
                          "country": "GB", "parent_id": "US01", "ownership_pct": "100.0000"}],
                     "kpis": [{"key": "revenue", "label": "Revenue", "value": "1012345.67", "prior": "930250.00", "unit": "USD"},
                              {"key": "gross_margin_pct", "label": "Gross margin", "value": "49.4", "prior": "49.5", "unit": "%"}],
                     "series": SERIES},
         "findings": []},
    ],
    "narrative": {"sections": [
        {"id": "executive_summary", "title": "Executive summary", "drafted_by": "claude",
         "model": "claude-sonnet-4-5", "verification": "verified", "unverified_figures": [],
         "paragraphs": ["Revenue rose to 1,012,345.67 in May.", "Net income was 120,456.78."],
         "figures": [], "facts_sha256": "00"},
        {"id": "reconciliations", "title": "Reconciliations", "drafted_by": "claude",
         "model": "claude-sonnet-4-5", "verification": "unverified",
         "unverified_figures": [{"text": "$1.3M", "reason": "matches no fact"}],
         "paragraphs": ["Bank differences total $1.3M."], "figures": [], "facts_sha256": "00"},
        {"id": "tax", "title": "Tax", "drafted_by": "fallback", "model": None, "verification": "verified",
         "unverified_figures": [], "paragraphs": ["The UK VAT return differs by 310.20."],
         "figures": [], "facts_sha256": "00"},
    ]},
    "usage": {"calls": 2, "input_tokens": 5000, "output_tokens": 800, "cache_read_tokens": 0,
              "cache_write_tokens": 0, "estimated_cost_usd": "0.03", "model": "claude-sonnet-4-5"},
}

REVIEW_STATE = {
    "items": [
        {"id": "R-0001", "kind": "section", "key": "executive_summary", "version": 1, "status": "approved",
         "stale_approvals": 0, "unverified": False},
        {"id": "R-0002", "kind": "section", "key": "reconciliations", "version": 2, "status": "rejected",
         "stale_approvals": 1, "unverified": True},
        {"id": "R-0003", "kind": "skill", "key": "recon.bank/US01", "version": 1, "status": "pending",
         "stale_approvals": 0, "unverified": False},
    ],
    "readiness": {"approved": 1, "total": 3, "share": "33.3"},
    "locked": False,
}


def sample_doc() -> dict:
    return copy.deepcopy(DOC)


def sample_review_state() -> dict:
    return copy.deepcopy(REVIEW_STATE)

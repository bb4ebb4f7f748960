"""Workpapers of a small hand-written close: text from the books stays text, ids that
SUMIFS would read as wildcards still match exactly, and yen has no decimals."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from close.report.workpapers import Inputs, write_workpapers

formulas = pytest.importorskip("formulas")
HOSTILE = '=HYPERLINK("http://x","click")'
TEXTS = (HOSTILE, "+1+2", "-1-2", "@SUM(A1)")


def doc() -> dict:
    accounts = [
        {"account_id": "10*", "name": HOSTILE, "type": "asset", "opening": "0", "debit": "1500", "credit": "0",
         "closing": "1500"},
        {"account_id": "1000", "name": "+1+2", "type": "asset", "opening": "0", "debit": "700", "credit": "0",
         "closing": "700"},
        {"account_id": "2500", "name": "-1-2", "type": "liability", "opening": "-1000", "debit": "0",
         "credit": "1200", "closing": "-2200"},
    ]
    return {
        "month": "2026-05", "pack": {"name": "@SUM(A1)", "sha256": "cd" * 32}, "entities": ["JP01"],
        "scope": {"complete": True},
        "catalog": {"reporting_currency": "JPY", "skills": {"recon.loans": {"title": "Loans", "area": "recon"}},
                    "entities": {"JP01": {"name": HOSTILE, "currency": "JPY", "country": "JP"}}},
        "skills": [
            {"id": "je.trial_balance", "entity_id": "JP01", "status": "pass", "summary": "ok", "findings": [],
             "metrics": {"accounts": accounts, "period_debit": "2200", "period_credit": "1200",
                         "cumulative_difference": "0"}},
            {"id": "recon.loans", "entity_id": "JP01", "status": "exceptions", "summary": "off by 200",
             "metrics": {"accounts": [{"account_id": "2500", "schedule_balance": "2000", "gl_balance": "2200",
                                       "difference": "200"}]},
             "findings": [{"severity": "medium", "message": "-1-2 (Dr 2500, Cr 10*)", "amount": "200",
                           "refs": ["loans:=1+1", "accounts:2500"]}]},
        ],
    }


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    return write_workpapers(doc(), tmp_path_factory.mktemp("hostile") / "w.xlsx", None,
                            Inputs(prepared_by="=cmd|' /C calc'!A0", generated_at="2026-06-01T00:00:00Z"))


def test_text_from_the_books_is_never_a_formula(path):
    book = load_workbook(path)
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    for text in TEXTS + ("=cmd|' /C calc'!A0", "loans:=1+1, accounts:2500"):
        found = [c for c in cells if c.value == text]
        assert found, text
        assert all(c.data_type == "s" for c in found), text
        assert all(c.quotePrefix for c in found if text[0] in "=+-@"), text
    for c in cells:
        if c.data_type == "f":
            assert "HYPERLINK" not in c.value and "cmd|" not in c.value, c.coordinate


def test_wildcard_ids_match_exactly_and_yen_has_no_decimals(path):
    values = {}
    for key, value in formulas.ExcelModel().loads(str(path)).finish().calculate().items():
        match = re.fullmatch(r"'\[[^\]]+\](.+)'!([A-Z]+\d+)", str(key))
        if match:
            values[(match.group(1).upper(), match.group(2))] = value.value[0][0]
    book = load_workbook(path)
    summary = {row[2].value: row[0].row for row in book["Summary"].iter_rows(min_row=5) if row[0].value}
    assert values[("SUMMARY", f"F{summary['10*']}")] == 1500   # not 1500 + 700
    assert values[("SUMMARY", f"F{summary['1000']}")] == 700
    assert values[("R-JP01-2500", "C16")] == -2200 and values[("R-JP01-2500", "C18")] == -200
    assert values[("R-JP01-2500", "C24")] == 0    # the finding explains the difference
    results = [values[("CHECKS", f"I{n}")] for n in range(5, 5 + 20) if ("CHECKS", f"I{n}") in values]
    assert results and set(results) == {"PASS"}
    assert book["TB-JP01"]["I5"].number_format == "#,##0_);(#,##0);0_)"
    entries = [r for r in book["Proposed entries"].iter_rows(min_row=5) if r[0].value == "PE-001"]
    assert [r[3].value for r in entries] == ["2500", "10*"]   # the offset the finding names
    assert Decimal(str(values[("PROPOSED ENTRIES", f"F{entries[0][0].row}")])) == 200

"""close.period_readiness on books with other habits: schedules posted as system entries,
a yen entity, an entity periods.csv does not list."""
from __future__ import annotations

from close.registry import Registry
from tests.support.books import CLOSE_ACCOUNTS, PARENT_AND_SUB, build, parent_and_sub_books, run_skill, simple_entry

READINESS = Registry.discover(include_plugins=False).get("close.period_readiness")

DEPRECIATION_ACCOUNTS = [
    ("1510", "Accumulated depreciation", "asset", "accumulated_depreciation", "Property and equipment"),
    ("6500", "Depreciation", "expense", "depreciation_expense", "Depreciation"),
]
JAPAN = {"entity_id": "JP01", "name": "Sub KK", "functional_currency": "JPY", "country": "JP",
         "parent_id": "US01", "ownership_pct": "70"}


def accounts():
    return [{"account_id": a, "name": n, "type": t, "subtype": s, "statement_line": line, "active": True}
            for a, n, t, s, line in CLOSE_ACCOUNTS + DEPRECIATION_ACCOUNTS]


def asset(entity="US01"):
    return {"entity_id": entity, "asset_id": "FA-1", "asset_class": "IT", "description": "Laptops",
            "in_service_date": "2025-06-15", "cost": "36000.00", "salvage_value": "0.00",
            "useful_life_months": 36, "method": "straight_line", "disposal_date": None,
            "disposal_proceeds": None, "cost_account_id": "1500", "accum_account_id": "1510"}


def payroll_row(entity="US01"):
    return {"entity_id": entity, "period": "2026-05", "employee_id": "E-1", "department": "ops",
            "gross_pay": "5000.00", "employer_taxes": "400.00", "benefits": "100.00",
            "employee_withholding": "1000.00", "net_pay": "4000.00"}


def checks(result):
    return {c["check"]: c["status"] for c in result.metrics["checks"]}


def test_schedules_posted_as_system_entries_count_as_posted():
    """Depreciation and payroll posted with source `system` (no doc_ref): the subledgers are
    posted, the GL shows them on their accounts."""
    tables = {
        "accounts": accounts(),
        "journal_lines": simple_entry("CAP", "2026-04-01", "1000", "3000", "90000.00", source="system", entity="US01")
                         + simple_entry("DEP", "2026-05-31", "6500", "1510", "1000.00", source="system", entity="US01")
                         + simple_entry("PAY", "2026-05-29", "6100", "2100", "5500.00", source="system", entity="US01"),
        "fixed_assets": [asset()],
        "payroll": [payroll_row()],
    }
    con, pack = build(tables, base=parent_and_sub_books())
    result = run_skill(READINESS, con, pack, "2026-05", "US01")
    assert checks(result)["subledgers_posted"] == "pass", result.findings
    assert result.status == "pass"
    # and a month with no depreciation on any account is still not posted
    tables["journal_lines"] = [r for r in tables["journal_lines"] if r["je_id"] != "DEP"]
    con, pack = build(tables, base=parent_and_sub_books())
    result = run_skill(READINESS, con, pack, "2026-05", "US01")
    assert checks(result)["subledgers_posted"] == "exceptions"
    assert [f.refs for f in result.findings] == [("fixed_assets:FA-1",)]


def test_yen_entity_unlisted_in_periods_and_euro_reporting():
    """A yen suspense balance is stated in whole yen; an entity periods.csv does not list
    has that check skipped, which does not block readiness."""
    tables = {
        "entities": PARENT_AND_SUB + [JAPAN],
        "journal_lines": simple_entry("CAP", "2026-04-01", "1000", "3000", "5000000", entity="JP01")
                         + simple_entry("SUS", "2026-05-20", "1999", "1000", "873219", entity="JP01"),
        "periods": [{"entity_id": "US01", "period": "2026-04", "status": "open", "closed_at": None}],
    }
    con, pack = build(tables, reporting_currency="EUR", base=parent_and_sub_books())
    result = run_skill(READINESS, con, pack, "2026-05", "JP01")
    assert checks(result)["periods_closed"] == "skipped"
    [finding] = result.findings
    assert format(finding.amount, "f") == "873219"
    assert "873219 JPY" in finding.message and "USD" not in finding.message
    tables["journal_lines"] = tables["journal_lines"][:2]
    con, pack = build(tables, reporting_currency="EUR", base=parent_and_sub_books())
    assert run_skill(READINESS, con, pack, "2026-05", "JP01").status == "pass"

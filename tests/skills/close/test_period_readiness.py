"""close.period_readiness: subledgers posted, suspense clear, TB balanced, periods closed."""
from __future__ import annotations

from decimal import Decimal

from close.registry import Registry
from tests.support.books import build, line, parent_and_sub_books, run_skill, simple_entry

READINESS = Registry.discover(include_plugins=False).get("close.period_readiness")


def payroll_row(period="2026-05", employee="E-1", entity="US01"):
    return {"entity_id": entity, "period": period, "employee_id": employee, "department": "ops",
            "gross_pay": "5000.00", "employer_taxes": "400.00", "benefits": "100.00",
            "employee_withholding": "1000.00", "net_pay": "4000.00"}


def periods(statuses: dict[str, str], entity="US01"):
    return [{"entity_id": entity, "period": p, "status": s, "closed_at": None} for p, s in statuses.items()]


def clean_tables():
    return {
        "journal_lines": simple_entry("CAP", "2026-04-01", "1000", "3000", "1000.00", entity="US01")
                         + simple_entry("PAY5", "2026-05-31", "6100", "2100", "5500.00", source="payroll", entity="US01"),
        "payroll": [payroll_row()],
        "periods": periods({"2026-03": "closed", "2026-04": "closed", "2026-05": "open"}),
    }


def checks(result):
    return {c["check"]: c["status"] for c in result.metrics["checks"]}


def test_clean_books_are_ready():
    con, pack = build(clean_tables(), base=parent_and_sub_books())
    result = run_skill(READINESS, con, pack, "2026-05", "US01")
    assert result.status == "pass", result.findings
    assert checks(result) == {"subledgers_posted": "pass", "suspense_clear": "pass",
                              "trial_balance": "pass", "periods_closed": "pass"}
    assert result.metrics["ready"] is True


def test_a_subledger_with_documents_but_no_gl_lines_is_not_posted():
    tables = clean_tables()
    tables["journal_lines"] = [r for r in tables["journal_lines"] if r["je_id"] != "PAY5"]
    tables["payroll"].append(payroll_row(employee="E-2"))
    con, pack = build(tables, base=parent_and_sub_books())
    result = run_skill(READINESS, con, pack, "2026-05", "US01")
    assert checks(result)["subledgers_posted"] == "exceptions"
    [finding] = result.findings
    assert finding.severity == "high" and finding.amount == Decimal("11000.00")
    assert finding.refs == ("payroll:2026-05/E-1", "payroll:2026-05/E-2")


def test_a_suspense_balance_at_month_end_is_a_finding():
    tables = clean_tables()
    tables["journal_lines"] += simple_entry("SUS", "2026-05-20", "1999", "1000", "250.00", entity="US01")
    con, pack = build(tables, base=parent_and_sub_books())
    result = run_skill(READINESS, con, pack, "2026-05", "US01")
    assert checks(result)["suspense_clear"] == "exceptions"
    [finding] = result.findings
    assert (finding.amount, finding.refs) == (Decimal("250.00"), ("accounts:1999",))


def test_an_unbalanced_trial_balance_names_the_entries():
    tables = clean_tables()
    tables["journal_lines"].append(line("ODD", 1, "2026-05-15", "6000", debit="75.25", entity="US01"))
    con, pack = build(tables, base=parent_and_sub_books())
    result = run_skill(READINESS, con, pack, "2026-05", "US01")
    assert checks(result)["trial_balance"] == "exceptions"
    [finding] = result.findings
    assert (finding.amount, finding.refs) == (Decimal("75.25"), ("journal_lines:ODD",))


def test_an_open_earlier_period_is_a_medium_finding():
    tables = clean_tables()
    tables["periods"] = periods({"2026-03": "open", "2026-04": "closed", "2026-05": "open"})
    con, pack = build(tables, base=parent_and_sub_books())
    result = run_skill(READINESS, con, pack, "2026-05", "US01")
    [finding] = result.findings
    assert finding.severity == "medium" and finding.refs == ("periods:US01/2026-03",)
    assert result.metrics["ready"] is False


def test_other_entities_books_do_not_count():
    tables = clean_tables()
    tables["journal_lines"] += simple_entry("UKSUS", "2026-05-20", "1999", "1000", "10.00", entity="UK01")
    tables["periods"] += periods({"2026-04": "open"}, entity="UK01")
    con, pack = build(tables, base=parent_and_sub_books())
    assert run_skill(READINESS, con, pack, "2026-05", "US01").status == "pass"
    assert run_skill(READINESS, con, pack, "2026-05", "UK01").status == "exceptions"


def test_checks_without_their_table_are_skipped_not_failed():
    tables = clean_tables()
    del tables["periods"], tables["payroll"]
    con, pack = build(tables, base=parent_and_sub_books())
    result = run_skill(READINESS, con, pack, "2026-05", "US01")
    assert result.status == "pass"
    assert checks(result)["periods_closed"] == "skipped"
    assert checks(result)["subledgers_posted"] == "skipped"

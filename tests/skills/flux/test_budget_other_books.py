"""flux.budget_vs_actual on budgets that do not cover everything, and an April fiscal year.

A budget that leaves out an entity, an account or the department of some postings says
nothing about them: none of that is a variance. What it does cover is compared, and an
over-run names the entry behind it.
"""
from decimal import Decimal

from skills.flux.budget_vs_actual import SKILL as BVA
from skills.flux.kpis import SKILL as KPIS
from tests.support.books import Books, statement_books


def budget(b, entity, period, account, amount, dept=None):
    b.insert("budget", entity_id=entity, period=period, account_id=account,
             amount=Decimal(amount), department=dept)


def run(b, entity="US01"):
    return b.result([BVA], "flux.budget_vs_actual", "2026-05", entity)


def small_books(fiscal_year_start_month=1) -> Books:
    b = statement_books(materiality="1000.00", fiscal_year_start_month=fiscal_year_start_month)
    b.entity("US01")
    b.add("budget")
    return b


def test_fiscal_year_from_april_ytd_covers_april_and_may():
    b = small_books(fiscal_year_start_month=4)
    for period, actual, plan in (("2026-03", "7000.00", "-7000.00"), ("2026-04", "9000.00", "-9000.00"),
                                 ("2026-05", "10000.00", "-10000.00")):
        b.post("US01", f"{period}-10", [("1100", actual), ("4000", f"-{actual}")], source="ar")
        budget(b, "US01", period, "4000", plan)
    r = run(b)
    (line,) = r.metrics["lines"]
    assert (line["actual_ytd"], line["budget_ytd"]) == (Decimal("19000.00"), Decimal("19000.00"))
    assert r.metrics["fiscal_year_from"] == "2026-04" and r.status == "pass"
    ytd = b.result([KPIS], "flux.kpis", "2026-05", "US01").metrics["ytd"]
    assert ytd["revenue"] == Decimal("19000.00")                   # March is last fiscal year


def test_entity_without_budget_rows_is_skipped():
    b = small_books()
    b.entity("JP01", currency="USD")
    budget(b, "US01", "2026-05", "4000", "-10000.00")
    b.post("JP01", "2026-05-10", [("1100", "50000.00"), ("4000", "-50000.00")], source="ar")
    r = run(b, "JP01")
    assert r.status == "skipped" and "budget.csv" in r.summary and "JP01" in r.summary


def test_pack_without_budget_is_skipped_naming_the_file():
    b = statement_books()
    b.entity("US01")
    b.post("US01", "2026-05-10", [("1100", "50000.00"), ("4000", "-50000.00")], source="ar")
    r = b.close([BVA], "2026-05").result("flux.budget_vs_actual", "US01")
    assert r.status == "skipped" and "budget.csv" in r.summary


def test_unbudgeted_account_is_listed_not_reported():
    b = small_books()
    budget(b, "US01", "2026-05", "4000", "-10000.00")
    b.post("US01", "2026-05-10", [("1100", "10000.00"), ("4000", "-10000.00")], source="ar")
    b.post("US01", "2026-05-31", [("7100", "8000.00"), ("1000", "-8000.00")], source="system")
    r = run(b)
    assert r.findings == [] and r.status == "pass"
    assert r.metrics["unbudgeted"] == [{"account_id": "7100", "department": None,
                                        "actual": Decimal("8000.00")}]


def test_budget_by_department_against_postings_without_one_compares_the_account():
    b = small_books()
    budget(b, "US01", "2026-05", "6200", "3000.00", "Sales")
    budget(b, "US01", "2026-05", "6200", "5000.00", "Engineering")
    b.post("US01", "2026-05-31", [("6200", "8100.00"), ("1510", "-8100.00")], source="system")
    r = run(b)
    assert r.findings == []
    (line,) = r.metrics["lines"]
    assert (line["department"], line["actual"], line["budget"]) == (None, Decimal("8100.00"),
                                                                     Decimal("8000.00"))


def test_over_run_names_the_bill_behind_it():
    b = small_books()
    budget(b, "US01", "2026-05", "6000", "2000.00", "Sales")
    b.post("US01", "2026-05-05", [("6000", "2000.00"), ("2000", "-2000.00")], source="ap",
           department="Sales", counterparty="V-RENT")
    jump = b.post("US01", "2026-05-20", [("6000", "40000.00"), ("2000", "-40000.00")], source="ap",
                  department="Sales", counterparty="V-AV")
    (finding,) = run(b).findings
    assert (finding.severity, finding.amount) == ("medium", Decimal("40000.00"))
    assert finding.refs == ("accounts:6000", f"journal_lines:{jump}")

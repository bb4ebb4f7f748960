"""Issue 10, class 6: every variance at or above both thresholds is a finding to explain.

Month-over-month and year-over-year on small books built another way than the demo: an
expense line that jumps fifty-fold on one AP bill, new activity from zero, a statement
line moved by accounts each below the thresholds, books that begin late, and a yen entity
under a EUR group whose rate is given one way only.
"""
from decimal import Decimal

import pytest

from skills.flux.month_over_month import SKILL as MOM
from skills.flux.year_over_year import SKILL as YOY
from tests.support.books import Books, statement_books


def steady_books(materiality="20000.00") -> Books:
    """Cash, steady revenue of 500,000 and rent of 50,000 a month, March to May 2026."""
    b = statement_books(materiality=materiality)
    b.entity("US01")
    b.post("US01", "2026-02-27", [("1000", "5000000.00"), ("3000", "-5000000.00")])
    for month in ("2026-03", "2026-04", "2026-05"):
        b.post("US01", f"{month}-10", [("1000", "500000.00"), ("4000", "-500000.00")],
               source="ar", counterparty="C-1")
        b.post("US01", f"{month}-12", [("6000", "50000.00"), ("1000", "-50000.00")],
               source="ap", counterparty="V-RENT")
    return b


def mom(b, **params):
    return b.result([MOM], "flux.month_over_month", "2026-05", "US01",
                    params={"flux.month_over_month": params} if params else None)


def bill(b, day, account, amount, vendor):
    """An AP bill and its payment the same month: the payable ends where it began."""
    je = b.post("US01", day, [(account, amount), ("2000", f"-{amount}")], source="ap",
                counterparty=vendor)
    b.post("US01", day, [("2000", amount), ("1000", f"-{amount}")], source="bank",
           counterparty=vendor)
    return je


def test_fifty_fold_jump_on_one_bill_is_a_finding_naming_the_bill():
    b = steady_books()
    bill(b, "2026-04-08", "6300", "1000.00", "V-SUPPLY")
    jump = bill(b, "2026-05-08", "6300", "50000.00", "V-SUPPLY")
    result = mom(b)
    (finding,) = result.findings
    assert finding.amount == Decimal("49000.00")
    assert finding.severity == "medium"                       # an AP bill, not a manual entry
    assert finding.refs[0] == "accounts:6300"
    assert f"journal_lines:{jump}" in finding.refs


def test_variance_above_both_thresholds_without_manual_entry_is_medium():
    b = steady_books()
    sale = b.post("US01", "2026-05-20", [("1000", "60000.00"), ("4000", "-60000.00")],
                  source="ar", counterparty="C-2")
    result = mom(b)
    (finding,) = result.findings                               # 60,000 = 12% of 500,000
    assert (finding.severity, finding.amount) == ("medium", Decimal("60000.00"))
    assert finding.refs == ("accounts:4000", f"journal_lines:{sale}")


def test_variance_below_either_threshold_is_no_finding():
    b = steady_books()
    b.post("US01", "2026-05-20", [("1000", "30000.00"), ("4000", "-30000.00")],
           source="ar", counterparty="C-2")                    # 30,000 but only 6%
    b.post("US01", "2026-05-21", [("6000", "15000.00"), ("1000", "-15000.00")],
           source="ap", counterparty="V-2")                    # 30% but under 20,000
    result = mom(b)
    assert result.status == "pass" and result.findings == []
    assert result.metrics["accounts"] == []


def test_new_activity_from_zero_is_above_the_percentage():
    b = steady_books()
    je = b.post("US01", "2026-05-15", [("7000", "25000.00"), ("1000", "-25000.00")], source="bank")
    (finding,) = mom(b).findings
    assert finding.amount == Decimal("25000.00") and "new this period" in finding.message
    assert finding.refs == ("accounts:7000", f"journal_lines:{je}")


def test_statement_line_moved_by_accounts_each_below_thresholds_is_one_finding():
    b = steady_books()
    for month, amount in (("2026-04", "100000.00"), ("2026-05", "112000.00")):
        b.post("US01", f"{month}-15", [("6300", amount), ("1000", f"-{amount}")],
               source="ap", counterparty="V-IC")
    extra = b.post("US01", "2026-05-16", [("6000", "12000.00"), ("1000", "-12000.00")],
                   source="ap", counterparty="V-RENT2")
    result = mom(b)                 # 6000 +12,000 (24%), 6300 +12,000 (12%): both < 20,000
    (finding,) = result.findings
    assert finding.amount == Decimal("24000.00") and "Operating expenses" in finding.message
    assert {"accounts:6000", "accounts:6300", f"journal_lines:{extra}"} <= set(finding.refs)


def test_line_whose_account_is_a_finding_is_not_reported_twice():
    b = steady_books()
    bill(b, "2026-05-08", "6000", "30000.00", "V-BIG")
    result = mom(b)
    assert [f.refs[0] for f in result.findings] == ["accounts:6000"]
    (line,) = result.metrics["lines"]
    assert line["explained_by_accounts"] == ["6000"]


def test_manual_entry_of_the_month_makes_it_high():
    b = steady_books()
    je = b.post("US01", "2026-05-29", [("6000", "25000.00"), ("2000", "-25000.00")])
    result = mom(b)
    rent = [f for f in result.findings if f.refs[0] == "accounts:6000"]
    assert rent[0].severity == "high" and f"journal_lines:{je}" in rent[0].refs


def test_month_over_month_skips_when_the_books_open_in_the_month():
    b = statement_books(materiality="1000.00")
    b.entity("US01")
    b.post("US01", "2026-05-01", [("1000", "50000.00"), ("3000", "-50000.00")], source="system")
    b.post("US01", "2026-05-10", [("1000", "9000.00"), ("4000", "-9000.00")], source="ar")
    result = mom(b)
    assert result.status == "skipped" and "2026-04" in result.summary


@pytest.mark.parametrize("opening, compared", [("2025-04-01", True), ("2025-06-02", False)])
def test_year_over_year_needs_the_same_month_last_year_in_the_books(opening, compared):
    b = statement_books(materiality="1000.00", fiscal_year_start_month=4)
    b.entity("US01")
    b.post("US01", opening, [("1000", "9000000.00"), ("3000", "-9000000.00")], source="system")
    for day in ("2025-06-10", "2026-05-10") + (("2025-05-10",) if compared else ()):
        b.post("US01", day, [("1000", "10000.00"), ("4000", "-10000.00")], source="ar")
    result = b.result([YOY], "flux.year_over_year", "2026-05", "US01")
    if compared:
        assert result.status == "pass" and result.metrics["comparison"] == "2025-05"
    else:
        assert result.status == "skipped" and "2025-05 is not in the books" in result.summary
        assert result.findings == []


def test_yen_entity_in_a_euro_group_with_one_way_rates():
    b = statement_books(reporting_currency="EUR", materiality="20000.00")
    b.entity("JP01", currency="JPY", country="JP")
    b.rate("2026-05-31", "JPY", "EUR", "closing", "0.00625")      # EUR->JPY only by inverse: 160
    b.post("JP01", "2026-03-31", [("1000", "900000000"), ("3000", "-900000000")])
    for month in ("2026-04", "2026-05"):
        b.post("JP01", f"{month}-10", [("1000", "80000000"), ("4000", "-80000000")], source="ar")
        b.post("JP01", f"{month}-11", [("6300", "100000"), ("1000", "-100000")], source="ap",
               counterparty="V-OFFICE")
    big = b.post("JP01", "2026-05-20", [("6300", "4900001"), ("1000", "-4900001")], source="ap",
                 counterparty="V-AV")
    result = b.result([MOM], "flux.month_over_month", "2026-05", "JP01")
    assert result.metrics["threshold_amount"] == Decimal("3200000")
    (finding,) = result.findings
    assert finding.amount == Decimal("4900001") and format(finding.amount, "f") == "4900001"
    assert f"journal_lines:{big}" in finding.refs

"""flux.month_over_month on hand-built books: thresholds, drivers, severity rule."""
from decimal import Decimal

import pytest

from skills.flux.month_over_month import SKILL
from tests.support.books import statement_books


@pytest.fixture
def books():
    b = statement_books(materiality="1000.00")
    b.entity("US01")
    b.post("US01", "2026-03-31", [("1000", "100000.00"), ("3000", "-100000.00")])
    for month in ("2026-04", "2026-05"):
        b.post("US01", f"{month}-05", [("6000", "2000.00"), ("1000", "-2000.00")], source="ap")
        b.post("US01", f"{month}-10", [("1100", "10000.00"), ("4000", "-10000.00")], source="ar")
        b.post("US01", f"{month}-25", [("1000", "10000.00"), ("1100", "-10000.00")], source="bank")
    return b


def run(books, **params):
    return books.result([SKILL], "flux.month_over_month", "2026-05", "US01",
                        params={"flux.month_over_month": params} if params else None)


def test_steady_months_have_no_variance(books):
    result = run(books)
    assert result.status == "pass"
    assert [a["key"] for a in result.metrics["accounts"]] == []


def test_large_manual_entry_is_a_high_finding_with_its_drivers(books):
    je = books.post("US01", "2026-05-20", [("6000", "5000.00"), ("2000", "-5000.00")])
    small = books.post("US01", "2026-05-21", [("6000", "300.00"), ("2000", "-300.00")])
    result = run(books)
    rent = [f for f in result.findings if "(6000)" in f.message]
    assert len(rent) == 1
    assert rent[0].amount == Decimal("5300.00") and rent[0].severity == "high"
    assert rent[0].refs == ("accounts:6000", f"journal_lines:{je}")   # 5000 explains > 80% of 5300
    assert small not in " ".join(rent[0].refs)
    # the payable moved by the same entry: its own finding, the same driver
    payable = [f for f in result.findings if "(2000)" in f.message]
    assert len(payable) == 1 and payable[0].amount == Decimal("5300.00")
    assert payable[0].refs == ("accounts:2000", f"journal_lines:{je}")
    assert len(result.findings) == 2


def test_routine_growth_above_both_thresholds_is_a_medium_finding(books):
    """Issue 10, class 6: listing it only in the metrics means no one explains it."""
    sale = books.post("US01", "2026-05-15", [("1100", "4000.00"), ("4000", "-4000.00")], source="ar")
    result = run(books)
    revenue = [a for a in result.metrics["accounts"] if a["key"] == "4000"]
    assert revenue[0]["variance"] == Decimal("4000.00") and revenue[0]["pct"] == Decimal("40.0")
    assert revenue[0]["exception"]
    (finding,) = [f for f in result.findings if "(4000)" in f.message]
    # the receivable moved as much, but a balance moved by routine documents is commentary
    assert not [f for f in result.findings if "(1100)" in f.message]
    assert finding.severity == "medium" and finding.amount == Decimal("4000.00")
    assert finding.refs == ("accounts:4000", f"journal_lines:{sale}")


def test_percentage_threshold(books):
    books.post("US01", "2026-05-15", [("1100", "1500.00"), ("4000", "-1500.00")], source="ar")
    keys = [a["key"] for a in run(books, pct="20").metrics["accounts"]]
    assert "4000" not in keys                   # 15% of 10000: below 20%
    keys = [a["key"] for a in run(books).metrics["accounts"]]
    assert "4000" in keys                       # above 10% and 1000


def test_decrease_names_last_months_entry(books):
    gone = books.post("US01", "2026-04-25", [("6000", "8000.00"), ("2000", "-8000.00")])
    result = run(books)
    rent = [a for a in result.metrics["accounts"] if a["key"] == "6000"][0]
    assert rent["variance"] == Decimal("-8000.00")
    assert [d["je_id"] for d in rent["drivers"]] == [gone]


def test_year_over_year_compares_the_same_month_last_year():
    from skills.flux.year_over_year import SKILL as YOY
    b = statement_books(materiality="1000.00")
    b.entity("US01")
    b.post("US01", "2025-05-10", [("1100", "10000.00"), ("4000", "-10000.00")], source="ar")
    b.post("US01", "2026-04-10", [("1100", "30000.00"), ("4000", "-30000.00")], source="ar")
    big = b.post("US01", "2026-05-10", [("1100", "16000.00"), ("4000", "-16000.00")])
    result = b.result([YOY], "flux.year_over_year", "2026-05", "US01")
    revenue = [a for a in result.metrics["accounts"] if a["key"] == "4000"][0]
    assert (revenue["current"], revenue["comparison"], revenue["variance"]) == (
        Decimal("16000.00"), Decimal("10000.00"), Decimal("6000.00"))
    assert result.metrics["comparison"] == "2025-05"
    finding = [f for f in result.findings if "(4000)" in f.message][0]
    assert finding.amount == Decimal("6000.00")
    assert finding.refs == ("accounts:4000", f"journal_lines:{big}")

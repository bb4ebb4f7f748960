from decimal import Decimal

from tests.support.books import refs_of


def big(amount):
    return [("6000", amount, "0"), ("2100", "0", amount)]


def test_large_unapproved_manual_entry_is_found(books):
    books.entry("JE-1", "2026-05-04", big("30000.00"), approver=None)
    books.entry("JE-2", "2026-05-04", big("30000.00"), approver="bob")
    books.entry("JE-3", "2026-05-04", big("30000.00"), approver="  ")
    result = books.run("je.manual_over_threshold")
    assert refs_of(result) == [["journal_lines:JE-1"], ["journal_lines:JE-3"]]
    assert [f.amount for f in result.findings] == [Decimal("30000.00")] * 2


def test_threshold_is_exclusive_and_defaults_to_materiality(books):
    books.entry("JE-1", "2026-05-04", big("25000.00"), approver=None)
    assert books.run("je.manual_over_threshold").status == "pass"
    assert books.run("je.manual_over_threshold", threshold="24999.99").status == "exceptions"


def test_materiality_is_converted_to_the_entity_currency(books):
    # 25000 USD at GBP->USD 1.25 is 20000 GBP
    books.entry("JE-1", "2026-05-04", big("20000.01"), approver=None, entity="UK01")
    books.entry("JE-2", "2026-05-04", big("20000.00"), approver=None, entity="UK01")
    result = books.run("je.manual_over_threshold", entity="UK01")
    assert refs_of(result) == [["journal_lines:JE-1"]]
    assert result.metrics["threshold"] == Decimal("20000.00")


def test_subledger_entries_and_other_months_are_ignored(books):
    books.entry("JE-1", "2026-05-04", big("90000.00"), approver=None, source="ap")
    books.entry("JE-2", "2026-04-30", big("90000.00"), approver=None)
    assert books.run("je.manual_over_threshold").status == "pass"


def test_euro_materiality_in_yen_from_a_one_way_rate(books):
    """EUR reporting, materiality 20,000.00 EUR, rates given EUR->JPY only (163.1234):
    the threshold is 3,262,468 yen (rounded to the yen), stated without decimals."""
    books.reporting_currency, books.materiality = "EUR", "20000.00"
    books.entities.append(("JP01", "Acme KK", "JPY", "JP", "US01", "70"))
    books.fx_rates = [("2026-05-31", "EUR", "JPY", kind, "163.1234") for kind in ("closing", "average")]
    books.entry("JE-OVER", "2026-05-12", big("3262469"), approver=None, entity="JP01")
    books.entry("JE-AT", "2026-05-12", big("3262468"), approver=None, entity="JP01")
    result = books.run("je.manual_over_threshold", entity="JP01")
    assert refs_of(result) == [["journal_lines:JE-OVER"]]
    assert format(result.metrics["threshold"], "f") == "3262468"
    assert format(result.findings[0].amount, "f") == "3262469"
    assert "3262468 and has no approver" in result.findings[0].message
    assert "3262468 JPY" in result.summary

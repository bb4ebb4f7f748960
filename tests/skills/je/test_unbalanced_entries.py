from decimal import Decimal

from tests.support.books import refs_of


def test_balanced_books_pass(books):
    books.entry("JE-1", "2026-05-04", [("6000", "100.00", "0"), ("1000", "0", "100.00")])
    result = books.run("je.unbalanced_entries")
    assert result.status == "pass"
    assert result.metrics["entries"] == 1


def test_unbalanced_entry_reports_the_difference_to_the_cent(books):
    books.entry("JE-1", "2026-05-04", [("6000", "100.00", "0"), ("1000", "0", "100.00")])
    books.entry("JE-2", "2026-05-05", [("6000", "250.10", "0"), ("1000", "0", "250.00")])
    result = books.run("je.unbalanced_entries")
    assert result.status == "exceptions"
    assert refs_of(result) == [["journal_lines:JE-2"]]
    assert result.findings[0].amount == Decimal("0.10")
    assert result.metrics["net_difference"] == Decimal("0.10")


def test_only_the_month_and_the_entity_count(books):
    books.entry("JE-APR", "2026-04-30", [("6000", "5.00", "0")])
    books.entry("JE-UK", "2026-05-04", [("6000", "5.00", "0")], entity="UK01")
    assert books.run("je.unbalanced_entries").status == "pass"
    assert books.run("je.unbalanced_entries", entity="UK01").findings[0].amount == Decimal("5.00")


def test_entry_split_over_two_months_is_judged_whole(books):
    books.entry("JE-1", "2026-05-01", [("6000", "40.00", "0")])
    books.entry("JE-1b", "2026-04-30", [("1000", "0", "40.00")])
    books.lines[-1]["je_id"] = "JE-1"
    books.lines[-1]["line_no"] = 2
    assert books.run("je.unbalanced_entries").status == "pass"


def test_transaction_currency_gap_in_an_entry_balanced_in_functional(books):
    # EUR 1000 at 1.10 = USD 1100; the credit line's amount_txn was keyed as -1010.
    books.entry("JE-FX", "2026-05-06", [("1100", "1100.00", "0", "EUR", "1000.00"),
                                        ("4000", "0", "1100.00", "EUR", "-1010.00")])
    result = books.run("je.unbalanced_entries")
    assert result.metrics["unbalanced_functional"] == 0
    assert result.metrics["unbalanced_transaction_currency"] == 1
    finding = result.findings[0]
    assert finding.refs == ("journal_lines:JE-FX",)
    # gap EUR 10 at the entry's own rate 2200 / 2010
    assert finding.amount == (Decimal("10") * Decimal("2200") / Decimal("2010")).quantize(Decimal("0.01"))
    assert "EUR lines net to -10.00" in finding.message


def test_tolerance_ignores_small_gaps(books):
    books.entry("JE-2", "2026-05-05", [("6000", "250.01", "0"), ("1000", "0", "250.00")])
    assert books.run("je.unbalanced_entries", tolerance="0.01").status == "pass"
    assert books.run("je.unbalanced_entries").status == "exceptions"


def test_cross_currency_entries_balance_through_the_functional_amounts(books):
    """DE01 (EUR) pays a USD 1,000 bill from its euro bank account: the USD line has no USD
    counterpart, and that is right. Settling a yen receivable with an exchange loss line
    (functional only) still has its yen lines net to zero."""
    books.accounts.append(("7300", "Exchange differences", "expense", "fx_gain_loss", "Finance costs", True))
    books.entry("PAY", "2026-05-06", [("2000", "920.00", "0", "USD", "1000.00"),
                                      ("1000", "0", "920.00")], entity="DE01")
    books.entry("RCPT", "2026-05-15", [("1000", "6100.00", "0", "JPY", "1000000"),
                                       ("7300", "34.97", "0"),
                                       ("1100", "0", "6134.97", "JPY", "-1000000")], entity="DE01")
    assert books.run("je.unbalanced_entries", entity="DE01").status == "pass"
    books.entry("RCPT-2", "2026-05-20", [("1000", "6100.00", "0", "JPY", "1000000"),
                                         ("7300", "34.97", "0"),
                                         ("1100", "0", "6134.97", "JPY", "-1100000")], entity="DE01")
    result = books.run("je.unbalanced_entries", entity="DE01")
    assert refs_of(result) == [["journal_lines:RCPT-2"]]
    assert "JPY lines net to -100000;" in result.findings[0].message


def test_line_by_line_rounding_in_yen_is_not_a_gap(books):
    """A euro invoice in yen: each line converted and rounded to the yen leaves the yen
    lines 1 off; a keyed gap of 500 yen is an error."""
    books.entry("INV", "2026-05-29", [("1100", "100.00", "0", "JPY", "16300"),
                                      ("4000", "0", "33.33", "JPY", "-5433"),
                                      ("4000", "0", "33.33", "JPY", "-5433"),
                                      ("4000", "0", "33.34", "JPY", "-5433")], entity="DE01")
    assert books.run("je.unbalanced_entries", entity="DE01").status == "pass"
    books.entry("INV-2", "2026-05-29", [("1100", "100.00", "0", "JPY", "16300"),
                                        ("4000", "0", "100.00", "JPY", "-15800")], entity="DE01")
    result = books.run("je.unbalanced_entries", entity="DE01")
    assert refs_of(result) == [["journal_lines:INV-2"]]
    # gap 500 yen at the entry's own rate 200 EUR / 32100 JPY
    assert result.findings[0].amount == (Decimal("500") * Decimal("200") / Decimal("32100")).quantize(Decimal("0.01"))

from decimal import Decimal

from je_books import refs_of


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

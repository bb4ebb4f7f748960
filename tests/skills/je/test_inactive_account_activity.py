from decimal import Decimal

from tests.support.books import refs_of


def test_line_on_inactive_account_is_found_with_its_amount(books):
    books.entry("JE-1", "2026-05-06", [("6900", "640.25", "0"), ("1000", "0", "640.25")])
    books.entry("JE-2", "2026-05-06", [("6000", "10.00", "0"), ("1000", "0", "10.00")])
    result = books.run("je.inactive_account_activity")
    assert refs_of(result) == [["journal_lines:JE-1", "accounts:6900"]]
    assert result.findings[0].amount == Decimal("640.25")


def test_history_and_other_entities_pass(books):
    books.entry("JE-1", "2026-04-06", [("6900", "5.00", "0"), ("1000", "0", "5.00")])
    books.entry("JE-2", "2026-05-06", [("6900", "5.00", "0"), ("1000", "0", "5.00")], entity="UK01")
    assert books.run("je.inactive_account_activity").status == "pass"


def test_amount_is_gross_of_the_entrys_lines_on_the_account(books):
    books.entry("JE-1", "2026-05-06", [("6900", "100.00", "0"), ("6900", "0", "30.00"),
                                       ("1000", "0", "70.00")])
    assert books.run("je.inactive_account_activity").findings[0].amount == Decimal("130.00")

from decimal import Decimal

from tests.support.books import refs_of


def test_account_without_statement_line_is_found(books):
    books.accounts.append(("6500", "Misc", "expense", "opex", "", True))
    books.entry("JE-1", "2026-03-03", [("6500", "70.00", "0"), ("1000", "0", "70.00")])
    books.entry("JE-2", "2026-05-03", [("6500", "30.00", "0"), ("1000", "0", "30.00")])
    result = books.run("je.unmapped_accounts")
    assert refs_of(result) == [["accounts:6500", "journal_lines:JE-2"]]
    assert result.findings[0].amount == Decimal("100.00")  # year to date


def test_unknown_account_id_is_found(books):
    books.entry("JE-1", "2026-05-03", [("1000", "45.00", "0"), ("9999", "0", "45.00")])
    result = books.run("je.unmapped_accounts")
    assert refs_of(result) == [["accounts:9999", "journal_lines:JE-1"]]
    assert result.findings[0].amount == Decimal("45.00")
    assert "not in the chart" in result.findings[0].message


def test_mapped_accounts_and_dormant_unmapped_ones_pass(books):
    books.accounts.append(("1700", "Old deposits", "asset", "other_asset", None, True))
    books.entry("JE-1", "2025-03-03", [("1700", "20.00", "0"), ("1000", "0", "20.00")])
    books.entry("JE-2", "2025-04-03", [("1000", "20.00", "0"), ("1700", "0", "20.00")])
    books.entry("JE-3", "2026-05-03", [("6000", "5.00", "0"), ("1000", "0", "5.00")])
    assert books.run("je.unmapped_accounts").status == "pass"


def test_balance_sheet_unmapped_account_reports_cumulative_balance(books):
    books.accounts.append(("1700", "Deposits", "asset", "other_asset", " ", True))
    books.entry("JE-1", "2025-03-03", [("1700", "20.00", "0"), ("1000", "0", "20.00")])
    books.entry("JE-2", "2026-05-03", [("1700", "0", "5.00"), ("1000", "5.00", "0")], entity="UK01")
    result = books.run("je.unmapped_accounts")
    assert refs_of(result) == [["accounts:1700", "journal_lines:JE-1"]]
    assert result.findings[0].amount == Decimal("20.00")

from decimal import Decimal

from tests.support.books import refs_of


def test_credit_cash_and_debit_payables_are_found(books):
    books.entry("JE-1", "2026-05-03", [("6000", "800.00", "0"), ("1000", "0", "800.00")])
    books.entry("JE-2", "2026-05-03", [("2000", "120.00", "0"), ("4000", "0", "120.00")])
    result = books.run("je.abnormal_balances")
    assert sorted(refs_of(result)) == [["accounts:1000"], ["accounts:2000"]]
    cash = next(f for f in result.findings if f.refs == ("accounts:1000",))
    assert cash.amount == Decimal("800.00") and cash.severity == "high"


def test_normal_balances_pass_and_month_end_is_the_cut(books):
    books.entry("JE-0", "2026-01-02", [("1000", "1000.00", "0"), ("3000", "0", "1000.00")])
    books.entry("JE-1", "2026-05-03", [("6000", "800.00", "0"), ("1000", "0", "800.00")])
    books.entry("JE-2", "2026-06-03", [("6000", "900.00", "0"), ("1000", "0", "900.00")])
    assert books.run("je.abnormal_balances").status == "pass"
    assert refs_of(books.run("je.abnormal_balances", month="2026-06")) == [["accounts:1000"]]


def test_income_statement_accounts_use_year_to_date(books):
    # a debit to revenue last year sits in retained earnings; this year revenue is credit
    books.entry("JE-OLD", "2025-12-15", [("4000", "500.00", "0"), ("1000", "0", "500.00")])
    books.entry("JE-CAP", "2025-01-02", [("1000", "900.00", "0"), ("3000", "0", "900.00")])
    books.entry("JE-NEW", "2026-02-15", [("1100", "200.00", "0"), ("4000", "0", "200.00")])
    assert books.run("je.abnormal_balances").status == "pass"
    assert refs_of(books.run("je.abnormal_balances", month="2025-12")) == [["accounts:4000"]]


def test_tolerance_and_either_side_accounts(books):
    books.entry("JE-1", "2026-05-03", [("1990", "0", "50.00"), ("1100", "50.00", "0")])  # suspense
    books.entry("JE-2", "2026-05-03", [("1100", "0", "0.40"), ("4000", "0.40", "0")])
    assert books.run("je.abnormal_balances").status == "exceptions"  # revenue: a 0.40 debit
    assert books.run("je.abnormal_balances", tolerance="0.50").status == "pass"


def test_contra_and_either_sign_accounts_on_an_april_fiscal_year(books):
    """Allowance and accumulated depreciation are credit-balance assets; CTA and exchange
    differences may sit either side; revenue is judged on the fiscal year from April, so
    a March debit (prior year) does not count."""
    books.fiscal_year_start_month = 4
    books.accounts += [("1150", "Allowance", "asset", "allowance", "Trade receivables", True),
                       ("1510", "Accumulated depreciation", "asset", "accumulated_depreciation", "PP&E", True),
                       ("3900", "Translation reserve", "equity", "cta", "Reserves", True),
                       ("7300", "Exchange differences", "expense", "fx_gain_loss", "Finance costs", True)]
    books.entry("OPEN", "2025-12-31", [("1000", "10000.00", "0"), ("3000", "0", "10000.00")], source="system")
    books.entry("BAD", "2026-05-31", [("6000", "300.00", "0"), ("1150", "0", "300.00")])
    books.entry("DEP", "2026-05-31", [("6000", "200.00", "0"), ("1510", "0", "200.00")], source="fixed_assets")
    books.entry("CTA", "2026-05-31", [("3900", "150.00", "0"), ("7300", "0", "150.00")], source="system")
    books.entry("MAR", "2026-03-15", [("4000", "900.00", "0"), ("1000", "0", "900.00")])   # prior fiscal year
    books.entry("SALE", "2026-05-15", [("1100", "400.00", "0"), ("4000", "0", "400.00")])
    assert books.run("je.abnormal_balances").status == "pass"
    books.entry("REFUND", "2026-04-20", [("4000", "500.00", "0"), ("1000", "0", "500.00")])
    result = books.run("je.abnormal_balances")
    assert [list(f.refs) for f in result.findings] == [["accounts:4000"]]
    assert result.findings[0].amount == Decimal("100.00")

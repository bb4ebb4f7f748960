"""stmt.fx_revaluation: foreign balances at closing vs carrying plus booked revaluation."""
from decimal import Decimal

import pytest

from skills.stmt.fx_revaluation import SKILL
from tests.support.books import statement_books


def fx_line(b, entity, day, account, functional, currency, txn, other="5000", **kw):
    """An entry with a foreign-currency line and its functional-currency offset."""
    je = f"JE-{day}-{account}-{txn}"
    b.post(entity, day, [(account, functional), (other, f"{-Decimal(functional)}")], je_id=je, **kw)
    b.con.execute("UPDATE journal_lines SET currency = $c, amount_txn = $t WHERE je_id = $j AND line_no = 1",
                  {"c": currency, "t": Decimal(txn), "j": je})
    return je


@pytest.fixture
def books():
    b = statement_books()
    b.entity("US01")
    b.entity("DE01", currency="EUR", country="DE", parent_id="US01", ownership_pct="100")
    b.rate("2026-04-30", "EUR", "USD", "closing", "1.25")
    b.rate("2026-05-31", "EUR", "USD", "closing", "1.20")
    # DE01 owes USD 1000, booked at 800 EUR; at May closing (1 EUR = 1.20 USD) it is 833.33 EUR
    fx_line(b, "DE01", "2026-04-30", "2150", "-800.00", "USD", "-1000.00", other="6300")
    return b


def test_missing_revaluation_is_found(books):
    r = books.result([SKILL], "stmt.fx_revaluation", "2026-05", "DE01")
    (finding,) = r.findings
    assert finding.amount == Decimal("33.33")
    assert finding.refs[0] == "accounts:2150"
    assert "unrealised FX loss of 33.33" in finding.message
    assert r.metrics["accounts"][0]["remeasured"] == Decimal("-833.33")


def test_booked_revaluation_ties(books):
    books.post("DE01", "2026-05-31", [("7100", "33.33"), ("2150", "-33.33")])
    r = books.result([SKILL], "stmt.fx_revaluation", "2026-05", "DE01")
    assert r.status == "pass"
    assert r.metrics["booked_revaluation_this_month"] == Decimal("-33.33")


def test_cash_line_noting_a_foreign_amount_is_not_a_foreign_balance(books):
    books.add("bank_accounts")
    books.insert("bank_accounts", bank_account_id="BA-DE", entity_id="DE01", gl_account_id="1000",
                 currency="EUR", bank_name="x")
    books.post("DE01", "2026-05-31", [("7100", "33.33"), ("2150", "-33.33")])
    fx_line(books, "DE01", "2026-05-15", "1000", "-500.00", "USD", "-600.00", other="6300")
    assert books.result([SKILL], "stmt.fx_revaluation", "2026-05", "DE01").status == "pass"


def test_functional_currency_lines_are_not_remeasured(books):
    fx_line(books, "US01", "2026-05-10", "1100", "120.00", "USD", "120.00", other="4000")
    r = books.result([SKILL], "stmt.fx_revaluation", "2026-05", "US01")
    assert r.status == "pass" and r.metrics["pools"] == []


def test_revaluation_lines_naming_the_functional_currency_count_as_booked(books):
    # Many systems write the functional currency on every line instead of leaving it blank.
    je = books.post("DE01", "2026-05-31", [("7100", "33.33"), ("2150", "-33.33")])
    books.con.execute("UPDATE journal_lines SET currency = 'EUR', amount_txn = debit - credit "
                      "WHERE je_id = $j", {"j": je})
    r = books.result([SKILL], "stmt.fx_revaluation", "2026-05", "DE01")
    assert r.status == "pass", [f.message for f in r.findings]
    assert r.metrics["booked_revaluation_this_month"] == Decimal("-33.33")

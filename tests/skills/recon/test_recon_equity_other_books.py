"""recon.retained_earnings, recon.equity_rollforward, recon.cash_proof and
recon.allowance_adequacy on books built with other habits (issue 10): a fiscal year from
April, books opening with an entry on the first day of the fiscal year, a 0-decimal
currency, receivables invoiced in a foreign currency."""
from dataclasses import replace
from decimal import Decimal

from close.skill import Result
from tests.support.books import account, build, line, run_skill
from skills.recon.allowance_adequacy import SKILL as ALLOWANCE
from skills.recon.cash_proof import SKILL as CASH_PROOF
from skills.recon.equity_rollforward import SKILL as ROLLFORWARD
from skills.recon.retained_earnings import SKILL as RETAINED

CASH, AR, ALLOW, CAP, RE, REV, COST = "100100", "110000", "119000", "300000", "310000", "400000", "600000"
ACCOUNTS = [account(CASH, "cash"), account(AR, "receivable"), account(ALLOW, "allowance"),
            account(CAP, "share_capital", type_="equity"), account(RE, "retained_earnings", type_="equity"),
            account(REV, "revenue"), account(COST, "opex", type_="expense")]
JPY = {"entity_id": "E1", "name": "JP Co", "functional_currency": "JPY", "country": "JP",
       "parent_id": None, "ownership_pct": "70"}


def _sale(je, day, amount):
    return [line(je, 1, day, CASH, debit=amount), line(je, 2, day, REV, credit=amount)]


def _books(extra=()):
    lines = [line("OPEN", 1, "2025-04-01", CASH, debit="1500000000", source="system"),
             line("OPEN", 2, "2025-04-01", CAP, credit="1000000000", source="system"),
             line("OPEN", 3, "2025-04-01", RE, credit="500000000", source="system"),
             *_sale("FY25-A", "2025-04-30", "1000000"),   # fiscal year 2025 (Apr 2025 - Mar 2026)
             *_sale("FY25-B", "2026-03-31", "2345678"),
             *_sale("FY26-A", "2026-04-30", "700000"),    # the current fiscal year
             *_sale("FY26-B", "2026-05-20", "33333"),
             *extra]
    con, pack = build({"entities": [JPY], "accounts": ACCOUNTS, "journal_lines": lines,
                       "bank_accounts": [{"bank_account_id": "B1", "entity_id": "E1", "gl_account_id": CASH,
                                          "currency": "JPY", "bank_name": "Bank"}]},
                      reporting_currency="JPY")
    return con, replace(pack, fiscal_year_start_month=4)


def test_retained_earnings_hold_the_prior_fiscal_year_from_april():
    con, pack = _books()
    result = run_skill(RETAINED, con, pack, "2026-05", "E1")
    assert result.status == "pass", result.findings
    assert result.metrics["prior_fiscal_years_profit"] == Decimal("3345678")   # FY2025 only
    assert result.metrics["retained_earnings_reported"] == Decimal("503345678")
    assert ".00" not in result.summary and "503345678 JPY" in result.summary


def test_equity_rollforward_in_whole_yen():
    con, pack = _books()
    result = run_skill(ROLLFORWARD, con, pack, "2026-05", "E1")
    assert result.status == "pass", result.findings
    lines = {l["line"]: l["amount"] for l in result.metrics["lines"]}
    assert lines["Net income"] == Decimal("33333")
    assert lines["Closing equity"] == lines["Net assets (assets - liabilities)"] == Decimal("1504079011")
    assert ".00" not in result.summary


def test_unbalanced_entry_found_in_whole_yen():
    con, pack = _books([line("BAD", 1, "2026-05-21", CASH, debit="12345")])
    result = run_skill(ROLLFORWARD, con, pack, "2026-05", "E1")
    assert [(f.amount, f.refs) for f in result.findings] == [(Decimal("12345"), ("journal_lines:BAD",))]
    assert "12345.00" not in result.findings[0].message


def test_cash_proof_in_whole_yen():
    con, pack = _books()
    flow = Result("stmt.cash_flow", "E1", "pass",
                  metrics={"cash_opening": Decimal("1503345678"), "net_change_in_cash": Decimal("733333")})
    result = run_skill(CASH_PROOF, con, pack, "2026-05", "E1", deps={"stmt.cash_flow": flow})
    assert result.status == "pass", result.findings
    assert ".00" not in result.summary


def test_allowance_on_foreign_currency_invoices_at_the_closing_rate():
    eur = {**JPY, "functional_currency": "EUR", "country": "NL"}
    invoices = [{"entity_id": "E1", "invoice_id": "INV-1", "customer_id": "C1", "invoice_date": "2026-05-10",
                 "due_date": "2026-06-10", "currency": "USD", "net_amount": "10000.00", "tax_amount": "0",
                 "tax_code": None},
                {"entity_id": "E1", "invoice_id": "INV-2", "customer_id": "C1", "invoice_date": "2026-05-10",
                 "due_date": "2026-06-10", "currency": "EUR", "net_amount": "2000.00", "tax_amount": "0",
                 "tax_code": None}]
    # expected loss, not due 0.5%: USD 10,000 / 1.25 = EUR 8,000 -> 40.00; EUR 2,000 -> 10.00
    lines = [line("A", 1, "2026-05-31", COST, debit="50.00"), line("A", 2, "2026-05-31", ALLOW, credit="50.00")]
    rates = [{"date": "2026-05-31", "from_currency": "EUR", "to_currency": "USD",
              "rate_type": "closing", "rate": "1.25"}]
    con, pack = build({"entities": [eur], "accounts": ACCOUNTS, "journal_lines": lines, "fx_rates": rates,
                       "ar_invoices": invoices, "ar_receipts": []}, reporting_currency="EUR")
    result = run_skill(ALLOWANCE, con, pack, "2026-05", "E1")
    assert result.metrics["expected_loss"] == Decimal("50.00")
    assert result.status == "pass", [f.message for f in result.findings]

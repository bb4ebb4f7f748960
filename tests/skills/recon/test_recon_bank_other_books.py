"""recon.bank and recon.bank_unmatched_aging on books built with other habits (issue 10):
bank accounts sharing a GL account, a statement that starts with its first transaction
instead of a balance brought forward, a foreign-currency bank account, a payment run the
bank debits as one line, a 0-decimal currency."""
from decimal import Decimal

from tests.support.books import account, build, line, run_skill
from skills.recon.bank import SKILL
from skills.recon.bank_unmatched_aging import SKILL as AGING


def run_aging(con, pack, month, params=None):
    """The aging on recon.bank's result, as the runner chains them."""
    bank = run_skill(SKILL, con, pack, month, "E1")
    return run_skill(AGING, con, pack, month, "E1", params=params, deps={"recon.bank": bank})


CASH, AR, AP, EQUITY = "1000", "1200", "2000", "3000"
ACCOUNTS = [account(CASH, "cash"), account(AR, "receivable"), account(AP, "payable"),
            account(EQUITY, "share_capital", "equity")]


def _bank(account_id, currency="USD", gl=CASH):
    return {"bank_account_id": account_id, "entity_id": "E1", "gl_account_id": gl,
            "currency": currency, "bank_name": "Bank"}


def _txn(account_id, txn_id, day, amount, reference=None, description="transfer"):
    return {"bank_account_id": account_id, "txn_id": txn_id, "booking_date": day,
            "value_date": day, "amount": amount, "description": description,
            "reference": reference}


def _cash(je, day, amount, other=AR, **extra):
    """Cash debit (receipt, positive) or credit (payment, negative) against `other`."""
    value = Decimal(amount)
    dr, cr = (str(value), "0") if value > 0 else ("0", str(-value))
    return [line(je, 1, day, CASH, debit=dr, credit=cr, **extra),
            line(je, 2, day, other, debit=cr, credit=dr)]


def test_bank_accounts_sharing_a_gl_account_are_reconciled_together():
    # Two bank accounts post to one cash account; each statement clears its own lines.
    book = (_cash("JE-1", "2026-01-02", "1000.00", EQUITY) + _cash("JE-2", "2026-01-02", "500.00", EQUITY)
            + _cash("JE-3", "2026-05-10", "-200.00", AP) + _cash("JE-4", "2026-05-12", "70.00"))
    bank = [_txn("BA1", "T1", "2026-01-02", "1000.00"), _txn("BA1", "T2", "2026-05-10", "-200.00"),
            _txn("BA2", "T3", "2026-01-02", "500.00"), _txn("BA2", "T4", "2026-05-12", "70.00")]
    con, pack = build({"accounts": ACCOUNTS, "bank_accounts": [_bank("BA1"), _bank("BA2")],
                       "bank_transactions": bank, "journal_lines": book})
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert result.status == "pass", [f.message for f in result.findings]
    assert result.metrics["difference"] == Decimal("0")
    assert result.metrics["bank_balance"] == result.metrics["book_balance"] == Decimal("1370.00")
    assert run_aging(con, pack, "2026-05").findings == []


def test_shared_gl_account_still_finds_the_unrecorded_fee():
    book = _cash("JE-1", "2026-01-02", "1000.00", EQUITY) + _cash("JE-2", "2026-01-02", "500.00", EQUITY)
    bank = [_txn("BA1", "T1", "2026-01-02", "1000.00"), _txn("BA2", "T3", "2026-01-02", "500.00"),
            _txn("BA2", "T9", "2026-05-20", "-12.40", description="fee")]
    con, pack = build({"accounts": ACCOUNTS, "bank_accounts": [_bank("BA1"), _bank("BA2")],
                       "bank_transactions": bank, "journal_lines": book})
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert [(f.amount, f.refs) for f in result.findings] == [
        (Decimal("12.40"), ("bank_transactions:T9",))]


def test_statement_without_a_balance_brought_forward_line():
    # Books open with a cash balance in April; the statement starts with May's first line.
    book = (_cash("JE-0", "2026-04-01", "9000.00", EQUITY) + _cash("JE-1", "2026-04-20", "-300.00", AP)
            + _cash("JE-2", "2026-05-05", "250.00") + _cash("JE-3", "2026-05-29", "-80.00", AP))
    bank = [_txn("BA1", "T1", "2026-05-05", "250.00"), _txn("BA1", "T2", "2026-05-30", "-7.50", description="fee")]
    con, pack = build({"accounts": ACCOUNTS, "bank_accounts": [_bank("BA1")],
                       "bank_transactions": bank, "journal_lines": book})
    result = run_skill(SKILL, con, pack, "2026-05", "E1", params={"stale_days": 10})
    m = result.metrics["accounts"][0]
    assert m["brought_forward_from_books"] == Decimal("8700.00")
    assert str(m["statement_start"]) == "2026-05-05"
    assert result.metrics["outstanding_checks"] == Decimal("80.00")
    assert result.metrics["difference"] == Decimal("0")
    # Only the fee: the April lines are the brought-forward balance, not stale timing items.
    assert [(f.amount, f.refs) for f in result.findings] == [(Decimal("7.50"), ("bank_transactions:T2",))]
    aging = run_aging(con, pack, "2026-05", params={"max_age_days": 10})
    assert aging.findings == []


def test_foreign_currency_bank_account_reconciles_in_its_currency():
    # A EUR entity with a USD account: GL in EUR at the booking rates, amount_txn in USD.
    entity = {"entity_id": "E1", "name": "NL Co", "functional_currency": "EUR", "country": "NL",
              "parent_id": None, "ownership_pct": "100"}
    book = [line("JE-1", 1, "2026-04-01", CASH, debit="920.00", currency="USD", amount_txn="1000.00"),
            line("JE-1", 2, "2026-04-01", EQUITY, credit="920.00"),
            line("JE-2", 1, "2026-05-12", CASH, credit="183.40", currency="USD", amount_txn="-200.00"),
            line("JE-2", 2, "2026-05-12", AP, debit="183.40"),
            # month-end remeasurement: functional only, no USD amount
            line("JE-3", 1, "2026-05-31", CASH, debit="11.00", source="system"),
            line("JE-3", 2, "2026-05-31", "7300", credit="11.00", source="system")]
    bank = [_txn("BA1", "T1", "2026-04-01", "1000.00"), _txn("BA1", "T2", "2026-05-12", "-200.00"),
            _txn("BA1", "T3", "2026-05-29", "-20.00", description="wire fee")]
    rates = [{"date": "2026-05-31", "from_currency": "EUR", "to_currency": "USD",
              "rate_type": "closing", "rate": "1.0850"}]
    con, pack = build({"entities": [entity], "fx_rates": rates,
                       "accounts": ACCOUNTS + [account("7300", "fx_gain_loss", "expense")],
                       "bank_accounts": [_bank("BA1", "USD")], "bank_transactions": bank,
                       "journal_lines": book}, reporting_currency="EUR")
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    m = result.metrics["accounts"][0]
    assert (m["currency"], m["bank_balance"], m["book_balance"]) == ("USD", Decimal("780.00"), Decimal("800.00"))
    assert m["difference"] == Decimal("0") and m["remeasurement_left_out"] == Decimal("11.00")
    # The unrecorded fee, stated in EUR at the closing rate (20 / 1.0850 = 18.433...).
    assert [(f.amount, f.refs) for f in result.findings] == [(Decimal("18.43"), ("bank_transactions:T3",))]


def test_a_foreign_account_without_a_closing_rate_is_a_finding_not_an_error():
    entity = {"entity_id": "E1", "name": "NO Co", "functional_currency": "NOK", "country": "NO",
              "parent_id": None, "ownership_pct": "100"}
    book = [line("JE-1", 1, "2026-05-04", CASH, debit="1100.00", currency="EUR", amount_txn="100.00"),
            line("JE-1", 2, "2026-05-04", EQUITY, credit="1100.00")]
    con, pack = build({"entities": [entity], "fx_rates": [], "accounts": ACCOUNTS,
                       "bank_accounts": [_bank("BA1", "EUR")],
                       "bank_transactions": [_txn("BA1", "T1", "2026-05-04", "100.00")],
                       "journal_lines": book}, reporting_currency="NOK")
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert result.status == "exceptions"
    (finding,) = result.findings
    assert finding.amount is None and finding.refs == (f"accounts:{CASH}",)
    assert "no closing EUR->NOK rate for 2026-05-31" in finding.message


def test_payment_run_debited_as_one_bank_line():
    book = (_cash("JE-0", "2026-04-01", "5000.00", EQUITY) + _cash("JE-1", "2026-05-14", "-120.00", AP)
            + _cash("JE-2", "2026-05-14", "-340.50", AP) + _cash("JE-3", "2026-05-14", "-39.50", AP))
    bank = [_txn("BA1", "T0", "2026-04-01", "5000.00"), _txn("BA1", "T1", "2026-05-15", "-500.00")]
    con, pack = build({"accounts": ACCOUNTS, "bank_accounts": [_bank("BA1")],
                       "bank_transactions": bank, "journal_lines": book})
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert result.metrics["matched_one_to_many"] == 1
    assert result.metrics["outstanding_checks_count"] == 0
    assert result.metrics["difference"] == Decimal("0") and result.status == "pass"


def test_yen_account_states_whole_yen():
    entity = {"entity_id": "E1", "name": "JP Co", "functional_currency": "JPY", "country": "JP",
              "parent_id": None, "ownership_pct": "100"}
    book = _cash("JE-0", "2026-04-01", "1500000", EQUITY)
    bank = [_txn("BA1", "T0", "2026-04-01", "1500000"), _txn("BA1", "T1", "2026-05-20", "-440", description="fee")]
    con, pack = build({"entities": [entity], "accounts": ACCOUNTS, "fx_rates": [],
                       "bank_accounts": [_bank("BA1", "JPY")], "bank_transactions": bank,
                       "journal_lines": book}, reporting_currency="JPY")
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert [f.amount for f in result.findings] == [Decimal("440")]
    assert "-440 JPY" in result.findings[0].message and "440.00" not in result.findings[0].message
    assert str(result.metrics["bank_balance"]) == "1499560"

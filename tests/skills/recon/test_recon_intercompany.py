"""recon.intercompany and recon.intercompany_pnl: pairs translated to the reporting currency."""
from decimal import Decimal

from tests.support.books import DEFAULT_ENTITY, account, build, line, run_skill
from skills.recon.intercompany import SKILL as BALANCES
from skills.recon.intercompany_pnl import SKILL as PNL

ICR, ICP, ICREV, ICEXP = "1250", "2250", "4500", "6500"
UK = dict(DEFAULT_ENTITY, entity_id="UK", name="UK Ltd", functional_currency="GBP", country="GB",
          parent_id="E1")


def _rate(kind, rate):
    return {"date": "2026-05-31", "from_currency": "GBP", "to_currency": "USD", "rate_type": kind,
            "rate": rate}


def _tables(uk_expense="800.00"):
    return {
        "entities": [DEFAULT_ENTITY, UK],
        "fx_rates": [_rate("closing", "1.25"), _rate("average", "1.20")],
        "accounts": [account(ICR, "intercompany_receivable"),
                     account(ICP, "intercompany_payable", type_="liability"),
                     account(ICREV, "intercompany_revenue", type_="revenue"),
                     account(ICEXP, "intercompany_expense", type_="expense")],
        "journal_lines": [
            # E1 charges UK 960 USD; UK books 800 GBP (960 at the average rate 1.20)
            line("A1", 1, "2026-05-31", ICR, debit="960.00", counterparty="UK", doc_ref="ic:M5"),
            line("A1", 2, "2026-05-31", ICREV, credit="960.00", counterparty="UK", doc_ref="ic:M5"),
            line("B1", 1, "2026-05-31", ICEXP, debit=uk_expense, entity="UK", counterparty="E1",
               currency="USD", amount_txn="960.00"),
            line("B1", 2, "2026-05-31", ICP, credit=uk_expense, entity="UK", counterparty="E1",
               currency="USD", amount_txn="-960.00"),
        ],
    }


def test_pnl_agrees_at_the_average_rate():
    con, pack = build(_tables())
    result = run_skill(PNL, con, pack, "2026-05", "E1")
    assert result.status == "pass", result.findings
    assert result.metrics["pairs"][0]["revenue"] == result.metrics["pairs"][0]["expense"] == Decimal("960.00")
    assert run_skill(PNL, con, pack, "2026-05", entity_id="UK").metrics["pairs_checked"] == 0


def test_balance_difference_at_closing_rate_is_reported_on_the_provider():
    con, pack = build(_tables())
    result = run_skill(BALANCES, con, pack, "2026-05", "E1")
    # 960 USD receivable vs 800 GBP payable at 1.25 = 1000 USD: the payable was not revalued;
    # every entry has its mirror in USD, so the refs are the pair's entries of the month
    assert [(f.amount, f.refs) for f in result.findings] == [
        (Decimal("40.00"), ("journal_lines:A1", "journal_lines:B1"))]
    assert run_skill(BALANCES, con, pack, "2026-05", "E1", params={"tolerance": "50"}).status == "pass"


def test_one_sided_charge_names_the_entry():
    tables = _tables()
    tables["journal_lines"] = tables["journal_lines"][:2]
    con, pack = build(tables)
    result = run_skill(PNL, con, pack, "2026-05", "E1")
    assert [(f.amount, f.refs) for f in result.findings] == [(Decimal("960.00"), ("journal_lines:A1",))]


def test_pnl_agreeing_in_the_charge_currency_is_compared_in_the_reporting_currency():
    # UK books the 960 USD charge at the closing rate 1.25 (768 GBP); consolidation
    # eliminates 768 x 1.20 = 921.60 of expense against 960 of revenue, so 38.40 is left.
    con, pack = build(_tables(uk_expense="768.00"))
    result = run_skill(PNL, con, pack, "2026-05", "E1")
    assert [(f.amount, f.refs) for f in result.findings] == [
        (Decimal("38.40"), ("journal_lines:A1", "journal_lines:B1"))]
    assert result.metrics["pairs"][0]["expense"] == Decimal("921.60")


def test_the_difference_is_rounded_once_not_each_side():
    # UK (GBP) charges DE (EUR): 100.01 GBP x 1.25 = 125.0125 USD of revenue against
    # 113.65 EUR x 1.10 = 125.015 USD of expense. The exact difference, 0.0025, is nothing
    # to post; rounding each side first (125.01 vs 125.02) would invent a cent.
    de = dict(DEFAULT_ENTITY, entity_id="DE", name="DE GmbH", functional_currency="EUR",
              country="DE", parent_id="E1")
    rates = [_rate("average", "1.25"),
             dict(_rate("average", "1.10"), from_currency="EUR")]
    tables = {
        "entities": [DEFAULT_ENTITY, UK, de], "fx_rates": rates,
        "accounts": _tables()["accounts"],
        "journal_lines": [
            line("U1", 1, "2026-05-31", ICR, debit="100.01", entity="UK", counterparty="DE"),
            line("U1", 2, "2026-05-31", ICREV, credit="100.01", entity="UK", counterparty="DE"),
            line("D1", 1, "2026-05-31", ICEXP, debit="113.65", entity="DE", counterparty="UK"),
            line("D1", 2, "2026-05-31", ICP, credit="113.65", entity="DE", counterparty="UK"),
        ]}
    con, pack = build(tables)
    result = run_skill(PNL, con, pack, "2026-05", entity_id="UK")
    assert result.status == "pass", result.findings
    (pair,) = result.metrics["pairs"]
    assert (pair["revenue"], pair["expense"], pair["difference"]) == (
        Decimal("125.01"), Decimal("125.02"), Decimal("0.00"))

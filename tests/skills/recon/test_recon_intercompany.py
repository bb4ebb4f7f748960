"""recon.intercompany and recon.intercompany_pnl: pairs translated to the reporting currency."""
from decimal import Decimal

from minipack import DEFAULT_ENTITY, account, build, jl, run
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
            jl("A1", 1, "2026-05-31", ICR, debit="960.00", counterparty="UK", doc_ref="ic:M5"),
            jl("A1", 2, "2026-05-31", ICREV, credit="960.00", counterparty="UK", doc_ref="ic:M5"),
            jl("B1", 1, "2026-05-31", ICEXP, debit=uk_expense, entity="UK", counterparty="E1",
               currency="USD", amount_txn="960.00"),
            jl("B1", 2, "2026-05-31", ICP, credit=uk_expense, entity="UK", counterparty="E1",
               currency="USD", amount_txn="-960.00"),
        ],
    }


def test_pnl_agrees_at_the_average_rate():
    con, pack = build(_tables())
    result = run(PNL, con, pack, "2026-05")
    assert result.status == "pass", result.findings
    assert result.metrics["pairs"][0]["revenue"] == result.metrics["pairs"][0]["expense"] == Decimal("960.00")
    assert run(PNL, con, pack, "2026-05", entity_id="UK").metrics["pairs_checked"] == 0


def test_balance_difference_at_closing_rate_is_reported_on_the_provider():
    con, pack = build(_tables())
    result = run(BALANCES, con, pack, "2026-05")
    # 960 USD receivable vs 800 GBP payable at 1.25 = 1000 USD: the payable was not revalued
    assert [(f.amount, f.refs) for f in result.findings] == [(Decimal("40.00"), ("entities:UK",))]
    assert run(BALANCES, con, pack, "2026-05", params={"tolerance": "50"}).status == "pass"


def test_one_sided_charge_names_the_entry():
    tables = _tables()
    tables["journal_lines"] = tables["journal_lines"][:2]
    con, pack = build(tables)
    result = run(PNL, con, pack, "2026-05")
    assert [(f.amount, f.refs) for f in result.findings] == [(Decimal("960.00"), ("journal_lines:A1",))]


def test_pnl_compares_in_the_charge_currency():
    con, pack = build(_tables(uk_expense="768.00"))  # 960 USD booked at the closing rate 1.25
    assert run(PNL, con, pack, "2026-05").status == "pass"
    tables = _tables(uk_expense="768.00")
    for line in tables["journal_lines"]:
        line.pop("currency", None), line.pop("amount_txn", None)  # no transaction currency
    con, pack = build(tables)
    result = run(PNL, con, pack, "2026-05")
    assert [f.amount for f in result.findings] == [Decimal("38.40")]  # 960 - 768 × 1.20

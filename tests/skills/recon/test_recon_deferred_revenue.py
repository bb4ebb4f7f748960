"""recon.deferred_revenue: recognition per contract, balance and rollforward."""
from decimal import Decimal

from minipack import account, build, jl, run
from skills.recon.deferred_revenue import SKILL

DEF, REV, AR = "2400", "4100", "1200"


def _tables(may="100.00", extra=()):
    lines = [jl("JB", 1, "2026-04-01", AR, debit="1200.00", doc_ref="ar_invoices:I1"),
             jl("JB", 2, "2026-04-01", DEF, credit="1200.00", doc_ref="ar_invoices:I1"),
             jl("JR4", 1, "2026-04-30", DEF, debit="100.00", doc_ref="deferred_revenue:K1"),
             jl("JR4", 2, "2026-04-30", REV, credit="100.00", doc_ref="deferred_revenue:K1"), *extra]
    if may:
        lines += [jl("JR5", 1, "2026-05-31", DEF, debit=may, doc_ref="deferred_revenue:K1"),
                  jl("JR5", 2, "2026-05-31", REV, credit=may, doc_ref="deferred_revenue:K1")]
    return {"accounts": [account(DEF, "deferred_revenue", type_="liability"), account(REV, "revenue"),
                         account(AR, "receivable")],
            "customers": [{"customer_id": "C1", "name": "C", "country": "US", "region": None,
                           "tax_exempt": False}],
            "deferred_revenue": [{"entity_id": "E1", "contract_id": "K1", "customer_id": "C1",
                                  "account_id": DEF, "start_date": "2026-04-01",
                                  "end_date": "2027-03-31", "amount": "1200.00"}],
            "journal_lines": lines}


def test_clean_contract_rolls_forward():
    con, pack = build(_tables())
    result = run(SKILL, con, pack, "2026-05")
    assert result.status == "pass", result.findings
    lines = [l["amount"] for l in result.metrics["lines"]]
    assert lines == [Decimal("1100.00"), Decimal("0.00"), Decimal("100.00"), Decimal("1000.00")]
    assert lines[0] + lines[1] - lines[2] == lines[3] == result.metrics["gl_balance"]


def test_revenue_recognised_early_is_found_once():
    con, pack = build(_tables(may="300.00"))
    result = run(SKILL, con, pack, "2026-05")
    assert [(f.refs, f.amount) for f in result.findings] == [
        (("deferred_revenue:K1", "journal_lines:JR5"), Decimal("200.00"))]

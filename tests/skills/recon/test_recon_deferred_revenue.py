"""recon.deferred_revenue: recognition per contract, balance and rollforward."""
from decimal import Decimal

from tests.support.books import account, build, line, run_skill
from skills.recon.deferred_revenue import SKILL

DEF, REV, AR = "2400", "4100", "1200"


def _tables(may="100.00", extra=()):
    lines = [line("JB", 1, "2026-04-01", AR, debit="1200.00", doc_ref="ar_invoices:I1"),
             line("JB", 2, "2026-04-01", DEF, credit="1200.00", doc_ref="ar_invoices:I1"),
             line("JR4", 1, "2026-04-30", DEF, debit="100.00", doc_ref="deferred_revenue:K1"),
             line("JR4", 2, "2026-04-30", REV, credit="100.00", doc_ref="deferred_revenue:K1"), *extra]
    if may:
        lines += [line("JR5", 1, "2026-05-31", DEF, debit=may, doc_ref="deferred_revenue:K1"),
                  line("JR5", 2, "2026-05-31", REV, credit=may, doc_ref="deferred_revenue:K1")]
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
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert result.status == "pass", result.findings
    lines = [l["amount"] for l in result.metrics["lines"]]
    assert lines == [Decimal("1100.00"), Decimal("0.00"), Decimal("100.00"), Decimal("1000.00")]
    assert lines[0] + lines[1] - lines[2] == lines[3] == result.metrics["gl_balance"]


def test_revenue_recognised_early_is_found_once():
    con, pack = build(_tables(may="300.00"))
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert [(f.refs, f.amount) for f in result.findings] == [
        (("deferred_revenue:K1", "accounts:2400", "journal_lines:JR5"), Decimal("200.00"))]


# Books whose recognition is one system entry a month naming no contract (no doc_ref),
# as many ERPs post it: SC-001 1800.00 Apr 2026-Mar 2027 (150.00 a month), SC-002 900.00
# Mar-Nov 2026 (100.00), SC-003 720.00 Jan-Dec 2026 (60.00).
CONTRACTS = (("SC-001", "2026-04-01", "2027-03-31", "1800.00"), ("SC-002", "2026-03-01", "2026-11-30", "900.00"),
             ("SC-003", "2026-01-01", "2026-12-31", "720.00"))
DUE = {"2026-01": "60.00", "2026-02": "60.00", "2026-03": "160.00", "2026-04": "310.00", "2026-05": "310.00"}


def _system_books(may=None, extra=(), contracts=CONTRACTS):
    lines = []
    for cid, start, _, amount in contracts:
        je = f"JI-{cid}"
        lines += [line(je, 1, start, AR, debit=amount, doc_ref=f"ar_invoices:I-{cid}"),
                  line(je, 2, start, DEF, credit=amount, doc_ref=f"ar_invoices:I-{cid}",
                     description=f"Invoice I-{cid}: annual subscription {cid}")]
    for period, amount in DUE.items():
        amount = may if (period == "2026-05" and may is not None) else amount
        day = f"{period}-28"
        lines += [line(f"JR-{period}", 1, day, DEF, debit=amount, source="system",
                     description=f"Contract revenue recognised {period}"),
                  line(f"JR-{period}", 2, day, REV, credit=amount, source="system",
                     description=f"Contract revenue recognised {period}")]
    tables = _tables()
    tables["deferred_revenue"] = [{"entity_id": "E1", "contract_id": cid, "customer_id": "C1",
                                   "account_id": DEF, "start_date": start, "end_date": end,
                                   "amount": amount} for cid, start, end, amount in contracts]
    tables["journal_lines"] = lines + list(extra)
    return tables


def test_recognition_without_doc_ref_that_ties_passes():
    con, pack = build(_system_books())
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert result.status == "pass", [f.message for f in result.findings]
    assert result.findings == []
    assert result.metrics["gl_balance"] == result.metrics["schedule_balance"] == Decimal("2520.00")


def test_one_contract_not_recognised_without_doc_ref_is_one_finding():
    con, pack = build(_system_books(may="160.00"))  # SC-001's 150.00 left out of May's total
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert len(result.findings) == 1, [f.message for f in result.findings]
    finding = result.findings[0]
    assert finding.amount == Decimal("150.00")
    assert {"accounts:2400", "deferred_revenue:SC-001", "journal_lines:JR-2026-05"} <= set(finding.refs)
    assert "deferred_revenue:SC-002" not in finding.refs and "deferred_revenue:SC-003" not in finding.refs


def test_contract_invoiced_before_it_starts_is_on_the_schedule():
    k4 = ("SC-004", "2026-06-01", "2027-05-31", "2400.00")
    tables = _system_books(contracts=CONTRACTS + (k4,))
    # invoiced on 20 May for a June start: the deferred balance holds it from May
    tables["journal_lines"] = [l for l in tables["journal_lines"] if l["je_id"] != "JI-SC-004"] + [
        line("JI-SC-004", 1, "2026-05-20", AR, debit="2400.00", doc_ref="ar_invoices:I-SC-004"),
        line("JI-SC-004", 2, "2026-05-20", DEF, credit="2400.00", doc_ref="ar_invoices:I-SC-004",
           description="Invoice I-SC-004: annual subscription SC-004 from June")]
    con, pack = build(tables)
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert result.status == "pass", [f.message for f in result.findings]

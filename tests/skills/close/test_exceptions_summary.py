"""close.exceptions_summary: every finding of the run, ranked, amounts comparable."""
from __future__ import annotations

from decimal import Decimal

from close.registry import Registry
from close.skill import Finding, Result
from tests.support.books import build, parent_and_sub_books, rates, run_skill

SUMMARY = Registry.discover(include_plugins=False).get("close.exceptions_summary")
SEVERITIES = ("high", "medium", "low")


def run_results():
    return [
        Result("recon.bank", "US01", "exceptions",
               findings=[Finding("high", "bank fee", Decimal("100.00"), ("bank_transactions:BT-1",))]),
        Result("recon.bank", "UK01", "exceptions",
               findings=[Finding("high", "unmatched", Decimal("90.00"), ("bank_transactions:BT-7",))]),
        Result("je.self_approved", "US01", "exceptions",
               findings=[Finding("medium", "self approved", Decimal("5000.00"), ("journal_lines:JE-9",)),
                         Finding("low", "no amount", None, ("journal_lines:JE-10",))]),
        Result("stmt.consolidation", None, "exceptions",
               findings=[Finding("high", "group gap", Decimal("50.00"), ("accounts:3900",))]),
        Result("close.checklist", None, "exceptions",
               findings=[Finding("high", "restated", Decimal("999999.00"), ("bank_transactions:BT-1",))]),
        Result("je.trial_balance", "US01", "pass"),
    ]


def summarise():
    con, pack = build({"fx_rates": rates("2026-05-31", "GBP", "1.30", "1.31")}, base=parent_and_sub_books())
    return run_skill(SUMMARY, con, pack, "2026-05", None, run_results=run_results())


def test_ranks_by_severity_then_reporting_currency_amount():
    result = summarise()
    ranked = result.metrics["ranked"]
    assert [(r["skill_id"], r["entity_id"]) for r in ranked] == [
        ("recon.bank", "UK01"),           # 90 GBP = 117.90 USD at the closing rate
        ("recon.bank", "US01"),           # 100 USD
        ("stmt.consolidation", None),     # 50 USD, group: reporting currency
        ("je.self_approved", "US01"),     # medium
        ("je.self_approved", "US01"),     # low, no amount
    ]
    assert [r["rank"] for r in ranked] == [1, 2, 3, 4, 5]
    uk = ranked[0]
    assert (uk["currency"], uk["amount"], uk["amount_reporting"]) == ("GBP", Decimal("90.00"), Decimal("117.90"))
    assert uk["refs"] == ["bank_transactions:BT-7"]
    assert ranked[-1]["amount"] is None and ranked[-1]["amount_reporting"] is None


def test_leaves_out_the_close_area_and_raises_nothing_itself():
    result = summarise()
    assert result.status == "pass" and result.findings == []
    assert all(not r["skill_id"].startswith("close.") for r in result.metrics["ranked"])
    assert result.metrics["count"] == 5
    assert result.metrics["by_severity"]["high"] == {"count": 3, "amount_reporting": Decimal("267.90")}
    assert result.metrics["by_entity"]["group"]["count"] == 1


def test_no_findings_gives_an_empty_list():
    con, pack = build({}, base=parent_and_sub_books())
    result = run_skill(SUMMARY, con, pack, "2026-05", None, run_results=[Result("je.trial_balance", "US01", "pass")])
    assert result.metrics["ranked"] == [] and result.summary == "No findings across the close."


def found_by_its_skill(demo_close, case) -> bool:
    result = demo_close.result(case["skill"], case["entity_id"])
    return result is not None and any(
        f.amount == Decimal(case["amount"]) and set(case["refs"]) <= set(f.refs) for f in result.findings)


def test_demo_surfaces_every_seeded_case_ranked(demo_close, answer_key):
    """Every seeded case its skill finds is in the summary with its amount and refs (a
    case its skill misses is that skill's known-answer failure, reported there)."""
    result = demo_close.result("close.exceptions_summary", None)
    assert result is not None and result.status == "pass", result and result.summary
    ranked = result.metrics["ranked"]
    found = [c for c in answer_key["cases"] if not c["skill"].startswith("close.")
             and found_by_its_skill(demo_close, c)]
    assert found, "no seeded case was found by its skill"
    for case in found:
        hits = [r for r in ranked if r["skill_id"] == case["skill"] and r["entity_id"] == case["entity_id"]
                and r["amount"] == Decimal(case["amount"]) and set(case["refs"]) <= set(r["refs"])]
        assert hits, f"seeded case missing from the summary: {case}"
    keys = [(SEVERITIES.index(r["severity"]), r["amount_reporting"] is None, -(r["amount_reporting"] or 0))
            for r in ranked]
    assert keys == sorted(keys)
    assert [r["rank"] for r in ranked] == list(range(1, len(ranked) + 1))
    total = sum(len(r.findings) for r in demo_close.results if not r.skill_id.startswith("close."))
    assert len(ranked) == total


def test_euro_reporting_yen_finding_through_a_one_way_rate():
    """Reporting in EUR, the only rate EUR->JPY: a yen finding is ranked at its euro value
    (inverse of the closing rate, rounded to the cent), the summary names EUR."""
    from tests.support.books import PARENT_AND_SUB

    japan = {"entity_id": "JP01", "name": "Sub KK", "functional_currency": "JPY", "country": "JP",
             "parent_id": "US01", "ownership_pct": "70"}
    fx = [{"date": "2026-05-31", "from_currency": "EUR", "to_currency": cur, "rate_type": "closing", "rate": rate}
          for cur, rate in (("JPY", "163.1234"), ("USD", "1.1200"))]
    con, pack = build({"entities": PARENT_AND_SUB + [japan], "fx_rates": fx}, reporting_currency="EUR", base=parent_and_sub_books())
    results = [Result("recon.ar_subledger", "JP01", "exceptions",
                      findings=[Finding("high", "AR entry without invoice", Decimal("873219"), ("journal_lines:KJ-1",))]),
               Result("recon.bank", "US01", "exceptions",
                      findings=[Finding("high", "bank fee", Decimal("100.00"), ("bank_transactions:BT-1",))])]
    result = run_skill(SUMMARY, con, pack, "2026-05", None, run_results=results)
    top = result.metrics["ranked"][0]
    assert top["entity_id"] == "JP01" and top["currency"] == "JPY"
    assert top["amount_reporting"] == (Decimal("873219") / Decimal("163.1234")).quantize(Decimal("0.01"))
    assert result.metrics["reporting_currency"] == "EUR" and " EUR in all" in result.summary
    assert "USD" not in result.summary

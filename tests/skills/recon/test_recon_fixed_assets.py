"""Depreciation schedule, recon.fixed_asset_rollforward and recon.depreciation_recalc."""
from datetime import date
from decimal import Decimal

from close.periods import Month
from tests.support.books import account, build, line, run_skill
from skills.recon.depreciation import Asset
from skills.recon.depreciation_recalc import SKILL as RECALC
from skills.recon.fixed_asset_rollforward import SKILL as ROLLFORWARD

COST, ACCUM, DEP, CASH, GAIN = "1500", "1590", "6500", "1000", "7900"


def _asset(asset_id="FA-1", in_service="2026-01-15", cost="1000.00", salvage="100.00", life=7,
           disposal=None):
    return {"entity_id": "E1", "asset_id": asset_id, "asset_class": "IT", "description": None,
            "in_service_date": in_service, "cost": cost, "salvage_value": salvage,
            "useful_life_months": life, "method": "straight_line", "disposal_date": disposal,
            "disposal_proceeds": None, "cost_account_id": COST, "accum_account_id": ACCUM}


def test_schedule_rounds_each_month_and_the_last_month_takes_the_rest():
    a = Asset("FA-1", "IT", date(2026, 1, 15), Decimal("1000"), Decimal("100"), 7, None, COST, ACCUM)
    charges = [a.charge(Month(2026, m)) for m in range(1, 10)]
    assert charges == [Decimal("0")] + [Decimal("128.57")] * 6 + [Decimal("128.58"), Decimal("0")]
    assert sum(charges) == Decimal("900")
    assert a.accumulated(Month(2026, 8)) == a.accumulated(Month(2027, 1)) == Decimal("900")
    assert a.accumulated(Month(2026, 4)) == Decimal("385.71")
    disposed = Asset("FA-2", "IT", date(2026, 1, 15), Decimal("1000"), Decimal("100"), 7,
                     date(2026, 4, 10), COST, ACCUM)
    assert disposed.charge(Month(2026, 3)) == Decimal("128.57")
    assert disposed.charge(Month(2026, 4)) == Decimal("0")
    assert disposed.accumulated(Month(2026, 6)) == Decimal("257.14")


def _dep_lines(je, day, amount, asset="FA-1"):
    return [line(je, 1, day, DEP, debit=amount, doc_ref=f"fixed_assets:{asset}", source="fixed_assets"),
            line(je, 2, day, ACCUM, credit=amount, doc_ref=f"fixed_assets:{asset}", source="fixed_assets")]


def _books(dep_may="128.57"):
    lines = [line("JE-A", 1, "2026-01-15", COST, debit="1000.00", doc_ref="fixed_assets:FA-1"),
             line("JE-A", 2, "2026-01-15", CASH, credit="1000.00", doc_ref="fixed_assets:FA-1")]
    for m, je in ((2, "JE-D2"), (3, "JE-D3"), (4, "JE-D4")):
        lines += _dep_lines(je, f"2026-0{m}-28", "128.57")
    if dep_may is not None:
        lines += _dep_lines("JE-D5", "2026-05-31", dep_may)
    return {
        "accounts": [account(COST, "fixed_asset"), account(ACCUM, "accumulated_depreciation"),
                     account(DEP, "depreciation_expense", type_="expense"), account(CASH, "cash"),
                     account(GAIN, "other_income_expense", type_="revenue")],
        "fixed_assets": [_asset()],
        "journal_lines": lines,
    }


def test_rollforward_ties_and_rolls():
    con, pack = build(_books())
    result = run_skill(ROLLFORWARD, con, pack, "2026-05", "E1")
    assert result.status == "pass", result.findings
    lines = {l["line"]: l["amount"] for l in result.metrics["lines"]}
    assert lines["Accumulated depreciation: opening"] == Decimal("385.71")
    assert lines["Accumulated depreciation: charge"] == Decimal("128.57")
    assert lines["Accumulated depreciation: closing"] == Decimal("514.28")
    assert lines["Cost: closing"] == result.metrics["cost_gl"] == Decimal("1000.00")
    assert result.metrics["accum_difference"] == Decimal("0")


def test_rollforward_explains_a_gl_difference_by_asset_and_entry():
    tables = _books(dep_may="100.00")
    tables["journal_lines"] += [line("JE-M", 1, "2026-05-20", COST, debit="50.00"),
                                line("JE-M", 2, "2026-05-20", CASH, credit="50.00")]
    con, pack = build(tables)
    result = run_skill(ROLLFORWARD, con, pack, "2026-05", "E1")
    found = {f.refs: f.amount for f in result.findings}
    assert found == {("accounts:1500", "journal_lines:JE-M"): Decimal("50.00"),
                     ("fixed_assets:FA-1", "accounts:1590", "journal_lines:JE-D5"): Decimal("28.57")}
    assert result.metrics["cost_difference"] == Decimal("50.00")
    assert result.metrics["accum_difference"] == Decimal("-28.57")


def test_rollforward_disposal_leaves_the_books():
    tables = _books(dep_may=None)
    tables["fixed_assets"] = [_asset(disposal="2026-05-10")]
    tables["journal_lines"] += [
        line("JE-X", 1, "2026-05-10", ACCUM, debit="385.71", doc_ref="fixed_assets:FA-1"),
        line("JE-X", 2, "2026-05-10", CASH, debit="614.29", doc_ref="fixed_assets:FA-1"),
        line("JE-X", 3, "2026-05-10", COST, credit="1000.00", doc_ref="fixed_assets:FA-1")]
    con, pack = build(tables)
    result = run_skill(ROLLFORWARD, con, pack, "2026-05", "E1")
    lines = {l["line"]: l["amount"] for l in result.metrics["lines"]}
    assert lines["Cost: disposals"] == Decimal("1000.00") and lines["Cost: closing"] == 0
    assert lines["Accumulated depreciation: disposals"] == Decimal("385.71")
    assert result.status == "pass", result.findings
    assert run_skill(RECALC, con, pack, "2026-05", "E1").status == "pass"


def test_recalc_finds_a_wrong_charge_and_an_unattributed_one():
    tables = _books(dep_may="130.00")
    tables["journal_lines"] += [line("JE-U", 1, "2026-05-31", DEP, debit="9.99"),
                                line("JE-U", 2, "2026-05-31", ACCUM, credit="9.99")]
    con, pack = build(tables)
    result = run_skill(RECALC, con, pack, "2026-05", "E1")
    assert {f.refs: f.amount for f in result.findings} == {
        ("fixed_assets:FA-1", "accounts:1590", "journal_lines:JE-D5"): Decimal("1.43"),
        ("accounts:1590", "journal_lines:JE-U"): Decimal("9.99")}
    assert result.metrics["expected"] == Decimal("128.57")
    assert result.metrics["booked"] == Decimal("139.99")
    assert run_skill(RECALC, con, pack, "2026-04", "E1").status == "pass"


def test_recalc_missing_charge():
    con, pack = build(_books(dep_may=None))
    result = run_skill(RECALC, con, pack, "2026-05", "E1")
    assert [(f.refs, f.amount) for f in result.findings] == [(("fixed_assets:FA-1", "accounts:1590"), Decimal("128.57"))]


def test_recalc_leaves_other_schedules_depreciation_alone():
    tables = _books()
    tables["journal_lines"] += [line("JL", 1, "2026-05-31", DEP, debit="77.00", doc_ref="leases:LS-1"),
                                line("JL", 2, "2026-05-31", CASH, credit="77.00", doc_ref="leases:LS-1")]
    con, pack = build(tables)
    assert run_skill(RECALC, con, pack, "2026-05", "E1").status == "pass"


# Depreciation posted as one system line per accumulated-depreciation account a month,
# naming no asset (no doc_ref): FA-001 128.57 a month (1000 - 100 over 7 months from
# February), FA-002 100.00 a month (2400 over 24 months from February).
def _system_books(may=None, currency_rows=None):
    assets = currency_rows or [_asset("FA-001"), _asset("FA-002", in_service="2026-01-10", cost="2400.00",
                                                        salvage="0.00", life=24)]
    lines = []
    for a in assets:
        je = f"JC-{a['asset_id']}"
        lines += [line(je, 1, a["in_service_date"], COST, debit=a["cost"], doc_ref=f"ap_bills:B-{a['asset_id']}"),
                  line(je, 2, a["in_service_date"], CASH, credit=a["cost"], doc_ref=f"ap_bills:B-{a['asset_id']}")]
    monthly = {m: "228.57" for m in (2, 3, 4, 5)}
    if may is not None:
        monthly[5] = may
    for m, amount in monthly.items():
        day, je = f"2026-0{m}-28", f"JD-{m}"
        lines += [line(je, 1, day, DEP, debit=amount, source="fixed_assets", description="Depreciation IT"),
                  line(je, 2, day, ACCUM, credit=amount, source="fixed_assets", description="Depreciation IT")]
    tables = _books()
    tables["fixed_assets"] = assets
    tables["journal_lines"] = lines
    return tables


def test_depreciation_without_doc_ref_that_ties_passes():
    con, pack = build(_system_books())
    for skill in (RECALC, ROLLFORWARD):
        result = run_skill(skill, con, pack, "2026-05", "E1")
        assert result.status == "pass", (skill.id, [f.message for f in result.findings])


def test_depreciation_without_doc_ref_missing_an_asset_is_one_finding():
    con, pack = build(_system_books(may="128.57"))  # FA-002's 100.00 not booked in May
    for skill in (RECALC, ROLLFORWARD):
        result = run_skill(skill, con, pack, "2026-05", "E1")
        assert len(result.findings) == 1, (skill.id, [f.message for f in result.findings])
        assert result.findings[0].amount == Decimal("100.00")
        assert {"accounts:1590", "fixed_assets:FA-002"} <= set(result.findings[0].refs)


def test_depreciation_total_without_doc_ref_off_names_the_account_and_candidates():
    con, pack = build(_system_books(may="200.00"))  # neither asset's charge: 28.57 short
    result = run_skill(RECALC, con, pack, "2026-05", "E1")
    assert [(f.amount, f.refs[0]) for f in result.findings] == [(Decimal("28.57"), "accounts:1590")]
    assert "journal_lines:JD-5" in result.findings[0].refs


def test_yen_depreciation_in_whole_yen_passes():
    """100,000 JPY over 7 months: 14,286 a month (14,284 the last), not 14,285.71."""
    tables = _system_books(currency_rows=[{**_asset("FA-101", cost="100000", salvage="0"), "entity_id": "J1"}])
    tables["entities"] = [{"entity_id": "J1", "name": "Yen KK", "functional_currency": "JPY",
                           "country": "JP", "parent_id": None, "ownership_pct": "100"}]
    tables["journal_lines"] = [{**l, "entity_id": "J1",
                                "debit": "14286" if l["debit"] == "228.57" else l["debit"],
                                "credit": "14286" if l["credit"] == "228.57" else l["credit"]}
                               for l in tables["journal_lines"]]
    con, pack = build(tables)
    for skill, params in ((RECALC, {}), (ROLLFORWARD, {"threshold": "1000000"})):
        result = run_skill(skill, con, pack, "2026-05", entity_id="J1", params=params)
        assert result.status == "pass", (skill.id, [f.message for f in result.findings])
    a = Asset("FA-101", "IT", date(2026, 1, 15), Decimal("100000"), Decimal("0"), 7, None, COST, ACCUM, "JPY")
    charges = [a.charge(Month(2026, m)) for m in range(2, 9)]
    assert charges == [Decimal("14286")] * 6 + [Decimal("14284")] and sum(charges) == Decimal("100000")

"""stmt.notes_fixed_assets and stmt.notes_debt on small registers and schedules."""
from datetime import date
from decimal import Decimal

from skills.recon.amortising import level_payment, schedule
from skills.stmt.notes_debt import SKILL as DEBT
from skills.stmt.notes_fixed_assets import SKILL as FIXED
from tests.support.books import statement_books


def asset(b, asset_id, cls, in_service, cost, life, disposal=None):
    b.insert("fixed_assets", entity_id="US01", asset_id=asset_id, asset_class=cls,
             description=asset_id, in_service_date=date.fromisoformat(in_service),
             cost=Decimal(cost), salvage_value=Decimal("0"), useful_life_months=life,
             method="straight_line",
             disposal_date=date.fromisoformat(disposal) if disposal else None,
             disposal_proceeds=None, cost_account_id="1500", accum_account_id="1510")


def test_fixed_asset_note_rolls_forward_by_class():
    b = statement_books()
    b.entity("US01")
    asset(b, "FA-1", "IT", "2025-06-15", "1200.00", 12)           # 100/month from 2025-07
    asset(b, "FA-2", "IT", "2026-02-10", "2400.00", 24)           # added this year, from 2026-03
    asset(b, "FA-3", "Vehicles", "2025-01-10", "6000.00", 60, "2026-04-15")  # disposed in April
    b.post("US01", "2026-05-31", [("1500", "3600.00"), ("1000", "-3600.00")])
    r = b.result([FIXED], "stmt.notes_fixed_assets", "2026-05", "US01")
    it = {c["asset_class"]: c for c in r.metrics["classes"]}["IT"]
    assert (it["cost_opening"], it["additions"], it["cost_closing"]) == (
        Decimal("1200.00"), Decimal("2400.00"), Decimal("3600.00"))
    assert it["depreciation_opening"] == Decimal("600.00")        # Jul-Dec 2025
    assert it["depreciation_charge"] == Decimal("500.00") + Decimal("300.00")   # FA-1 Jan-May, FA-2 Mar-May
    assert it["depreciation_closing"] == Decimal("1400.00")
    vehicles = {c["asset_class"]: c for c in r.metrics["classes"]}["Vehicles"]
    assert vehicles["disposals_cost"] == Decimal("6000.00") and vehicles["cost_closing"] == Decimal("0.00")
    assert vehicles["depreciation_disposals"] == Decimal("1400.00")   # Feb 2025 - Mar 2026: 14 x 100
    for c in r.metrics["classes"]:
        assert c["cost_opening"] + c["additions"] - c["disposals_cost"] == c["cost_closing"]
        assert (c["depreciation_opening"] + c["depreciation_charge"] - c["depreciation_disposals"]
                == c["depreciation_closing"])
    assert r.metrics["gl_cost_difference"] == Decimal("0.00")


def test_debt_note_maturities_add_up_to_the_balance():
    b = statement_books()
    b.entity("US01")
    b.insert("loans", entity_id="US01", loan_id="L1", account_id="2500", interest_account_id="7000",
             principal=Decimal("100000.00"), annual_rate=Decimal("0.06"),
             start_date=date(2025, 1, 1), term_months=36)
    r = b.result([DEBT], "stmt.notes_debt", "2026-05", "US01")
    (loan,) = r.metrics["instruments"]
    rows = schedule(date(2025, 1, 1), Decimal("100000.00"), Decimal("0.06"), 36,
                    level_payment(Decimal("100000.00"), Decimal("0.06"), 36, currency="USD"), currency="USD")
    may = [row for row in rows if str(row.month) == "2026-05"][0]
    assert loan["balance"] == may.closing
    assert loan["within_1_year"] + loan["1_to_2_years"] + loan["2_to_5_years"] == loan["balance"]
    assert loan["after_5_years"] == Decimal("0.00") and loan["final_payment"] == "2028-01"
    assert r.metrics["current_portion"] == sum(row.principal for row in rows
                                               if "2026-06" <= str(row.month) <= "2027-05")

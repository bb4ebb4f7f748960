"""flux.headcount_cost and flux.revenue_concentration on small registers and ledgers."""
from decimal import Decimal

from skills.flux.headcount_cost import SKILL as HEADCOUNT
from skills.flux.revenue_concentration import SKILL as CONCENTRATION
from tests.support.books import statement_books


def pay(b, period, emp, dept, gross, taxes="0.00", benefits="0.00"):
    b.insert("payroll", entity_id="US01", period=period, employee_id=emp, department=dept,
             gross_pay=Decimal(gross), employer_taxes=Decimal(taxes), benefits=Decimal(benefits),
             employee_withholding=Decimal("0"), net_pay=Decimal(gross))


def test_headcount_joiners_leavers_and_cost_per_employee():
    b = statement_books()
    b.entity("US01")
    pay(b, "2026-04", "E1", "Sales", "5000.00", "400.00", "100.00")
    pay(b, "2026-04", "E2", "Engineering", "7000.00")
    pay(b, "2026-05", "E1", "Sales", "5000.00", "400.00", "100.00")
    pay(b, "2026-05", "E3", "Engineering", "8000.00", "500.00")
    pay(b, "2026-05", "E4", "Engineering", "6000.00")
    r = b.result([HEADCOUNT], "flux.headcount_cost", "2026-05", "US01")
    m = r.metrics
    assert (m["headcount"], m["cost"]) == (3, Decimal("20000.00"))
    assert m["cost_per_employee"] == Decimal("6666.67")
    assert (m["joiners"], m["leavers"]) == (["E3", "E4"], ["E2"])
    assert m["prior"]["cost"] == Decimal("12500.00") and m["cost_change"] == Decimal("7500.00")
    eng = [ln for ln in m["lines"] if ln["line"] == "Engineering"][0]
    assert (eng["headcount"], eng["amount"], eng["prior"]) == (2, Decimal("14500.00"), Decimal("7000.00"))


def test_revenue_concentration_top_list_and_changes():
    b = statement_books()
    b.entity("US01")
    for day, cust, amount in (("2026-04-03", "C1", "500"), ("2026-04-04", "C2", "400"),
                              ("2026-04-05", "C3", "100"), ("2026-05-03", "C1", "600"),
                              ("2026-05-04", "C3", "300"), ("2026-05-05", "C4", "100"),
                              ("2025-06-05", "C2", "5000"), ("2025-05-05", "C9", "9999")):
        b.post("US01", day, [("1100", amount), ("4000", f"-{amount}")], counterparty=cust)
    b.post("US01", "2026-05-06", [("1150", "700"), ("4100", "-700")], counterparty="UK01")  # IC: not revenue
    r = b.result([CONCENTRATION], "flux.revenue_concentration", "2026-05", "US01",
                 params={"flux.revenue_concentration": {"top": 2}})
    m = r.metrics
    assert m["revenue"] == Decimal("1000.00")
    assert [t["customer_id"] for t in m["top"]] == ["C1", "C3"]
    assert m["top_share_pct"] == Decimal("90.0") and m["largest_customer_share_pct"] == Decimal("60.0")
    assert (m["entered_top"], m["left_top"]) == (["C3"], ["C2"])
    assert m["top_ltm"][0] == {"customer_id": "C2", "revenue": Decimal("5400.00"),
                               "share_pct": Decimal("77.1")}              # 5400 / 7000; C9 too old

"""tax.income_tax_provision and tax.effective_rate."""
from decimal import Decimal

from tests.support.books import account, build, line, run_skill
from skills.tax.effective_rate import SKILL as ETR
from skills.tax.income_tax_provision import SKILL as PROVISION


def _books(may_tax, april_tax="250.00"):
    lines = []
    for month, revenue, tax in (("04", "1000.00", april_tax), ("05", "2000.01", may_tax)):
        day = f"2026-{month}-28"
        lines += [line(f"S{month}", 1, day, "1000", debit=revenue), line(f"S{month}", 2, day, "4000", credit=revenue),
                  line(f"T{month}", 1, day, "8000", debit=tax), line(f"T{month}", 2, day, "2250", credit=tax)]
    lines += [line("L03", 1, "2026-03-28", "6000", debit="400.00"), line("L03", 2, "2026-03-28", "1000", credit="400.00")]
    return build({
        "accounts": [account("1000", "cash"), account("4000", "revenue"), account("6000", "opex"),
                     account("8000", "income_tax_expense", type_="expense"),
                     account("2250", "tax_payable", type_="liability")],
        "tax_codes": [{"tax_code": "US-CIT", "jurisdiction": "US", "tax_type": "income", "rate": "0.25",
                       "effective_from": "2018-01-01", "effective_to": None, "gl_account_id": "2250",
                       "reverse_charge": False}],
        "journal_lines": lines})


def test_provision_at_the_statutory_rate():
    con, pack = _books("500.00")  # 2000.01 × 0.25 = 500.0025 -> 500.00
    result = run_skill(PROVISION, con, pack, "2026-05", "E1")
    assert result.status == "pass", result.findings
    etr = run_skill(ETR, con, pack, "2026-05", "E1")
    assert etr.status == "pass"
    lines = {l["line"]: l["amount"] for l in etr.metrics["lines"]}
    assert lines["Earlier months under (+) or over (-) provided"] == Decimal("100.00")  # March's loss: no credit booked
    assert lines["Tax booked"] == Decimal("750.00")
    assert sum(v for k, v in lines.items() if k not in ("Tax booked",)) == lines["Tax booked"]


def test_wrong_provision_found_by_both():
    con, pack = _books("450.00", april_tax="260.00")
    assert [f.amount for f in run_skill(PROVISION, con, pack, "2026-05", "E1").findings] == [Decimal("50.00")]
    etr = run_skill(ETR, con, pack, "2026-05", "E1")
    assert [(f.amount, f.refs) for f in etr.findings] == [(Decimal("50.00"), ("journal_lines:T05",))]
    lines = {l["line"]: l["amount"] for l in etr.metrics["lines"]}
    assert lines["Earlier months under (+) or over (-) provided"] == Decimal("110.00")  # March 100, April 10

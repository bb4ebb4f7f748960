"""tax.payroll_taxes: employer taxes = rate in force × gross, per employee."""
from decimal import Decimal

from tests.support.books import DEFAULT_ENTITY, build, run_skill
from skills.tax.payroll_taxes import SKILL


def _code(code, rate, start, end=None):
    return {"tax_code": code, "jurisdiction": "GB", "tax_type": "payroll", "rate": rate,
            "effective_from": start, "effective_to": end, "gl_account_id": "2310",
            "reverse_charge": False}


def _books(er):
    return build({
        "entities": [dict(DEFAULT_ENTITY, country="GB", functional_currency="GBP")],
        "fx_rates": [{"date": "2026-05-31", "from_currency": "GBP", "to_currency": "USD",
                      "rate_type": "closing", "rate": "1.25"}],
        "tax_codes": [_code("OLD", "0.138", "2022-11-06", "2025-04-05"), _code("NEW", "0.15", "2025-04-06")],
        "payroll": [{"entity_id": "E1", "period": "2026-05", "employee_id": e, "department": "Ops",
                     "gross_pay": "3333.33", "employer_taxes": t, "benefits": "0", "employee_withholding": "0",
                     "net_pay": "3333.33"} for e, t in (("E-1", "500.00"), ("E-2", er))],
    })


def test_rate_in_force_and_rounding():
    con, pack = _books("500.00")  # 3333.33 × 0.15 = 499.9995 -> 500.00
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert result.status == "pass", result.findings
    assert result.metrics["codes"] == ["NEW"]


def test_old_rate_is_found_per_employee():
    con, pack = _books("460.00")  # 0.138 × 3333.33
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert [(f.refs, f.amount) for f in result.findings] == [(("payroll:2026-05/E-2",), Decimal("40.00"))]

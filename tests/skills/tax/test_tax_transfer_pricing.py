"""tax.transfer_pricing: charge = cost × (1 + markup)."""
from decimal import Decimal

from tests.support.books import DEFAULT_ENTITY, account, build, line, run_skill
from skills.tax.transfer_pricing import SKILL

UK = dict(DEFAULT_ENTITY, entity_id="UK", name="UK Ltd", parent_id="E1")


def _tables(charge):
    return {
        "entities": [DEFAULT_ENTITY, UK],
        "accounts": [account("6000", "opex"), account("1000", "cash"),
                     account("1250", "intercompany_receivable"),
                     account("4500", "intercompany_revenue", type_="revenue"),
                     account("6500", "intercompany_expense", type_="expense")],
        "intercompany_agreements": [{"agreement_id": "AG1", "provider_entity_id": "E1",
                                     "recipient_entity_id": "UK", "service": "IT support",
                                     "markup_pct": "7.5"}],
        "journal_lines": [
            line("C1", 1, "2026-05-10", "6000", debit="1000.01", counterparty="UK"),
            line("C1", 2, "2026-05-10", "1000", credit="1000.01"),
            line("C2", 1, "2026-05-11", "6500", debit="50.00", counterparty="UK"),  # not cost
            line("C2", 2, "2026-05-11", "1000", credit="50.00"),
            line("R1", 1, "2026-05-31", "1250", debit=charge, counterparty="UK"),
            line("R1", 2, "2026-05-31", "4500", credit=charge, counterparty="UK"),
        ]}


def test_charge_at_cost_plus_markup_passes():
    con, pack = build(_tables("1075.01"))  # 1000.01 × 1.075 = 1075.01075
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert result.status == "pass", result.findings
    assert result.metrics["charges"][0]["expected_charge"] == Decimal("1075.01")
    assert run_skill(SKILL, con, pack, "2026-05", entity_id="UK").metrics["agreements"] == 0


def test_wrong_markup_is_found():
    con, pack = build(_tables("1100.01"))
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert [(f.amount, f.refs) for f in result.findings] == [
        (Decimal("25.00"), ("intercompany_agreements:AG1", "journal_lines:R1"))]

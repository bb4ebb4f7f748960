"""The statutory set's current portion and its notes, on small books with known answers.

- Borrowings and lease liabilities: the principal due within a year (the contract's
  schedule, computed here independently of skills.recon.amortising) is a current line
  on the balance sheet at each date, the rest stays non-current, the totals do not move.
- Notes in stmt.statutory_pack: leases (right-of-use asset and liability), related
  parties (intercompany balances and trading by group entity), accounting policies from
  a close.toml next to the pack, and a misspelt or mistyped policy refused.
"""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest

from close.config import ConfigError, load_config
from close.periods import parse_month
from close.registry import Registry
from close.runner import run_close
from skills.stmt import (balance_sheet, cash_flow, comparatives, equity_changes, income_statement,
                         notes_debt, notes_fixed_assets)
from skills.stmt.statutory_pack import SKILL as PACK
from tests.support.books import account, statement_books

WITH_PACK = [PACK, *(m.SKILL for m in (balance_sheet, income_statement, cash_flow, equity_changes,
                                       notes_fixed_assets, notes_debt))]
CENT = Decimal("0.01")
LOAN, LOAN_RATE, LOAN_TERM = Decimal("36000.00"), Decimal("0.06"), 36
LEASE_PAYMENT, LEASE_RATE, LEASE_TERM = Decimal("1000.00"), Decimal("0.06"), 60


def contract(opening, annual_rate, n, payment):
    """[(interest, principal, closing balance)] for payments k = 1..n, each rounded to cents,
    the last payment clearing the balance (LEDGER-PACK.md)."""
    r, balance, out = annual_rate / 12, opening, []
    for k in range(1, n + 1):
        interest = (balance * r).quantize(CENT, ROUND_HALF_UP)
        principal = (balance + interest if k == n else payment) - interest
        balance -= principal
        out.append((interest, principal, balance))
    return out


def annuity(rate, n):
    with localcontext() as c:
        c.prec = 34
        r = rate / 12
        return (1 - (1 + r) ** -n) / r


LOAN_PAYMENT = (LOAN / annuity(LOAN_RATE, LOAN_TERM)).quantize(CENT, ROUND_HALF_UP)
LOAN_ROWS = contract(LOAN, LOAN_RATE, LOAN_TERM, LOAN_PAYMENT)
LEASE_PV = (LEASE_PAYMENT * annuity(LEASE_RATE, LEASE_TERM)).quantize(CENT, ROUND_HALF_UP)
LEASE_ROWS = contract(LEASE_PV, LEASE_RATE, LEASE_TERM, LEASE_PAYMENT)
MONTHS = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]   # payments 1..5


def due_within_a_year(rows, paid):
    """Principal of the twelve payments after the `paid` first ones."""
    return sum((p for _, p, _ in rows[paid:paid + 12]), Decimal(0))


@pytest.fixture
def books():
    """US01 (parent) draws a loan on 15 Dec 2025 and starts a lease on 10 Dec 2025, both
    paid monthly from January as their schedules say; UK01 (its subsidiary) trades with it."""
    b = statement_books()
    b.entity("US01", name="Acme Holdings")
    b.entity("UK01", name="Acme UK", parent_id="US01", ownership_pct=Decimal("100"))
    b.add("accounts", account("1600", "rou_asset", "asset", "Right-of-use assets", "Right-of-use assets"),
          account("2600", "lease_liability", "liability", "Lease liabilities", "Lease liabilities"))
    b.post("US01", "2025-12-01", [("1000", "100000.00"), ("3000", "-100000.00")])
    b.post("US01", "2025-12-15", [("1000", LOAN), ("2500", -LOAN)])
    b.post("US01", "2025-12-10", [("1600", LEASE_PV), ("2600", -LEASE_PV)])
    depreciation = (LEASE_PV / LEASE_TERM).quantize(CENT, ROUND_HALF_UP)
    for k, month in enumerate(MONTHS):
        day = f"{month}-28"
        interest, principal, _ = LOAN_ROWS[k]
        b.post("US01", day, [("2500", principal), ("7000", interest), ("1000", -LOAN_PAYMENT)])
        interest, principal, _ = LEASE_ROWS[k]
        b.post("US01", day, [("2600", principal), ("7000", interest), ("1000", -LEASE_PAYMENT)])
        b.post("US01", day, [("6200", depreciation), ("1600", -depreciation)])
    b.insert("loans", entity_id="US01", loan_id="L1", account_id="2500", interest_account_id="7000",
             principal=LOAN, annual_rate=LOAN_RATE, start_date=date(2025, 12, 15), term_months=LOAN_TERM)
    b.insert("leases", entity_id="US01", lease_id="LS1", rou_account_id="1600", liability_account_id="2600",
             start_date=date(2025, 12, 10), term_months=LEASE_TERM, monthly_payment=LEASE_PAYMENT,
             discount_rate=LEASE_RATE)
    # intercompany: US01 charges UK01 300 in April and 500 in May, UK01 books the payable;
    # US01 buys 80 from UK01 in May; one IC line of US01 names no counterparty
    for day, amount in (("2026-04-20", "300.00"), ("2026-05-20", "500.00")):
        b.post("US01", day, [("1150", amount), ("4100", f"-{amount}")], counterparty="UK01")
        b.post("UK01", day, [("6300", amount), ("2150", f"-{amount}")], counterparty="US01")
    b.post("US01", "2026-05-21", [("6300", "80.00"), ("2150", "-80.00")], counterparty="UK01")
    b.post("UK01", "2026-05-21", [("1150", "80.00"), ("4100", "-80.00")], counterparty="US01")
    b.post("US01", "2026-05-22", [("1150", "5.00"), ("1000", "-5.00")])
    return b


def lines_of(result):
    return {ln["line"]: ln for ln in result.metrics["lines"] if ln.get("kind", "line") == "line"}


def test_the_principal_due_within_a_year_is_a_current_liability_and_the_totals_tie(books):
    bs = books.result([balance_sheet.SKILL], "stmt.balance_sheet", "2026-05", "US01")
    lines, m = lines_of(bs), bs.metrics
    loan_due = {"amount": due_within_a_year(LOAN_ROWS, 5), "prior": due_within_a_year(LOAN_ROWS, 4),
                "prior_year_end": due_within_a_year(LOAN_ROWS, 0)}
    loan_balance = {"amount": LOAN_ROWS[4][2], "prior": LOAN_ROWS[3][2], "prior_year_end": LOAN}
    lease_due = due_within_a_year(LEASE_ROWS, 5)
    for column in ("amount", "prior", "prior_year_end"):
        assert lines["Current portion of borrowings"][column] == loan_due[column], column
        assert lines["Borrowings"][column] == loan_balance[column] - loan_due[column], column
    assert lines["Current portion of lease liabilities"]["amount"] == lease_due
    assert lines["Lease liabilities"]["amount"] == LEASE_ROWS[4][2] - lease_due
    assert lines["Current portion of borrowings"]["term"] == "current"
    assert lines["Borrowings"]["term"] == "non_current"
    sub = m["subtotals"]
    for column in ("amount", "prior", "prior_year_end"):
        total = m["total_liabilities"] if column == "amount" else m[column]["total_liabilities"]
        assert sub["current_liabilities"][column] + sub["non_current_liabilities"][column] == total
    assert m["total_liabilities"] == LOAN_ROWS[4][2] + LEASE_ROWS[4][2] + Decimal("80.00")  # + IC payable
    assert m["difference"] == Decimal("0.00")


def test_comparatives_show_the_same_current_portion(books):
    outcome = books.close([balance_sheet.SKILL, comparatives.SKILL], "2026-05")
    shown = {r["line"]: r for r in outcome.result("stmt.comparatives", "US01").metrics["balance_sheet"]}
    assert shown["Current portion of borrowings"]["amount"] == \
        lines_of(outcome.result("stmt.balance_sheet", "US01"))["Current portion of borrowings"]["amount"]


def test_the_current_portion_never_exceeds_what_the_books_owe(books):
    """A schedule the books do not hold (a loan not drawn in the GL) moves nothing."""
    books.insert("loans", entity_id="UK01", loan_id="L2", account_id="2500", interest_account_id="7000",
                 principal=Decimal("5000.00"), annual_rate=Decimal("0.05"), start_date=date(2026, 1, 1),
                 term_months=12)
    lines = lines_of(books.result([balance_sheet.SKILL], "stmt.balance_sheet", "2026-05", "UK01"))
    assert "Current portion of borrowings" not in lines and "Borrowings" not in lines


def test_the_lease_note_from_the_schedule(books):
    pack = books.result(WITH_PACK, "stmt.statutory_pack", "2026-05", "US01")
    note = pack.metrics["notes"]["leases"]["metrics"]
    (lease,) = note["leases"]
    depreciation = (LEASE_PV / LEASE_TERM).quantize(CENT, ROUND_HALF_UP)
    assert lease["rou_opening"] == LEASE_PV and lease["rou_additions"] == Decimal("0.00")
    assert lease["rou_depreciation"] == depreciation * 5
    assert lease["rou_closing"] == note["gl_rou_assets"] == LEASE_PV - depreciation * 5
    assert lease["liability"] == LEASE_ROWS[4][2]
    assert lease["within_1_year"] == due_within_a_year(LEASE_ROWS, 5)
    assert lease["within_1_year"] + lease["after_1_year"] == lease["liability"]
    assert lease["interest_ytd"] == sum((i for i, _, _ in LEASE_ROWS[:5]), Decimal(0))
    assert lease["payments_ytd"] == LEASE_PAYMENT * 5
    debt = pack.metrics["notes"]["debt"]["metrics"]
    assert debt["totals"]["within_1_year"] == due_within_a_year(LOAN_ROWS, 5) + lease["within_1_year"]


def test_related_parties_by_group_entity(books):
    outcome = books.close(WITH_PACK, "2026-05")
    us = outcome.result("stmt.statutory_pack", "US01").metrics["notes"]["related_parties"]["metrics"]
    (uk,) = us["parties"]
    assert (uk["entity"], uk["name"], uk["relationship"]) == ("UK01", "Acme UK", "subsidiary")
    assert uk["receivable"] == Decimal("800.00") and uk["payable"] == Decimal("80.00")
    assert (uk["revenue_mtd"], uk["revenue_ytd"]) == (Decimal("500.00"), Decimal("800.00"))
    assert (uk["expense_mtd"], uk["expense_ytd"]) == (Decimal("80.00"), Decimal("80.00"))
    assert us["outside_group"]["receivable"] == Decimal("5.00")
    assert us["outside_group"]["counterparties"] == ["(none)"]
    parent = outcome.result("stmt.statutory_pack", "UK01").metrics["notes"]["related_parties"]["metrics"]
    (us01,) = parent["parties"]
    assert us01["relationship"] == "parent" and us01["payable"] == Decimal("800.00")
    assert us01["receivable"] == Decimal("80.00") and us01["expense_ytd"] == Decimal("800.00")
    assert parent["outside_group"]["counterparties"] == []


POLICIES = '''
[skills."stmt.statutory_pack"]
policy_revenue = "Revenue is recognised when the subscription month is delivered."
policy_income_tax = ""

[entities.UK01.skills."stmt.statutory_pack"]
policy_basis = "Prepared under FRS 102."
'''


def close_with(books, tmp_path, toml: str):
    folder = books.write(tmp_path / "pack")
    (folder / "close.toml").write_text(toml, encoding="utf-8")
    con, pack = books._connection()
    return run_close(con, pack, parse_month("2026-05"), registry=Registry(WITH_PACK),
                     config=load_config(folder), workers=1)


def test_policies_come_from_close_toml_and_the_rest_is_labelled_standard(books, tmp_path):
    outcome = close_with(books, tmp_path, POLICIES)

    def policies(entity):
        found = outcome.result("stmt.statutory_pack", entity).metrics["notes"]["policies"]["metrics"]
        return {p["topic"]: p for p in found["policies"]}

    us, uk = policies("US01"), policies("UK01")
    assert us["revenue"]["text"] == "Revenue is recognised when the subscription month is delivered."
    assert us["revenue"]["source"] == uk["revenue"]["source"] == "close.toml"
    assert "income_tax" not in us                                     # set empty: left out
    assert us["basis"]["source"] == "standard wording"
    assert (uk["basis"]["text"], uk["basis"]["source"]) == ("Prepared under FRS 102.", "close.toml")
    assert list(us) == ["basis", "revenue", "fixed_assets", "leases", "foreign_currency"]


@pytest.mark.parametrize("toml, said", [
    ('[skills."stmt.statutory_pack"]\npolicy_revenu = "x"\n', "no parameter 'policy_revenu'"),
    ('[entities.UK01.skills."stmt.statutory_pack"]\npolicy_basis = 3\n', "'policy_basis'"),
])
def test_a_bad_policy_is_refused_before_the_close_runs(books, tmp_path, toml, said):
    with pytest.raises(ConfigError) as refused:
        close_with(books, tmp_path, toml)
    assert said in str(refused.value) and "close.toml" in str(refused.value)
    assert "policy_revenue" in str(refused.value) or "not text" in str(refused.value)


def test_the_kpis_current_ratio_is_the_balance_sheets_current_portion_included(books):
    """flux.kpis reads current liabilities as the balance sheet shows them: a loan's and a
    lease's principal due within a year is current, as a lender reads the ratio."""
    from skills.flux import kpis

    outcome = books.close([balance_sheet.SKILL, kpis.SKILL], "2026-05", entity_ids=["US01"])
    subtotals = outcome.result("stmt.balance_sheet", "US01").metrics["subtotals"]
    k = outcome.result("flux.kpis", "US01").metrics
    due = lines_of(outcome.result("stmt.balance_sheet", "US01"))["Current portion of borrowings"]
    assert due["amount"] > 0
    for figures, column in ((k, "amount"), (k["prior"], "prior")):
        assert figures["current_assets"] == subtotals["current_assets"][column]
        assert figures["current_liabilities"] == subtotals["current_liabilities"][column]
        assert figures["current_ratio"] == (subtotals["current_assets"][column]
                                            / subtotals["current_liabilities"][column]).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert k["ytd"]["current_ratio"] == k["current_ratio"]

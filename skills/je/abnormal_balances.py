"""Accounts whose balance sits on the wrong side for what they are.

Cash cannot be negative without an overdraft facility, payables should not carry a
debit balance, revenue should not be a net debit for the year. A balance on the wrong
side usually means a misposting, a payment applied to the wrong account, or a missing
reclassification (an overdraft to be shown as a liability) before the statements go out.
"""
from close.money import ZERO, cents
from close.skill import Finding, Money, Skill

# Normal side per subtype. Subtypes not listed (retained earnings, CTA, other equity,
# FX gains and losses, other income/expense, suspense) may legitimately sit on either
# side and are not tested.
DEBIT_NORMAL = (
    "cash", "receivable", "inventory", "prepaid", "fixed_asset", "rou_asset",
    "intercompany_receivable", "tax_receivable", "other_asset", "cogs", "opex",
    "payroll_expense", "depreciation_expense", "interest_expense", "intercompany_expense",
    "income_tax_expense",
)
CREDIT_NORMAL = (
    "allowance", "accumulated_depreciation", "payable", "accrued_liability",
    "deferred_revenue", "tax_payable", "payroll_liability", "debt", "lease_liability",
    "intercompany_payable", "other_liability", "share_capital", "revenue",
    "intercompany_revenue", "interest_income",
)
INCOME_STATEMENT_TYPES = ("revenue", "expense")

# Balance-sheet accounts: cumulative balance to the month's end. Income-statement
# accounts: fiscal year-to-date activity (prior years sit in retained earnings), listed
# when they have a line this year. Both sums are taken per account before the chart is
# joined (joining every line first cost twice as much).
SQL = """
WITH sums AS (
  SELECT account_id, SUM(debit - credit) AS cumulative,
         SUM(CASE WHEN posting_date >= $year_start THEN debit - credit END) AS year_to_date,
         COUNT(*) FILTER (WHERE posting_date >= $year_start) AS year_lines
  FROM journal_lines
  WHERE entity_id = $entity_id AND posting_date <= $month_end
  GROUP BY account_id
)
SELECT a.account_id, a.name, a.type, a.subtype,
       CAST(CASE WHEN a.type NOT IN ('revenue', 'expense') THEN s.cumulative ELSE s.year_to_date END
            AS DECIMAL(18,2)) AS balance
FROM sums s
JOIN accounts a ON a.account_id = s.account_id
WHERE a.type NOT IN ('revenue', 'expense') OR s.year_lines > 0
ORDER BY a.account_id
"""


def wrong_side(subtype: str, balance) -> str | None:
    """'debit' or 'credit' when the balance is on the abnormal side for the subtype."""
    if subtype in DEBIT_NORMAL and balance < ZERO:
        return "credit"
    if subtype in CREDIT_NORMAL and balance > ZERO:
        return "debit"
    return None


def run(ctx):
    tolerance = ctx.param("tolerance")
    rows = ctx.rows(SQL)
    findings = []
    for r in rows:
        side = wrong_side(r["subtype"], r["balance"])
        if side is None or abs(r["balance"]) <= tolerance:
            continue
        scope = ("year-to-date activity" if r["type"] in INCOME_STATEMENT_TYPES
                 else f"balance at {ctx.month.last_day}")
        findings.append(Finding(
            "high" if r["subtype"] == "cash" else "medium",
            f"Account {r['account_id']} {r['name']} ({r['subtype']}) has a {side} {scope} of "
            f"{cents(abs(r['balance']), ctx.currency)} {ctx.currency}, the wrong side for its type; find the "
            f"misposting or reclassify the balance.",
            cents(abs(r["balance"]), ctx.currency),
            [f"accounts:{r['account_id']}"],
        ))
    tested = [r for r in rows if r["subtype"] in DEBIT_NORMAL or r["subtype"] in CREDIT_NORMAL]
    metrics = {"accounts_tested": len(tested), "abnormal": len(findings),
               "abnormal_amount": cents(sum((f.amount for f in findings), ZERO), ctx.currency)}
    summary = (f"{len(findings)} account(s) with balances on the wrong side at {ctx.month.last_day}."
               if findings else f"All {len(tested)} tested accounts sit on their normal side.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="je.abnormal_balances",
    title="Abnormal account balances",
    description=(
        "Flags accounts whose balance is on the wrong side for their subtype: a credit on "
        "debit-normal accounts (cash, receivables, assets, expenses) or a debit on "
        "credit-normal ones (contra-assets, payables and other liabilities, share capital, "
        "revenue). Balance-sheet accounts are judged on their cumulative balance at the "
        "month's end, income-statement accounts on fiscal year-to-date activity. Accounts "
        "that can sit either side (retained earnings, CTA, other equity, FX gain/loss, "
        "other income/expense, suspense) are not tested. Amount = the absolute balance; "
        "credit cash is high severity."
    ),
    needs=("journal_lines", "accounts"),
    params={"tolerance": Money("0.00", "wrong-side balances up to this amount are ignored")},
    run=run,
)

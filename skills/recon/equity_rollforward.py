"""Equity rollforward: opening equity + net income + movements = closing equity.

The statement of changes in equity is the one that must agree with both the income
statement and the balance sheet. For the month, in the entity's currency (credit
positive): opening equity (equity accounts plus all profit to date, since there are no
closing entries), plus net income, plus the movements on share capital, other reserves,
retained earnings and translation reserve, must equal closing equity; and closing equity
must equal net assets (assets less liabilities) on the balance sheet. A difference means
entries that do not balance or lines on accounts that map to no type; it is a finding
with those entries.
"""
from __future__ import annotations

from close.ledger import unbalanced_entry_refs
from close.money import ZERO, cents
from close.skill import Finding, Skill

# Each account's lines summed before the month, in it and in all, then the chart joined
# to classify the sums (joining every line first cost half as much again).
FIGURES = """
WITH sums AS (
  SELECT account_id,
         SUM(CASE WHEN posting_date < $month_start THEN credit - debit END) AS before_month,
         SUM(CASE WHEN posting_date >= $month_start THEN credit - debit END) AS in_month,
         SUM(credit - debit) AS closing
  FROM journal_lines
  WHERE entity_id = $entity_id AND posting_date <= $month_end
  GROUP BY account_id
)
SELECT
  CAST(COALESCE(SUM(CASE WHEN a.type IN ('equity', 'revenue', 'expense') THEN s.before_month END), 0)
       AS DECIMAL(18,2)) AS opening_equity,
  CAST(COALESCE(SUM(CASE WHEN a.type IN ('revenue', 'expense') THEN s.in_month END), 0)
       AS DECIMAL(18,2)) AS net_income,
  CAST(COALESCE(SUM(CASE WHEN a.type = 'equity' AND a.subtype = 'share_capital' THEN s.in_month END), 0)
       AS DECIMAL(18,2)) AS share_capital,
  CAST(COALESCE(SUM(CASE WHEN a.type = 'equity' AND a.subtype = 'retained_earnings' THEN s.in_month END), 0)
       AS DECIMAL(18,2)) AS retained_earnings,
  CAST(COALESCE(SUM(CASE WHEN a.type = 'equity' AND a.subtype = 'cta' THEN s.in_month END), 0)
       AS DECIMAL(18,2)) AS translation,
  CAST(COALESCE(SUM(CASE WHEN a.type = 'equity' AND a.subtype NOT IN ('share_capital', 'retained_earnings', 'cta')
                         THEN s.in_month END), 0) AS DECIMAL(18,2)) AS other_reserves,
  CAST(COALESCE(SUM(CASE WHEN a.type IN ('equity', 'revenue', 'expense') THEN s.closing END), 0)
       AS DECIMAL(18,2)) AS closing_equity,
  CAST(COALESCE(SUM(CASE WHEN a.type IN ('asset', 'liability') THEN -s.closing END), 0)
       AS DECIMAL(18,2)) AS net_assets
FROM sums s
JOIN accounts a ON a.account_id = s.account_id
"""

UNKNOWN_ACCOUNTS = """
SELECT DISTINCT j.je_id
FROM journal_lines j
LEFT JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end AND a.account_id IS NULL
ORDER BY j.je_id
"""

MOVEMENTS = (("net_income", "Net income"), ("share_capital", "Share capital issued (redeemed)"),
             ("other_reserves", "Other reserves"), ("retained_earnings", "Direct to retained earnings"),
             ("translation", "Translation reserve"))


def run(ctx):
    f = ctx.rows(FIGURES)[0]
    rolled = f["opening_equity"] + sum((f[k] for k, _ in MOVEMENTS), ZERO)
    roll_diff = f["closing_equity"] - rolled
    bs_diff = f["net_assets"] - f["closing_equity"]
    findings = []
    if roll_diff != ZERO or bs_diff != ZERO:
        refs = unbalanced_entry_refs(ctx) + [f"journal_lines:{r['je_id']}" for r in ctx.rows(UNKNOWN_ACCOUNTS)]
        diff = bs_diff if bs_diff != ZERO else roll_diff
        findings.append(Finding(
            "high",
            f"Closing equity {cents(f['closing_equity'], ctx.currency)} does not equal net assets "
            f"{cents(f['net_assets'], ctx.currency)} at {ctx.month.last_day} (difference {cents(diff, ctx.currency)}): the "
            f"books hold entries that do not balance or post to unknown accounts; correct them.",
            diff, sorted(set(refs))))
    lines = ([{"line": "Opening equity", "amount": cents(f["opening_equity"], ctx.currency)}]
             + [{"line": label, "amount": cents(f[k], ctx.currency)} for k, label in MOVEMENTS]
             + [{"line": "Closing equity", "amount": cents(f["closing_equity"], ctx.currency)},
                {"line": "Net assets (assets - liabilities)", "amount": cents(f["net_assets"], ctx.currency)}])
    metrics = {"lines": lines, "rollforward_difference": cents(roll_diff, ctx.currency),
               "balance_sheet_difference": cents(bs_diff, ctx.currency)}
    summary = (f"Equity {cents(f['opening_equity'], ctx.currency)} + net income {cents(f['net_income'], ctx.currency)} + other "
               f"movements = {cents(f['closing_equity'], ctx.currency)} {ctx.currency}"
               + ("; ties to net assets." if bs_diff == ZERO else f"; net assets differ by {cents(bs_diff, ctx.currency)}."))
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="recon.equity_rollforward",
    title="Equity rollforward",
    description=(
        "Rolls equity forward for the month: opening equity (equity accounts plus all profit "
        "to date) + net income + share capital, other reserves, direct retained-earnings and "
        "translation movements = closing equity, which must equal net assets (assets less "
        "liabilities). A difference is a finding naming the entries that do not balance or "
        "post to unknown accounts."
    ),
    needs=("journal_lines", "accounts"),
    run=run,
)

"""Ledger queries several skills share: the entity's trial balance, and the entries that
do not balance (the cause every identity check names when the books themselves are off).

Balance-sheet balances are cumulative from the first line to a day; income-statement
figures are activity between two days (LEDGER-PACK.md, period semantics). Amounts are
signed debit-positive in the entity's functional currency, exact DECIMAL(18,2).
"""
from __future__ import annotations

from datetime import date

from close.periods import Month, month_of

FIRST_POSTING = "SELECT MIN(posting_date) AS first_day FROM journal_lines WHERE entity_id = $entity_id"


def first_posting_day(ctx) -> date | None:
    """The entity's first posting date, where its books begin (None: no line at all).
    Read once per entity and close (many skills ask)."""
    rows = ctx.shared_rows(FIRST_POSTING)
    return rows[0]["first_day"] if rows else None


def first_posting_month(ctx) -> Month:
    """The month the entity's books begin, beyond which nothing is walked back (the
    close's month for books without a line)."""
    day = first_posting_day(ctx)
    return month_of(day) if day else ctx.month


UNBALANCED_ENTRIES = """
SELECT je_id
FROM journal_lines
WHERE entity_id = $entity_id AND posting_date BETWEEN $start AND $end
GROUP BY je_id
HAVING SUM(debit) <> SUM(credit)
ORDER BY je_id
"""


def unbalanced_entry_refs(ctx, start: date | None = None, end: date | None = None,
                          entity_id: str | None = None) -> list[str]:
    """Refs of the entries whose lines dated from `start` (default: the first posting) to
    `end` (default: the month's end) do not balance: what every identity check that
    fails because of the books names as its cause. Read once per close for the same
    entity and days (the trial balance, balance sheet and readiness checks ask alike)."""
    rows = ctx.shared_rows(UNBALANCED_ENTRIES, start=start or date.min, end=end or ctx.month.last_day,
                           entity_id=entity_id or ctx.entity.id)
    return [f"journal_lines:{r['je_id']}" for r in rows]


# Summed per account before the chart is joined for the names (joining every line first
# cost twice as much, three times at ten million lines); an account missing from the chart
# keeps its row, without a name.
TRIAL_BALANCE = """
WITH sums AS (
  SELECT account_id,
         CAST(COALESCE(SUM(CASE WHEN posting_date < $month_start THEN debit - credit END), 0)
              AS DECIMAL(18,2)) AS opening,
         CAST(COALESCE(SUM(CASE WHEN posting_date >= $month_start THEN debit END), 0)
              AS DECIMAL(18,2)) AS debit,
         CAST(COALESCE(SUM(CASE WHEN posting_date >= $month_start THEN credit END), 0)
              AS DECIMAL(18,2)) AS credit,
         CAST(SUM(debit - credit) AS DECIMAL(18,2)) AS closing
  FROM journal_lines
  WHERE entity_id = $entity_id AND posting_date <= $month_end
  GROUP BY account_id
)
SELECT s.account_id, a.name, a.type, a.subtype, a.statement_line,
       s.opening, s.debit, s.credit, s.closing
FROM sums s
LEFT JOIN accounts a ON a.account_id = s.account_id
ORDER BY s.account_id
"""


def trial_balance(ctx) -> list[dict]:
    """Per account used to the month's end: balance brought forward, the month's debits and
    credits, closing balance (debit positive). Accounts missing from the chart appear with
    no name, so nothing posted is left out. Read once per entity and close."""
    return ctx.shared_rows(TRIAL_BALANCE)

"""Large manual journal entries: the population je.manual_over_threshold and
je.round_amounts test, and how a finding names one.

Both look at the month's manual entries (source manual) as wholes, sized by their total
debits; each applies its own test to that population, so the query lives here once.
"""
from __future__ import annotations

from decimal import Decimal

# An entry counts as approved when any of its lines names an approver (not blank or spaces).
# MANUAL_ENTRIES is a CTE (`manual`) so a skill can select from it with its own test.
MANUAL_ENTRIES_CTE = """
WITH manual AS (
  SELECT je_id,
         MIN(posting_date) AS posting_date,
         MIN(preparer) AS preparer,
         MIN(description) AS description,
         CAST(SUM(debit) AS DECIMAL(18,2)) AS total_debit,
         MAX(CASE WHEN approver IS NOT NULL AND trim(approver) <> '' THEN 1 ELSE 0 END) = 1
           AS approved
  FROM journal_lines
  WHERE entity_id = $entity_id AND posting_date BETWEEN $month_start AND $month_end
    AND source = 'manual'
  GROUP BY je_id
  HAVING SUM(debit) >= $threshold
)
"""

MANUAL_ENTRIES = MANUAL_ENTRIES_CTE + """
SELECT je_id, posting_date, preparer, description, total_debit, approved
FROM manual
ORDER BY je_id
"""

# How a finding names an entry: id, date, text and who prepared it (a template over a row).
DESCRIBE = "Manual entry {je_id} ({posting_date}, '{description}', prepared by {preparer})"


def manual_entries_from(ctx, threshold: Decimal) -> list[dict]:
    """The month's manual entries whose total debits are at or above `threshold`, by je_id."""
    return ctx.rows(MANUAL_ENTRIES, threshold=threshold)


def describe(entry: dict) -> str:
    """How a finding names an entry (DESCRIBE filled in)."""
    return DESCRIBE.format(**entry)


def ref(entry: dict) -> str:
    return f"journal_lines:{entry['je_id']}"

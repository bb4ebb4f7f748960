"""The month's journal entries as wholes, as journal-entry tests name them in a finding.

A test that flags an entry says what it is: its date, source, preparer, description and
size (total debits). Several tests read that the same way, so the query is written here
once, as the body of a CTE the caller names and filters.
"""
from __future__ import annotations

# One row per entry with a line posted in the month ($month_start to $month_end) of the
# entity: its first posting date, source, preparer and description, and its total debits.
MONTH_ENTRIES = """
  SELECT je_id, MIN(posting_date) AS posting_date, MIN(source) AS source,
         MIN(preparer) AS preparer, MIN(description) AS description,
         CAST(SUM(debit) AS DECIMAL(18,2)) AS total_debit
  FROM journal_lines
  WHERE entity_id = $entity_id AND posting_date BETWEEN $month_start AND $month_end
  GROUP BY je_id
"""

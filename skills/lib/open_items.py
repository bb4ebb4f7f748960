"""What is still owed on an invoice or bill at month end: its open amount.

open amount = net + tax − what settled it by the month end (receipts on an invoice,
payments on a bill, withholding included: LEDGER-PACK.md, a payment's `amount` is what it
settles). The aging reports, the allowance for doubtful accounts and the subledger ties
all read documents this way, so the rule is written once, as SQL pieces a query puts
together: the `settled` CTE and the OPEN_AMOUNT expression over documents aliased `d`
joined to it as `s`.

Table and column names passed in are constants of the calling skill, never user input;
values stay bound parameters ($entity_id, $month_end).
"""
from __future__ import annotations

# A document's gross less what settled it; `d` is the document, `s` the settled CTE.
OPEN_AMOUNT = "d.net_amount + d.tax_amount - COALESCE(s.settled, 0)"


def settled_cte(settlements: str, key: str) -> str:
    """`settled AS (...)`: per document (`key`), what the entity's receipts or payments
    dated up to the month end settled of it."""
    return f"""settled AS (
  SELECT {key}, SUM(amount) AS settled
  FROM {settlements}
  WHERE entity_id = $entity_id AND date <= $month_end
  GROUP BY {key}
)"""


def settled_join(key: str) -> str:
    """The join that puts each document (`d`) beside what settled it (`s`)."""
    return f"LEFT JOIN settled s ON s.{key} = d.{key}"

"""What is still owed on an invoice or bill at month end: its open amount.

open amount = net + tax − what settled it by the month end (receipts on an invoice,
payments on a bill, withholding included: LEDGER-PACK.md, a payment's `amount` is what it
settles). The aging reports, the allowance for doubtful accounts and the subledger ties
all read documents this way, so the rule is written once, as SQL pieces a query puts
together: the `settled` CTE and the OPEN_AMOUNT expression over documents aliased `d`
joined to it as `s`.

Table and column names passed in are constants of the calling skill, never user input;
values stay bound parameters ($entity_id, $month_end).

The open documents themselves (open_documents) are read once a close per side and
entity: the aging report, the allowance and the subledger tie's count share the read.
"""
from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Documents:
    """One side's documents as data: table, key and party columns, date column, and the
    settlements table (linked by the same key). Written in skill modules, never user input."""
    table: str
    key: str
    party: str
    date: str
    settlements: str

    def open_sql(self) -> str:
        """The entity's documents to the month end with something still open, in key
        order: key, party, due date, document date, currency and open amount (to the cent,
        as every amount of the pack). The same text for every caller of a side, so the
        read is shared (open_documents)."""
        return f"""
WITH {settled_cte(self.settlements, self.key)}
SELECT d.{self.key}, d.{self.party} AS party, d.due_date, d.{self.date} AS doc_date,
       d.currency,
       CAST({OPEN_AMOUNT} AS DECIMAL(18,2)) AS open_amount
FROM {self.table} d
{settled_join(self.key)}
WHERE d.entity_id = $entity_id AND d.{self.date} <= $month_end
  AND {OPEN_AMOUNT} <> 0
ORDER BY d.{self.key}
"""


RECEIVABLES = Documents("ar_invoices", "invoice_id", "customer_id", "invoice_date", "ar_receipts")
PAYABLES = Documents("ap_bills", "bill_id", "vendor_id", "bill_date", "ap_payments")


def open_documents(ctx, documents: Documents) -> list[dict]:
    """Documents.open_sql's rows for the entity and month, read once a close."""
    return ctx.shared_rows(documents.open_sql())

"""Tying a subledger (AR or AP) to its control accounts, document by document.

A control account should hold nothing but the postings of its subledger's documents. So
instead of only comparing two totals, the tie is done per document: each invoice, bill,
receipt or payment against the control-account lines whose `doc_ref` names it. The total
difference then splits exactly into causes a controller can act on:

- a document whose control-account postings differ from it (missing, posted twice, posted
  with another amount or after the month end);
- a control-account line with no document, or naming a document the subledger lacks
  (a manual entry straight to the control account).

Both sides are signed in the control account's natural direction (receivables debit
positive, payables credit positive) and cumulative to the month end, so the causes add
up to the difference to the cent.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from close.money import ZERO, cents
from close.skill import Finding

CONTROL_LINES = """
SELECT j.je_id, j.line_no, j.posting_date, j.doc_ref, j.description,
       CAST(j.debit - j.credit AS DECIMAL(18,2)) AS debit_positive
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND a.subtype = $subtype AND j.posting_date <= $month_end
ORDER BY j.je_id, j.line_no
"""


@dataclass
class DocumentTie:
    ref: str
    label: str  # "invoice INV-0042" for messages
    subledger: Decimal = ZERO
    ledger: Decimal = ZERO
    entries: set[str] = field(default_factory=set)

    @property
    def difference(self) -> Decimal:
        return self.ledger - self.subledger


def tie(ctx, *, subtype: str, sign: int, documents: list[tuple[str, str, Decimal]],
        noun: str) -> tuple[dict, list[Finding], list[DocumentTie]]:
    """documents: (ref, label, signed amount in the control direction) per document effect.

    `sign` turns debit-positive ledger amounts into the control direction (1 for
    receivables, -1 for payables). Returns metrics, one finding per cause, and the ties.
    """
    ties: dict[str, DocumentTie] = {}
    for ref, label, amount in documents:
        item = ties.setdefault(ref, DocumentTie(ref, label))
        item.subledger += amount
    unexplained: dict[str, DocumentTie] = {}
    control_total = ZERO
    for line in ctx.rows(CONTROL_LINES, subtype=subtype):
        amount = sign * line["debit_positive"]
        control_total += amount
        entry = f"journal_lines:{line['je_id']}"
        item = ties.get(line["doc_ref"] or "")
        if item is None:
            item = unexplained.setdefault(entry, DocumentTie(entry, f"entry {line['je_id']}"))
            item.subledger = ZERO
        item.ledger += amount
        item.entries.add(entry)

    subledger_total = sum((t.subledger for t in ties.values()), ZERO)
    difference = control_total - subledger_total
    findings = []
    for item in sorted(ties.values(), key=lambda t: t.ref):
        if item.difference == ZERO:
            continue
        if not item.entries:
            what = f"is not posted to the {noun} control accounts"
        else:
            what = (f"is posted to the {noun} control accounts as {cents(item.ledger)}, "
                    f"not {cents(item.subledger)}")
        findings.append(Finding(
            "high" if abs(item.difference) >= ctx.param("threshold") else "medium",
            f"{item.label.capitalize()} ({cents(item.subledger)}) {what}: correct the posting "
            f"so the {noun} subledger and the GL agree.",
            item.difference, [item.ref, *sorted(item.entries)]))
    for item in sorted(unexplained.values(), key=lambda t: t.ref):
        if item.ledger == ZERO:
            continue
        findings.append(Finding(
            "high" if abs(item.ledger) >= ctx.param("threshold") else "medium",
            f"{item.label.capitalize()} puts {cents(item.ledger)} on the {noun} control "
            f"accounts without a {noun} document: reverse it or record the document in the "
            f"subledger.",
            item.ledger, sorted(item.entries)))
    metrics = {
        "subledger_open_items": cents(subledger_total),
        "control_balance": cents(control_total),
        "difference": cents(difference),
        "documents": len(ties),
        "entries_without_document": sum(1 for t in unexplained.values() if t.ledger != ZERO),
    }
    return metrics, findings, list(ties.values())


@dataclass(frozen=True)
class Subledger:
    """One subledger (AR or AP) as data: its tables, columns and control accounts.

    Table and column names are constants written in a skill module, never user input;
    the words that end up in refs and labels are bound as query parameters.
    """
    noun: str          # "AR" / "AP"
    subtype: str       # control accounts' subtype
    sign: int          # 1 for receivables (debit positive), -1 for payables
    documents: str     # invoices or bills table
    key: str           # its id column, also the settlements' link column
    doc_date: str      # its date column
    document: str      # "invoice" / "bill", in labels and the open-item count
    settlements: str   # receipts or payments table
    settlement_key: str
    settlement: str    # "receipt" / "payment"

    def documents_sql(self) -> str:
        return f"""
SELECT $document_ref || {self.key} AS ref, $document_label || {self.key} AS label,
       CAST(net_amount + tax_amount AS DECIMAL(18,2)) AS amount
FROM {self.documents}
WHERE entity_id = $entity_id AND {self.doc_date} <= $month_end
UNION ALL
SELECT $settlement_ref || {self.settlement_key} AS ref,
       $settlement_label || {self.settlement_key} AS label,
       CAST(-amount AS DECIMAL(18,2)) AS amount
FROM {self.settlements}
WHERE entity_id = $entity_id AND date <= $month_end
ORDER BY ref
"""

    def open_count_sql(self) -> str:
        return f"""
WITH paid AS (
  SELECT {self.key}, SUM(amount) AS settled
  FROM {self.settlements}
  WHERE entity_id = $entity_id AND date <= $month_end
  GROUP BY {self.key}
)
SELECT COUNT(*) AS open_count
FROM {self.documents} d
LEFT JOIN paid p ON p.{self.key} = d.{self.key}
WHERE d.entity_id = $entity_id AND d.{self.doc_date} <= $month_end
  AND d.net_amount + d.tax_amount - COALESCE(p.settled, 0) <> 0
"""


def run_tie(ctx, book: Subledger):
    """The whole recon of one subledger: the tie, its open-document count and summary."""
    rows = ctx.rows(book.documents_sql(),
                    document_ref=f"{book.documents}:", document_label=f"{book.document} ",
                    settlement_ref=f"{book.settlements}:", settlement_label=f"{book.settlement} ")
    documents = [(r["ref"], r["label"], r["amount"]) for r in rows]
    metrics, findings, _ = tie(ctx, subtype=book.subtype, sign=book.sign, documents=documents,
                               noun=book.noun)
    metrics[f"open_{book.document}s"] = ctx.rows(book.open_count_sql())[0]["open_count"]
    summary = (f"{book.noun} open items {metrics['subledger_open_items']} vs {book.subtype} "
               f"control {metrics['control_balance']} {ctx.currency}: "
               f"difference {metrics['difference']}.")
    return ctx.result(findings, metrics, summary)

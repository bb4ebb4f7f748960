"""Tying a subledger (AR or AP) to its control accounts, document by document.

A control account should hold nothing but the postings of its subledger's documents. So
instead of only comparing two totals, the tie is done per document: each invoice, bill,
receipt or payment against the control-account lines whose `doc_ref` names it. The total
difference then splits into causes a controller can act on:

- a document whose control-account postings differ from it (missing, posted twice, posted
  with another amount or after the month end);
- a control-account line with no document, or naming a document the subledger lacks
  (a manual entry straight to the control account).

Both sides are signed in the control account's natural direction (receivables debit
positive, payables credit positive) and cumulative to the month end.

Books from other systems:
- A document in a currency other than the entity's is compared in its own currency, with
  the transaction amounts (amount_txn) of the lines that name it: its functional amount
  depends on the booking rate, which the subledger does not carry. A difference is stated
  in the functional currency at the month's closing rate (the rate the open item is
  carried at). Settlements take their document's currency.
- A document of the subledger posted to the intercompany control account of the same
  side (an invoice to a group company) counts with the control lines: those lines are
  the subledger's even though their account is the intercompany one.
- `doc_ref` is optional. When no line of the pack carries one, nothing can be itemised:
  the open items are compared with the control balance in total, and a difference is one
  finding on the control accounts.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from close.money import ZERO, cents
from close.skill import Finding, SkillError

CONTROL_LINES = """
SELECT j.je_id, j.line_no, j.posting_date, j.doc_ref, j.description, a.subtype, j.account_id,
       j.currency, j.amount_txn, CAST(j.debit - j.credit AS DECIMAL(18,4)) AS debit_positive
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND a.subtype IN ($subtype, $ic_subtype)
  AND j.posting_date <= $month_end
ORDER BY j.je_id, j.line_no
"""

HAS_DOC_REFS = "SELECT COUNT(doc_ref) AS n FROM journal_lines"

IC_SUBTYPE = {"receivable": "intercompany_receivable", "payable": "intercompany_payable"}


def pack_has_doc_refs(ctx) -> bool:
    """Whether the books link any posting to a document at all (doc_ref is optional)."""
    return ctx.rows(HAS_DOC_REFS)[0]["n"] > 0


@dataclass
class DocumentTie:
    ref: str
    label: str  # "invoice INV-0042" for messages
    currency: str = ""
    subledger: Decimal = ZERO  # in the document's currency
    ledger: Decimal = ZERO     # the lines naming it, in the document's currency
    ledger_functional: Decimal = ZERO
    entries: set[str] = field(default_factory=set)

    @property
    def difference(self) -> Decimal:
        return self.ledger - self.subledger


def closing_amount(ctx, currency: str, amount: Decimal) -> Decimal:
    """A document-currency amount in the functional currency at the month's closing rate."""
    if currency == ctx.currency:
        return amount
    rate = ctx.fx.rate(currency, ctx.currency, ctx.month, "closing")
    if rate is None:
        raise SkillError(f"no closing rate {currency}->{ctx.currency} for {ctx.month} to state "
                         f"a {currency} document's difference in {ctx.currency}")
    return amount * rate


def tie(ctx, *, subtype: str, sign: int, documents: list[tuple], noun: str
        ) -> tuple[dict, list[Finding], list[DocumentTie]]:
    """documents: (ref, label, signed amount in the control direction, currency) per
    document effect (currency None = functional). `sign` turns debit-positive ledger
    amounts into the control direction (1 for receivables, -1 for payables). Returns
    metrics, one finding per cause, and the ties."""
    cur = ctx.currency
    ties: dict[str, DocumentTie] = {}
    for ref, label, amount, currency in documents:
        item = ties.setdefault(ref, DocumentTie(ref, label, currency or cur))
        item.subledger += amount
    unexplained: dict[str, DocumentTie] = {}
    control_total = ZERO
    for line in ctx.rows(CONTROL_LINES, subtype=subtype, ic_subtype=IC_SUBTYPE[subtype]):
        item = ties.get(line["doc_ref"] or "")
        if line["subtype"] != subtype and item is None:
            continue  # intercompany balances not of this subledger: recon.intercompany's
        functional = sign * line["debit_positive"]
        control_total += functional
        entry = f"journal_lines:{line['je_id']}"
        if item is None:
            item = unexplained.setdefault(entry, DocumentTie(entry, f"entry {line['je_id']}", cur))
            item.ledger += functional
        elif item.currency == cur:
            item.ledger += functional
        elif (line["currency"] or cur) == item.currency and line["amount_txn"] is not None:
            item.ledger += sign * line["amount_txn"]
        # else: a functional-only line naming a foreign document (its rate difference)
        item.ledger_functional += functional
        item.entries.add(entry)

    findings = []
    threshold = ctx.param("threshold")
    for item in sorted(ties.values(), key=lambda t: t.ref):
        if item.difference == ZERO:
            continue
        amount = cents(closing_amount(ctx, item.currency, item.difference), cur)
        money = (lambda x, c=item.currency: f"{cents(x, c)}" + ("" if c == cur else f" {c}"))
        if not item.entries:
            what = f"is not posted to the {noun} control accounts"
        else:
            what = (f"is posted to the {noun} control accounts as {money(item.ledger)}, "
                    f"not {money(item.subledger)}")
        findings.append(Finding(
            "high" if abs(amount) >= threshold else "medium",
            f"{item.label.capitalize()} ({money(item.subledger)}) {what}: correct the posting "
            f"so the {noun} subledger and the GL agree.",
            amount, [item.ref, *sorted(item.entries)]))
    for item in sorted(unexplained.values(), key=lambda t: t.ref):
        if item.ledger == ZERO:
            continue
        findings.append(Finding(
            "high" if abs(item.ledger) >= threshold else "medium",
            f"{item.label.capitalize()} puts {cents(item.ledger, cur)} on the {noun} control "
            f"accounts without a {noun} document: reverse it or record the document in the "
            f"subledger.",
            cents(item.ledger, cur), sorted(item.entries)))
    # Open items in the functional currency: a foreign document at what its lines carry,
    # less its difference at the closing rate, so the causes add up to the difference.
    subledger_total = sum((t.subledger if t.currency == cur
                           else t.ledger_functional - closing_amount(ctx, t.currency, t.difference)
                           for t in ties.values()), ZERO)
    difference = control_total - subledger_total
    metrics = {
        "subledger_open_items": cents(subledger_total, cur),
        "control_balance": cents(control_total, cur),
        "difference": cents(difference, cur),
        "documents": len(ties),
        "foreign_currency_documents": sum(1 for t in ties.values() if t.currency != cur),
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
       CAST(net_amount + tax_amount AS DECIMAL(18,4)) AS amount, currency
FROM {self.documents}
WHERE entity_id = $entity_id AND {self.doc_date} <= $month_end
UNION ALL
SELECT $settlement_ref || s.{self.settlement_key} AS ref,
       $settlement_label || s.{self.settlement_key} AS label,
       CAST(-s.amount AS DECIMAL(18,4)) AS amount, d.currency
FROM {self.settlements} s
LEFT JOIN {self.documents} d ON d.{self.key} = s.{self.key}
WHERE s.entity_id = $entity_id AND s.date <= $month_end
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

    def control_accounts_sql(self) -> str:
        return "SELECT account_id FROM accounts WHERE subtype = $subtype ORDER BY account_id"


def _total_only(ctx, book: Subledger, documents: list[tuple]) -> tuple[dict, list[Finding]]:
    """Without any doc_ref the control balance can only be compared in total."""
    cur = ctx.currency
    if any((c or cur) != cur for *_, c in documents):
        return None, None
    subledger = sum((a for _, _, a, _ in documents), ZERO)
    control = sum((book.sign * r["debit_positive"]
                   for r in ctx.rows(CONTROL_LINES, subtype=book.subtype,
                                     ic_subtype=book.subtype)), ZERO)
    difference = control - subledger
    findings = []
    if difference != ZERO:
        refs = [f"accounts:{r['account_id']}" for r in
                ctx.rows(book.control_accounts_sql(), subtype=book.subtype)]
        findings.append(Finding(
            "high" if abs(difference) >= ctx.param("threshold") else "medium",
            f"The {book.subtype} control accounts hold {cents(control, cur)} {cur} at "
            f"{ctx.month.last_day}, the {book.noun} open items {cents(subledger, cur)}: "
            f"{cents(difference, cur)} is not explained (the books carry no doc_ref, so the "
            f"difference cannot be traced to documents). Find and correct it.",
            cents(difference, cur), refs))
    return ({"subledger_open_items": cents(subledger, cur), "control_balance": cents(control, cur),
             "difference": cents(difference, cur), "documents": len(documents),
             "itemised": False}, findings)


def run_tie(ctx, book: Subledger):
    """The whole recon of one subledger: the tie, its open-document count and summary."""
    rows = ctx.rows(book.documents_sql(),
                    document_ref=f"{book.documents}:", document_label=f"{book.document} ",
                    settlement_ref=f"{book.settlements}:", settlement_label=f"{book.settlement} ")
    documents = [(r["ref"], r["label"], r["amount"], r["currency"]) for r in rows]
    if not pack_has_doc_refs(ctx):
        metrics, findings = _total_only(ctx, book, documents)
        if metrics is None:
            return ctx.skip(f"The books carry no doc_ref and the {book.noun} documents are in "
                            f"several currencies: the {book.noun} subledger cannot be tied to "
                            f"the control accounts without knowing each document's posting.")
    else:
        metrics, findings, _ = tie(ctx, subtype=book.subtype, sign=book.sign,
                                   documents=documents, noun=book.noun)
    metrics[f"open_{book.document}s"] = ctx.rows(book.open_count_sql())[0]["open_count"]
    summary = (f"{book.noun} open items {metrics['subledger_open_items']} vs {book.subtype} "
               f"control {metrics['control_balance']} {ctx.currency}: "
               f"difference {metrics['difference']}.")
    return ctx.result(findings, metrics, summary)

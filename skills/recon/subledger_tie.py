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

from dataclasses import dataclass
from decimal import Decimal

from close.money import ZERO, cents
from close.skill import Finding, SkillError
from skills.lib.open_items import Documents, open_documents

# The control-account lines (subtype `$subtype`, or the intercompany `$ic_subtype` when
# the line names a document of this subledger) up to the month end, each with the
# document it names (`doc`, from the Subledger's documents_sql) and its amounts in the
# control direction (`$sign`): `functional`, and `ledger`, what it counts for its
# document in the document's currency (the functional amount, or the transaction amount
# of a line in the document's currency, or nothing: a functional-only line naming a
# foreign document, its rate difference).
CONTROL_LINES = """lines AS (
  SELECT j.je_id, d.ref,
         $sign * CAST(j.debit - j.credit AS DECIMAL(18,4)) AS functional,
         CASE WHEN d.currency = $currency THEN $sign * CAST(j.debit - j.credit AS DECIMAL(18,4))
              WHEN COALESCE(NULLIF(j.currency, ''), $currency) = d.currency
                   AND j.amount_txn IS NOT NULL THEN $sign * CAST(j.amount_txn AS DECIMAL(18,4))
              ELSE CAST(0 AS DECIMAL(18,4)) END AS ledger
  FROM journal_lines j
  JOIN accounts a ON a.account_id = j.account_id
  LEFT JOIN doc d ON d.ref = j.doc_ref
  WHERE j.entity_id = $entity_id AND a.subtype IN ($subtype, $ic_subtype)
    AND j.posting_date <= $month_end
    AND (a.subtype = $subtype OR d.ref IS NOT NULL)
)"""

# The tie, aggregated in DuckDB (a million-line journal has hundreds of thousands of
# documents and control lines; Python sees only what a finding or a total needs). Rows
# by kind:
# - 'currency': per document currency, the documents (n), their subledger and ledger
#   sums, their lines' functional sum, and the first ref (a missing closing rate is
#   reported for the first foreign document, as a per-document loop would);
# - 'document': a document whose lines differ from it (ref, label, currency, subledger,
#   ledger), and 'posting': the entries of such a document's lines (ref, je_id);
# - 'undocumented': an entry whose control lines name no document of this subledger and
#   do not net to zero (je_id, functional).
TIE = """
WITH {documents}, doc AS (
  SELECT ref, label_prefix, label_key, amount AS subledger, COALESCE(NULLIF(currency, ''), $currency) AS currency
  FROM documents
), {lines}, posted AS (
  SELECT l.ref, SUM(l.ledger) AS ledger, SUM(l.functional) AS functional
  FROM lines l
  WHERE l.ref IS NOT NULL
  GROUP BY l.ref
), tied AS (
  SELECT d.ref, d.label_prefix, d.label_key, d.currency, d.subledger,
         COALESCE(p.ledger, 0) AS ledger, COALESCE(p.functional, 0) AS functional
  FROM doc d
  LEFT JOIN posted p ON p.ref = d.ref
), differing AS (
  SELECT t.ref, t.label_prefix || t.label_key AS label, t.currency, t.subledger, t.ledger
  FROM tied t
  WHERE t.ledger <> t.subledger
)
SELECT 'currency' AS kind, MIN(t.ref) AS ref, NULL AS label, t.currency, NULL AS je_id,
       COUNT(*) AS n, SUM(t.subledger) AS subledger, SUM(t.ledger) AS ledger,
       SUM(t.functional) AS functional
FROM tied t
GROUP BY t.currency
UNION ALL
SELECT 'document', f.ref, f.label, f.currency, NULL, 1, f.subledger, f.ledger, NULL
FROM differing f
UNION ALL
SELECT DISTINCT 'posting', f.ref, NULL, NULL, l.je_id, NULL, NULL, NULL, NULL
FROM differing f
JOIN lines l ON l.ref = f.ref
UNION ALL
SELECT 'undocumented', NULL, NULL, NULL, l.je_id, NULL, NULL, NULL, SUM(l.functional)
FROM lines l
WHERE l.ref IS NULL
GROUP BY l.je_id
HAVING SUM(l.functional) <> 0
ORDER BY kind, ref, currency, je_id
"""

# Books without doc_ref: the documents and the control accounts in total only.
TOTALS = """
WITH {documents}, listed AS (
  SELECT COUNT(*) AS documents, SUM(d.amount) AS subledger,
         SUM(CASE WHEN COALESCE(NULLIF(d.currency, ''), $currency) <> $currency
                  THEN 1 ELSE 0 END) AS foreign_documents
  FROM documents d
), control AS (
  SELECT SUM($sign * CAST(j.debit - j.credit AS DECIMAL(18,4))) AS balance
  FROM journal_lines j
  JOIN accounts a ON a.account_id = j.account_id
  WHERE j.entity_id = $entity_id AND a.subtype = $subtype AND j.posting_date <= $month_end
)
SELECT l.documents, COALESCE(l.subledger, 0) AS subledger,
       COALESCE(l.foreign_documents, 0) AS foreign_documents, COALESCE(c.balance, 0) AS control
FROM listed l
CROSS JOIN control c
"""

# One line with a doc_ref is enough to know (counting them all is a scan of the journal).
HAS_DOC_REFS = """
SELECT COUNT(*) AS n
FROM (SELECT j.doc_ref FROM journal_lines j WHERE j.doc_ref IS NOT NULL LIMIT 1) AS found
"""

IC_SUBTYPE = {"receivable": "intercompany_receivable", "payable": "intercompany_payable"}


def pack_has_doc_refs(ctx) -> bool:
    """Whether the books link any posting to a document at all (doc_ref is optional)."""
    return ctx.shared_rows(HAS_DOC_REFS)[0]["n"] > 0


def closing_amount(ctx, currency: str, amount: Decimal) -> Decimal:
    """A document-currency amount in the functional currency at the month's closing rate."""
    if currency == ctx.currency:
        return amount
    rate = ctx.fx.rate(currency, ctx.currency, ctx.month, "closing")
    if rate is None:
        raise SkillError(f"no closing rate {currency}->{ctx.currency} for {ctx.month} to state "
                         f"a {currency} document's difference in {ctx.currency}")
    return amount * rate


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
    party: str         # customer or vendor column
    settlements: str   # receipts or payments table
    settlement_key: str
    settlement: str    # "receipt" / "payment"

    def documents_sql(self) -> str:
        """The `documents` CTE: one row per document effect (ref; label as prefix and key,
        joined only for the few documents a finding names; amount signed in the control
        direction; currency, a settlement taking its document's)."""
        return f"""documents AS (
SELECT $document_ref || {self.key} AS ref, $document_label AS label_prefix, {self.key} AS label_key,
       CAST(net_amount + tax_amount AS DECIMAL(18,4)) AS amount, currency
FROM {self.documents}
WHERE entity_id = $entity_id AND {self.doc_date} <= $month_end
UNION ALL
SELECT $settlement_ref || s.{self.settlement_key} AS ref,
       $settlement_label AS label_prefix, s.{self.settlement_key} AS label_key,
       CAST(-s.amount AS DECIMAL(18,4)) AS amount, d.currency
FROM {self.settlements} s
LEFT JOIN {self.documents} d ON d.{self.key} = s.{self.key}
WHERE s.entity_id = $entity_id AND s.date <= $month_end
)"""

    def words(self) -> dict:
        """The documents_sql parameters: the refs' and labels' prefixes."""
        return {"document_ref": f"{self.documents}:", "document_label": f"{self.document} ",
                "settlement_ref": f"{self.settlements}:",
                "settlement_label": f"{self.settlement} "}

    @property
    def open_items(self) -> Documents:
        """Its documents as the open-item read takes them (skills.lib.open_items)."""
        return Documents(self.documents, self.key, self.party, self.doc_date, self.settlements)

    def control_accounts_sql(self) -> str:
        return "SELECT account_id FROM accounts WHERE subtype = $subtype ORDER BY account_id"


def tie(ctx, book: Subledger) -> tuple[dict, list[Finding]]:
    """Each document against the control lines naming it (TIE). Returns metrics and one
    finding per cause: a document whose lines differ from it, then an entry on the
    control accounts with no document of this subledger."""
    cur, noun = ctx.currency, book.noun
    sql = TIE.format(documents=book.documents_sql(), lines=CONTROL_LINES)
    rows = ctx.rows(sql, sign=book.sign, subtype=book.subtype, ic_subtype=IC_SUBTYPE[book.subtype],
                    currency=cur, **book.words())
    kinds: dict[str, list[dict]] = {"currency": [], "document": [], "posting": [],
                                    "undocumented": []}
    for row in rows:
        kinds[row["kind"]].append(row)
    entries: dict[str, list[str]] = {}
    for row in kinds["posting"]:
        entries.setdefault(row["ref"], []).append(f"journal_lines:{row['je_id']}")

    findings = []
    threshold = ctx.param("threshold")
    rated = ZERO   # the foreign documents' differences at the closing rate
    for doc in sorted(kinds["document"], key=lambda d: d["ref"]):
        currency, ledger, subledger = doc["currency"], doc["ledger"], doc["subledger"]
        difference = closing_amount(ctx, currency, ledger - subledger)
        if currency != cur:
            rated += difference
        amount = cents(difference, cur)
        money = (lambda x, c=currency: f"{cents(x, c)}" + ("" if c == cur else f" {c}"))
        posted = sorted(entries.get(doc["ref"], ()))
        if not posted:
            what = f"is not posted to the {noun} control accounts"
        else:
            what = (f"is posted to the {noun} control accounts as {money(ledger)}, "
                    f"not {money(subledger)}")
        findings.append(Finding(
            "high" if abs(amount) >= threshold else "medium",
            f"{doc['label'].capitalize()} ({money(subledger)}) {what}: correct the posting "
            f"so the {noun} subledger and the GL agree.",
            amount, [doc["ref"], *posted]))
    undocumented = sorted(kinds["undocumented"], key=lambda e: e["je_id"])
    for entry in undocumented:
        ledger, label = entry["functional"], f"entry {entry['je_id']}"
        findings.append(Finding(
            "high" if abs(ledger) >= threshold else "medium",
            f"{label.capitalize()} puts {cents(ledger, cur)} on the {noun} "
            f"control accounts without a {noun} document: reverse it or record the document "
            f"in the subledger.",
            cents(ledger, cur), [f"journal_lines:{entry['je_id']}"]))
    # Open items in the functional currency: a foreign document at what its lines carry,
    # less its difference at the closing rate, so the causes add up to the difference.
    subledger_total = control_total = ZERO
    for group in sorted(kinds["currency"], key=lambda g: g["ref"]):
        control_total += group["functional"]
        if group["currency"] == cur:
            subledger_total += group["subledger"]
        else:
            closing_amount(ctx, group["currency"], ZERO)  # a foreign document needs the rate
            subledger_total += group["functional"]
    subledger_total -= rated
    control_total += sum((e["functional"] for e in undocumented), ZERO)
    difference = control_total - subledger_total
    metrics = {
        "subledger_open_items": cents(subledger_total, cur),
        "control_balance": cents(control_total, cur),
        "difference": cents(difference, cur),
        "documents": sum(g["n"] for g in kinds["currency"]),
        "foreign_currency_documents": sum(g["n"] for g in kinds["currency"]
                                          if g["currency"] != cur),
        "entries_without_document": len(undocumented),
    }
    return metrics, findings


def _total_only(ctx, book: Subledger) -> tuple[dict | None, list[Finding] | None]:
    """Without any doc_ref the control balance can only be compared in total (TOTALS);
    (None, None) when a document is in another currency than the entity's."""
    cur = ctx.currency
    sql = TOTALS.format(documents=book.documents_sql())
    totals = ctx.rows(sql, sign=book.sign, subtype=book.subtype, currency=cur, **book.words())[0]
    if totals["foreign_documents"]:
        return None, None
    subledger, control = totals["subledger"], totals["control"]
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
             "difference": cents(difference, cur), "documents": totals["documents"],
             "itemised": False}, findings)


def run_tie(ctx, book: Subledger):
    """The whole recon of one subledger: the tie, its open-document count and summary."""
    if not pack_has_doc_refs(ctx):
        metrics, findings = _total_only(ctx, book)
        if metrics is None:
            return ctx.skip(f"The books carry no doc_ref and the {book.noun} documents are in "
                            f"several currencies: the {book.noun} subledger cannot be tied to "
                            f"the control accounts without knowing each document's posting.")
    else:
        metrics, findings = tie(ctx, book)
    metrics[f"open_{book.document}s"] = len(open_documents(ctx, book.open_items))
    summary = (f"{book.noun} open items {metrics['subledger_open_items']} vs {book.subtype} "
               f"control {metrics['control_balance']} {ctx.currency}: "
               f"difference {metrics['difference']}.")
    return ctx.result(findings, metrics, summary)

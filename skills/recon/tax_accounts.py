"""Tax accounts against the tax computed from the documents: per document and by balance.

Sales tax, VAT, GST and withholding payable (and input tax receivable) are owed to, or
reclaimed from, an authority on the strength of the documents, while the balance sheet
shows the GL. For the month, each document's tax is recomputed from the subledger and
compared with the tax-account lines (subtypes tax_payable and tax_receivable) whose
doc_ref names it, or whose entry names it on another line (doc_ref is optional; documents
no journal line names are not itemised, the balance tie covers them):

- customer invoice: its tax_amount credited (output tax);
- supplier bill: its tax_amount debited (input tax), or under a reverse-charge code
  rate × net both credited and debited (self-assessed);
- supplier payment: its withholding_amount credited (tax withheld, owed to the authority).

A document whose tax postings differ is a finding (amount: the difference, refs: the
document and its entries).

Movements alone miss an error posted in an earlier month, so each document-driven tax
account's closing balance is also tied (skills/tax/tax_balances.py): the documents since the
books began, less the payments to and offsets with the authority, give the balance it
should hold, month by month. An unexplained rest is one finding per account (refs: the account and the entries
or documents behind it) naming the month in which the difference arose. Income tax and
payroll tax accounts are not document-driven: their provisions and payments are checked
by the tax skills.
"""
from __future__ import annotations

from close.money import ZERO, cents
from close.skill import MATERIALITY, Finding, Money, Skill
from skills.tax import tax_balances

# The month's documents that some journal line names (only those can be itemised), with
# what each should put on the tax accounts (`credited`, `debited`); a reverse-charge
# bill's rate × net is rounded to its currency in Python (expected_tax).
DOCUMENTS = """docs AS (
SELECT 'ar_invoices:' || i.invoice_id AS ref, 'invoice' AS kind, i.net_amount, i.tax_amount,
       t.rate, COALESCE(t.reverse_charge, FALSE) AS reverse_charge, i.currency
FROM ar_invoices i
LEFT JOIN tax_codes t ON t.tax_code = i.tax_code
WHERE i.entity_id = $entity_id AND i.invoice_date BETWEEN $month_start AND $month_end
UNION ALL
SELECT 'ap_bills:' || b.bill_id, 'bill', b.net_amount, b.tax_amount, t.rate,
       COALESCE(t.reverse_charge, FALSE), b.currency
FROM ap_bills b
LEFT JOIN tax_codes t ON t.tax_code = b.tax_code
WHERE b.entity_id = $entity_id AND b.bill_date BETWEEN $month_start AND $month_end
UNION ALL
SELECT 'ap_payments:' || p.payment_id, 'payment', p.amount, COALESCE(p.withholding_amount, 0),
       NULL, FALSE, NULL
FROM ap_payments p
WHERE p.entity_id = $entity_id AND p.date BETWEEN $month_start AND $month_end
), named AS (
SELECT DISTINCT j.doc_ref
FROM journal_lines j
WHERE j.entity_id = $entity_id AND j.doc_ref IN (SELECT d.ref FROM docs d)
), document AS (
SELECT d.ref, d.kind, d.net_amount, d.tax_amount, d.rate, d.reverse_charge, d.currency,
       CASE WHEN d.kind = 'bill' THEN 0 ELSE d.tax_amount END AS credited,
       CASE WHEN d.kind = 'bill' THEN d.tax_amount ELSE 0 END AS debited
FROM docs d
WHERE d.ref IN (SELECT n.doc_ref FROM named n)
)"""

# The month's tax-account lines with the document each names (its doc_ref, or its entry's:
# ENTRY_DOC, looked up only for the entries that need it).
TAX_LINES = """month_line AS (
SELECT j.je_id, NULLIF(j.doc_ref, '') AS own_ref,
       CAST(j.credit - j.debit AS DECIMAL(18,2)) AS credit_positive
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND j.posting_date BETWEEN $month_start AND $month_end
  AND a.subtype IN ('tax_payable', 'tax_receivable')
), """ + tax_balances.MONTH_ENTRY_DOC + """, tax_line AS (
SELECT m.je_id, COALESCE(m.own_ref, e.doc_ref) AS doc_ref, m.credit_positive,
       COALESCE(LEFT(COALESCE(m.own_ref, e.doc_ref), 12) IN ('ar_invoices:', 'ap_payments:')
                OR LEFT(COALESCE(m.own_ref, e.doc_ref), 9) = 'ap_bills:', FALSE) AS of_document
FROM month_line m
LEFT JOIN entry_doc e ON e.je_id = m.je_id
)"""

# The tie per document, in DuckDB (a month of a million-line journal is thousands of
# documents): what each document's lines put on the tax accounts, split into credited and
# debited the way its tax is (an ordinary bill's lines count as input tax debited; a
# reverse-charge bill's debits as its input side, its credits as its output side; any
# other line as tax credited). Rows by kind: 'document', a document or named ref whose
# postings differ from its tax, and every reverse-charge bill (its tax is rounded in
# Python); 'entry', the entries of those refs; 'totals', the month's documents, their
# computed tax without the reverse charges, what the lines posted, and the movement
# naming no document.
TIE = "WITH " + DOCUMENTS + ", " + TAX_LINES + """, posted AS (
SELECT t.doc_ref AS ref,
       SUM(CASE WHEN d.kind = 'bill' AND (NOT d.reverse_charge OR t.credit_positive < 0)
                THEN 0 ELSE t.credit_positive END) AS credited,
       SUM(CASE WHEN d.kind = 'bill' AND (NOT d.reverse_charge OR t.credit_positive < 0)
                THEN -t.credit_positive ELSE 0 END) AS debited
FROM tax_line t
LEFT JOIN document d ON d.ref = t.doc_ref
WHERE t.of_document
GROUP BY t.doc_ref
), compared AS (
SELECT COALESCE(d.ref, p.ref) AS ref, d.ref IS NOT NULL AS is_document, d.kind, d.net_amount,
       d.rate, d.reverse_charge, d.currency,
       COALESCE(d.credited, 0) AS want_credited, COALESCE(d.debited, 0) AS want_debited,
       COALESCE(p.credited, 0) AS credited, COALESCE(p.debited, 0) AS debited
FROM document d
FULL OUTER JOIN posted p ON p.ref = d.ref
), listed AS (
SELECT c.* FROM compared c
WHERE (c.kind = 'bill' AND c.reverse_charge)
   OR c.credited <> c.want_credited OR c.debited <> c.want_debited
)
SELECT 'document' AS kind, l.ref, NULL AS je_id, l.is_document, l.kind AS doc_kind,
       l.net_amount, l.rate, l.reverse_charge, l.currency, l.want_credited, l.want_debited,
       l.credited, l.debited, NULL AS documents, NULL AS posted_refs
FROM listed l
UNION ALL
SELECT DISTINCT 'entry', l.ref, t.je_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL
FROM listed l
JOIN tax_line t ON t.doc_ref = l.ref AND t.of_document
UNION ALL
SELECT 'totals', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       (SELECT COALESCE(SUM(c.want_credited), 0) FROM compared c
        WHERE c.is_document AND NOT (c.kind = 'bill' AND c.reverse_charge)),
       (SELECT COALESCE(SUM(c.want_debited), 0) FROM compared c
        WHERE c.is_document AND NOT (c.kind = 'bill' AND c.reverse_charge)),
       (SELECT COALESCE(SUM(t.credit_positive), 0) FROM tax_line t WHERE NOT t.of_document),
       NULL,
       (SELECT COUNT(*) FROM document),
       (SELECT COUNT(*) FROM posted)
ORDER BY kind, ref, je_id
"""

BALANCES = """
SELECT a.account_id, CAST(SUM(j.credit - j.debit) AS DECIMAL(18,2)) AS balance
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end
  AND a.subtype IN ('tax_payable', 'tax_receivable')
GROUP BY a.account_id
ORDER BY a.account_id
"""


def expected_tax(doc: dict) -> tuple:
    """(tax credited, tax debited) a reverse-charge bill should put on the tax accounts:
    rate × net both ways, rounded to the bill's currency. TIE computes the others: an
    invoice's tax_amount credited, a payment's withholding credited, a bill's tax debited."""
    rc = cents(doc["net_amount"] * doc["rate"], doc["currency"])
    return rc, rc


def run(ctx):
    rows = ctx.rows(TIE)
    totals = next(r for r in rows if r["kind"] == "totals")
    entries: dict[str, list] = {}
    for r in rows:
        if r["kind"] == "entry":
            entries.setdefault(r["ref"], []).append(f"journal_lines:{r['je_id']}")
    threshold = ctx.param("threshold")
    findings = []
    computed_credit, computed_debit = totals["want_credited"], totals["want_debited"]
    for doc in sorted((r for r in rows if r["kind"] == "document"), key=lambda r: r["ref"]):
        ref = doc["ref"]
        if doc["doc_kind"] == "bill" and doc["reverse_charge"]:
            want = expected_tax(doc)
            computed_credit += want[0]
            computed_debit += want[1]
        else:
            want = (doc["want_credited"], doc["want_debited"])
        got = (doc["credited"], doc["debited"])
        if got == want:
            continue
        diff = (got[0] - got[1]) - (want[0] - want[1])
        size = diff if diff != ZERO else max(abs(got[0] - want[0]), abs(got[1] - want[1]))
        if doc["is_document"]:
            c = ctx.currency
            message = (f"{ref}: its tax is {cents(want[0], c)} credited / {cents(want[1], c)} "
                       f"debited on the tax accounts, the GL has {cents(got[0], c)} / "
                       f"{cents(got[1], c)} in "
                       f"{ctx.month}: correct the posting.")
        else:
            message = (f"{ref} puts tax on the tax accounts in {ctx.month} but is not a document "
                       f"of the month: check its date and posting.")
        findings.append(Finding("high" if abs(size) >= threshold else "medium", message,
                                cents(size, ctx.currency), [ref, *sorted(entries.get(ref, ()))]))
    differences, tied = tax_balances.balance_differences(ctx, reported={f.refs[0] for f in findings})
    for diff in differences:
        findings.append(Finding("high" if abs(diff["amount"]) >= threshold else "medium",
                                tax_balances.describe(diff, ctx.month, ctx.currency),
                                diff["amount"], diff["refs"]))
    metrics = {"documents": totals["documents"],
               "tax_credited_computed": cents(computed_credit, ctx.currency),
               "tax_debited_computed": cents(computed_debit, ctx.currency),
               "movement_without_document": cents(totals["credited"], ctx.currency),
               "balances": [{"account_id": r["account_id"], "balance": r["balance"]}
                            for r in ctx.rows(BALANCES)],
               "balances_tied": tied}
    if not totals["documents"] and not totals["posted_refs"] and not tied:
        return ctx.skip(f"{ctx.entity.id} has no tax documents and no document-driven tax "
                        f"account: nothing to reconcile.")
    summary = (f"{totals['documents']} document(s) in {ctx.month}; "
               f"{len(findings) - len(differences)} whose "
               f"tax postings differ from the tax computed; {len(tied)} tax account balance(s) "
               f"tied, {len(differences)} with an unexplained difference.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="recon.tax_accounts",
    title="Tax accounts vs tax from documents",
    description=(
        "For the month, recomputes each document's tax effect (invoice tax credited; bill tax "
        "debited, or rate × net both ways under reverse charge; payment withholding credited) "
        "and compares it with the lines on tax-payable and tax-receivable accounts whose "
        "doc_ref, or whose entry's doc_ref, names the document (a finding per document that "
        "differs). Then ties each document-driven tax account's closing balance to what all "
        "documents since the books began imply, less payments to the authority (entries on "
        "cash and tax accounts only), month by month; an unexplained rest is a finding on "
        "the account naming the month it arose. Income and payroll tax accounts are left to "
        "the tax skills."
    ),
    needs=("ar_invoices", "ap_bills", "ap_payments", "tax_codes", "journal_lines", "accounts"),
    params={"threshold": Money(MATERIALITY, "differences at or above this are high severity")},
    run=run,
)

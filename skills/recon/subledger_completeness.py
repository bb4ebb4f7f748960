"""Subledger completeness: every AR/AP document is posted, every control-account line has one.

The two directions catch different failures: a document with no GL posting is revenue,
cost or cash missing from the books (an interface that dropped a batch); a line on a
receivable or payable account with no document behind it is a balance nobody can
collect or pay (a manual entry straight to the control account). For the month:

- every invoice, receipt, bill and payment dated in it must have at least one journal
  line whose doc_ref names it (`ar_invoices:<id>`, `ar_receipts:<id>`, `ap_bills:<id>`,
  `ap_payments:<id>`);
- every line on a receivable or payable account posted in it must carry a doc_ref that
  names a document of the pack's AR or AP tables.

The check is defined on `doc_ref`, which LEDGER-PACK.md makes optional: books whose
lines carry no doc_ref at all cannot say which posting is which document's, so the skill
is skipped with that reason rather than reporting every document as unposted (the
subledger recons still compare the balances in total).
"""
from __future__ import annotations

from close.money import ZERO, cents
from close.skill import MATERIALITY, Finding, Money, Skill
from skills.recon.subledger_tie import closing_amount, pack_has_doc_refs

# `posted` keeps only the refs of the month's documents before it drops duplicates: the
# entity's lines name hundreds of thousands of documents, the month has a few thousand.
UNPOSTED = """
WITH docs AS (
  SELECT 'ar_invoices:' || invoice_id AS ref, 'Invoice' AS kind, invoice_date AS doc_date,
         CAST(net_amount + tax_amount AS DECIMAL(18,4)) AS amount, currency
  FROM ar_invoices WHERE entity_id = $entity_id AND invoice_date BETWEEN $month_start AND $month_end
  UNION ALL
  SELECT 'ar_receipts:' || r.receipt_id, 'Receipt', r.date, r.amount, i.currency
  FROM ar_receipts r LEFT JOIN ar_invoices i ON i.invoice_id = r.invoice_id
  WHERE r.entity_id = $entity_id AND r.date BETWEEN $month_start AND $month_end
  UNION ALL
  SELECT 'ap_bills:' || bill_id, 'Bill', bill_date, CAST(net_amount + tax_amount AS DECIMAL(18,4)), currency
  FROM ap_bills WHERE entity_id = $entity_id AND bill_date BETWEEN $month_start AND $month_end
  UNION ALL
  SELECT 'ap_payments:' || p.payment_id, 'Payment', p.date, p.amount, b.currency
  FROM ap_payments p LEFT JOIN ap_bills b ON b.bill_id = p.bill_id
  WHERE p.entity_id = $entity_id AND p.date BETWEEN $month_start AND $month_end
),
posted AS (
  SELECT DISTINCT doc_ref FROM journal_lines
  WHERE entity_id = $entity_id AND doc_ref IN (SELECT ref FROM docs)
)
SELECT d.ref, d.kind, d.doc_date, d.amount, d.currency
FROM docs d
LEFT JOIN posted p ON p.doc_ref = d.ref
WHERE p.doc_ref IS NULL
ORDER BY d.ref
"""

UNDOCUMENTED = """
WITH known AS (
  SELECT 'ar_invoices:' || invoice_id AS ref FROM ar_invoices WHERE entity_id = $entity_id
  UNION ALL SELECT 'ar_receipts:' || receipt_id FROM ar_receipts WHERE entity_id = $entity_id
  UNION ALL SELECT 'ap_bills:' || bill_id FROM ap_bills WHERE entity_id = $entity_id
  UNION ALL SELECT 'ap_payments:' || payment_id FROM ap_payments WHERE entity_id = $entity_id
)
SELECT j.je_id, j.account_id, a.subtype, MIN(j.doc_ref) AS doc_ref,
       CAST(SUM(j.debit - j.credit) AS DECIMAL(18,2)) AS amount
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
LEFT JOIN known k ON k.ref = j.doc_ref
WHERE j.entity_id = $entity_id AND a.subtype IN ('receivable', 'payable')
  AND j.posting_date BETWEEN $month_start AND $month_end AND k.ref IS NULL
GROUP BY j.je_id, j.account_id, a.subtype
ORDER BY j.je_id, j.account_id
"""


def run(ctx):
    if not pack_has_doc_refs(ctx):
        return ctx.skip("The journal carries no doc_ref: postings cannot be linked to AR/AP "
                        "documents, so completeness by document cannot be checked.")
    threshold = ctx.param("threshold")
    cur = ctx.currency
    findings = []
    unposted = ctx.rows(UNPOSTED)
    for d in unposted:
        currency = d["currency"] or cur
        amount = cents(closing_amount(ctx, currency, d["amount"]), cur)
        said = f"{cents(d['amount'], currency)} {currency}"
        findings.append(Finding(
            "high" if abs(amount) >= threshold else "medium",
            f"{d['kind']} {d['ref'].split(':', 1)[1]} of {said} dated "
            f"{d['doc_date']} has no journal line: post it (doc_ref {d['ref']}).",
            amount, [d["ref"]]))
    undocumented = [r for r in ctx.rows(UNDOCUMENTED) if r["amount"] != ZERO]
    for r in undocumented:
        said = f"names {r['doc_ref']}, which is not in the subledger" if r["doc_ref"] else "names no document"
        findings.append(Finding(
            "high" if abs(r["amount"]) >= threshold else "medium",
            f"Entry {r['je_id']} puts {cents(r['amount'], cur)} on {r['subtype']} account "
            f"{r['account_id']} and {said}: record the document or reverse the entry.",
            cents(r["amount"], cur), [f"journal_lines:{r['je_id']}"]))
    metrics = {"documents_unposted": len(unposted), "control_entries_undocumented": len(undocumented)}
    summary = (f"{ctx.month}: {len(unposted)} AR/AP document(s) without a posting, "
               f"{len(undocumented)} control-account entr(ies) without a document.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="recon.subledger_completeness",
    title="Subledger completeness",
    description=(
        "For the month: every AR invoice, receipt, AP bill and payment must have a journal "
        "line whose doc_ref names it, and every line on a receivable or payable account must "
        "name (doc_ref) a document of the AR/AP tables. A finding per unposted document "
        "(amount: its gross) and per control-account entry without a document (amount: its "
        "effect on the account). Skipped when the journal carries no doc_ref at all."
    ),
    needs=("ar_invoices", "ar_receipts", "ap_bills", "ap_payments", "journal_lines", "accounts"),
    params={"threshold": Money(MATERIALITY, "amounts at or above this are high severity")},
    run=run,
)

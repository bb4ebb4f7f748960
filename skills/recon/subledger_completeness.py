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
"""
from __future__ import annotations

from close.money import ZERO, cents
from close.skill import MATERIALITY, Finding, Money, Skill

UNPOSTED = """
WITH docs AS (
  SELECT 'ar_invoices:' || invoice_id AS ref, 'Invoice' AS kind, invoice_date AS doc_date,
         CAST(net_amount + tax_amount AS DECIMAL(18,2)) AS amount
  FROM ar_invoices WHERE entity_id = $entity_id AND invoice_date BETWEEN $month_start AND $month_end
  UNION ALL
  SELECT 'ar_receipts:' || receipt_id, 'Receipt', date, amount
  FROM ar_receipts WHERE entity_id = $entity_id AND date BETWEEN $month_start AND $month_end
  UNION ALL
  SELECT 'ap_bills:' || bill_id, 'Bill', bill_date, CAST(net_amount + tax_amount AS DECIMAL(18,2))
  FROM ap_bills WHERE entity_id = $entity_id AND bill_date BETWEEN $month_start AND $month_end
  UNION ALL
  SELECT 'ap_payments:' || payment_id, 'Payment', date, amount
  FROM ap_payments WHERE entity_id = $entity_id AND date BETWEEN $month_start AND $month_end
),
posted AS (
  SELECT DISTINCT doc_ref FROM journal_lines
  WHERE entity_id = $entity_id AND doc_ref IS NOT NULL
)
SELECT d.ref, d.kind, d.doc_date, d.amount
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
    threshold = ctx.param("threshold")
    findings = []
    unposted = ctx.rows(UNPOSTED)
    for d in unposted:
        findings.append(Finding(
            "high" if abs(d["amount"]) >= threshold else "medium",
            f"{d['kind']} {d['ref'].split(':', 1)[1]} of {cents(d['amount'])} dated "
            f"{d['doc_date']} has no journal line: post it (doc_ref {d['ref']}).",
            d["amount"], [d["ref"]]))
    undocumented = [r for r in ctx.rows(UNDOCUMENTED) if r["amount"] != ZERO]
    for r in undocumented:
        said = f"names {r['doc_ref']}, which is not in the subledger" if r["doc_ref"] else "names no document"
        findings.append(Finding(
            "high" if abs(r["amount"]) >= threshold else "medium",
            f"Entry {r['je_id']} puts {cents(r['amount'])} on {r['subtype']} account "
            f"{r['account_id']} and {said}: record the document or reverse the entry.",
            r["amount"], [f"journal_lines:{r['je_id']}"]))
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
        "effect on the account)."
    ),
    needs=("ar_invoices", "ar_receipts", "ap_bills", "ap_payments", "journal_lines", "accounts"),
    params={"threshold": Money(MATERIALITY, "amounts at or above this are high severity")},
    run=run,
)

"""AR subledger to GL: open invoices at month end tie to the receivable control accounts.

The balance sheet shows receivables from the GL; collections, dunning and the allowance
work from the open-item list. If the two disagree, one of them is wrong. Open items are
each invoice's gross (net + tax) less the receipts against it, both dated up to the
month end; the control accounts are every account of subtype `receivable`. The
difference is split into its causes: an invoice or receipt posted with another amount
or not at all, and entries on the control accounts with no AR document behind them.
"""
from close.skill import MATERIALITY, Money, Skill
from skills.recon.subledger_tie import tie

DOCUMENTS = """
SELECT 'ar_invoices:' || invoice_id AS ref, 'invoice ' || invoice_id AS label,
       CAST(net_amount + tax_amount AS DECIMAL(18,2)) AS amount
FROM ar_invoices
WHERE entity_id = $entity_id AND invoice_date <= $month_end
UNION ALL
SELECT 'ar_receipts:' || receipt_id AS ref, 'receipt ' || receipt_id AS label,
       CAST(-amount AS DECIMAL(18,2)) AS amount
FROM ar_receipts
WHERE entity_id = $entity_id AND date <= $month_end
ORDER BY ref
"""

OPEN_INVOICES = """
WITH paid AS (
  SELECT invoice_id, SUM(amount) AS received
  FROM ar_receipts
  WHERE entity_id = $entity_id AND date <= $month_end
  GROUP BY invoice_id
)
SELECT COUNT(*) AS open_invoices
FROM ar_invoices i
LEFT JOIN paid p ON p.invoice_id = i.invoice_id
WHERE i.entity_id = $entity_id AND i.invoice_date <= $month_end
  AND i.net_amount + i.tax_amount - COALESCE(p.received, 0) <> 0
"""


def run(ctx):
    documents = [(r["ref"], r["label"], r["amount"]) for r in ctx.rows(DOCUMENTS)]
    metrics, findings, _ = tie(ctx, subtype="receivable", sign=1, documents=documents,
                               noun="AR")
    metrics["open_invoices"] = ctx.rows(OPEN_INVOICES)[0]["open_invoices"]
    summary = (f"AR open items {metrics['subledger_open_items']} vs receivable control "
               f"{metrics['control_balance']} {ctx.currency}: difference {metrics['difference']}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="recon.ar_subledger",
    title="AR subledger to GL",
    description=(
        "Ties the AR open items at month end (invoice gross less receipts, both dated up to "
        "the month end) to the balance of the receivable control accounts (subtype "
        "receivable). Each invoice and receipt is compared with the control-account lines "
        "whose doc_ref names it, so the difference is split into causes: a document posted "
        "with another amount, twice or not at all (refs: the document and its entries), and "
        "control-account entries with no AR document (refs: the entries). Post or correct "
        "each so the open-item list and the GL agree."
    ),
    needs=("ar_invoices", "ar_receipts", "journal_lines", "accounts"),
    params={"threshold": Money(MATERIALITY, "differences at or above this are high severity")},
    run=run,
)

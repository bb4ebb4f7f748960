"""AP subledger to GL: open bills at month end tie to the payable control accounts.

What the company owes its suppliers is paid from the open-bill list, while the balance
sheet shows the GL. Open items are each bill's gross (net + tax) less the payments
against it; a payment's `amount` is what it settles on the bill, withholding included
(LEDGER-PACK.md: cash paid is amount less withholding, the withheld part goes to the tax
authority, but the supplier's bill is settled by the whole amount). Control accounts are
the accounts of subtype `payable`, credit positive. The difference is split into causes:
a bill or payment posted with another amount or not at all, and entries on the control
accounts with no AP document behind them.
"""
from close.skill import MATERIALITY, Money, Skill
from skills.recon.subledger_tie import tie

DOCUMENTS = """
SELECT 'ap_bills:' || bill_id AS ref, 'bill ' || bill_id AS label,
       CAST(net_amount + tax_amount AS DECIMAL(18,2)) AS amount
FROM ap_bills
WHERE entity_id = $entity_id AND bill_date <= $month_end
UNION ALL
SELECT 'ap_payments:' || payment_id AS ref, 'payment ' || payment_id AS label,
       CAST(-amount AS DECIMAL(18,2)) AS amount
FROM ap_payments
WHERE entity_id = $entity_id AND date <= $month_end
ORDER BY ref
"""

OPEN_BILLS = """
WITH paid AS (
  SELECT bill_id, SUM(amount) AS settled
  FROM ap_payments
  WHERE entity_id = $entity_id AND date <= $month_end
  GROUP BY bill_id
)
SELECT COUNT(*) AS open_bills
FROM ap_bills b
LEFT JOIN paid p ON p.bill_id = b.bill_id
WHERE b.entity_id = $entity_id AND b.bill_date <= $month_end
  AND b.net_amount + b.tax_amount - COALESCE(p.settled, 0) <> 0
"""


def run(ctx):
    documents = [(r["ref"], r["label"], r["amount"]) for r in ctx.rows(DOCUMENTS)]
    metrics, findings, _ = tie(ctx, subtype="payable", sign=-1, documents=documents,
                               noun="AP")
    metrics["open_bills"] = ctx.rows(OPEN_BILLS)[0]["open_bills"]
    summary = (f"AP open items {metrics['subledger_open_items']} vs payable control "
               f"{metrics['control_balance']} {ctx.currency}: difference {metrics['difference']}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="recon.ap_subledger",
    title="AP subledger to GL",
    description=(
        "Ties the AP open items at month end (bill gross less payments, a payment's amount "
        "including any withholding, both dated up to the month end) to the balance of the "
        "payable control accounts (subtype payable, credit positive). Each bill and payment "
        "is compared with the control-account lines whose doc_ref names it, so the "
        "difference is split into causes: a document posted with another amount, twice or "
        "not at all (refs: the document and its entries), and control-account entries with "
        "no AP document (refs: the entries). Post or correct each so the open-bill list and "
        "the GL agree."
    ),
    needs=("ap_bills", "ap_payments", "journal_lines", "accounts"),
    params={"threshold": Money(MATERIALITY, "differences at or above this are high severity")},
    run=run,
)

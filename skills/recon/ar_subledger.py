"""AR subledger to GL: open invoices at month end tie to the receivable control accounts.

The balance sheet shows receivables from the GL; collections, dunning and the allowance
work from the open-item list. If the two disagree, one of them is wrong. Open items are
each invoice's gross (net + tax) less the receipts against it, both dated up to the
month end; the control accounts are every account of subtype `receivable`. The
difference is split into its causes: an invoice or receipt posted with another amount
or not at all, and entries on the control accounts with no AR document behind them.
"""
from close.skill import MATERIALITY, Money, Skill
from skills.recon.subledger_tie import Subledger, run_tie

RECEIVABLES = Subledger(noun="AR", subtype="receivable", sign=1, documents="ar_invoices",
                        key="invoice_id", doc_date="invoice_date", document="invoice",
                        party="customer_id", settlements="ar_receipts",
                        settlement_key="receipt_id", settlement="receipt")


def run(ctx):
    return run_tie(ctx, RECEIVABLES)


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

"""Receivables aging and DSO: how old the money customers owe is.

Cash collection problems show up in the aging long before they reach the bad-debt line.
Open invoices at month end (gross less receipts to date) are bucketed by days past due
(current, 1-30, 31-60, 61-90, over 90) in the entity's currency, with days sales
outstanding over the last three months. Reports only: overdue items are
recon.allowance_adequacy's findings.
"""
from close.skill import Int, Skill
from skills.flux._aging import Ledger, run_aging

RECEIVABLES = Ledger(label="AR", noun="invoices", documents="ar_invoices", key="invoice_id",
                     party="customer_id", doc_date="invoice_date", settlements="ar_receipts",
                     ratio="dso", flow="sales")


def run(ctx):
    return run_aging(ctx, RECEIVABLES)


SKILL = Skill(
    id="flux.ar_aging",
    title="Receivables aging and DSO",
    description=(
        "Open customer invoices at month end (net + tax less receipts dated to month end), "
        "aged by days past due into current, 1-30, 31-60, 61-90 and over 90 days, in the "
        "entity's currency at the closing rate, with the ten largest overdue items and days "
        "sales outstanding (AR / invoiced sales of the last N months x their days, default "
        "3). Reports only; a missing FX rate is a high finding."
    ),
    needs=("ar_invoices", "ar_receipts"),
    params={"dso_months": Int(3, "months of sales DSO is measured against")},
    run=run,
)

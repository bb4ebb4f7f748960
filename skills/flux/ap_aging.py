"""Payables aging and DPO: what the entity owes suppliers, and how late it pays.

Paying late costs supplier goodwill; paying early costs cash. Open bills at month end
(gross less payments to date, withholding included) are bucketed by days past due, with
days payable outstanding over the last three months. Reports only.
"""
from close.skill import Int, Skill
from skills.flux._aging import Ledger, run_aging

PAYABLES = Ledger(label="AP", noun="bills", documents="ap_bills", key="bill_id",
                  party="vendor_id", doc_date="bill_date", settlements="ap_payments",
                  ratio="dpo", flow="purchases")


def run(ctx):
    return run_aging(ctx, PAYABLES)


SKILL = Skill(
    id="flux.ap_aging",
    title="Payables aging and DPO",
    description=(
        "Open supplier bills at month end (net + tax less payments dated to month end, "
        "withholding included), aged by days past due into current, 1-30, 31-60, 61-90 and "
        "over 90 days, in the entity's currency at the closing rate, with the ten largest "
        "overdue bills and days payable outstanding (AP / bills of the last N months x their "
        "days, default 3). Reports only; a missing FX rate is a high finding."
    ),
    needs=("ap_bills", "ap_payments"),
    params={"dpo_months": Int(3, "months of purchases DPO is measured against")},
    run=run,
)

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
from skills.recon.subledger_tie import Subledger, run_tie

PAYABLES = Subledger(noun="AP", subtype="payable", sign=-1, documents="ap_bills", key="bill_id",
                     doc_date="bill_date", document="bill", party="vendor_id", settlements="ap_payments",
                     settlement_key="payment_id", settlement="payment")


def run(ctx):
    return run_tie(ctx, PAYABLES)


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

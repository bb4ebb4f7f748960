"""Reverse charge on cross-border services: the buyer self-assesses the VAT.

When a business buys services from a supplier in another country, the supplier charges
no VAT and the buyer declares it as output and input tax at once (reverse charge).
Forgetting it understates both boxes of the VAT return, a classic audit adjustment with
penalties even when the net effect is nil. For entities whose country has a
reverse-charge code (tax_codes.reverse_charge, jurisdiction = the entity's country), each
supplier bill of the month:

- from a supplier in another country, for services (the expense account is not
  inventory, cost of sales or a fixed asset): it must carry the reverse-charge code and
  no VAT from the supplier. Missing reverse charge: amount = the code's rate × net;
  foreign VAT charged on the bill: amount = that tax;
- from a domestic supplier: it must not carry the reverse-charge code (amount: rate × net).

Carrying the code is not enough: the self-assessed VAT must be in the books, as output
and input tax. A reverse-charged bill whose entry (lines naming it by doc_ref) is in the
GL but whose tax-account lines (naming it, or in its entry) do not credit and debit
rate × net is a finding (amount:
the larger shortfall). A bill without any doc_ref'd line cannot be itemised and is not
judged on its posting. Entities whose country has no reverse-charge code are skipped.
"""
from __future__ import annotations

from close.money import ZERO, cents
from close.skill import Finding, Skill
from skills.tax import tax_balances

RC_CODES = """
SELECT tax_code, rate, effective_from, effective_to
FROM tax_codes
WHERE reverse_charge AND tax_type IN ('vat', 'gst') AND jurisdiction = $country
ORDER BY tax_code
"""

BILLS = """
SELECT b.bill_id, b.bill_date, b.net_amount, b.tax_amount, b.tax_code, b.currency,
       v.vendor_id, v.name, v.country, a.subtype AS expense_subtype
FROM ap_bills b
JOIN vendors v ON v.vendor_id = b.vendor_id
JOIN accounts a ON a.account_id = b.expense_account_id
WHERE b.entity_id = $entity_id AND b.bill_date BETWEEN $month_start AND $month_end
ORDER BY b.bill_id
"""

POSTED = "WITH " + tax_balances.ENTRY_DOC + """
SELECT COALESCE(NULLIF(j.doc_ref, ''), e.doc_ref) AS doc_ref,
       COUNT(*) AS lines,
       CAST(SUM(CASE WHEN a.subtype IN ('tax_payable', 'tax_receivable') THEN j.credit ELSE 0 END)
            AS DECIMAL(18,2)) AS tax_credit,
       CAST(SUM(CASE WHEN a.subtype IN ('tax_payable', 'tax_receivable') THEN j.debit ELSE 0 END)
            AS DECIMAL(18,2)) AS tax_debit
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
LEFT JOIN entry_doc e ON e.je_id = j.je_id
WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end
  AND COALESCE(NULLIF(j.doc_ref, ''), e.doc_ref) LIKE 'ap_bills:%'
GROUP BY COALESCE(NULLIF(j.doc_ref, ''), e.doc_ref)
"""

GOODS = ("inventory", "cogs", "fixed_asset")


def run(ctx):
    codes = ctx.rows(RC_CODES, country=ctx.entity.country)
    if not codes:
        return ctx.skip(f"{ctx.entity.country} has no reverse-charge VAT code: reverse charge "
                        f"does not apply to {ctx.entity.id}.")
    by_code = {c["tax_code"]: c for c in codes}
    posted = {r["doc_ref"]: r for r in ctx.rows(POSTED)}
    findings, checked = [], 0
    for bill in ctx.rows(BILLS):
        live = [c for c in codes if c["effective_from"] <= bill["bill_date"]
                and (c["effective_to"] is None or c["effective_to"] >= bill["bill_date"])]
        if not live:
            continue
        code = live[0]
        vat = cents(bill["net_amount"] * code["rate"], bill["currency"])
        refs = [f"ap_bills:{bill['bill_id']}", f"vendors:{bill['vendor_id']}"]
        foreign = bill["country"] != ctx.entity.country
        services = bill["expense_subtype"] not in GOODS
        if foreign and services:
            checked += 1
            if bill["tax_code"] not in by_code:
                findings.append(Finding(
                    "medium",
                    f"Bill {bill['bill_id']} for services from {bill['name']} ({bill['country']}) "
                    f"carries {bill['tax_code'] or 'no tax code'} instead of reverse charge "
                    f"{code['tax_code']}: self-assess {vat} VAT ({code['rate'].normalize():f} × "
                    f"{bill['net_amount']}) as output and input tax.",
                    vat, refs))
            elif bill["tax_amount"] != ZERO:
                findings.append(Finding(
                    "medium",
                    f"Bill {bill['bill_id']} from {bill['name']} ({bill['country']}) is reverse "
                    f"charged but the supplier also charged {bill['tax_amount']} VAT: ask for a "
                    f"corrected invoice, it is not recoverable.",
                    bill["tax_amount"], refs))
            else:
                gl = posted.get(refs[0])
                own = cents(bill["net_amount"] * by_code[bill["tax_code"]]["rate"], bill["currency"])
                if gl is not None:
                    short = max(own - gl["tax_credit"], own - gl["tax_debit"])
                    if short > ZERO:
                        findings.append(Finding(
                            "medium",
                            f"Bill {bill['bill_id']} from {bill['name']} ({bill['country']}) "
                            f"carries reverse charge {bill['tax_code']} but its entry puts "
                            f"{gl['tax_credit']} output / {gl['tax_debit']} input VAT on the "
                            f"tax accounts instead of {own} each: post the self-assessed VAT.",
                            short, refs))
        elif bill["tax_code"] in by_code:
            checked += 1
            why = "a domestic supplier" if not foreign else "goods, not services"
            findings.append(Finding(
                "medium",
                f"Bill {bill['bill_id']} from {bill['name']} is reverse charged but is from {why}: "
                f"the {vat} VAT self-assessed on it should be charged by the supplier instead.",
                vat, refs))
    metrics = {"bills_checked": checked, "findings": len(findings)}
    summary = f"{checked} cross-border service bill(s) in {ctx.month}; {len(findings)} without a correct reverse charge."
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="tax.vat_reverse_charge",
    title="Reverse charge on cross-border services",
    description=(
        "Where the entity's country has a reverse-charge code: each supplier bill of the month "
        "for services (expense account not inventory, cost of sales or fixed asset) from a "
        "supplier in another country must carry the reverse-charge code and no supplier VAT; "
        "bills from domestic suppliers must not; a reverse-charged bill's entry must post "
        "rate × net as both output and input VAT. Findings per bill: the VAT to self-assess "
        "(rate × net), the shortfall in the GL, or the foreign VAT charged. Skipped where the "
        "entity's country has no reverse-charge code."
    ),
    needs=("ap_bills", "vendors", "tax_codes", "accounts"),
    run=run,
)

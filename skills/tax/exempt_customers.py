"""Exempt and taxable customers: tax charged where none is due, or missing where it is.

Charging sales tax to an exempt customer (a charity, a reseller with a resale
certificate) overbills them and the tax must be refunded; not charging a taxable one
leaves the company owing the tax itself. For each customer invoice of the month:

- the customer is exempt (customers.tax_exempt) and the invoice carries tax: amount = the
  tax charged;
- the customer is taxable and in the entity's country, the invoice carries no tax, and a
  tax is due where the customer is: an output code (sales tax, VAT or GST, on a
  tax-payable account, not reverse charge, rate above zero, in force on the invoice
  date) for the customer's country-region (`US-CA`, `CA-ON`), else for its country. The
  amount is that rate × net, rounded half away from zero. Exports and states without a
  code (no sales tax) are not expected to carry tax. Only domestic sales are expected to
  carry tax (exports are zero-rated or outside the scope).
"""
from __future__ import annotations

from close.money import ZERO, cents
from close.skill import Finding, Skill

INVOICES = """
SELECT i.invoice_id, i.invoice_date, i.net_amount, i.tax_amount, i.tax_code, i.currency,
       c.customer_id, c.name, c.country, c.region, c.tax_exempt
FROM ar_invoices i
JOIN customers c ON c.customer_id = i.customer_id
WHERE i.entity_id = $entity_id AND i.invoice_date BETWEEN $month_start AND $month_end
ORDER BY i.invoice_id
"""

OUTPUT_CODES = """
SELECT t.tax_code, t.jurisdiction, t.rate, t.effective_from, t.effective_to
FROM tax_codes t
JOIN accounts a ON a.account_id = t.gl_account_id
WHERE t.tax_type IN ('sales_tax', 'vat', 'gst') AND a.subtype = 'tax_payable'
  AND NOT t.reverse_charge AND t.rate > 0
ORDER BY t.tax_code
"""


def due_code(codes: list[dict], invoice: dict, home_country: str) -> dict | None:
    """The output code a taxable customer's invoice should carry, if any."""
    day = invoice["invoice_date"]
    live = [c for c in codes if c["effective_from"] <= day
            and (c["effective_to"] is None or c["effective_to"] >= day)]
    if invoice["country"] != home_country:
        return None  # an export: no domestic tax is due
    local = f"{invoice['country']}-{invoice['region']}" if invoice["region"] else None
    for wanted in ([local] if local else []) + [invoice["country"]]:
        hits = sorted((c for c in live if c["jurisdiction"] == wanted), key=lambda c: (-c["rate"], c["tax_code"]))
        if hits:
            return hits[0]
    return None


def run(ctx):
    invoices = ctx.rows(INVOICES)
    codes = ctx.rows(OUTPUT_CODES)
    findings = []
    exempt_count = 0
    for inv in invoices:
        ref = [f"ar_invoices:{inv['invoice_id']}", f"customers:{inv['customer_id']}"]
        if inv["tax_exempt"]:
            exempt_count += 1
            if inv["tax_amount"] != ZERO:
                findings.append(Finding(
                    "medium",
                    f"Invoice {inv['invoice_id']} charges {inv['tax_amount']} {inv['currency']} tax "
                    f"({inv['tax_code'] or 'no code'}) to {inv['name']}, an exempt customer: issue "
                    f"a credit note for the tax and refund it.",
                    inv["tax_amount"], ref))
            continue
        if inv["tax_amount"] != ZERO:
            continue
        code = due_code(codes, inv, ctx.entity.country)
        if code is None:
            continue
        missing = cents(inv["net_amount"] * code["rate"], inv["currency"])
        if missing == ZERO:
            continue
        findings.append(Finding(
            "medium",
            f"Invoice {inv['invoice_id']} to {inv['name']} ({inv['country']}"
            f"{'-' + inv['region'] if inv['region'] else ''}), a taxable customer, carries no tax; "
            f"{code['tax_code']} at {code['rate'].normalize():f} gives {missing}: invoice the tax "
            f"or record the customer's exemption.",
            missing, ref))
    metrics = {"invoices": len(invoices), "to_exempt_customers": exempt_count,
               "findings": len(findings)}
    summary = (f"{len(invoices)} invoice(s) in {ctx.month}, {exempt_count} to exempt customers; "
               f"{len(findings)} with tax wrongly charged or missing.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="tax.exempt_customers",
    title="Tax on exempt and taxable customers",
    description=(
        "For the month's customer invoices: tax charged to a customer marked tax_exempt is a "
        "finding (amount: the tax; refund it), and a taxable customer's invoice without tax "
        "is a finding where an output code exists for the customer's country-region, or its "
        "country for a domestic sale (amount: that rate × net). Refs: the invoice and the "
        "customer."
    ),
    needs=("ar_invoices", "customers", "tax_codes", "accounts"),
    run=run,
)

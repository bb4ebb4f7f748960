"""Sales tax and VAT on each customer invoice: rate of the tax code × net, to the minor unit.

Tax charged at the wrong rate is owed to the authority anyway (undercharged) or must be
refunded to the customer (overcharged), and either is found in an audit years later.
Each invoice of the month that carries a sales-tax, VAT or GST code is recomputed as the
code's rate × net amount, rounded half away from zero to the invoice currency's minor
unit, and compared with the invoice's tax_amount. Codes not in force on the invoice date
are left to tax.tax_code_validity; reverse-charge codes must carry no tax on the invoice.

Some systems record tax on the ledger line instead of a document: SAF-T files carry, per
journal line, the tax code, the base and the tax (line_tax.py). Where the books do, those
lines are checked the same way, so a pack imported from such a file is not left
unchecked for want of invoices.
"""
from __future__ import annotations

from close.money import ZERO, cents
from close.skill import Finding, Money, Skill

INVOICES = """
SELECT i.invoice_id, i.invoice_date, i.currency, i.net_amount, i.tax_amount, i.tax_code,
       t.rate, t.reverse_charge, t.tax_type
FROM ar_invoices i
JOIN tax_codes t ON t.tax_code = i.tax_code
WHERE i.entity_id = $entity_id AND i.invoice_date BETWEEN $month_start AND $month_end
  AND t.tax_type IN ('sales_tax', 'vat', 'gst')
  AND t.effective_from <= i.invoice_date
  AND (t.effective_to IS NULL OR t.effective_to >= i.invoice_date)
ORDER BY i.invoice_id
"""


def expected_tax(net, rate, reverse_charge: bool, currency: str):
    """The tax an invoice must carry: none under reverse charge, else rate × net rounded once."""
    if reverse_charge:
        return ZERO
    return cents(net * rate, currency)


def to_functional(ctx, amount, currency):
    """Invoice-currency amount in the entity's currency at the month's average rate."""
    if currency == ctx.currency:
        return amount
    rate = ctx.fx.rate(currency, ctx.currency, ctx.month, "average")
    return None if rate is None else cents(amount * rate, ctx.currency)


def run(ctx):
    from skills.tax import line_tax

    has_lines = line_tax.stated(ctx)
    if not ctx.has_table("ar_invoices"):
        if not has_lines:
            return ctx.skip("needs ar_invoices.csv or journal lines that state their tax "
                            "(tax_code, tax_base, tax_amount), which the pack does not have")
        return line_tax.result(ctx)
    rows = ctx.rows(INVOICES)
    tolerance = ctx.params["tolerance"]
    findings = []
    checked_tax = ZERO
    for r in rows:
        expected = expected_tax(r["net_amount"], r["rate"], r["reverse_charge"], r["currency"])
        checked_tax += r["tax_amount"]
        diff = r["tax_amount"] - expected
        if abs(diff) <= tolerance:
            continue
        amount = to_functional(ctx, diff, r["currency"])
        note = "" if amount is not None else f" (no {r['currency']}->{ctx.currency} rate for {ctx.month})"
        ccy = r["currency"]
        findings.append(Finding(
            "medium",
            f"Invoice {r['invoice_id']} ({r['invoice_date']}) charges {cents(r['tax_amount'], ccy)} "
            f"{ccy} tax on net {cents(r['net_amount'], ccy)}; code {r['tax_code']} at "
            f"{r['rate'].normalize():f} gives {expected}: "
            f"{'over' if diff > 0 else 'under'}charged by {cents(abs(diff), ccy)}, issue a "
            f"corrected invoice or credit note.{note}",
            cents(amount, ctx.currency) if amount is not None else cents(diff, ccy),
            [f"ar_invoices:{r['invoice_id']}"]))
    metrics = {"invoices_checked": len(rows), "tax_checked": cents(checked_tax, ctx.currency),
               "invoices_wrong": len(findings)}
    summary = f"{len(rows)} taxed invoice(s) in {ctx.month} checked, {len(findings)} at a wrong rate."
    if has_lines:
        lines = line_tax.result(ctx)
        findings += lines.findings
        metrics.update(lines.metrics)
        summary += " " + lines.summary
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="tax.sales_tax_rates",
    title="Sales tax and VAT rates on invoices",
    description=(
        "For each customer invoice of the month with a sales-tax, VAT or GST code in force on "
        "the invoice date, recomputes the tax as the code's rate × net amount, rounded half "
        "away from zero to the invoice currency's minor unit (whole yen for JPY; zero under "
        "a reverse-charge code), and compares it with the invoice's tax_amount. A finding "
        "per invoice whose tax differs by more than `tolerance`, with the difference as "
        "amount: issue a corrected invoice or credit note. Books that state tax on journal "
        "lines (tax_code, tax_base, tax_amount, as SAF-T does) have each such line of the "
        "month checked as rate × base the same way (finding on the entry); without invoices "
        "or such lines the skill is skipped."
    ),
    needs=("tax_codes",),
    params={"tolerance": Money("0.00", "accepted difference per invoice")},
    run=run,
)

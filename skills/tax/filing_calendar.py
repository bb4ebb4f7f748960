"""Filing calendar: the tax returns and payments due next month, with their amounts.

A missed filing date costs penalties however right the numbers are. From the month's
documents and payroll register, this lists what falls due in the following month and
how much: sales-tax returns per jurisdiction, the VAT/GST return (net payable), tax
withheld from suppliers, and payroll taxes (employee withholding plus employer taxes).
Due days are parameters (day of the next month; a day past its end means the last day)
because they differ by country and filer. The calendar is informational: it passes and
lists the filings in metrics; whether last month's were paid is checked by
tax.sales_tax_liability, tax.vat_return and recon.payroll.
"""
from __future__ import annotations

import calendar
from datetime import date

from close.money import ZERO, cents
from close.skill import Int, Skill

SALES_TAX = """
SELECT i.tax_code, t.jurisdiction, CAST(SUM(i.tax_amount) AS DECIMAL(18,2)) AS tax
FROM ar_invoices i
JOIN tax_codes t ON t.tax_code = i.tax_code
WHERE i.entity_id = $entity_id AND i.invoice_date BETWEEN $month_start AND $month_end
  AND t.tax_type = 'sales_tax'
GROUP BY i.tax_code, t.jurisdiction
ORDER BY i.tax_code
"""

VAT = """
WITH docs AS (
  SELECT i.tax_amount AS output_tax, CAST(0 AS DECIMAL(18,2)) AS input_tax
  FROM ar_invoices i JOIN tax_codes t ON t.tax_code = i.tax_code
  WHERE i.entity_id = $entity_id AND i.invoice_date BETWEEN $month_start AND $month_end
    AND t.tax_type IN ('vat', 'gst')
  UNION ALL
  SELECT CAST(0 AS DECIMAL(18,2)), b.tax_amount
  FROM ap_bills b JOIN tax_codes t ON t.tax_code = b.tax_code
  WHERE b.entity_id = $entity_id AND b.bill_date BETWEEN $month_start AND $month_end
    AND t.tax_type IN ('vat', 'gst') AND NOT t.reverse_charge
)
SELECT COUNT(*) AS documents, CAST(COALESCE(SUM(output_tax - input_tax), 0) AS DECIMAL(18,2)) AS net
FROM docs
"""

WITHHELD = """
SELECT CAST(COALESCE(SUM(withholding_amount), 0) AS DECIMAL(18,2)) AS withheld, COUNT(*) AS payments
FROM ap_payments
WHERE entity_id = $entity_id AND date BETWEEN $month_start AND $month_end AND withholding_amount > 0
"""

PAYROLL = """
SELECT COUNT(*) AS employees,
       CAST(COALESCE(SUM(employee_withholding + employer_taxes), 0) AS DECIMAL(18,2)) AS taxes
FROM payroll
WHERE entity_id = $entity_id AND period = $period
"""


def due(next_month, day: int) -> date:
    last = calendar.monthrange(next_month.year, next_month.month)[1]
    return date(next_month.year, next_month.month, min(max(day, 1), last))


def run(ctx):
    nxt = ctx.month.shift(1)
    p = ctx.params
    lines = []
    for r in ctx.rows(SALES_TAX) if ctx.has_table("tax_codes") else []:
        if r["tax"] != ZERO:
            lines.append({"line": f"Sales tax return {r['jurisdiction']} ({r['tax_code']}) for {ctx.month}",
                          "due": due(nxt, p["sales_tax_day"]), "amount": cents(r["tax"], ctx.currency)})
    if ctx.has_table("ap_bills") and ctx.has_table("tax_codes"):
        vat = ctx.rows(VAT)[0]
        if vat["documents"]:
            lines.append({"line": f"VAT/GST return for {ctx.month} (net payable; negative = refund)",
                          "due": due(nxt, p["vat_day"]), "amount": cents(vat["net"], ctx.currency)})
    if ctx.has_table("ap_payments"):
        w = ctx.rows(WITHHELD)[0]
        if w["payments"]:
            lines.append({"line": f"Tax withheld from suppliers in {ctx.month}",
                          "due": due(nxt, p["withholding_day"]), "amount": cents(w["withheld"], ctx.currency)})
    if ctx.has_table("payroll"):
        pr = ctx.rows(PAYROLL)[0]
        if pr["employees"]:
            lines.append({"line": f"Payroll taxes and withholding for {ctx.month}",
                          "due": due(nxt, p["payroll_day"]), "amount": cents(pr["taxes"], ctx.currency)})
    lines.sort(key=lambda l: (l["due"], l["line"]))
    total = sum((l["amount"] for l in lines if l["amount"] > 0), ZERO)
    metrics = {"lines": lines, "filings": len(lines), "total_due": cents(total, ctx.currency), "month_due": str(nxt)}
    summary = (f"{len(lines)} filing(s) due in {nxt}, {cents(total, ctx.currency)} {ctx.currency} to pay"
               + (f", first on {lines[0]['due']}." if lines else "."))
    return ctx.result([], metrics, summary)


SKILL = Skill(
    id="tax.filing_calendar",
    title="Tax filing calendar",
    description=(
        "Lists the returns and payments due next month with their amounts, from this month's "
        "documents: sales-tax returns per jurisdiction, the VAT/GST return (net payable), "
        "supplier withholding and payroll taxes, each on its due day of the next month "
        "(parameters). Informational: the lines are in metrics, sorted by due date."
    ),
    needs=("tax_codes", "ar_invoices"),
    params={"sales_tax_day": Int(20, "day of the next month sales-tax returns are due"),
            "vat_day": Int(7, "day of the next month the VAT/GST return is due"),
            "withholding_day": Int(10, "day of the next month withheld tax is due"),
            "payroll_day": Int(15, "day of the next month payroll taxes are due")},
    run=run,
)

"""Tax codes on documents: known, in force on the document date, and for the right place.

A code out of its dates (a rate that changed), from another country, or for a region
the customer is not in, files the tax with the wrong authority or at the wrong rate,
even when the amount happens to be right. For the month's customer invoices and supplier
bills that carry a code:

- the code must exist in tax_codes and be in force on the document date;
- it must be a sales-tax, VAT or GST code (not withholding, payroll or income);
- its jurisdiction's country (`US` in `US-CA`) must be the entity's country, and on an
  invoice a jurisdiction with a region must be the customer's (`US-TX` for a Texas
  customer);
- an invoice must use an output code (tax-payable account), a bill an input code
  (tax-receivable account) or a reverse-charge code.

The amount is the document's tax.
"""
from __future__ import annotations

from close.skill import Finding, Skill

DOCUMENTS = """
SELECT 'ar_invoices:' || i.invoice_id AS ref, 'invoice' AS kind, i.invoice_date AS doc_date,
       i.tax_code, i.tax_amount, c.country AS party_country, c.region AS party_region,
       t.tax_code AS known, t.jurisdiction, t.tax_type, t.effective_from, t.effective_to,
       t.reverse_charge, a.subtype AS account_subtype
FROM ar_invoices i
JOIN customers c ON c.customer_id = i.customer_id
LEFT JOIN tax_codes t ON t.tax_code = i.tax_code
LEFT JOIN accounts a ON a.account_id = t.gl_account_id
WHERE i.entity_id = $entity_id AND i.invoice_date BETWEEN $month_start AND $month_end
  AND i.tax_code IS NOT NULL
UNION ALL
SELECT 'ap_bills:' || b.bill_id, 'bill', b.bill_date, b.tax_code, b.tax_amount, v.country, NULL,
       t.tax_code, t.jurisdiction, t.tax_type, t.effective_from, t.effective_to,
       t.reverse_charge, a.subtype
FROM ap_bills b
JOIN vendors v ON v.vendor_id = b.vendor_id
LEFT JOIN tax_codes t ON t.tax_code = b.tax_code
LEFT JOIN accounts a ON a.account_id = t.gl_account_id
WHERE b.entity_id = $entity_id AND b.bill_date BETWEEN $month_start AND $month_end
  AND b.tax_code IS NOT NULL
ORDER BY ref
"""


def problems(doc: dict, home_country: str) -> list[str]:
    """What is wrong with a document's code (empty when nothing is)."""
    code = doc["tax_code"]
    if doc["known"] is None:
        return [f"code {code} is not in tax_codes"]
    out = []
    day = doc["doc_date"]
    if day < doc["effective_from"] or (doc["effective_to"] is not None and day > doc["effective_to"]):
        until = doc["effective_to"] or "open-ended"
        out.append(f"{code} is in force {doc['effective_from']} to {until}, not on {day}")
    if doc["tax_type"] not in ("sales_tax", "vat", "gst"):
        out.append(f"{code} is a {doc['tax_type']} code, not a sales tax, VAT or GST code")
    country, _, region = doc["jurisdiction"].partition("-")
    if country != home_country:
        out.append(f"{code} is for {doc['jurisdiction']}, not the entity's country {home_country}")
    elif doc["kind"] == "invoice" and region:
        place = f"{doc['party_country']}-{doc['party_region']}" if doc["party_region"] else doc["party_country"]
        if place != doc["jurisdiction"]:
            out.append(f"{code} is for {doc['jurisdiction']}, but the customer is in {place}")
    if doc["kind"] == "invoice" and doc["account_subtype"] != "tax_payable":
        out.append(f"{code} is not an output tax code")
    if doc["kind"] == "bill" and not doc["reverse_charge"] and doc["account_subtype"] != "tax_receivable":
        out.append(f"{code} is not an input tax code")
    return out


def run(ctx):
    docs = ctx.rows(DOCUMENTS)
    findings = []
    for doc in docs:
        found = problems(doc, ctx.entity.country)
        if not found:
            continue
        findings.append(Finding(
            "medium",
            f"{doc['kind'].capitalize()} {doc['ref'].split(':', 1)[1]} ({doc['doc_date']}): "
            f"{'; '.join(found)}. Re-issue it with the right code.",
            doc["tax_amount"], [doc["ref"]]))
    metrics = {"documents": len(docs), "invalid": len(findings)}
    summary = f"{len(docs)} coded document(s) in {ctx.month}; {len(findings)} with an invalid tax code."
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="tax.tax_code_validity",
    title="Tax code validity",
    description=(
        "For the month's invoices and bills with a tax code: the code must exist, be in force "
        "on the document date, be a sales-tax/VAT/GST code, belong to the entity's country "
        "(and on an invoice to the customer's region when the code names one), and be an "
        "output code on invoices, an input or reverse-charge code on bills. A finding per "
        "document with what is wrong; amount = the document's tax."
    ),
    needs=("ar_invoices", "ap_bills", "customers", "vendors", "tax_codes", "accounts"),
    run=run,
)

"""VAT return for the month, computed from the documents and tied to the GL VAT accounts.

GST (Canada's GST/HST) is a value-added tax with the same return structure (tax
collected, input tax credits, net), so codes of type `gst` are treated as VAT here.

The return is filed from the sales and purchase documents; the liability on the balance
sheet comes from the GL. When they disagree, either the return or the books are wrong,
and the return is what the authority audits. Boxes, from the month's documents with a
VAT code:

- output VAT: tax_amount of the customer invoices;
- reverse-charge VAT: rate × net of supplier bills under a reverse-charge code (the bill
  carries no VAT, the buyer self-assesses it), declared as output *and* input tax;
- input VAT: tax_amount of the supplier bills, plus the reverse-charge VAT;
- net payable = total output - total input.

The GL side is the month's movement on the VAT codes' GL accounts, split by the document
each line names (its doc_ref, or the one document its entry names: doc_ref is optional on
tax lines; documents no line names are not itemised, the balance tie covers them): lines from customer invoices are output tax, lines from
supplier bills are input tax (a reverse-charge bill posts both, possibly on one
account, so its lines are split by side: credits are output, debits input). Lines naming no document are settlements with
the authority or manual adjustments. Each document whose VAT posting differs from the
return is a finding.

The return is filed on the balance the books carry too: each VAT account's closing
balance is tied to what all VAT documents since the books began imply, less settlements
(skills/tax/tax_balances.py), so an adjustment posted in an earlier month that is still in
the balance is a finding on the account, naming the month it arose.

Applicability comes from the data: an entity none of whose documents uses a vat or gst
code (a sales-tax entity) files no VAT return, and the skill is skipped saying so.
"""
from __future__ import annotations

from decimal import Decimal

from close.money import ZERO, cents
from close.skill import MATERIALITY, Finding, Money, Skill
from skills.tax import tax_balances

USES_VAT = """
SELECT (SELECT COUNT(*) FROM ar_invoices i JOIN tax_codes t ON t.tax_code = i.tax_code
        WHERE i.entity_id = $entity_id AND i.invoice_date <= $month_end
          AND t.tax_type IN ('vat', 'gst'))
     + (SELECT COUNT(*) FROM ap_bills b JOIN tax_codes t ON t.tax_code = b.tax_code
        WHERE b.entity_id = $entity_id AND b.bill_date <= $month_end
          AND t.tax_type IN ('vat', 'gst')) AS documents
"""

# The return is computed and tied in DuckDB (a month of a million-line journal is
# thousands of documents); Python rounds the reverse charges and words the findings.
#
# `docs`: the month's documents with a VAT code, each with the VAT it should put on the
# GL as output and input (`want_out`, `want_in`; a reverse-charge bill's rate × net is
# rounded in Python, expected_vat). `vat_line`: the month's lines on the VAT codes'
# accounts with the document each names (its doc_ref, or its entry's: ENTRY_DOC, looked
# up only for the entries that need it).
LINES = """docs AS (
SELECT 'ar_invoices:' || i.invoice_id AS ref, 'output' AS side, i.net_amount,
       i.tax_amount, t.rate, t.reverse_charge, i.currency
FROM ar_invoices i
JOIN tax_codes t ON t.tax_code = i.tax_code
WHERE i.entity_id = $entity_id AND i.invoice_date BETWEEN $month_start AND $month_end
  AND t.tax_type IN ('vat', 'gst')
UNION ALL
SELECT 'ap_bills:' || b.bill_id AS ref, 'input' AS side, b.net_amount,
       b.tax_amount, t.rate, t.reverse_charge, b.currency
FROM ap_bills b
JOIN tax_codes t ON t.tax_code = b.tax_code
WHERE b.entity_id = $entity_id AND b.bill_date BETWEEN $month_start AND $month_end
  AND t.tax_type IN ('vat', 'gst')
), document AS (
SELECT d.ref, d.side, d.net_amount, d.tax_amount, d.rate, d.currency,
       COALESCE(d.side = 'input' AND d.reverse_charge, FALSE) AS reverse_charged,
       CASE WHEN d.side = 'output' THEN d.tax_amount ELSE 0 END AS want_out,
       CASE WHEN d.side = 'output' THEN 0 ELSE d.tax_amount END AS want_in
FROM docs d
), month_line AS (
SELECT j.je_id, NULLIF(j.doc_ref, '') AS own_ref,
       CAST(j.credit - j.debit AS DECIMAL(18,2)) AS credit_positive
FROM journal_lines j
WHERE j.entity_id = $entity_id AND j.posting_date BETWEEN $month_start AND $month_end
  AND j.account_id IN (SELECT gl_account_id FROM tax_codes WHERE tax_type IN ('vat', 'gst'))
), """ + tax_balances.MONTH_ENTRY_DOC + """, vat_line AS (
SELECT m.je_id, COALESCE(m.own_ref, e.doc_ref) AS doc_ref, m.credit_positive,
       COALESCE(LEFT(COALESCE(m.own_ref, e.doc_ref), 12) = 'ar_invoices:'
                OR LEFT(COALESCE(m.own_ref, e.doc_ref), 9) = 'ap_bills:', FALSE) AS of_document
FROM month_line m
LEFT JOIN entry_doc e ON e.je_id = m.je_id
)"""

# Rows by kind: 'document', a document of the return or a ref on the VAT accounts whose
# postings (`got_out`, `got_in`: invoice lines and a reverse-charge bill's credits are
# output, other bill lines input) differ from the return, and every reverse-charge bill
# (Python rounds its VAT; `itemised` when a journal line names it or it posted VAT);
# 'entry', the entries of those refs; 'totals', the boxes without the reverse charges,
# the GL output and input, and the VAT movement naming no document. A document no
# journal line names is not itemised: the balance tie covers it.
RETURN = "WITH " + LINES + """, posted AS (
SELECT v.doc_ref AS ref,
       SUM(CASE WHEN LEFT(v.doc_ref, 12) = 'ar_invoices:'
                  OR (d.reverse_charged AND v.credit_positive > 0)
                THEN v.credit_positive ELSE 0 END) AS got_out,
       SUM(CASE WHEN LEFT(v.doc_ref, 12) = 'ar_invoices:'
                  OR (d.reverse_charged AND v.credit_positive > 0)
                THEN 0 ELSE -v.credit_positive END) AS got_in
FROM vat_line v
LEFT JOIN document d ON d.ref = v.doc_ref
WHERE v.of_document
GROUP BY v.doc_ref
), named AS (
SELECT DISTINCT j.doc_ref
FROM journal_lines j
WHERE j.entity_id = $entity_id AND j.doc_ref IN (SELECT d.ref FROM document d)
), compared AS (
SELECT COALESCE(d.ref, p.ref) AS ref, d.ref IS NOT NULL AS in_return, d.side, d.net_amount,
       d.rate, d.currency, COALESCE(d.reverse_charged, FALSE) AS reverse_charged,
       COALESCE(d.want_out, 0) AS want_out, COALESCE(d.want_in, 0) AS want_in,
       COALESCE(p.got_out, 0) AS got_out, COALESCE(p.got_in, 0) AS got_in,
       p.ref IS NOT NULL OR d.ref IN (SELECT n.doc_ref FROM named n) AS itemised
FROM document d
FULL OUTER JOIN posted p ON p.ref = d.ref
), listed AS (
SELECT c.* FROM compared c
WHERE c.reverse_charged
   OR (c.itemised AND (c.got_out <> c.want_out OR c.got_in <> c.want_in))
)
SELECT 'document' AS kind, l.ref, NULL AS je_id, l.in_return, l.itemised, l.reverse_charged,
       l.net_amount, l.rate, l.currency, l.want_out, l.want_in, l.got_out, l.got_in,
       NULL AS net_sales, NULL AS net_purchases, NULL AS documents
FROM listed l
UNION ALL
SELECT DISTINCT 'entry', l.ref, v.je_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL
FROM listed l
JOIN vat_line v ON v.doc_ref = l.ref AND v.of_document
UNION ALL
SELECT 'totals', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       (SELECT COALESCE(SUM(d.want_out), 0) FROM document d WHERE NOT d.reverse_charged),
       (SELECT COALESCE(SUM(d.want_in), 0) FROM document d WHERE NOT d.reverse_charged),
       (SELECT COALESCE(SUM(p.got_out), 0) FROM posted p),
       (SELECT COALESCE(SUM(p.got_in), 0) FROM posted p),
       (SELECT COALESCE(SUM(d.net_amount), 0) FROM document d WHERE d.side = 'output'),
       (SELECT COALESCE(SUM(d.net_amount), 0) FROM document d WHERE d.side <> 'output'),
       (SELECT COUNT(*) FROM document)
UNION ALL
SELECT 'undocumented', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       COALESCE(SUM(v.credit_positive), 0), NULL, NULL, NULL, NULL
FROM vat_line v
WHERE NOT v.of_document
ORDER BY kind, ref, je_id
"""


def expected_vat(doc: dict) -> Decimal:
    """A reverse-charge bill's VAT, declared as output and input: rate × net, rounded to
    the bill's currency. RETURN computes the others: an invoice's tax_amount is output VAT,
    a bill's input VAT."""
    return cents(doc["net_amount"] * doc["rate"], doc["currency"])


def run(ctx):
    if not ctx.rows(USES_VAT)[0]["documents"]:
        return ctx.skip(f"no VAT or GST codes used by {ctx.entity.id}'s documents: the VAT "
                        f"return does not apply.")
    rows = ctx.rows(RETURN)
    found = next(r for r in rows if r["kind"] == "totals")
    other = next(r for r in rows if r["kind"] == "undocumented")["got_out"]
    entries: dict[str, list] = {}
    for r in rows:
        if r["kind"] == "entry":
            entries.setdefault(r["ref"], []).append(f"journal_lines:{r['je_id']}")
    totals = {"output_vat": found["want_out"], "reverse_charge_vat": ZERO,
              "input_vat": found["want_in"], "net_sales": found["net_sales"],
              "net_purchases": found["net_purchases"]}
    gl_output, gl_input = found["got_out"], found["got_in"]
    threshold = ctx.param("threshold")
    findings = []
    for doc in sorted((r for r in rows if r["kind"] == "document"), key=lambda r: r["ref"]):
        ref = doc["ref"]
        want_out, want_in = doc["want_out"], doc["want_in"]
        if doc["reverse_charged"]:
            want_out = want_in = expected_vat(doc)
            totals["reverse_charge_vat"] += want_out
            if not doc["itemised"]:
                continue   # a document no journal line names: the balance tie covers it
        got_out, got_in = doc["got_out"], doc["got_in"]
        diff = (got_out - got_in) - (want_out - want_in)
        if got_out == want_out and got_in == want_in:
            continue
        c = ctx.currency
        if not doc["in_return"]:
            message = (f"{ref} posted VAT (output {cents(got_out, c)}, input {cents(got_in, c)}) "
                       f"in {ctx.month} but is not a VAT document of the month's return: check "
                       f"its tax code and date.")
        else:
            message = (f"{ref}: the return has output {cents(want_out, c)} / input "
                       f"{cents(want_in, c)} VAT, the GL VAT accounts have {cents(got_out, c)} / "
                       f"{cents(got_in, c)}: correct the posting before filing.")
        size = diff if diff != ZERO else max(abs(got_out - want_out), abs(got_in - want_in))
        findings.append(Finding("high" if abs(size) >= threshold else "medium", message,
                                cents(size, c), [ref, *sorted(entries.get(ref, ()))]))
    totals["total_output"] = totals["output_vat"] + totals["reverse_charge_vat"]
    totals["total_input"] = totals["input_vat"] + totals["reverse_charge_vat"]
    totals["net_payable"] = totals["total_output"] - totals["total_input"]
    codes = ctx.rows(tax_balances.CODES)
    differences, tied = tax_balances.balance_differences(
        ctx, tax_balances.tied_accounts(codes, ("vat", "gst")), codes,
        reported={f.refs[0] for f in findings})
    for diff in differences:
        findings.append(Finding("high" if abs(diff["amount"]) >= threshold else "medium",
                                tax_balances.describe(diff, ctx.month, ctx.currency),
                                diff["amount"], diff["refs"]))
    metrics = {
        "balances_tied": tied,
        "lines": [{"line": label, "amount": cents(totals[key], ctx.currency)} for key, label in (
            ("output_vat", "Output VAT on sales"),
            ("reverse_charge_vat", "Reverse-charge VAT on purchases"),
            ("total_output", "Total output VAT"),
            ("input_vat", "Input VAT on purchases"),
            ("total_input", "Total input VAT (incl. reverse charge)"),
            ("net_payable", "Net VAT payable"),
            ("net_sales", "Net sales (VAT-coded)"),
            ("net_purchases", "Net purchases (VAT-coded)"))],
        "net_payable": cents(totals["net_payable"], ctx.currency),
        "gl_output_vat": cents(gl_output, ctx.currency),
        "gl_input_vat": cents(gl_input, ctx.currency),
        "gl_net": cents(gl_output - gl_input, ctx.currency),
        "difference": cents((gl_output - gl_input) - totals["net_payable"], ctx.currency),
        "gl_other_movements": cents(other, ctx.currency),
        "documents": found["documents"],
    }
    summary = (f"VAT return {ctx.month}: output {cents(totals['total_output'], ctx.currency)}, "
               f"input {cents(totals['total_input'], ctx.currency)}, net payable "
               f"{metrics['net_payable']} {ctx.currency}; GL movement differs by "
               f"{metrics['difference']}; {len(differences)} VAT account balance(s) with an "
               f"unexplained difference.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="tax.vat_return",
    title="VAT return",
    description=(
        "Computes the month's VAT return boxes per entity from the documents with a VAT "
        "code: output VAT (customer invoices' tax), reverse-charge VAT (rate × net of "
        "supplier bills under a reverse-charge code, declared as output and input), input "
        "VAT (supplier bills' tax plus reverse charge) and net payable, and ties them to the "
        "month's movements on the VAT codes' GL accounts, document by document (doc_ref). "
        "A finding per document whose VAT posting differs from the return, and per VAT "
        "account whose closing balance differs from what the documents since the books "
        "began imply less settlements (naming the month the difference arose). Skipped for "
        "entities whose documents use no VAT or GST code."
    ),
    needs=("tax_codes", "ar_invoices", "ap_bills", "journal_lines", "accounts"),
    params={"threshold": Money(MATERIALITY, "differences at or above this are high severity")},
    run=run,
)

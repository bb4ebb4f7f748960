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
(skills/tax/_balance.py), so an adjustment posted in an earlier month that is still in
the balance is a finding on the account, naming the month it arose.

Applicability comes from the data: an entity none of whose documents uses a vat or gst
code (a sales-tax entity) files no VAT return, and the skill is skipped saying so.
"""
from __future__ import annotations

from close.money import ZERO, cents
from close.skill import MATERIALITY, Finding, Money, Skill
from skills.tax import _balance

DOCUMENTS = """
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
ORDER BY ref
"""

USES_VAT = """
SELECT (SELECT COUNT(*) FROM ar_invoices i JOIN tax_codes t ON t.tax_code = i.tax_code
        WHERE i.entity_id = $entity_id AND i.invoice_date <= $month_end
          AND t.tax_type IN ('vat', 'gst'))
     + (SELECT COUNT(*) FROM ap_bills b JOIN tax_codes t ON t.tax_code = b.tax_code
        WHERE b.entity_id = $entity_id AND b.bill_date <= $month_end
          AND t.tax_type IN ('vat', 'gst')) AS documents
"""

NAMED_DOCUMENTS = "WITH " + _balance.NAMED + " SELECT doc_ref FROM named ORDER BY doc_ref"

VAT_LINES = "WITH " + _balance.ENTRY_DOC + """
SELECT j.je_id, j.line_no, j.account_id, COALESCE(NULLIF(j.doc_ref, ''), e.doc_ref) AS doc_ref,
       j.source, CAST(j.credit - j.debit AS DECIMAL(18,2)) AS credit_positive
FROM journal_lines j
LEFT JOIN entry_doc e ON e.je_id = j.je_id
WHERE j.entity_id = $entity_id AND j.posting_date BETWEEN $month_start AND $month_end
  AND j.account_id IN (SELECT gl_account_id FROM tax_codes WHERE tax_type IN ('vat', 'gst'))
ORDER BY j.je_id, j.line_no
"""


def boxes(documents) -> tuple[dict, dict]:
    """Return boxes, and per document (ref) its expected (output, input) VAT."""
    totals = {"output_vat": ZERO, "reverse_charge_vat": ZERO, "input_vat": ZERO,
              "net_sales": ZERO, "net_purchases": ZERO}
    expected = {}
    for d in documents:
        if d["side"] == "output":
            totals["output_vat"] += d["tax_amount"]
            totals["net_sales"] += d["net_amount"]
            expected[d["ref"]] = (d["tax_amount"], ZERO)
        elif d["reverse_charge"]:
            rc = cents(d["net_amount"] * d["rate"], d["currency"])
            totals["reverse_charge_vat"] += rc
            totals["net_purchases"] += d["net_amount"]
            expected[d["ref"]] = (rc, rc)
        else:
            totals["input_vat"] += d["tax_amount"]
            totals["net_purchases"] += d["net_amount"]
            expected[d["ref"]] = (ZERO, d["tax_amount"])
    totals["total_output"] = totals["output_vat"] + totals["reverse_charge_vat"]
    totals["total_input"] = totals["input_vat"] + totals["reverse_charge_vat"]
    totals["net_payable"] = totals["total_output"] - totals["total_input"]
    return totals, expected


def run(ctx):
    if not ctx.rows(USES_VAT)[0]["documents"]:
        return ctx.skip(f"no VAT or GST codes used by {ctx.entity.id}'s documents: the VAT "
                        f"return does not apply.")
    documents = ctx.rows(DOCUMENTS)
    totals, expected = boxes(documents)
    reverse_charged = {d["ref"] for d in documents if d["side"] == "input" and d["reverse_charge"]}
    posted: dict[str, list] = {}
    entries: dict[str, set] = {}
    other = ZERO
    for line in ctx.rows(VAT_LINES):
        ref, amount = line["doc_ref"], line["credit_positive"]
        if ref is None or not (ref.startswith("ar_invoices:") or ref.startswith("ap_bills:")):
            other += amount
            continue
        out_in = posted.setdefault(ref, [ZERO, ZERO])
        if ref.startswith("ar_invoices:") or (ref in reverse_charged and amount > 0):
            out_in[0] += amount
        else:
            out_in[1] -= amount
        entries.setdefault(ref, set()).add(f"journal_lines:{line['je_id']}")

    named = {r["doc_ref"] for r in ctx.rows(NAMED_DOCUMENTS)}
    threshold = ctx.param("threshold")
    findings = []
    gl_output = sum((v[0] for v in posted.values()), ZERO)
    gl_input = sum((v[1] for v in posted.values()), ZERO)
    # a document no journal line names cannot be itemised: the balance tie below covers it
    for ref in sorted((set(expected) & named) | set(posted)):
        want_out, want_in = expected.get(ref, (ZERO, ZERO))
        got_out, got_in = posted.get(ref, (ZERO, ZERO))
        diff = (got_out - got_in) - (want_out - want_in)
        if got_out == want_out and got_in == want_in:
            continue
        c = ctx.currency
        if ref not in expected:
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
    codes = ctx.rows(_balance.CODES)
    differences, tied = _balance.balance_differences(
        ctx, _balance.tied_accounts(codes, ("vat", "gst")), codes,
        reported={f.refs[0] for f in findings})
    for diff in differences:
        findings.append(Finding("high" if abs(diff["amount"]) >= threshold else "medium",
                                _balance.describe(diff, ctx.month, ctx.currency),
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
        "documents": len(documents),
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

"""Tax on each journal line that states it: the code's rate × the stated base, to the minor unit.

Part of tax.sales_tax_rates (which calls stated() and result()); not a skill of its own.

Some systems record tax on the ledger line itself rather than on a document: SAF-T files
carry, per line, the tax code, the base it was charged on and the tax. There the ledger
is the only place a wrong rate shows: each line of the month with all three is
recomputed as rate × base, rounded half away from zero to the currency's minor unit, and
compared with the tax stated (in absolute value: systems sign base and tax lines by their
own side). Codes not in force on the posting date are left to tax.tax_code_validity.
Books that record tax on documents (ar_invoices, ap_bills) have no such lines: there the
documents are checked instead.
"""
from __future__ import annotations

from close.money import cents, minor_unit
from close.skill import Finding

# Differences up to one minor unit are the source system's rounding, not a wrong rate.
LINE_ROUNDING_UNITS = 1

STATED = """
SELECT COUNT(*) AS n
FROM journal_lines
WHERE entity_id = $entity_id AND posting_date BETWEEN $month_start AND $month_end
  AND tax_code IS NOT NULL AND tax_base IS NOT NULL AND tax_amount IS NOT NULL
"""

LINES = """
SELECT j.je_id, j.line_no, j.posting_date, j.account_id, j.tax_code, j.tax_base, j.tax_amount,
       t.rate, t.reverse_charge
FROM journal_lines j
JOIN tax_codes t ON t.tax_code = j.tax_code
WHERE j.entity_id = $entity_id AND j.posting_date BETWEEN $month_start AND $month_end
  AND j.tax_base IS NOT NULL AND j.tax_amount IS NOT NULL
  AND t.tax_type IN ('sales_tax', 'vat', 'gst')
ORDER BY j.je_id, j.line_no
"""


def stated(ctx) -> bool:
    """Whether any journal line of the entity's month states its tax."""
    return bool(ctx.rows(STATED)[0]["n"])


def result(ctx):
    """The month's stated-tax lines checked as rate × base (tax.sales_tax_rates' second half)."""
    cur = ctx.currency
    slack = minor_unit(cur) * LINE_ROUNDING_UNITS
    high_from = ctx.materiality
    rows = ctx.rows(LINES)
    findings = []
    for r in rows:
        expected = cents(abs(r["tax_base"]) * r["rate"], cur)
        diff = abs(r["tax_amount"]) - expected
        if abs(diff) <= slack:
            continue
        findings.append(Finding(
            "high" if abs(diff) >= high_from else "medium",
            f"Entry {r['je_id']} line {r['line_no']} ({r['posting_date']}, account {r['account_id']}) "
            f"states {cents(abs(r['tax_amount']), cur)} {cur} tax on a base of "
            f"{cents(abs(r['tax_base']), cur)}; code {r['tax_code']} at {r['rate'].normalize():f} "
            f"gives {expected}: {'over' if diff > 0 else 'under'}stated by {cents(abs(diff), cur)}. "
            f"Correct the line or its tax code.",
            cents(abs(diff), cur), [f"journal_lines:{r['je_id']}"]))
    metrics = {"lines_checked": len(rows), "lines_wrong": len(findings)}
    summary = (f"{len(rows)} journal line(s) stating their tax in {ctx.month} checked, "
               f"{len(findings)} not base × rate.")
    return ctx.result(findings, metrics, summary)

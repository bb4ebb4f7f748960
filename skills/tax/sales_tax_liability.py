"""Sales tax liability per jurisdiction: collected, posted, remitted, and what is left.

Sales tax is the state's money: what the invoices collected must be in the liability
account and paid over on time, jurisdiction by jurisdiction, or the company owes it
with interest. For each sales-tax code (one per jurisdiction) and the month:

- collected: the tax on the month's invoices under the code;
- posted: the credits to the code's GL account from those invoices (lines whose doc_ref,
  or whose entry's doc_ref, names the invoice; not compared when no line names them);
- remitted: the debits to that account that name the code (the return's payment lines,
  "Sales tax US-CA 2026-04 ..."), which must equal what the previous month collected
  (returns are filed monthly, the month after: `lag_months`).

Findings: a jurisdiction whose posted tax differs from its invoices, one whose remittance
differs from what was due, and a liability balance at month end that differs from the
tax collected but not yet due (this month's) by more than those explain. An entity
whose invoices and accounts never use a sales-tax code (a VAT entity) is skipped.
"""
from __future__ import annotations

import re

from close.money import ZERO, cents
from close.skill import MATERIALITY, Finding, Int, Money, Skill
from skills.tax import tax_balances

CODES = """
SELECT tax_code, jurisdiction, gl_account_id
FROM tax_codes
WHERE tax_type = 'sales_tax'
ORDER BY tax_code
"""

COLLECTED = """
SELECT i.tax_code, CAST(SUM(CASE WHEN i.invoice_date >= $month_start THEN i.tax_amount ELSE 0 END)
                        AS DECIMAL(18,2)) AS this_month,
       CAST(SUM(CASE WHEN i.invoice_date BETWEEN $due_start AND $due_end THEN i.tax_amount ELSE 0 END)
            AS DECIMAL(18,2)) AS due_now
FROM ar_invoices i
WHERE i.entity_id = $entity_id AND i.invoice_date BETWEEN $due_start AND $month_end
  AND i.tax_code IN (SELECT tax_code FROM tax_codes WHERE tax_type = 'sales_tax')
GROUP BY i.tax_code
ORDER BY i.tax_code
"""

# The month's lines on the sales-tax accounts; a line without a doc_ref takes its entry's
# document (ENTRY_DOC), looked up only for the entries such a line is in, never the whole
# journal's.
POSTED = """
WITH month_line AS (
  SELECT j.je_id, NULLIF(j.doc_ref, '') AS own_ref
  FROM journal_lines j
  WHERE j.entity_id = $entity_id AND j.posting_date BETWEEN $month_start AND $month_end
    AND j.account_id IN (SELECT gl_account_id FROM tax_codes WHERE tax_type = 'sales_tax')
), """ + tax_balances.MONTH_ENTRY_DOC + """
SELECT i.tax_code, CAST(SUM(j.credit - j.debit) AS DECIMAL(18,2)) AS posted
FROM journal_lines j
LEFT JOIN entry_doc e ON e.je_id = j.je_id
JOIN ar_invoices i ON COALESCE(NULLIF(j.doc_ref, ''), e.doc_ref) = 'ar_invoices:' || i.invoice_id
JOIN tax_codes t ON t.tax_code = i.tax_code AND t.gl_account_id = j.account_id
WHERE j.entity_id = $entity_id AND j.posting_date BETWEEN $month_start AND $month_end
  AND t.tax_type = 'sales_tax'
GROUP BY i.tax_code
ORDER BY i.tax_code
"""

NAMED_CODES = "WITH " + tax_balances.NAMED + """
SELECT DISTINCT i.tax_code
FROM ar_invoices i
WHERE i.entity_id = $entity_id AND i.invoice_date BETWEEN $month_start AND $month_end
  AND 'ar_invoices:' || i.invoice_id IN (SELECT doc_ref FROM named)
ORDER BY i.tax_code
"""

# The sales-tax accounts up to month end: each account's balance ('balance'), and the
# month's debits without a doc_ref ('debit'), the lines a remittance can be (a million-line
# journal has tens of thousands of lines on these accounts; Python sees only these).
ACCOUNT_LINES = """
WITH tax_line AS (
  SELECT j.je_id, j.line_no, j.account_id, j.doc_ref, j.description, j.posting_date,
         CAST(j.credit - j.debit AS DECIMAL(18,2)) AS credit_positive
  FROM journal_lines j
  WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end
    AND j.account_id IN (SELECT gl_account_id FROM tax_codes WHERE tax_type = 'sales_tax')
)
SELECT 'balance' AS kind, t.account_id, NULL AS je_id, NULL AS line_no, NULL AS description,
       CAST(SUM(t.credit_positive) AS DECIMAL(18,2)) AS credit_positive
FROM tax_line t
GROUP BY t.account_id
UNION ALL
SELECT 'debit', t.account_id, t.je_id, t.line_no, t.description, t.credit_positive
FROM tax_line t
WHERE t.posting_date >= $month_start AND COALESCE(t.doc_ref, '') = '' AND t.credit_positive < 0
ORDER BY kind, account_id, je_id, line_no
"""


USES_SALES_TAX = """
SELECT (SELECT COUNT(*) FROM ar_invoices i JOIN tax_codes t ON t.tax_code = i.tax_code
        WHERE i.entity_id = $entity_id AND i.invoice_date <= $month_end
          AND t.tax_type = 'sales_tax')
     + (SELECT COUNT(*) FROM journal_lines j
        WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end
          AND j.account_id IN (SELECT gl_account_id FROM tax_codes WHERE tax_type = 'sales_tax'))
       AS uses
"""


def run(ctx):
    codes = ctx.rows(CODES)
    if not codes or not ctx.rows(USES_SALES_TAX)[0]["uses"]:
        return ctx.skip(f"no sales-tax code is used by {ctx.entity.id}'s invoices or accounts: "
                        f"the sales tax liability does not apply.")
    due_month = ctx.month.shift(-ctx.params["lag_months"])
    collected = {r["tax_code"]: r for r in ctx.rows(COLLECTED, due_start=due_month.first_day,
                                                     due_end=due_month.last_day)}
    posted = {r["tax_code"]: r["posted"] for r in ctx.rows(POSTED)}
    # invoices no journal line names (doc_ref is optional) cannot be tied code by code
    itemised = {r["tax_code"] for r in ctx.rows(NAMED_CODES)}
    by_code = {c["tax_code"]: c for c in codes}
    pattern = re.compile(r"(?<![A-Za-z0-9])(" + "|".join(re.escape(c) for c in sorted(by_code, key=lambda c: (-len(c), c))) + r")(?![A-Za-z0-9])")
    remitted, remit_entries, balance = {}, {}, {}
    for line in ctx.rows(ACCOUNT_LINES):
        if line["kind"] == "balance":
            balance[line["account_id"]] = line["credit_positive"]
            continue
        hit = pattern.search(line["description"] or "")
        if hit and by_code[hit.group(1)]["gl_account_id"] == line["account_id"]:
            code = hit.group(1)
            remitted[code] = remitted.get(code, ZERO) - line["credit_positive"]
            remit_entries.setdefault(code, set()).add(f"journal_lines:{line['je_id']}")
    threshold = ctx.param("threshold")
    findings, rows = [], []
    explained = ZERO
    for code in sorted(set(collected) | set(posted) | set(remitted)):
        this_month = collected[code]["this_month"] if code in collected else ZERO
        due = collected[code]["due_now"] if code in collected else ZERO
        got_posted, got_remitted = posted.get(code, ZERO), remitted.get(code, ZERO)
        rows.append({"tax_code": code, "jurisdiction": by_code[code]["jurisdiction"],
                     "collected": cents(this_month, ctx.currency), "posted": cents(got_posted, ctx.currency),
                     "due": cents(due, ctx.currency), "remitted": cents(got_remitted, ctx.currency)})
        if code in itemised and got_posted != this_month:
            diff = got_posted - this_month
            explained += diff
            findings.append(Finding(
                "high" if abs(diff) >= threshold else "medium",
                f"{code}: invoices of {ctx.month} collected {cents(this_month, ctx.currency)} sales tax, "
                f"{cents(got_posted, ctx.currency)} reached {by_code[code]['gl_account_id']}: correct the "
                f"postings by {cents(-diff, ctx.currency)}.",
                diff, [f"tax_codes:{code}"]))
        if got_remitted != due:
            diff = due - got_remitted
            explained += diff
            findings.append(Finding(
                "high" if abs(diff) >= threshold else "medium",
                f"{code}: {cents(due, ctx.currency)} collected in {ctx.month.shift(-ctx.params['lag_months'])} was "
                f"due for remittance in {ctx.month}, {cents(got_remitted, ctx.currency)} was paid: "
                f"{'remit the remaining' if diff > 0 else 'recover the excess'} {cents(abs(diff), ctx.currency)}.",
                diff, [f"tax_codes:{code}", *sorted(remit_entries.get(code, ()))]))
    accounts = sorted({c["gl_account_id"] for c in codes})
    total_balance = sum((balance.get(a, ZERO) for a in accounts), ZERO)
    outstanding = sum((r["collected"] for r in rows), ZERO)
    residual = total_balance - outstanding - explained
    if residual != ZERO:
        findings.append(Finding(
            "high" if abs(residual) >= threshold else "medium",
            f"Sales tax payable is {cents(total_balance, ctx.currency)} at {ctx.month.last_day}; this month's "
            f"collections are {cents(outstanding, ctx.currency)}: {cents(residual, ctx.currency)} is neither this month's tax "
            f"nor explained by this month's postings and remittances. Find the entry.",
            residual, [f"accounts:{a}" for a in accounts]))
    metrics = {"jurisdictions": rows, "liability_balance": cents(total_balance, ctx.currency),
               "collected_this_month": cents(outstanding, ctx.currency), "unexplained": cents(residual, ctx.currency)}
    summary = (f"Sales tax payable {metrics['liability_balance']} vs {metrics['collected_this_month']} "
               f"collected in {ctx.month} over {len(rows)} jurisdiction(s).")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="tax.sales_tax_liability",
    title="Sales tax liability by jurisdiction",
    description=(
        "Per sales-tax code (jurisdiction) for the month: tax on the month's invoices vs the "
        "credits those invoices put on the code's GL account; the remittance lines naming the "
        "code vs the tax collected `lag_months` earlier; and the liability balance at month "
        "end vs this month's collections. Findings per jurisdiction with the amount to post "
        "or remit, and on the account for what the month does not explain. Skipped for "
        "entities that use no sales-tax code."
    ),
    needs=("ar_invoices", "tax_codes", "journal_lines"),
    params={"lag_months": Int(1, "a month's sales tax is remitted this many months later"),
            "threshold": Money(MATERIALITY, "amounts at or above this are high severity")},
    run=run,
)

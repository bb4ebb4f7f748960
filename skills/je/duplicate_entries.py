"""Entries posted twice: the same amount to the same accounts, on the same day or under
the same description a few days apart.

Double-posting an invoice, an accrual or a manual adjustment overstates both sides of
the books and is one of the commonest close errors. The later copy is the one to
reverse, so it is what the finding reports, with a ref to the entry it repeats.
"""
from datetime import timedelta

from close.money import ZERO, cents
from close.skill import Finding, Int, Skill

# One row per entry: its date, total debits, line set, description and source document.
# The line set holds each line's side, account, department and counterparty ("Dr 6100
# [Sales] {V-1}") as a sorted string, the portable form of a set key: a reversal uses the
# same accounts on the other sides and is not a copy, and entries for different
# departments or counterparties (payroll per department, a charge to each affiliate) are
# different postings even when their amounts agree. Entries are compared only with
# entries from the same entity.
#
# A later entry duplicates an earlier one when both have the same total debits and the
# same line set, and either the same posting date or the same description (trimmed,
# case-insensitive) within $window_days. Entries that name different source documents
# (doc_ref) are two documents, not a double posting, and are not paired.
SQL = """
WITH entries AS (
  SELECT je_id,
         MIN(posting_date) AS posting_date,
         MIN(created_at) AS created_at,
         CAST(SUM(debit) AS DECIMAL(18,2)) AS total_debit,
         array_to_string(list_sort(list_distinct(list(
           CASE WHEN debit > 0 THEN 'Dr ' ELSE 'Cr ' END || account_id
           || COALESCE(' [' || department || ']', '') || COALESCE(' {' || counterparty || '}', '')))),
           ', ') AS account_set,
         MIN(description) AS description,
         lower(trim(MIN(description))) AS description_key,
         MIN(doc_ref) AS doc_ref,
         MIN(source) AS source
  FROM journal_lines
  WHERE entity_id = $entity_id AND posting_date BETWEEN $window_start AND $month_end
  GROUP BY je_id
),
pairs AS (
  SELECT l.je_id AS je_id, e.je_id AS original_je_id,
         l.posting_date, e.posting_date AS original_date,
         l.total_debit, l.account_set, l.description, l.source,
         CASE WHEN l.posting_date = e.posting_date THEN 'date' ELSE 'description' END AS matched_on,
         row_number() OVER (PARTITION BY l.je_id
                            ORDER BY e.posting_date, e.created_at, e.je_id) AS rank_of_original
  FROM entries l
  JOIN entries e
    ON e.total_debit = l.total_debit
   AND e.account_set = l.account_set
   AND e.je_id <> l.je_id
   AND (e.posting_date < l.posting_date
        OR (e.posting_date = l.posting_date AND e.created_at < l.created_at)
        OR (e.posting_date = l.posting_date AND e.created_at = l.created_at AND e.je_id < l.je_id))
   AND (e.posting_date = l.posting_date
        OR (e.description_key = l.description_key
            AND date_diff('day', e.posting_date, l.posting_date) BETWEEN 0 AND $window_days))
   AND (e.doc_ref IS NULL OR l.doc_ref IS NULL OR e.doc_ref = l.doc_ref)
  WHERE l.posting_date BETWEEN $month_start AND $month_end
    AND l.total_debit > 0
)
SELECT je_id, original_je_id, posting_date, original_date, total_debit, account_set,
       description, source, matched_on
FROM pairs
WHERE rank_of_original = 1
ORDER BY je_id
"""


def run(ctx):
    window = ctx.param("window_days")
    if window < 0:
        raise ValueError("window_days must be 0 or more")
    rows = ctx.rows(SQL, window_days=window,
                    window_start=ctx.month.first_day - timedelta(days=window))
    findings = []
    for r in rows:
        how = ("on the same day" if r["matched_on"] == "date"
               else f"with the same description '{r['description']}'")
        findings.append(Finding(
            "high",
            f"Entry {r['je_id']} ({r['posting_date']}, {r['source']}) repeats entry "
            f"{r['original_je_id']} ({r['original_date']}) {how}: {cents(r['total_debit'], ctx.currency)} "
            f"{ctx.currency} ({r['account_set']}); reverse the duplicate if it was "
            f"posted twice.",
            cents(r["total_debit"], ctx.currency),
            [f"journal_lines:{r['je_id']}", f"journal_lines:{r['original_je_id']}"],
        ))
    metrics = {"duplicates": len(findings),
               "duplicated_amount": cents(sum((r["total_debit"] for r in rows), ZERO), ctx.currency)}
    summary = (f"{len(findings)} entr{'y' if len(findings) == 1 else 'ies'} in {ctx.month} "
               f"look posted twice." if findings else f"No duplicate entries in {ctx.month}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="je.duplicate_entries",
    title="Duplicate journal entries",
    description=(
        "Finds journal entries posted twice within an entity: a later entry with the same "
        "total debits and the same lines (account, side, department and counterparty) as an "
        "earlier one, posted on the same day, or under the same description up to "
        "window_days later. A reversal is not a copy, nor are postings for different "
        "departments or counterparties. Entries that cite "
        "different source documents (doc_ref) are not duplicates. Each later copy posted "
        "in the month is a finding with refs to itself and the entry it repeats; the "
        "amount is the duplicate's total debits. Reverse the copy that should not be there."
    ),
    needs=("journal_lines",),
    params={"window_days": Int(7, "days after the original within which the same description counts as a repeat")},
    run=run,
)

"""Entries posted in one month for documents dated in another.

Cut-off decides which period a transaction belongs to. A supplier invoice dated 28 April
but booked on 3 May moves expense from April into May; a May invoice booked in April
pulls revenue forward. Small timing differences are normal; large ones change the
month's results and need an accrual, a deferral or a re-dating.

A reversal is not a cut-off error: an entry that exactly reverses one posted in its
document's month (the same accounts and amounts on the opposite sides: last month's
accrual reversed on the 1st, carrying the accrual's date as its document date) moves
the figure out of this month by design, and is left out.
"""
from datetime import timedelta

from close.money import ZERO, cents
from close.skill import MATERIALITY, Finding, Money, Skill

# Entries with a line posted in the month whose document_date falls in another month.
SQL = """
SELECT je_id,
       MIN(posting_date) AS posting_date,
       MIN(document_date) AS first_document_date,
       MAX(document_date) AS last_document_date,
       MIN(source) AS source,
       MIN(description) AS description,
       MIN(doc_ref) AS doc_ref,
       CAST(SUM(debit) AS DECIMAL(18,2)) AS total_debit
FROM journal_lines
WHERE entity_id = $entity_id AND posting_date BETWEEN $month_start AND $month_end
GROUP BY je_id
HAVING SUM(debit) > $threshold
   AND MAX(CASE WHEN document_date IS NOT NULL
                 AND CAST(date_trunc('month', document_date) AS DATE)
                     <> CAST(date_trunc('month', posting_date) AS DATE)
                THEN 1 ELSE 0 END) = 1
ORDER BY je_id
"""


# Each line as "side account amount"; an entry's signature is the sorted list.
LINES = """
SELECT je_id, CASE WHEN debit > 0 THEN 'Dr' ELSE 'Cr' END AS side, account_id,
       CAST(debit + credit AS DECIMAL(18,2)) AS amount
FROM journal_lines
WHERE entity_id = $entity_id AND posting_date BETWEEN $start AND $end
  AND je_id IN (SELECT je_id FROM journal_lines
                WHERE entity_id = $entity_id AND posting_date BETWEEN $start AND $end
                GROUP BY je_id HAVING SUM(debit) = $total)
ORDER BY je_id, account_id, side, amount
"""

FLIP = {"Dr": "Cr", "Cr": "Dr"}


def _signatures(rows, flip=False) -> dict[str, tuple]:
    out: dict[str, list] = {}
    for r in rows:
        side = FLIP[r["side"]] if flip else r["side"]
        out.setdefault(r["je_id"], []).append((side, r["account_id"], r["amount"]))
    return {je: tuple(sorted(lines)) for je, lines in out.items()}


def reverses_its_document_month(ctx, row, doc_date) -> str | None:
    """The entry of the document's month that this entry exactly reverses, if any."""
    own = _signatures(ctx.rows(LINES, start=row["posting_date"], end=row["posting_date"],
                               total=row["total_debit"]), flip=True).get(row["je_id"])
    start = doc_date.replace(day=1)
    end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    earlier = _signatures(ctx.rows(LINES, start=start, end=end, total=row["total_debit"]))
    return next((je for je, sig in sorted(earlier.items()) if sig == own and je != row["je_id"]), None)


def run(ctx):
    threshold = ctx.param("threshold")
    rows = ctx.rows(SQL, threshold=threshold)
    reversals = 0
    findings = []
    for r in rows:
        doc_date = (r["first_document_date"] if r["first_document_date"] < ctx.month.first_day
                    else r["last_document_date"])
        direction = ("a document of an earlier period booked late" if doc_date < ctx.month.first_day
                     else "a document of a later period booked early")
        fix = ("accrue it in its own period" if doc_date < ctx.month.first_day
               else "defer it to its own period")
        if reverses_its_document_month(ctx, r, doc_date):
            reversals += 1
            continue
        document = f" ({r['doc_ref']})" if r["doc_ref"] else ""
        findings.append(Finding(
            "medium",
            f"Entry {r['je_id']} ({r['source']}, '{r['description']}'{document}) is posted "
            f"{r['posting_date']} for a document dated {doc_date}, {direction}: "
            f"{cents(r['total_debit'], ctx.currency)} {ctx.currency}; confirm the period and {fix} or re-date it.",
            cents(r["total_debit"], ctx.currency),
            [f"journal_lines:{r['je_id']}"] + ([r["doc_ref"]] if r["doc_ref"] else []),
        ))
    metrics = {"threshold": cents(threshold, ctx.currency), "entries": len(findings),
               "amount": cents(sum((f.amount for f in findings), ZERO), ctx.currency),
               "reversals_left_out": reversals}
    summary = (f"{len(findings)} entr{'y' if len(findings) == 1 else 'ies'} over "
               f"{cents(threshold, ctx.currency)} {ctx.currency} posted in {ctx.month} for "
               f"documents of another period." if findings
               else f"No cut-off differences over {cents(threshold, ctx.currency)} {ctx.currency} in {ctx.month}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="je.cutoff",
    title="Cut-off: document and posting in different periods",
    description=(
        "Lists the month's journal entries with a line whose document_date falls in a "
        "different calendar month from its posting_date, when the entry's total debits "
        "exceed the threshold (default: materiality, in the entity's currency). The amount "
        "is the entry's total debits; refs add the source document (doc_ref) when given. "
        "An entry that exactly reverses one posted in its document's month (same accounts "
        "and amounts, opposite sides: an accrual reversal) is not a cut-off error and is "
        "left out. "
        "Confirm the period, then accrue, defer or re-date."
    ),
    needs=("journal_lines",),
    params={"threshold": Money(MATERIALITY, "entries with total debits above this are tested")},
    run=run,
)

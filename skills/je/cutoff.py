"""Entries posted in one month for documents dated in another.

Cut-off decides which period a transaction belongs to. A supplier invoice dated 28 April
but booked on 3 May moves expense from April into May; a May invoice booked in April
pulls revenue forward. Small timing differences are normal; large ones change the
month's results and need an accrual, a deferral or a re-dating.
"""
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


def run(ctx):
    threshold = ctx.param("threshold")
    rows = ctx.rows(SQL, threshold=threshold)
    findings = []
    for r in rows:
        doc_date = (r["first_document_date"] if r["first_document_date"] < ctx.month.first_day
                    else r["last_document_date"])
        direction = ("a document of an earlier period booked late" if doc_date < ctx.month.first_day
                     else "a document of a later period booked early")
        fix = ("accrue it in its own period" if doc_date < ctx.month.first_day
               else "defer it to its own period")
        document = f" ({r['doc_ref']})" if r["doc_ref"] else ""
        findings.append(Finding(
            "medium",
            f"Entry {r['je_id']} ({r['source']}, '{r['description']}'{document}) is posted "
            f"{r['posting_date']} for a document dated {doc_date}, {direction}: "
            f"{cents(r['total_debit'])} {ctx.currency}; confirm the period and {fix} or re-date it.",
            r["total_debit"],
            [f"journal_lines:{r['je_id']}"] + ([r["doc_ref"]] if r["doc_ref"] else []),
        ))
    metrics = {"threshold": cents(threshold), "entries": len(rows),
               "amount": cents(sum((r["total_debit"] for r in rows), ZERO))}
    summary = (f"{len(rows)} entr{'y' if len(rows) == 1 else 'ies'} over {cents(threshold)} "
               f"{ctx.currency} posted in {ctx.month} for documents of another period." if rows
               else f"No cut-off differences over {cents(threshold)} {ctx.currency} in {ctx.month}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="je.cutoff",
    title="Cut-off: document and posting in different periods",
    description=(
        "Lists the month's journal entries with a line whose document_date falls in a "
        "different calendar month from its posting_date, when the entry's total debits "
        "exceed the threshold (default: materiality, in the entity's currency). The amount "
        "is the entry's total debits; refs add the source document (doc_ref) when given. "
        "Confirm the period, then accrue, defer or re-date."
    ),
    needs=("journal_lines",),
    params={"threshold": Money(MATERIALITY, "entries with total debits above this are tested")},
    run=run,
)

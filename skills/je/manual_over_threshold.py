"""Large manual entries posted without an approver.

Manual entries bypass the checks built into subledgers, so entries above the approval
limit must carry an approver. One that does not is an unapproved material adjustment:
get it approved (or reversed) before the books are signed off.
"""
from close.skill import MATERIALITY, Count, Money, ParamValue, RowFindings, Skill, Total
from skills.je._manual import DESCRIBE, MANUAL_ENTRIES_CTE

SQL = MANUAL_ENTRIES_CTE + """
SELECT je_id, posting_date, preparer, description, total_debit
FROM manual
WHERE total_debit > $threshold AND NOT approved
ORDER BY je_id
"""


SKILL = Skill(
    id="je.manual_over_threshold",
    title="Unapproved manual entries over the approval threshold",
    description=(
        "Lists the month's manual journal entries (source manual) whose total debits exceed "
        "the approval threshold (default: materiality, in the entity's currency) and that "
        "name no approver on any line. The amount is the entry's total debits. Obtain the "
        "missing approval or reverse the entry before sign-off."
    ),
    needs=("journal_lines",),
    params={"threshold": Money(MATERIALITY, "manual entries with total debits above this need an approver")},
    sql=SQL,
    findings=RowFindings(
        severity="high",
        message=(
            DESCRIBE + " for {total_debit} {currency} exceeds the approval threshold of "
            "{threshold} and has no approver; obtain approval or reverse it."
        ),
        amount="total_debit",
        refs=("journal_lines:{je_id}",),
        metrics={"threshold": ParamValue("threshold"), "unapproved": Count(),
                 "unapproved_amount": Total("total_debit")},
        summary=("{unapproved:manual entry|manual entries} over {threshold} {currency} "
                 "without an approver in {month}."),
        clean="Every manual entry over {threshold} {currency} in {month} has an approver.",
    ),
)

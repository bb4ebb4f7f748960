"""Entries approved by the person who prepared them.

Segregation of duties means no one both posts and approves an entry: a self-approved
entry had no independent review, which auditors treat as a control failure whatever
the amount. Each one needs a second approver after the fact.
"""
from close.money import ZERO, cents
from close.skill import MATERIALITY, Finding, Money, Skill

# Names are compared as people read them (close.identity): trimmed, case-folded,
# invisible characters dropped and look-alike letters folded, so "J.Smith " approving
# "j.smith", or "аna" (Cyrillic а) approving "ana", is the same person. The month's
# distinct (preparer, approver) pairs are few; each pair that is one person then names
# its entries. An entry counts if any of its lines shows such a pair.
PAIRS = """
SELECT preparer, approver
FROM journal_lines
WHERE entity_id = $entity_id AND posting_date BETWEEN $month_start AND $month_end
  AND approver IS NOT NULL
GROUP BY preparer, approver
ORDER BY preparer, approver
"""

ENTRIES = """
WITH month_lines AS (
  SELECT je_id, posting_date, debit, source, preparer, approver
  FROM journal_lines
  WHERE entity_id = $entity_id AND posting_date BETWEEN $month_start AND $month_end
),
hit AS (
  SELECT DISTINCT je_id FROM month_lines WHERE preparer = $preparer AND approver = $approver
)
SELECT l.je_id,
       MIN(l.posting_date) AS posting_date,
       MIN(l.source) AS source,
       CAST(SUM(l.debit) AS DECIMAL(18,2)) AS total_debit
FROM month_lines l
JOIN hit h ON h.je_id = l.je_id
GROUP BY l.je_id
ORDER BY l.je_id
"""


def self_approved_entries(ctx) -> list[dict]:
    """The month's entries with a line whose approver is its preparer, each once."""
    from close.identity import same_person

    entries: dict[str, dict] = {}
    for pair in ctx.rows(PAIRS):
        if not same_person(pair["preparer"], pair["approver"]):
            continue
        for r in ctx.rows(ENTRIES, preparer=pair["preparer"], approver=pair["approver"]):
            entries.setdefault(r["je_id"], {**r, "preparer": pair["preparer"]})
    return [entries[k] for k in sorted(entries)]


def run(ctx):
    high_from = ctx.param("high_severity_from")
    rows = self_approved_entries(ctx)
    findings = [
        Finding(
            "high" if r["total_debit"] >= high_from else "medium",
            f"Entry {r['je_id']} ({r['posting_date']}, {r['source']}, "
            f"{cents(r['total_debit'], ctx.currency)} {ctx.currency}) was prepared and approved by "
            f"{r['preparer']}; have someone else review and approve it.",
            cents(r["total_debit"], ctx.currency),
            [f"journal_lines:{r['je_id']}"],
        )
        for r in rows
    ]
    metrics = {"self_approved": len(rows),
               "self_approved_amount": cents(sum((r["total_debit"] for r in rows), ZERO), ctx.currency)}
    summary = (f"{len(rows)} entr{'y was' if len(rows) == 1 else 'ies were'} approved by "
               f"their preparer in {ctx.month}." if rows
               else f"No self-approved entries in {ctx.month}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="je.self_approved",
    title="Self-approved entries",
    description=(
        "Segregation of duties: lists the month's journal entries whose approver is the "
        "same person as the preparer (names compared trimmed, case-insensitively, with "
        "invisible characters dropped and look-alike letters folded). The "
        "amount is the entry's total debits; entries from high_severity_from up are high "
        "severity, smaller ones medium. Have each one reviewed and approved by someone else."
    ),
    needs=("journal_lines",),
    params={"high_severity_from": Money(MATERIALITY, "entries with total debits from this amount are high severity")},
    run=run,
)

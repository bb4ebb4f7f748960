"""Segment report: revenue and operating profit by department, and the entity as a segment.

Management reviews results by who earns and spends them. Departments are the segments
within an entity (journal_lines.department; lines without one are "Unassigned"), and
each entity is a segment of the group: this skill gives the entity's revenue and
operating profit for the month and year to date, split by department, adding up to the
entity's income statement.
"""
from close.money import ZERO, cents
from close.skill import Finding, Skill
from close.statements import PNL_BLOCKS

OPERATING_BLOCKS = ("revenue", "cost_of_sales", "operating_expenses")
SUBTYPES = {sub: block for block, subs in PNL_BLOCKS for sub in subs}

BY_DEPARTMENT = """
SELECT COALESCE(j.department, 'Unassigned') AS department, a.subtype,
       CAST(COALESCE(SUM(CASE WHEN j.posting_date >= $month_start THEN j.credit - j.debit END), 0)
            AS DECIMAL(18,2)) AS mtd,
       CAST(SUM(j.credit - j.debit) AS DECIMAL(18,2)) AS ytd
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND a.type IN ('revenue', 'expense')
  AND j.posting_date BETWEEN $year_start AND $month_end
GROUP BY COALESCE(j.department, 'Unassigned'), a.subtype
ORDER BY department, a.subtype
"""


def run(ctx):
    cur = ctx.currency
    segments: dict[str, dict] = {}
    for r in ctx.rows(BY_DEPARTMENT):
        block = SUBTYPES.get(r["subtype"])
        if block not in OPERATING_BLOCKS:
            continue
        seg = segments.setdefault(r["department"], {k: ZERO for k in
                                                    ("revenue_mtd", "revenue_ytd", "op_mtd", "op_ytd")})
        if block == "revenue":
            seg["revenue_mtd"] += r["mtd"]
            seg["revenue_ytd"] += r["ytd"]
        seg["op_mtd"] += r["mtd"]
        seg["op_ytd"] += r["ytd"]
    rows = [{"segment": name, "revenue": cents(s["revenue_mtd"], cur),
             "operating_profit": cents(s["op_mtd"], cur), "revenue_ytd": cents(s["revenue_ytd"], cur),
             "operating_profit_ytd": cents(s["op_ytd"], cur)} for name, s in sorted(segments.items())]
    total = {k: sum((r[k] for r in rows), ZERO)
             for k in ("revenue", "operating_profit", "revenue_ytd", "operating_profit_ytd")}
    metrics = {"entity": ctx.entity.id, "segments": rows, "entity_total": total,
               "lines": [{"line": r["segment"], "amount": r["operating_profit"],
                          "revenue": r["revenue"]} for r in rows], "currency": cur}
    summary = (f"{ctx.entity.id}: revenue {total['revenue']} {cur}, operating profit "
               f"{total['operating_profit']} in {ctx.month} across {len(rows)} departments.")
    return ctx.result([], metrics, summary)


SKILL = Skill(
    id="stmt.segment_report",
    title="Segment report",
    description=(
        "Revenue and operating profit (revenue less cost of sales and operating expenses, "
        "by account subtype) for the month and fiscal year to date, by department "
        "(journal_lines.department, blank = Unassigned), with the entity's total, which "
        "equals its income statement's operating profit; the entity totals are the group's "
        "segments by entity. Reports only."
    ),
    needs=("journal_lines", "accounts"),
    run=run,
)

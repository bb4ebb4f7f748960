"""Is the entity's month ready to close? The mechanical preconditions, in one place.

Before anyone reads variances, the books of the month must be complete and whole: each
subledger with activity in the month has posted to the GL, nothing is left in suspense,
the trial balance balances, and every earlier month is closed (a late posting into an
open earlier month would move the opening balances under the review). Each check is one
query; a failed check is a finding that says what to do, and metrics list all four with
their status so the review shows what is ready and what is not.
"""
from __future__ import annotations

from close.ledger import unbalanced_entry_refs
from close.money import ZERO, cents
from close.skill import Finding, Skill

# Subledger documents of the month, and the GL lines that show the subledger posted:
# lines of its journal source, or, since books differ in which source they post a
# subledger under (depreciation and payroll often come as `system` entries), lines in
# the month on the accounts the subledger posts to, on its side (subtype, debit/credit).
SUBLEDGERS = {
    "ar_invoices": ("ar", "AR invoices", (("receivable", "debit"), ("revenue", "credit")), """
SELECT invoice_id AS doc, CAST(net_amount + tax_amount AS DECIMAL(18,2)) AS amount
FROM ar_invoices
WHERE entity_id = $entity_id AND invoice_date BETWEEN $month_start AND $month_end
ORDER BY invoice_id
"""),
    "ap_bills": ("ap", "AP bills", (("payable", "credit"),), """
SELECT bill_id AS doc, CAST(net_amount + tax_amount AS DECIMAL(18,2)) AS amount
FROM ap_bills
WHERE entity_id = $entity_id AND bill_date BETWEEN $month_start AND $month_end
ORDER BY bill_id
"""),
    "payroll": ("payroll", "Payroll", (("payroll_expense", "debit"),), """
SELECT period || '/' || employee_id AS doc,
       CAST(gross_pay + employer_taxes + benefits AS DECIMAL(18,2)) AS amount
FROM payroll
WHERE entity_id = $entity_id AND period = $period
ORDER BY period, employee_id
"""),
    "fixed_assets": ("fixed_assets", "Depreciation",
                     (("depreciation_expense", "debit"), ("accumulated_depreciation", "credit")), """
SELECT asset_id AS doc, CAST(NULL AS DECIMAL(18,2)) AS amount
FROM fixed_assets
WHERE entity_id = $entity_id AND in_service_date < $month_start
  AND (disposal_date IS NULL OR disposal_date >= $month_start)
  AND date_diff('month', in_service_date, $month_end) <= useful_life_months
  AND cost > salvage_value
ORDER BY asset_id
"""),
}

GL_SOURCE_LINES = """
SELECT COUNT(*) AS lines
FROM journal_lines
WHERE entity_id = $entity_id AND source = $source
  AND posting_date BETWEEN $month_start AND $month_end
"""

GL_ACCOUNT_LINES = """
SELECT COUNT(*) AS lines
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND j.posting_date BETWEEN $month_start AND $month_end
  AND a.subtype = $subtype
  AND ((j.debit > 0 AND $side = 'debit') OR (j.credit > 0 AND $side = 'credit'))
"""


def gl_posted(ctx, source: str, sides) -> bool:
    """Whether the GL shows the subledger in the month: its source, or its accounts."""
    if ctx.rows(GL_SOURCE_LINES, source=source)[0]["lines"]:
        return True
    return any(ctx.rows(GL_ACCOUNT_LINES, subtype=subtype, side=side)[0]["lines"]
               for subtype, side in sides)


SUSPENSE = """
SELECT a.account_id, a.name, CAST(SUM(j.debit - j.credit) AS DECIMAL(18,2)) AS balance
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND a.subtype = 'suspense' AND j.posting_date <= $month_end
GROUP BY a.account_id, a.name
HAVING SUM(j.debit - j.credit) <> 0
ORDER BY a.account_id
"""

TRIAL_BALANCE = """
SELECT CAST(COALESCE(SUM(debit), 0) - COALESCE(SUM(credit), 0) AS DECIMAL(18,2)) AS difference
FROM journal_lines
WHERE entity_id = $entity_id AND posting_date <= $month_end
"""

LISTED_PERIODS = """
SELECT COUNT(*) AS periods FROM periods WHERE entity_id = $entity_id
"""

OPEN_EARLIER_PERIODS = """
SELECT period
FROM periods
WHERE entity_id = $entity_id AND period < $period AND status <> 'closed'
ORDER BY period
"""


def check(name: str, label: str, status: str, detail: str) -> dict:
    return {"check": name, "label": label, "status": status, "detail": detail}


def subledgers(ctx, findings: list) -> dict:
    cur = ctx.currency
    present = [t for t in SUBLEDGERS if ctx.has_table(t)]
    if not present:
        return check("subledgers_posted", "Subledgers posted", "skipped", "the pack has no subledger tables")
    unposted, posted = [], []
    for table in present:
        source, label, sides, sql = SUBLEDGERS[table]
        docs = ctx.rows(sql)
        if not docs:
            continue
        if gl_posted(ctx, source, sides):
            posted.append(f"{label} ({len(docs)})")
            continue
        amounts = [d["amount"] for d in docs if d["amount"] is not None]
        total = cents(sum(amounts, ZERO), cur) if amounts else None
        unposted.append(label)
        findings.append(Finding(
            "high",
            f"{label} for {ctx.month} not posted to the GL: {len(docs)} document(s)"
            + (f" for {total} {cur}" if total is not None else "")
            + f" but no GL lines with source '{source}' or on its accounts in the month. Post "
              f"the {label.lower()} "
              f"for {ctx.month} before closing.",
            total, tuple(f"{table}:{d['doc']}" for d in docs)))
    if unposted:
        return check("subledgers_posted", "Subledgers posted", "exceptions",
                     f"not posted: {', '.join(unposted)}")
    detail = f"posted: {', '.join(posted)}" if posted else "no subledger activity this month"
    return check("subledgers_posted", "Subledgers posted", "pass", detail)


def suspense(ctx, findings: list) -> dict:
    cur = ctx.currency
    open_accounts = ctx.rows(SUSPENSE)
    for row in open_accounts:
        findings.append(Finding(
            "high",
            f"Suspense account {row['account_id']} ({row['name']}) holds {cents(row['balance'], cur)} {cur} at "
            f"{ctx.month.last_day}: clear it to the right accounts before closing.",
            cents(abs(row["balance"]), cur), (f"accounts:{row['account_id']}",)))
    if open_accounts:
        return check("suspense_clear", "Suspense clear", "exceptions",
                     "; ".join(f"account {r['account_id']} holds {cents(r['balance'], cur)} {cur}" for r in open_accounts))
    return check("suspense_clear", "Suspense clear", "pass", "every suspense account is zero")


def trial_balance(ctx, findings: list) -> dict:
    cur = ctx.currency
    difference = ctx.rows(TRIAL_BALANCE)[0]["difference"]
    if difference == ZERO:
        return check("trial_balance", "Trial balance balances", "pass", "debits equal credits")
    refs = tuple(unbalanced_entry_refs(ctx))
    findings.append(Finding(
        "high",
        f"The trial balance at {ctx.month.last_day} is out by {cents(difference, cur)} {cur} (debits less "
        f"credits): correct the unbalanced entries before closing.",
        cents(abs(difference), cur), refs))
    return check("trial_balance", "Trial balance balances", "exceptions", f"out by {cents(difference, cur)} {cur}")


def periods(ctx, findings: list) -> dict:
    if not ctx.has_table("periods"):
        return check("periods_closed", "Earlier periods closed", "skipped", "the pack has no periods.csv")
    if not ctx.rows(LISTED_PERIODS)[0]["periods"]:
        return check("periods_closed", "Earlier periods closed", "skipped",
                     f"periods.csv lists no period for {ctx.entity.id}")
    open_periods = [r["period"] for r in ctx.rows(OPEN_EARLIER_PERIODS)]
    if not open_periods:
        return check("periods_closed", "Earlier periods closed", "pass", f"every period before {ctx.month} is closed")
    findings.append(Finding(
        "medium",
        f"{len(open_periods)} period(s) before {ctx.month} still open ({', '.join(open_periods)}): "
        f"close them so postings cannot move {ctx.month}'s opening balances.",
        None, tuple(f"periods:{ctx.entity.id}/{p}" for p in open_periods)))
    return check("periods_closed", "Earlier periods closed", "exceptions", f"open: {', '.join(open_periods)}")


def run(ctx):
    findings: list[Finding] = []
    checks = [subledgers(ctx, findings), suspense(ctx, findings), trial_balance(ctx, findings),
              periods(ctx, findings)]
    ready = all(c["status"] != "exceptions" for c in checks)
    metrics = {"ready": ready, "checks": checks,
               "checks_passed": sum(c["status"] == "pass" for c in checks),
               "checks_failed": sum(c["status"] == "exceptions" for c in checks)}
    if ready:
        summary = f"{ctx.entity.id} is ready to close {ctx.month}: " + "; ".join(
            f"{c['label'].lower()} ({c['status']})" for c in checks) + "."
    else:
        failed = [c["label"].lower() for c in checks if c["status"] == "exceptions"]
        summary = f"{ctx.entity.id} is not ready to close {ctx.month}: {', '.join(failed)} failed."
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="close.period_readiness",
    title="Period readiness",
    description=(
        "Per entity, the mechanical preconditions for closing the month: every subledger "
        "with documents in the month (AR invoices, AP bills, payroll, depreciating fixed "
        "assets) has GL lines of its source in the month; every suspense account is zero at "
        "month end; cumulative debits equal credits; and every earlier period in periods.csv "
        "is closed. A subledger counts as posted when the GL has lines of its source in the "
        "month or lines on its own accounts (receivable debits or revenue credits, payable "
        "credits, payroll expense debits, depreciation), whatever source the books post it "
        "under. A subledger not posted, an open suspense balance or an unbalanced trial "
        "balance is a high finding, an open earlier period a medium one; checks whose table "
        "the pack lacks (or, for periods, that list no period of the entity) are listed as "
        "skipped and do not block readiness."
    ),
    needs=("journal_lines", "accounts"),
    run=run,
)

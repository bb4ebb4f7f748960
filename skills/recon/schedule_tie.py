"""Schedules released straight-line by month (prepaids, deferred revenue) against the GL.

Both checks share one shape: per schedule item, the month's release booked (lines whose
doc_ref names the item, on the side of the entry that releases it) equals the schedule's;
and per balance-sheet account, the GL balance equals what the schedule leaves unreleased.
A release difference moves the balance by the same amount, so a balance difference is
only reported for what this month's release differences do not explain: one error, one
finding.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from close.money import ZERO, cents
from close.skill import Finding
from skills.recon.straight_line import release, released_through


@dataclass(frozen=True)
class Item:
    ref: str
    label: str
    account_id: str  # the balance-sheet account holding the unreleased part
    start_date: date
    end_date: date
    amount: Decimal


def tie(ctx, items: list[Item], booked: dict[str, tuple[Decimal, set]],
        gl: dict[str, Decimal], how_to_post) -> tuple[dict, list[Finding]]:
    """booked: ref -> (released this month, entry refs); gl: account -> balance, both in
    the schedule's direction (positive = unreleased). `how_to_post(item, amount)` words the fix."""
    threshold = ctx.param("threshold")
    findings = []
    due_total = booked_total = new_total = ZERO
    closing: dict[str, Decimal] = {}
    explained: dict[str, Decimal] = {}
    for item in items:
        due = release(item.amount, item.start_date, item.end_date, ctx.month)
        got, entries = booked.get(item.ref, (ZERO, set()))
        due_total += due
        booked_total += got
        if item.start_date >= ctx.month.first_day:
            new_total += item.amount
        left = item.amount - released_through(item.amount, item.start_date, item.end_date, ctx.month)
        closing[item.account_id] = closing.get(item.account_id, ZERO) + left
        if got != due:
            explained[item.account_id] = explained.get(item.account_id, ZERO) + (due - got)
            findings.append(Finding(
                "high" if abs(due - got) >= threshold else "medium",
                f"{item.label}: {cents(due)} should be released in {ctx.month}, {cents(got)} "
                f"was booked; {how_to_post(item, due - got)}",
                due - got, [item.ref, *sorted(entries)]))
    accounts = []
    for account in sorted(closing):
        difference = gl.get(account, ZERO) - closing[account]
        residual = difference - explained.get(account, ZERO)
        accounts.append({"account_id": account, "schedule_balance": cents(closing[account]),
                         "gl_balance": cents(gl.get(account, ZERO)), "difference": cents(difference)})
        if residual != ZERO:
            findings.append(Finding(
                "high" if abs(residual) >= threshold else "medium",
                f"Account {account} holds {cents(gl.get(account, ZERO))} at {ctx.month.last_day}; "
                f"the schedule leaves {cents(closing[account])}: {cents(residual)} is not "
                f"explained by this month's releases. Find the entry or the missing schedule item.",
                residual, [f"accounts:{account}"]))
    schedule_balance = sum(closing.values(), ZERO)
    gl_balance = sum((gl.get(a, ZERO) for a in closing), ZERO)
    metrics = {"items": len(items), "new_this_month": cents(new_total),
               "release_expected": cents(due_total), "release_booked": cents(booked_total),
               "schedule_balance": cents(schedule_balance), "gl_balance": cents(gl_balance),
               "difference": cents(gl_balance - schedule_balance), "accounts": accounts}
    return metrics, findings


def booked_by_ref(rows) -> dict[str, tuple[Decimal, set]]:
    """Rows with doc_ref, je_id and amount -> ref -> (total, {journal_lines refs})."""
    out: dict[str, tuple[Decimal, set]] = {}
    for r in rows:
        total, entries = out.get(r["doc_ref"], (ZERO, set()))
        entries.add(f"journal_lines:{r['je_id']}")
        out[r["doc_ref"]] = (total + r["amount"], entries)
    return out


# What a schedule's balance-sheet accounts hold in the GL at month end. The schedule table
# and the direction are constants chosen in code (a skill module), never input.
GL_BALANCES = """
SELECT j.account_id, CAST(SUM({direction}) AS DECIMAL(18,2)) AS balance
FROM journal_lines j
WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end
  AND j.account_id IN (SELECT account_id FROM {schedule} WHERE entity_id = $entity_id)
GROUP BY j.account_id
ORDER BY j.account_id
"""

DIRECTIONS = {"debit": "j.debit - j.credit", "credit": "j.credit - j.debit"}


def gl_balances(ctx, schedule: str, direction: str) -> dict[str, Decimal]:
    """Account -> GL balance at month end of the accounts named in `schedule`, positive on
    the `direction` side ("debit" for assets such as prepaids, "credit" for liabilities)."""
    sql = GL_BALANCES.format(direction=DIRECTIONS[direction], schedule=schedule)
    return {r["account_id"]: r["balance"] for r in ctx.rows(sql)}


def nothing_to_reconcile(ctx, what: str, schedule: str):
    """The result of an entity with no schedule items: a pass that says why."""
    return ctx.result([], {}, f"Nothing to reconcile: the entity has no {what} in {schedule}.csv.")

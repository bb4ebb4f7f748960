"""Suspense accounts must be empty at month end.

Suspense holds postings nobody has classified yet. Whatever is still there at period
end is unexplained: it distorts the statements and hides errors. The finding gives the
balance per suspense account and the entries that left it open, so each can be
reclassified to its proper account before sign-off.
"""
from close.money import ZERO, cents
from close.skill import Finding, Money, Skill

# Each entry's net effect on each suspense account (subtype suspense), from the first
# line to the month's end: the balance is cumulative, like any balance-sheet account.
SQL = """
SELECT j.account_id, a.name AS account_name, j.je_id,
       MIN(j.posting_date) AS posting_date,
       MIN(j.created_at) AS created_at,
       MIN(j.description) AS description,
       CAST(SUM(j.debit - j.credit) AS DECIMAL(18,2)) AS net
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end AND a.subtype = 'suspense'
GROUP BY j.account_id, a.name, j.je_id
ORDER BY j.account_id, j.je_id
"""


def open_items(entries: list[dict]) -> list[dict]:
    """The entries that leave an account open, with what of each is still unexplained.

    Entries are taken oldest first (posting date, creation time, id). An entry that is
    the exact opposite of an earlier open one clears it (the usual reclassification);
    what remains is netted first-in, first-out: a clearing entry reduces the oldest
    open items of the opposite sign. The open remainders always sum to the balance.
    """
    ordered = sorted((e for e in entries if e["net"] != ZERO),
                     key=lambda e: (e["posting_date"], e["created_at"], e["je_id"]))
    unmatched: list[dict] = []
    for entry in ordered:
        twin = next((u for u in unmatched if u["net"] == -entry["net"]), None)
        if twin is not None:
            unmatched.remove(twin)
        else:
            unmatched.append(entry)
    items: list[dict] = []
    for entry in unmatched:
        remaining = entry["net"]
        for item in items:
            if remaining == ZERO:
                break
            if item["open"] != ZERO and (item["open"] > ZERO) != (remaining > ZERO):
                used = min(abs(item["open"]), abs(remaining))
                item["open"] += used if item["open"] < ZERO else -used
                remaining += used if remaining < ZERO else -used
        if remaining != ZERO:
            items.append({**entry, "open": remaining})
    return [i for i in items if i["open"] != ZERO]


def run(ctx):
    tolerance = ctx.param("tolerance")
    by_account: dict[str, list[dict]] = {}
    for row in ctx.rows(SQL):
        by_account.setdefault(row["account_id"], []).append(row)

    findings, balances = [], {}
    for account_id, entries in by_account.items():
        balance = sum((e["net"] for e in entries), ZERO)
        balances[account_id] = cents(balance, ctx.currency)
        if abs(balance) <= tolerance:
            continue
        items = open_items(entries)
        in_month = [i for i in items if ctx.month.first_day <= i["posting_date"] <= ctx.month.last_day]
        listed = ", ".join(f"{i['je_id']} ({i['posting_date']}, {cents(i['open'], ctx.currency)})" for i in items)
        side = "debit" if balance > ZERO else "credit"
        findings.append(Finding(
            "high",
            f"Suspense account {account_id} {entries[0]['account_name']} holds a {side} balance "
            f"of {cents(abs(balance), ctx.currency)} {ctx.currency} at {ctx.month.last_day}, left open by "
            f"{len(items)} entr{'y' if len(items) == 1 else 'ies'} ({len(in_month)} posted in "
            f"{ctx.month}): {listed}; reclassify them to their proper accounts.",
            cents(abs(balance), ctx.currency),
            [f"journal_lines:{i['je_id']}" for i in items] + [f"accounts:{account_id}"],
        ))
    metrics = {"suspense_accounts": len(balances), "balances": balances,
               "total_open": cents(sum((abs(f.amount) for f in findings), ZERO), ctx.currency)}
    summary = (f"{len(findings)} suspense account{'s' if len(findings) != 1 else ''} not cleared "
               f"at {ctx.month.last_day}." if findings
               else f"Suspense accounts are clear at {ctx.month.last_day}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="je.suspense_balance",
    title="Suspense accounts cleared",
    description=(
        "Suspense accounts (subtype suspense) must be zero at the month's end. For each one "
        "with a cumulative balance, one high finding whose amount is the balance, with refs "
        "to the entries that left it open: each entry's net on the account, oldest first, "
        "with exact reversals paired off and remaining clearings netted first-in first-out "
        "against the oldest open items; what is left (summing to the balance) are the "
        "entries to reclassify. Metrics give every suspense account's balance."
    ),
    needs=("journal_lines", "accounts"),
    params={"tolerance": Money("0.00", "balances up to this amount count as cleared")},
    run=run,
)

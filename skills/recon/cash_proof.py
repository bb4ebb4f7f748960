"""Proof of cash: the cash-flow statement's cash ties to balance-sheet cash, and every
cash balance is supported by a bank reconciliation.

Two ways the reported cash can be wrong without any single reconciliation failing: the
cash-flow statement arrives at another closing cash than the balance sheet (entries
that do not balance, an account classified in no section), or a cash account carries a
balance that no bank statement supports (petty cash never counted, a closed account
still holding money). Closing cash per the statement of cash flows (opening cash plus the
month's net cash flow, from stmt.cash_flow) must equal the cash accounts' balance at
month end, and each cash account with a balance must be linked to a bank account
(bank_accounts.gl_account_id), where recon.bank reconciles it.
"""
from __future__ import annotations

from close.ledger import unbalanced_entry_refs
from close.money import ZERO, cents
from close.skill import Finding, Skill, SkillError

CASH = """
SELECT a.account_id, a.name, CAST(SUM(j.debit - j.credit) AS DECIMAL(18,2)) AS balance,
       MAX(CASE WHEN b.bank_account_id IS NULL THEN 0 ELSE 1 END) AS has_bank
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
LEFT JOIN bank_accounts b ON b.gl_account_id = a.account_id AND b.entity_id = $entity_id
WHERE j.entity_id = $entity_id AND a.subtype = 'cash' AND j.posting_date <= $month_end
GROUP BY a.account_id, a.name
ORDER BY a.account_id
"""

def run(ctx):
    flow = ctx.deps["stmt.cash_flow"]
    try:
        per_flow = flow.metrics["cash_opening"] + flow.metrics["net_change_in_cash"]
    except KeyError as exc:
        raise SkillError(f"stmt.cash_flow gave no {exc.args[0]} figure to prove cash with") from None
    accounts = ctx.rows(CASH)
    balance_sheet = sum((a["balance"] for a in accounts), ZERO)
    diff = per_flow - balance_sheet
    findings = []
    if diff != ZERO:
        findings.append(Finding(
            "high",
            f"Closing cash per the cash-flow statement is {cents(per_flow, ctx.currency)}, the balance sheet "
            f"shows {cents(balance_sheet, ctx.currency)} at {ctx.month.last_day} (difference {cents(diff, ctx.currency)}): "
            f"correct the entries that do not balance or the account classification.",
            diff, unbalanced_entry_refs(ctx, start=ctx.month.first_day)))
    unsupported = [a for a in accounts if not a["has_bank"] and a["balance"] != ZERO]
    for a in unsupported:
        findings.append(Finding(
            "high" if abs(a["balance"]) >= ctx.materiality else "medium",
            f"Cash account {a['account_id']} ({a['name']}) holds {cents(a['balance'], ctx.currency)} but no bank "
            f"account is linked to it, so no statement supports it: count it, link the bank "
            f"account, or transfer the balance.",
            a["balance"], [f"accounts:{a['account_id']}"]))
    metrics = {"cash_per_cash_flow": cents(per_flow, ctx.currency), "cash_per_balance_sheet": cents(balance_sheet, ctx.currency),
               "difference": cents(diff, ctx.currency),
               "reconciled_cash": cents(sum((a["balance"] for a in accounts if a["has_bank"]), ZERO), ctx.currency),
               "unsupported_cash": cents(sum((a["balance"] for a in unsupported), ZERO), ctx.currency)}
    summary = (f"Cash {metrics['cash_per_balance_sheet']} {ctx.currency} on the balance sheet, "
               f"{metrics['cash_per_cash_flow']} per the cash-flow statement; "
               f"{metrics['unsupported_cash']} without a bank reconciliation.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="recon.cash_proof",
    title="Proof of cash",
    description=(
        "Closing cash per the statement of cash flows (stmt.cash_flow: opening cash + net "
        "cash flow of the month) must equal the balance of the cash accounts at month end, and "
        "every cash account with a balance must be linked to a bank account (so recon.bank "
        "reconciles it). Findings: the difference, with the month's unbalanced entries, and "
        "each cash balance no bank statement supports."
    ),
    needs=("journal_lines", "accounts", "bank_accounts"),
    depends=("stmt.cash_flow",),
    run=run,
)

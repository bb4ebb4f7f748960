"""Bank reconciliation: the bank statement against the books' cash, per bank account.

Cash is the one balance a third party confirms every day, so a reconciliation that ties
is the strongest evidence the books are complete. Each bank account's statement lines are
matched to the journal lines on its GL cash account (see bank_matching for the three
passes). What is left explains the difference between the two balances:

- book receipts not yet on the statement are deposits in transit, book payments not yet
  on it are outstanding checks: normal timing items, but a finding when older than
  `stale_days` (a cheque that never cleared, a deposit that never arrived);
- statement lines not in the books are unrecorded bank items (fees, interest, direct
  debits, returned payments): always a finding, the entry is missing.

Balances. The pack has no statement opening balance, so the statement balance at month
end is the cumulative sum of the account's bank_transactions booked up to that day: the
statement is taken to start at zero, with the money the account opened with as its first
line, exactly as the books start at zero with the opening entry. (The demo pack does so:
each account's first statement line is the balance brought forward, reference
OPENING-2025, which the reference pass matches to the opening entry whose description
carries the same word.) Both sides run from
inception, so the reconciliation is cumulative:

    adjusted bank = statement balance + deposits in transit - outstanding checks
    adjusted book = GL balance + unrecorded bank items (signed)

and the two must tie to the cent. Only items dated up to the month end take part: a June
clearing does not make a May deposit any less in transit at 31 May.
"""
from __future__ import annotations

from close.money import ZERO, cents
from close.skill import MATERIALITY, Finding, Int, Money, Skill
from skills.recon.bank_matching import BankItem, BookItem, match

ACCOUNTS = """
SELECT bank_account_id, gl_account_id, currency, bank_name
FROM bank_accounts
WHERE entity_id = $entity_id
ORDER BY bank_account_id
"""

BOOK_LINES = """
SELECT je_id, line_no, posting_date, CAST(debit - credit AS DECIMAL(18,2)) AS amount,
       description, doc_ref, counterparty
FROM journal_lines
WHERE entity_id = $entity_id AND account_id = $gl_account_id AND posting_date <= $month_end
ORDER BY posting_date, je_id, line_no
"""

BANK_LINES = """
SELECT txn_id, booking_date, amount, reference, description
FROM bank_transactions
WHERE bank_account_id = $bank_account_id AND booking_date <= $month_end
ORDER BY booking_date, txn_id
"""


def load_items(ctx, bank_account: dict) -> tuple[list[BankItem], list[BookItem]]:
    """The statement lines and the GL cash lines of one bank account, up to month end."""
    bank = [BankItem(r["txn_id"], r["booking_date"], r["amount"], r["reference"],
                     r["description"] or "")
            for r in ctx.rows(BANK_LINES, bank_account_id=bank_account["bank_account_id"])]
    book = [BookItem(r["je_id"], r["line_no"], r["posting_date"], r["amount"],
                     r["description"] or "", r["doc_ref"], r["counterparty"])
            for r in ctx.rows(BOOK_LINES, gl_account_id=bank_account["gl_account_id"])]
    return bank, book


def reconcile(ctx, bank_account: dict) -> tuple[dict, list[Finding]]:
    bank, book = load_items(ctx, bank_account)
    window, max_group = ctx.params["window_days"], ctx.params["max_group"]
    matching = match(bank, book, window, max_group)
    account_id = bank_account["bank_account_id"]
    stale_before = ctx.month.last_day.toordinal() - ctx.params["stale_days"]

    statement = sum((b.amount for b in bank), ZERO)
    ledger = sum((b.amount for b in book), ZERO)
    in_transit = [b for b in matching.unmatched_book if b.amount > 0]
    outstanding = [b for b in matching.unmatched_book if b.amount < 0]
    unrecorded = matching.unmatched_bank
    in_transit_total = sum((b.amount for b in in_transit), ZERO)
    outstanding_total = -sum((b.amount for b in outstanding), ZERO)
    unrecorded_total = sum((b.amount for b in unrecorded), ZERO)
    adjusted_bank = statement + in_transit_total - outstanding_total
    adjusted_book = ledger + unrecorded_total
    difference = adjusted_bank - adjusted_book

    findings = []
    threshold = ctx.param("threshold")
    for txn in unrecorded:
        kind = "deposit" if txn.amount > 0 else "withdrawal"
        findings.append(Finding(
            "high" if abs(txn.amount) >= threshold else "medium",
            f"Bank {kind} {txn.txn_id} of {cents(txn.amount)} on {txn.booking_date} "
            f"({_said(txn)}) on {account_id} is not in the books: post it to GL "
            f"{bank_account['gl_account_id']} or have the bank correct it.",
            txn.amount, [txn.ref]))
    for item in in_transit + outstanding:
        if item.posting_date.toordinal() >= stale_before:
            continue
        age = (ctx.month.last_day - item.posting_date).days
        what = "Deposit in transit" if item.amount > 0 else "Outstanding check"
        findings.append(Finding(
            "medium",
            f"{what} {item.je_id} of {cents(item.amount)} posted {item.posting_date} has not "
            f"cleared {account_id} after {age} days: confirm with the bank, or reverse it "
            f"(void the payment / chase the deposit).",
            item.amount, [item.ref]))
    if difference != ZERO:
        findings.append(Finding(
            "high",
            f"{account_id}: adjusted bank balance {cents(adjusted_bank)} does not tie to "
            f"adjusted book balance {cents(adjusted_book)}; difference {cents(difference)}.",
            difference, [f"accounts:{bank_account['gl_account_id']}"]))

    metrics = {
        "bank_account_id": account_id,
        "gl_account_id": bank_account["gl_account_id"],
        "bank_lines": len(bank),
        "book_lines": len(book),
        "matched_reference": matching.count("reference"),
        "matched_amount_date": matching.count("amount_date"),
        "matched_one_to_many": matching.count("one_to_many"),
        "unmatched_bank": len(unrecorded),
        "deposits_in_transit_count": len(in_transit),
        "outstanding_checks_count": len(outstanding),
        "bank_balance": cents(statement),
        "deposits_in_transit": cents(in_transit_total),
        "outstanding_checks": cents(outstanding_total),
        "adjusted_bank_balance": cents(adjusted_bank),
        "book_balance": cents(ledger),
        "unrecorded_bank_items": cents(unrecorded_total),
        "adjusted_book_balance": cents(adjusted_book),
        "difference": cents(difference),
    }
    return metrics, findings


COUNTS = ("matched_reference", "matched_amount_date", "matched_one_to_many", "unmatched_bank",
          "deposits_in_transit_count", "outstanding_checks_count")
AMOUNTS = ("bank_balance", "deposits_in_transit", "outstanding_checks", "adjusted_bank_balance",
           "book_balance", "unrecorded_bank_items", "adjusted_book_balance", "difference")


def _said(txn: BankItem) -> str:
    return txn.description or txn.reference or "no description"


def run(ctx):
    accounts = ctx.rows(ACCOUNTS)
    if not accounts:
        return ctx.result([], {}, "Nothing to reconcile: the entity has no bank accounts in bank_accounts.csv.")
    per_account, findings = [], []
    for bank_account in accounts:
        metrics, account_findings = reconcile(ctx, bank_account)
        per_account.append(metrics)
        findings.extend(account_findings)
    totals = {key: sum(m[key] for m in per_account) for key in COUNTS}
    totals.update({key: cents(sum((m[key] for m in per_account), ZERO)) for key in AMOUNTS})
    matched = (totals["matched_reference"] + totals["matched_amount_date"]
               + totals["matched_one_to_many"])
    metrics = {"accounts": per_account, "matched": matched, **totals}
    tied = sum(1 for m in per_account if m["difference"] == ZERO)
    summary = (f"{len(per_account)} bank account(s), {tied} tied; {matched} matched, "
               f"{totals['unmatched_bank']} unrecorded bank item(s), "
               f"{totals['deposits_in_transit_count']} deposit(s) in transit, "
               f"{totals['outstanding_checks_count']} outstanding check(s).")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="recon.bank",
    title="Bank reconciliation",
    description=(
        "Reconciles each bank account's statement (bank_transactions, cumulative from the "
        "first line, as the statement balance) to its GL cash account (bank_accounts."
        "gl_account_id). Matches in three passes: the bank reference equal to the source "
        "document key of the journal line (doc_ref) or a word of its description with an "
        "equal amount; then equal amount within `window_days`; then one deposit equal to "
        "the sum of up to `max_group` book receipts in the window (same counterparty first). "
        "Unmatched book receipts are deposits in transit, unmatched book payments are "
        "outstanding checks, unmatched statement lines are unrecorded bank items (a finding "
        "each: post them). Timing items older than `stale_days` are findings. The adjusted "
        "bank balance (statement + deposits in transit - outstanding checks) must tie to the "
        "adjusted book balance (GL + unrecorded bank items)."
    ),
    needs=("bank_accounts", "bank_transactions", "journal_lines"),
    params={
        "window_days": Int(5, "days between bank booking date and book posting date for an amount match"),
        "max_group": Int(5, "most book receipts one bank deposit may combine"),
        "stale_days": Int(60, "age in days after which an uncleared book item is a finding"),
        "threshold": Money(MATERIALITY, "unrecorded bank items at or above this are high severity"),
    },
    run=run,
)

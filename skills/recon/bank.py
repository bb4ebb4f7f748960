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
end is the cumulative sum of the account's bank_transactions booked up to that day, plus
what the books held before the statement's first line. A statement that opens with a
balance brought forward line (the demo's and Kestrel's do) starts at zero and that line
matches the books' opening entry. A statement that starts with its first transaction
covers nothing before that day: book lines dated before the statement's first line are
taken as the balance brought forward (stated in metrics, never reported as timing
items), since no statement exists to clear them against. Both sides then run from the
same day, so the reconciliation is cumulative:

    adjusted bank = statement balance + deposits in transit - outstanding checks
    adjusted book = GL balance + unrecorded bank items (signed)

and the two must tie to the currency's minor unit. Only items dated up to the month end
take part: a June clearing does not make a May deposit any less in transit at 31 May.

Accounts. Bank accounts that post to the same GL account (two bank accounts, one cash
account) are reconciled together against it, or every line of one would stand as a
timing item of the other. A bank account in a currency other than the entity's
functional currency is reconciled in its own currency: the statement against the
transaction amounts (amount_txn) of the GL lines in that currency; the GL account's
remeasurement lines (no amount in that currency) are the FX revaluation's business and
are left out. Finding amounts are in the functional currency (a foreign item at the
month's closing rate, the rate the account is carried at).
"""
from __future__ import annotations

from close.money import ZERO, cents
from close.skill import MATERIALITY, Finding, Int, Money, Skill, SkillError
from skills.recon.bank_matching import BankItem, BookItem, match

ACCOUNTS = """
SELECT bank_account_id, gl_account_id, currency, bank_name
FROM bank_accounts
WHERE entity_id = $entity_id
ORDER BY bank_account_id
"""

BOOK_LINES = """
SELECT je_id, line_no, posting_date, CAST(debit - credit AS DECIMAL(18,4)) AS functional,
       currency, amount_txn, description, doc_ref, counterparty
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

STATEMENT_START = """
SELECT MIN(booking_date) AS first_day FROM bank_transactions WHERE bank_account_id = $bank_account_id
"""


def cash_books(ctx) -> list[dict]:
    """The entity's bank accounts grouped by the GL account and currency they post to."""
    groups: dict[tuple, list[str]] = {}
    for row in ctx.rows(ACCOUNTS):
        currency = row["currency"] or ctx.currency
        groups.setdefault((row["gl_account_id"], currency), []).append(row["bank_account_id"])
    foreign_on = {}
    for gl, currency in groups:
        if currency != ctx.currency:
            foreign_on.setdefault(gl, set()).add(currency)
    return [{"gl_account_id": gl, "currency": currency, "bank_account_ids": ids,
             "label": " + ".join(ids), "other_currencies": foreign_on.get(gl, set()) - {currency}}
            for (gl, currency), ids in sorted(groups.items())]


def _book_amount(ctx, line: dict, book: dict):
    """The line's amount in the bank account's currency, or None when it is not one of its
    lines (another currency's bank on the same account, or a remeasurement)."""
    currency = line["currency"] or ctx.currency
    if book["currency"] == ctx.currency:
        return None if currency in book["other_currencies"] else line["functional"]
    if currency != book["currency"] or line["amount_txn"] is None:
        return None
    return line["amount_txn"]


def load_items(ctx, book: dict) -> tuple[list[BankItem], list[BookItem], dict]:
    """Statement lines and GL cash lines of one cash book up to month end, and what the
    books held before the statement's first line (brought forward, not matched)."""
    bank, starts = [], []
    for account_id in book["bank_account_ids"]:
        bank += [BankItem(r["txn_id"], r["booking_date"], r["amount"], r["reference"],
                          r["description"] or "")
                 for r in ctx.rows(BANK_LINES, bank_account_id=account_id)]
        first = ctx.rows(STATEMENT_START, bank_account_id=account_id)[0]["first_day"]
        if first is not None:
            starts.append(first)
    statement_start = min(starts) if starts else None
    items, brought_forward, left_out = [], ZERO, ZERO
    for r in ctx.rows(BOOK_LINES, gl_account_id=book["gl_account_id"]):
        amount = _book_amount(ctx, r, book)
        if amount is None:
            left_out += r["functional"]
        elif statement_start is None or r["posting_date"] < statement_start:
            brought_forward += amount
        else:
            items.append(BookItem(r["je_id"], r["line_no"], r["posting_date"], amount,
                                  r["description"] or "", r["doc_ref"], r["counterparty"]))
    return bank, items, {"statement_start": statement_start, "brought_forward": brought_forward,
                         "remeasurement_left_out": left_out}


def to_functional(ctx, book: dict, amount):
    """A bank-currency amount in the entity's currency at the month's closing rate."""
    if book["currency"] == ctx.currency:
        return amount
    rate = ctx.fx.rate(book["currency"], ctx.currency, ctx.month, "closing")
    if rate is None:
        raise SkillError(f"no closing rate {book['currency']}->{ctx.currency} for {ctx.month} "
                         f"to state {book['label']}'s items in {ctx.currency}")
    return cents(amount * rate, ctx.currency)


def reconcile(ctx, book: dict) -> tuple[dict, list[Finding]]:
    bank, items, opening = load_items(ctx, book)
    window, max_group = ctx.params["window_days"], ctx.params["max_group"]
    matching = match(bank, items, window, max_group)
    account_id, cur = book["label"], book["currency"]
    stale_before = ctx.month.last_day.toordinal() - ctx.params["stale_days"]

    def money(x):
        return cents(x, cur)

    def shown(x):
        same = cur == ctx.currency
        return f"{money(x)} {cur}" + ("" if same else f" ({to_functional(ctx, book, x)} {ctx.currency})")

    statement = opening["brought_forward"] + sum((b.amount for b in bank), ZERO)
    ledger = opening["brought_forward"] + sum((b.amount for b in items), ZERO)
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
        amount = to_functional(ctx, book, txn.amount)
        findings.append(Finding(
            "high" if abs(amount) >= threshold else "medium",
            f"Bank {kind} {txn.txn_id} of {shown(txn.amount)} on {txn.booking_date} "
            f"({_said(txn)}) on {account_id} is not in the books: post it to GL "
            f"{book['gl_account_id']} or have the bank correct it.",
            amount, [txn.ref]))
    for item in in_transit + outstanding:
        if item.posting_date.toordinal() >= stale_before:
            continue
        age = (ctx.month.last_day - item.posting_date).days
        what = "Deposit in transit" if item.amount > 0 else "Outstanding check"
        findings.append(Finding(
            "medium",
            f"{what} {item.je_id} of {shown(item.amount)} posted {item.posting_date} has not "
            f"cleared {account_id} after {age} days: confirm with the bank, or reverse it "
            f"(void the payment / chase the deposit).",
            to_functional(ctx, book, item.amount), [item.ref]))
    if difference != ZERO:
        findings.append(Finding(
            "high",
            f"{account_id}: adjusted bank balance {money(adjusted_bank)} does not tie to "
            f"adjusted book balance {money(adjusted_book)} {cur}; difference {money(difference)}.",
            to_functional(ctx, book, difference), [f"accounts:{book['gl_account_id']}"]))

    metrics = {
        "bank_account_id": account_id,
        "bank_account_ids": list(book["bank_account_ids"]),
        "gl_account_id": book["gl_account_id"],
        "currency": cur,
        "statement_start": opening["statement_start"],
        "brought_forward_from_books": money(opening["brought_forward"]),
        "remeasurement_left_out": cents(opening["remeasurement_left_out"], ctx.currency),
        "bank_lines": len(bank),
        "book_lines": len(items),
        "matched_reference": matching.count("reference"),
        "matched_amount_date": matching.count("amount_date"),
        "matched_one_to_many": matching.count("one_to_many"),
        "unmatched_bank": len(unrecorded),
        "deposits_in_transit_count": len(in_transit),
        "outstanding_checks_count": len(outstanding),
        "bank_balance": money(statement),
        "deposits_in_transit": money(in_transit_total),
        "outstanding_checks": money(outstanding_total),
        "adjusted_bank_balance": money(adjusted_bank),
        "book_balance": money(ledger),
        "unrecorded_bank_items": money(unrecorded_total),
        "adjusted_book_balance": money(adjusted_book),
        "difference": money(difference),
    }
    return metrics, findings


COUNTS = ("matched_reference", "matched_amount_date", "matched_one_to_many", "unmatched_bank",
          "deposits_in_transit_count", "outstanding_checks_count")
AMOUNTS = ("bank_balance", "deposits_in_transit", "outstanding_checks", "adjusted_bank_balance",
           "book_balance", "unrecorded_bank_items", "adjusted_book_balance", "difference")


def _said(txn: BankItem) -> str:
    return txn.description or txn.reference or "no description"


def run(ctx):
    books = cash_books(ctx)
    if not books:
        return ctx.result([], {}, "Nothing to reconcile: the entity has no bank accounts in bank_accounts.csv.")
    per_account, findings = [], []
    for book in books:
        metrics, account_findings = reconcile(ctx, book)
        per_account.append(metrics)
        findings.extend(account_findings)
    totals = {key: sum(m[key] for m in per_account) for key in COUNTS}
    # Totals add only the accounts kept in the entity's own currency.
    home = [m for m in per_account if m["currency"] == ctx.currency]
    totals.update({key: cents(sum((m[key] for m in home), ZERO), ctx.currency) for key in AMOUNTS})
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
        "first line) to its GL cash account (bank_accounts.gl_account_id); bank accounts "
        "sharing a GL account are reconciled together, a foreign-currency bank account in "
        "its own currency against the GL lines' amount_txn. Book lines dated before the "
        "statement's first line are the balance brought forward. Matches in three passes: "
        "the bank reference equal to the journal line's doc_ref (or its key) or a word of its "
        "description, with an equal amount; then equal amount within `window_days`; then one "
        "bank line equal to the sum of up to `max_group` book lines of its sign in the window "
        "(a deposit of several receipts, a payment run; same counterparty first). Unmatched "
        "book receipts are deposits in transit, unmatched book payments outstanding checks, "
        "unmatched statement lines unrecorded bank items (a finding each: post them). Timing "
        "items older than `stale_days` are findings. The adjusted bank balance (statement + "
        "deposits in transit - outstanding checks) must tie to the adjusted book balance (GL "
        "+ unrecorded bank items). Amounts in the functional currency (foreign items at the "
        "month's closing rate)."
    ),
    needs=("bank_accounts", "bank_transactions", "journal_lines"),
    params={
        "window_days": Int(5, "days between bank booking date and book posting date for an amount match"),
        "max_group": Int(5, "most book lines one bank line may combine (deposit or payment run)"),
        "stale_days": Int(60, "age in days after which an uncleared book item is a finding"),
        "threshold": Money(MATERIALITY, "unrecorded bank items at or above this are high severity"),
    },
    run=run,
)

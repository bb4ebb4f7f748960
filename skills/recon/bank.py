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

Running. A cash book's lines stay in DuckDB: they are copied into the matching's scratch
tables (temporary, on the entity's own cursor, dropped after), matched there, and only
counts, sums and what the matching leaves come back to Python, which at a million lines
is the difference between seconds and a minute. What is left is handed to
recon.bank_unmatched_aging through the result's `shared` (never written to
results.json), so the matching runs once per cash book and both skills age the same items.
"""
from __future__ import annotations

from dataclasses import dataclass

from close.money import ZERO, cents
from close.skill import MATERIALITY, Finding, Int, Money, Skill, SkillError
from skills.recon.bank_matching import BankItem, BookItem, drop_scratch, execute, match_loaded

ACCOUNTS = """
SELECT bank_account_id, gl_account_id, currency, bank_name
FROM bank_accounts
WHERE entity_id = $entity_id
ORDER BY bank_account_id
"""

# A cash book is the entity's bank accounts posting to one GL account in one currency
# (cash_books); an account without a currency is in the entity's.
BOOK_ACCOUNTS = """
SELECT bank_account_id FROM bank_accounts
WHERE entity_id = $entity_id AND gl_account_id = $gl_account_id
  AND COALESCE(NULLIF(currency, ''), $functional_currency) = $currency
"""

STATEMENT_START = f"""
SELECT MIN(booking_date) AS first_day FROM bank_transactions
WHERE bank_account_id IN ({BOOK_ACCOUNTS})
"""

# The cash book's statement lines up to month end, numbered in statement order, into the
# matching's scratch table (skills.recon.bank_matching).
BANK_ITEMS = f"""
CREATE OR REPLACE TEMP TABLE bank_match_bank AS
SELECT row_number() OVER (ORDER BY booking_date, txn_id) AS bank_ord,
       txn_id, booking_date, amount, reference, description
FROM bank_transactions
WHERE bank_account_id IN ({BOOK_ACCOUNTS}) AND booking_date <= $month_end
"""

# The GL account's lines up to month end, each with its amount in the cash book's
# currency, or NULL when it is not one of the book's lines: for a book in the entity's
# currency, the functional amount of every line except those in the currency of another
# (foreign) bank account on the same GL account; for a foreign book, amount_txn of the
# lines in its currency (a remeasurement line has none).
VALUED_LINES = """
WITH cash AS (
    SELECT je_id, line_no, posting_date, description, doc_ref, counterparty, amount_txn,
           CAST(debit - credit AS DECIMAL(18,4)) AS functional,
           COALESCE(NULLIF(currency, ''), $functional_currency) AS line_currency
    FROM journal_lines
    WHERE entity_id = $entity_id AND account_id = $gl_account_id AND posting_date <= $month_end
), foreign_banks AS (
    SELECT DISTINCT COALESCE(NULLIF(currency, ''), $functional_currency) AS currency
    FROM bank_accounts
    WHERE entity_id = $entity_id AND gl_account_id = $gl_account_id
      AND COALESCE(NULLIF(currency, ''), $functional_currency) <> $functional_currency
), valued AS (
    SELECT c.*,
           CASE WHEN $currency = $functional_currency THEN
                     CASE WHEN c.line_currency IN (SELECT currency FROM foreign_banks) THEN NULL
                          ELSE c.functional END
                WHEN c.line_currency = $currency THEN c.amount_txn
           END AS amount
    FROM cash c
)
"""

# Lines from the statement's first day on are matched; earlier ones are the balance
# brought forward (all of them when there is no statement).
BOOK_ITEMS = f"""
CREATE OR REPLACE TEMP TABLE bank_match_book AS
{VALUED_LINES}
SELECT row_number() OVER (ORDER BY posting_date, je_id, line_no) AS book_ord,
       je_id, line_no, posting_date, amount, description, doc_ref, counterparty
FROM valued
WHERE amount IS NOT NULL AND posting_date >= $statement_start
"""

OPENING = f"""
{VALUED_LINES}
SELECT SUM(CASE WHEN amount IS NOT NULL
                     AND ($statement_start IS NULL OR posting_date < $statement_start)
                THEN amount END) AS brought_forward,
       SUM(CASE WHEN amount IS NULL THEN functional END) AS left_out
FROM valued
"""

TOTALS = """
SELECT (SELECT COUNT(*) FROM bank_match_bank) AS bank_lines,
       (SELECT SUM(amount) FROM bank_match_bank) AS bank_total,
       (SELECT COUNT(*) FROM bank_match_book) AS book_lines,
       (SELECT SUM(amount) FROM bank_match_book) AS book_total
"""


def cash_books(ctx) -> list[dict]:
    """The entity's bank accounts grouped by the GL account and currency they post to."""
    groups: dict[tuple, list[str]] = {}
    for row in ctx.rows(ACCOUNTS):
        currency = row["currency"] or ctx.currency
        groups.setdefault((row["gl_account_id"], currency), []).append(row["bank_account_id"])
    return [{"gl_account_id": gl, "currency": currency, "bank_account_ids": ids,
             "label": " + ".join(ids)}
            for (gl, currency), ids in sorted(groups.items())]


@dataclass(frozen=True)
class CashBookLeft:
    """What one cash book's matching left: handed to recon.bank_unmatched_aging in the run
    (Result.shared), so the matching runs once."""

    book: dict
    unmatched_bank: tuple[BankItem, ...]
    unmatched_book: tuple[BookItem, ...]


def matched_book(ctx, book: dict):
    """Match one cash book up to month end; the counts, sums and leftovers come back, the
    lines stay in DuckDB. Returns (matching, totals): totals has the statement and
    GL lines' counts and sums and what the books held before the statement's first line
    (brought forward, not matched)."""
    params = {"entity_id": ctx.entity.id, "month_end": ctx.month.last_day,
              "gl_account_id": book["gl_account_id"], "currency": book["currency"],
              "functional_currency": ctx.currency}
    con = ctx.con
    start = execute(con, STATEMENT_START, **params).fetchone()[0]
    params["statement_start"] = start
    try:
        execute(con, BANK_ITEMS, **params)
        execute(con, BOOK_ITEMS, **params)
        opening = execute(con, OPENING, **params).fetchone()
        counts = execute(con, TOTALS).fetchone()
        matching = match_loaded(con, ctx.params["window_days"], ctx.params["max_group"])
    finally:
        drop_scratch(con)
    totals = {"statement_start": start,
              "brought_forward": _sum(opening[0]), "remeasurement_left_out": _sum(opening[1]),
              "bank_lines": counts[0], "bank_total": _sum(counts[1]),
              "book_lines": counts[2], "book_total": _sum(counts[3])}
    return matching, totals


def _sum(value):
    """A SQL SUM as the Python sum of Decimals it replaced: nothing summed is zero, and
    ZERO + x keeps the digits that sum gave, so the figures written do not change."""
    return ZERO if value is None else ZERO + value


def unstated(ctx, book: dict) -> bool:
    """A foreign-currency cash book whose items cannot be stated in the entity's currency."""
    return (book["currency"] != ctx.currency
            and ctx.fx.rate(book["currency"], ctx.currency, ctx.month, "closing") is None)


def to_functional(ctx, book: dict, amount):
    """A bank-currency amount in the entity's currency at the month's closing rate."""
    if book["currency"] == ctx.currency:
        return amount
    rate = ctx.fx.rate(book["currency"], ctx.currency, ctx.month, "closing")
    if rate is None:
        raise SkillError(f"no closing rate {book['currency']}->{ctx.currency} for {ctx.month} "
                         f"to state {book['label']}'s items in {ctx.currency}")
    return cents(amount * rate, ctx.currency)


def reconcile(ctx, book: dict) -> tuple[dict, list[Finding], CashBookLeft]:
    matching, totals = matched_book(ctx, book)
    account_id, cur = book["label"], book["currency"]
    stale_before = ctx.month.last_day.toordinal() - ctx.params["stale_days"]

    def money(x):
        return cents(x, cur)

    def shown(x):
        same = cur == ctx.currency
        return f"{money(x)} {cur}" + ("" if same else f" ({to_functional(ctx, book, x)} {ctx.currency})")

    statement = totals["brought_forward"] + totals["bank_total"]
    ledger = totals["brought_forward"] + totals["book_total"]
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
        "statement_start": totals["statement_start"],
        "brought_forward_from_books": money(totals["brought_forward"]),
        "remeasurement_left_out": cents(totals["remeasurement_left_out"], ctx.currency),
        "bank_lines": totals["bank_lines"],
        "book_lines": totals["book_lines"],
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
    left = CashBookLeft(book, tuple(matching.unmatched_bank), tuple(matching.unmatched_book))
    return metrics, findings, left


COUNTS = ("matched_reference", "matched_amount_date", "matched_one_to_many", "unmatched_bank",
          "deposits_in_transit_count", "outstanding_checks_count")
AMOUNTS = ("bank_balance", "deposits_in_transit", "outstanding_checks", "adjusted_bank_balance",
           "book_balance", "unrecorded_bank_items", "adjusted_book_balance", "difference")


def _said(txn: BankItem) -> str:
    return txn.description or txn.reference or "no description"


def run(ctx):
    books = cash_books(ctx)
    if not books:
        return ctx.result([], {}, "Nothing to reconcile: the entity has no bank accounts in bank_accounts.csv.",
                          shared={"cash_books": []})
    per_account, findings, left = [], [], []
    for book in books:
        if unstated(ctx, book):
            # A missing rate is a finding, not a guess and not an error that stops the close.
            findings.append(Finding(
                "high",
                f"{book['label']} is held in {book['currency']} and fx_rates.csv has no closing "
                f"{book['currency']}->{ctx.currency} rate for {ctx.month.last_day}: add the rate; "
                f"the account is not reconciled until its items can be stated in {ctx.currency}.",
                None, [f"accounts:{book['gl_account_id']}"]))
            continue
        metrics, account_findings, book_left = reconcile(ctx, book)
        per_account.append(metrics)
        findings.extend(account_findings)
        left.append(book_left)
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
    return ctx.result(findings, metrics, summary, shared={"cash_books": left})


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

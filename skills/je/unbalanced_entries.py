"""Every journal entry must balance: debits equal credits, and each transaction currency
nets to zero.

An entry that does not balance puts the trial balance out and usually means a line was
lost or keyed wrong in an import. A foreign-currency entry can balance in the functional
currency and still be wrong in its own currency (a mistyped `amount_txn`), which later
breaks revaluation; both are listed entry by entry so each can be corrected at source.

The transaction-currency test applies to single-currency documents: entries whose lines
all state one transaction currency (exchange-difference lines, subtype fx_gain_loss,
exist only in the functional currency and do not count). An entry that mixes currencies
(a euro bank account paying a yen bill, lines with a blank currency beside foreign ones)
balances only through the functional amounts, which the first test covers. A gap of at
most half a minor unit of the transaction currency per line is the rounding of amounts
converted line by line (whole yen, cents), not an error.
"""
from close.money import ZERO, cents, minor_unit
from close.skill import Finding, Money, Skill

# Entries with a line posted in the month; balances are taken over all of the entry's
# lines for the entity, so an entry split over two dates is judged as a whole. One query
# (one pass over the entity's journal) gives both tests, by kind:
# - 'entries': how many entries were tested (one row);
# - 'functional': per entry whose difference exceeds the tolerance, debits, credits and
#   the difference (a month has tens of thousands of entries, almost all balanced);
# - 'transaction': per entry and transaction currency, over the lines that state both
#   currency and amount_txn, for entries whose other lines (exchange differences aside)
#   state no other currency and are not blank, the lines whose amounts do not net to
#   zero. `functional_gross` is what those lines carry in the entity's currency, used to
#   express a transaction-currency gap in the functional currency at the entry's own rate.
ENTRIES = """
WITH month_entries AS (
  SELECT DISTINCT je_id FROM journal_lines
  WHERE entity_id = $entity_id AND posting_date BETWEEN $month_start AND $month_end
),
entry_lines AS (
  SELECT j.je_id, j.posting_date, j.debit, j.credit, j.currency, j.amount_txn,
         COALESCE(a.subtype, '') = 'fx_gain_loss' AS exchange_difference
  FROM journal_lines j
  JOIN month_entries m ON m.je_id = j.je_id
  LEFT JOIN accounts a ON a.account_id = j.account_id
  WHERE j.entity_id = $entity_id
),
single_currency AS (
  SELECT je_id FROM entry_lines
  WHERE NOT exchange_difference
  GROUP BY je_id
  HAVING COUNT(DISTINCT COALESCE(currency, '')) = 1
     AND MIN(COALESCE(currency, '')) <> ''
     AND COUNT(*) = COUNT(amount_txn)
)
SELECT 'entries' AS kind, NULL AS je_id, NULL AS currency, NULL AS posting_date,
       NULL AS debits, NULL AS credits, NULL AS difference, COUNT(*) AS lines,
       NULL AS txn_difference, NULL AS functional_gross, NULL AS txn_gross
FROM month_entries
UNION ALL
SELECT 'functional', j.je_id, NULL,
       MIN(j.posting_date),
       CAST(SUM(j.debit) AS DECIMAL(18,2)),
       CAST(SUM(j.credit) AS DECIMAL(18,2)),
       CAST(SUM(j.debit) - SUM(j.credit) AS DECIMAL(18,2)),
       NULL, NULL, NULL, NULL
FROM entry_lines j
GROUP BY j.je_id
HAVING abs(CAST(SUM(j.debit) - SUM(j.credit) AS DECIMAL(18,2))) > $tolerance
UNION ALL
SELECT 'transaction', j.je_id, j.currency,
       MIN(j.posting_date),
       NULL, NULL, NULL,
       COUNT(*),
       CAST(SUM(j.amount_txn) AS DECIMAL(18,2)),
       CAST(SUM(j.debit + j.credit) AS DECIMAL(18,2)),
       CAST(SUM(abs(j.amount_txn)) AS DECIMAL(18,2))
FROM entry_lines j
JOIN single_currency s ON s.je_id = j.je_id
WHERE NOT j.exchange_difference
GROUP BY j.je_id, j.currency
HAVING SUM(j.amount_txn) <> 0
ORDER BY kind, je_id, currency
"""


def rounding_allowance(row) -> object:
    """Half a minor unit of the transaction currency per line: what converting each line
    separately and rounding it can leave."""
    return minor_unit(row["currency"]) * row["lines"] / 2


def _in_functional(ctx, row):
    """A transaction-currency gap in the functional currency: at the rate the entry itself
    used (functional gross / transaction gross), else the month's average rate."""
    diff = abs(row["txn_difference"])
    if row["currency"] == ctx.currency:
        return cents(diff, ctx.currency)
    if row["txn_gross"]:
        return cents(diff * row["functional_gross"] / row["txn_gross"], ctx.currency)
    rate = ctx.fx.rate(row["currency"], ctx.currency, ctx.month, "average")
    return cents(diff * rate, ctx.currency) if rate is not None else None


def run(ctx):
    tolerance = ctx.param("tolerance")
    rows = ctx.rows(ENTRIES, tolerance=tolerance)
    tested = next(r["lines"] for r in rows if r["kind"] == "entries")
    off = {r["je_id"]: r for r in rows if r["kind"] == "functional"}
    currency_gaps: dict[str, list[dict]] = {}
    for row in rows:
        if row["kind"] == "transaction" and abs(row["txn_difference"]) > max(tolerance, rounding_allowance(row)):
            currency_gaps.setdefault(row["je_id"], []).append(row)

    findings = []
    for je_id in sorted(set(off) | set(currency_gaps)):
        gaps = currency_gaps.get(je_id, [])
        gap_text = "; ".join(f"{g['currency']} lines net to {cents(g['txn_difference'], g['currency'])}"
                             for g in gaps)
        if je_id in off:
            r = off[je_id]
            side = "debits exceed credits" if r["difference"] > ZERO else "credits exceed debits"
            message = (f"Entry {je_id} ({r['posting_date']}) does not balance: {side} by "
                       f"{cents(abs(r['difference']), ctx.currency)} {ctx.currency} (debits "
                       f"{cents(r['debits'], ctx.currency)}, credits {cents(r['credits'], ctx.currency)})")
            message += f"; {gap_text}" if gaps else ""
            amount = cents(abs(r["difference"]), ctx.currency)
        else:
            message = (f"Entry {je_id} ({gaps[0]['posting_date']}) balances in {ctx.currency} "
                       f"but not in its transaction currency: {gap_text}")
            converted = [_in_functional(ctx, g) for g in gaps]
            amount = None if None in converted else sum(converted, ZERO)
        findings.append(Finding("high", message + "; correct the lines at source and repost.",
                                amount, [f"journal_lines:{je_id}"]))

    metrics = {
        "entries": tested,
        "unbalanced_functional": len(off),
        "unbalanced_transaction_currency": len(currency_gaps),
        "net_difference": cents(sum((r["difference"] for r in off.values()), ZERO), ctx.currency),
    }
    if findings:
        summary = f"{len(findings)} of {tested} entries in {ctx.month} do not balance."
    else:
        summary = f"All {tested} entries in {ctx.month} balance."
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="je.unbalanced_entries",
    title="Unbalanced journal entries",
    description=(
        "Checks that every journal entry (je_id) with a line posted in the month balances "
        "within its entity: total debits equal total credits in the functional currency, "
        "and, for entries whose lines all state one transaction currency and amount_txn "
        "(exchange-difference lines aside), the signed transaction amounts net to zero, "
        "allowing half a minor unit of that currency per line for line-by-line rounding; "
        "entries mixing currencies are judged in the functional currency only. Each failing entry is a high finding "
        "whose amount is the functional-currency difference (for a transaction-currency-only "
        "gap, the gap converted at the entry's own rate, or none without a rate). Fix the "
        "entry at source and repost."
    ),
    needs=("journal_lines", "accounts"),
    params={"tolerance": Money("0.00", "differences up to this amount are ignored (0 = exact to the cent)")},
    run=run,
)

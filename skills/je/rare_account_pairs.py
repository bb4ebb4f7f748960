"""Entries that pair accounts the entity has hardly ever paired before.

Most bookkeeping repeats: sales debit receivables and credit revenue, every month. An
entry that debits one account and credits another in a combination seen fewer than a
few times in the past year is unusual by construction, and unusual pairings (revenue
against cash, fixed assets against revenue) are where misclassifications and
manipulations show up. Each such entry deserves a look at its support.

"Rare" only means something against a full history: in books younger than the lookback
window every recurring monthly pair has been seen only a few times, and a quarterly one
perhaps never, so young books would flood the review with pairs that are merely new to
the ledger. The test therefore runs only when the entity's books cover the whole
lookback window (its first posting falls in or before the window's first month);
otherwise it is skipped, saying since when the books run and which shorter
lookback_months would be covered.
"""
from close.ledger import first_posting_day
from close.money import ZERO, cents
from close.periods import month_of
from close.skill import Finding, Int, Skill, Text
from skills.je._entries import MONTH_ENTRIES
from skills.je.journal_sources import parse_sources

# A pair is every debit account x every credit account within one je_id. History counts
# the distinct entries of the entity showing the pair in the 12 (lookback) months before
# the run's month, whatever their source: history_d and history_c hold each (entry,
# account) of a side once, so an entry joins to a pair at most once and COUNT(*) counts
# distinct entries. Only accounts on that side of a pair the month shows are kept before
# the entries are paired (a line is on the debit side when it has a debit, else on the
# credit side): at ten million lines that pairing was most of the skill's time.
SQL = """
WITH month_sides AS (
  SELECT DISTINCT je_id, account_id, CASE WHEN debit > 0 THEN 'D' ELSE 'C' END AS side
  FROM journal_lines
  WHERE entity_id = $entity_id AND posting_date BETWEEN $month_start AND $month_end
    AND (debit > 0 OR credit > 0)
),
month_pairs AS (
  SELECT d.je_id, d.account_id AS debit_account, c.account_id AS credit_account
  FROM month_sides d
  JOIN month_sides c ON c.je_id = d.je_id
  WHERE d.side = 'D' AND c.side = 'C'
),
wanted AS (
  SELECT DISTINCT debit_account, credit_account FROM month_pairs
),
history_d AS (
  SELECT DISTINCT je_id, account_id
  FROM journal_lines
  WHERE entity_id = $entity_id AND posting_date BETWEEN $history_start AND $history_end
    AND debit > 0 AND account_id IN (SELECT debit_account FROM wanted)
),
history_c AS (
  SELECT DISTINCT je_id, account_id
  FROM journal_lines
  WHERE entity_id = $entity_id AND posting_date BETWEEN $history_start AND $history_end
    AND debit <= 0 AND credit > 0 AND account_id IN (SELECT credit_account FROM wanted)
),
history AS (
  SELECT d.account_id AS debit_account, c.account_id AS credit_account,
         COUNT(*) AS times
  FROM history_d d
  JOIN history_c c ON c.je_id = d.je_id
  JOIN wanted w ON w.debit_account = d.account_id AND w.credit_account = c.account_id
  GROUP BY d.account_id, c.account_id
),
entries AS (""" + MONTH_ENTRIES + """)
SELECT p.je_id, p.debit_account, p.credit_account, COALESCE(h.times, 0) AS times,
       e.posting_date, e.source, e.preparer, e.description, e.total_debit
FROM month_pairs p
JOIN entries e ON e.je_id = p.je_id
LEFT JOIN history h ON h.debit_account = p.debit_account AND h.credit_account = p.credit_account
WHERE COALESCE(h.times, 0) < $min_occurrences
ORDER BY p.je_id, p.debit_account, p.credit_account
"""


def uncovered(ctx, lookback: int) -> str | None:
    """Why the books cannot judge rarity (they start after the window's first month), or
    None when the whole window is in the books."""
    first_day = first_posting_day(ctx)
    window_start = ctx.month.shift(-lookback)
    if first_day is None:
        return "the entity has no journal lines"
    first = month_of(first_day)
    if first <= window_start:
        return None
    held = (ctx.month.year - first.year) * 12 + ctx.month.month - first.month
    hint = (f"; lookback_months = {held} would be covered" if held >= 1
            else "; there is no earlier month to compare with")
    return (f"the books start in {first}, so the {lookback} months before {ctx.month} "
            f"(from {window_start}) are not all there: a pair new to young books is not rare"
            f"{hint}")


def run(ctx):
    minimum = ctx.param("min_occurrences")
    lookback = ctx.param("lookback_months")
    if lookback < 1:
        raise ValueError("lookback_months must be at least 1")
    sources = parse_sources(ctx.param("sources"))
    reason = uncovered(ctx, lookback)
    if reason:
        return ctx.skip(reason[0].upper() + reason[1:] + ".")
    rows = ctx.rows(SQL, min_occurrences=minimum,
                    history_start=ctx.month.shift(-lookback).first_day,
                    history_end=ctx.month.prev.last_day)
    by_entry: dict[str, list[dict]] = {}
    for r in rows:
        if sources is None or r["source"] in sources:
            by_entry.setdefault(r["je_id"], []).append(r)
    findings = []
    for je_id, pairs in by_entry.items():
        first = pairs[0]
        shown = ", ".join(f"Dr {p['debit_account']} / Cr {p['credit_account']} "
                          f"({p['times']}x before)" for p in pairs)
        findings.append(Finding(
            "low",
            f"Entry {je_id} ({first['posting_date']}, {first['source']}, prepared by "
            f"{first['preparer']}, '{first['description']}', "
            f"{cents(first['total_debit'], ctx.currency)} "
            f"{ctx.currency}) pairs accounts seen fewer than {minimum} times in the prior "
            f"{lookback} months: {shown}; confirm the classification and its support.",
            cents(first["total_debit"], ctx.currency),
            [f"journal_lines:{je_id}"] + sorted({f"accounts:{a}" for p in pairs
                                                 for a in (p["debit_account"], p["credit_account"])}),
        ))
    metrics = {"rare_pairs": len({(r["debit_account"], r["credit_account"])
                                  for pairs in by_entry.values() for r in pairs}),
               "entries": len(findings),
               "amount": cents(sum((f.amount for f in findings), ZERO), ctx.currency)}
    summary = (f"{len(findings)} entr{'y' if len(findings) == 1 else 'ies'} in {ctx.month} use "
               f"rare account pairs." if findings
               else f"No rare account pairs in {ctx.month}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="je.rare_account_pairs",
    title="Rare debit/credit account pairs",
    description=(
        "For each journal entry of the month, pairs every debit account with every credit "
        "account of the same je_id and counts how many of the entity's entries showed that "
        "pair in the prior lookback_months (default 12, any source). Entries with a pair "
        "seen fewer than min_occurrences times (default 3) are findings (amount = the "
        "entry's total debits; refs = the entry and the accounts). By default only manual "
        "entries are tested, since subledger postings follow fixed account rules; set "
        "sources to 'all' or a comma list to widen it. Runs only when the entity's books "
        "cover the whole lookback window (first posting in or before its first month); "
        "younger books are skipped with the reason, since a pair new to them is not rare."
    ),
    needs=("journal_lines",),
    params={
        "min_occurrences": Int(3, "a pair seen fewer times than this in the lookback is rare"),
        "lookback_months": Int(12, "months of history before the run's month"),
        "sources": Text("manual", "comma-separated journal sources to test, or 'all'"),
    },
    run=run,
)

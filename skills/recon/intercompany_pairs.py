"""Intercompany pairs: what one entity books against another, and what the other books back.

Intercompany balances and charges must eliminate to zero on consolidation; whatever does
not is a difference someone has to post before the group can close. Both intercompany
reconciliations compare, per pair, the provider's side (receivable, revenue) with the
recipient's mirror (payable, expense), each selected by account subtype and by the
`counterparty` column naming the other entity (pairs are found in the journal, not in an
agreement list).

The amounts compared are the ones the consolidation eliminates: each side's functional
amounts translated to the reporting currency exactly as stmt.consolidation translates
them (skills/stmt/consolidated.ic_pairs: balances at the closing rate, revenue and
expense at each month's average, exact products), and the difference is rounded once.
Agreeing in the transaction currency is not agreeing: a charge invoiced in yen that the
two sides booked at different rates leaves a difference the elimination cannot remove,
so recon.intercompany, recon.intercompany_pnl, stmt.ic_eliminations and
stmt.consolidation all report the same difference for a pair, to the cent, on the
provider, in the reporting currency.

Refs name the month's entries on either side that have no mirror of the same amount in
the transaction currency on the other side (or the same doc_ref), the usual cause: a
charge booked by one side only, or with another amount. Where every entry has its
mirror (the two sides booked it at different rates), they name the month's entries of
the pair on both sides.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from close.money import ZERO, cents
from close.skill import Finding
from skills.stmt import consolidated

SIDE = """
SELECT j.entity_id, j.counterparty, j.je_id, j.line_no, j.posting_date, j.doc_ref,
       COALESCE(j.currency, e.functional_currency) AS currency,
       CAST(COALESCE(j.amount_txn, j.debit - j.credit) AS DECIMAL(18,2)) AS amount_txn,
       CAST(j.debit - j.credit AS DECIMAL(18,2)) AS debit_positive,
       e.functional_currency
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
JOIN entities e ON e.entity_id = j.entity_id
WHERE a.subtype = $subtype AND j.posting_date BETWEEN $from_day AND $month_end
  AND j.counterparty IS NOT NULL AND j.counterparty <> j.entity_id
  AND {whose}
ORDER BY j.entity_id, j.je_id, j.line_no
"""
# The provider's own lines toward a group entity (read from its part of the journal
# only), and every other entity's lines naming it as counterparty.
PROVIDER_SIDE = SIDE.format(whose="j.entity_id = $entity_id AND j.counterparty IN (SELECT entity_id FROM entities)")
RECIPIENT_SIDE = SIDE.format(whose="j.counterparty = $entity_id")


@dataclass
class Pair:
    """The journal lines of one pair: the provider's side and the recipient's mirror."""
    provider: str
    recipient: str
    provider_functional: Decimal = ZERO
    recipient_functional: Decimal = ZERO
    provider_lines: list = field(default_factory=list)
    recipient_lines: list = field(default_factory=list)


@dataclass(frozen=True)
class Sides:
    """How one intercompany check names, signs and reads its two sides."""
    provider: str             # "receivable" / "revenue": the provider side's metric key
    recipient: str            # "payable" / "expense": the recipient side's metric key
    provider_subtype: str     # account subtypes compared
    recipient_subtype: str
    provider_figure: str      # the consolidation pair's attribute for each side
    recipient_figure: str
    provider_sign: int        # turns the provider's debit-positive amount into its direction
    recipient_sign: int       # likewise for the recipient
    rate: str                 # "closing" / "average" (LEDGER-PACK.md), for messages
    figures: str              # "balances" / "charges", as the missing-rate message says
    balances: bool            # cumulative to month end (True) or the month's activity


def pairs(ctx, sides: Sides) -> dict[str, Pair]:
    """Pairs with this entity as provider: recipient id -> both sides' lines."""
    from_day = date(1900, 1, 1) if sides.balances else ctx.month.first_day
    out: dict[str, Pair] = {}
    provider_rows = ctx.rows(PROVIDER_SIDE, subtype=sides.provider_subtype, from_day=from_day)
    recipient_rows = ctx.rows(RECIPIENT_SIDE, subtype=sides.recipient_subtype, from_day=from_day)
    for r in provider_rows:
        pair = out.setdefault(r["counterparty"], Pair(ctx.entity.id, r["counterparty"]))
        pair.provider_functional += r["debit_positive"]
        pair.provider_lines.append(r)
    for r in recipient_rows:
        pair = out.setdefault(r["entity_id"], Pair(ctx.entity.id, r["entity_id"]))
        pair.recipient_functional += r["debit_positive"]
        pair.recipient_lines.append(r)
    return dict(sorted(out.items()))


def unmatched_entries(pair: Pair, provider_sign: int, recipient_sign: int, since) -> list[str]:
    """The month's entries on either side with no mirror (same doc_ref, or same
    transaction currency and amount) on the other side."""
    def key_amount(r, sign):
        return (r["currency"], sign * r["amount_txn"])

    left = [r for r in pair.provider_lines if r["posting_date"] >= since]
    right = [r for r in pair.recipient_lines if r["posting_date"] >= since]
    refs_right = {r["doc_ref"] for r in right if r["doc_ref"]}
    refs_left = {r["doc_ref"] for r in left if r["doc_ref"]}
    pool = {}
    for r in right:
        if not (r["doc_ref"] and r["doc_ref"] in refs_left):
            k = key_amount(r, recipient_sign)
            pool.setdefault(k, []).append(r)
    lonely = []
    for r in left:
        if r["doc_ref"] and r["doc_ref"] in refs_right:
            continue
        k = key_amount(r, provider_sign)
        if pool.get(k):
            pool[k].pop(0)
            continue
        lonely.append(f"journal_lines:{r['je_id']}")
    for rows in pool.values():
        lonely.extend(f"journal_lines:{r['je_id']}" for r in rows)
    return sorted(set(lonely))


def month_entries(pair: Pair, since) -> list[str]:
    return sorted({f"journal_lines:{r['je_id']}" for r in pair.provider_lines + pair.recipient_lines
                   if r["posting_date"] >= since})


def signed(amount: Decimal, sign: int) -> Decimal:
    """`amount` in a side's direction: negated for -1, untouched (not multiplied) for 1."""
    return amount if sign == 1 else -amount


def translated_pairs(ctx, recipients, sides: Sides):
    """The consolidation's figures for this provider's pairs with `recipients`, and the
    rates missing per entity."""
    involved = {ctx.entity.id, *recipients}
    entities = [e for e in ctx.group if e.id in involved]
    since = {} if sides.balances else {"since": ctx.month.first_day}
    _, found, missing = consolidated.ic_pairs(
        ctx.con, ctx.fx, entities, ctx.month, ctx.pack.fiscal_year_start_month,
        ctx.pack.reporting_currency, (sides.provider_subtype, sides.recipient_subtype), ctx=ctx, **since)
    return {p.recipient: p for p in found if p.provider == ctx.entity.id}, missing


def compare_pairs(ctx, sides: Sides, disagreement) -> tuple[list[Finding], dict]:
    """Findings and metrics of comparing every pair's two sides in the reporting currency.

    `disagreement(recipient, provider_amount, recipient_amount, diff)` words a finding."""
    rc = ctx.pack.reporting_currency
    tolerance = ctx.params["tolerance"]
    lines = pairs(ctx, sides)
    figures, missing = translated_pairs(ctx, lines, sides)
    currency = {e.id: e.functional_currency for e in ctx.group}
    findings, rows, total = [], [], ZERO
    for recipient, pair in lines.items():
        gaps = missing.get(ctx.entity.id, []) + missing.get(recipient, [])
        if gaps:
            findings.append(Finding(
                "high", f"No {'; '.join(gaps)} rate: the {ctx.entity.id}/{recipient} "
                f"{sides.figures} cannot be compared in {rc}; load the rate.", None,
                [f"entities:{recipient}"]))
            continue
        figure = figures.get(recipient) or consolidated.Pair(ctx.entity.id, recipient)
        left_exact = getattr(figure, sides.provider_figure)
        right_exact = getattr(figure, sides.recipient_figure)
        left, right = cents(left_exact, rc), cents(right_exact, rc)
        diff = cents(left_exact - right_exact, rc)
        total += left_exact - right_exact
        rows.append({"recipient": recipient, sides.provider: left, sides.recipient: right,
                     "difference": diff,
                     f"{sides.provider}_functional":
                         cents(signed(pair.provider_functional, sides.provider_sign),
                               ctx.entity.functional_currency),
                     f"{sides.recipient}_functional":
                         cents(signed(pair.recipient_functional, sides.recipient_sign),
                               currency.get(recipient))})
        if abs(diff) <= tolerance:
            continue
        since = ctx.month.first_day
        refs = (unmatched_entries(pair, sides.provider_sign, sides.recipient_sign, since)
                or month_entries(pair, since) or [f"entities:{recipient}"])
        findings.append(Finding(
            "high" if abs(diff) >= ctx.pack.materiality else "medium",
            disagreement(recipient, left, right, diff), diff, refs))
    metrics = {"pairs": rows, "pairs_checked": len(rows),
               "total_difference": cents(total, rc)}
    return findings, metrics

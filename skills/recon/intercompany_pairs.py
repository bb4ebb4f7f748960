"""Intercompany pairs: what one entity books against another, and what the other books back.

Intercompany balances and charges must eliminate to zero on consolidation; whatever does
not is a difference someone has to post before the group can close. Both intercompany
reconciliations compare, per pair, the provider's side (receivable, revenue) with the
recipient's mirror (payable, expense), each selected by account subtype and by the
`counterparty` column naming the other entity, each translated to the reporting currency
(exact products, rounded once) at the rate LEDGER-PACK.md gives its kind of figure. The
difference is reported on the provider, in the reporting currency.

Refs name the month's entries on either side that have no mirror of the same amount in
the transaction currency on the other side (or the same doc_ref), the usual cause: a
charge booked by one side only, or with another amount.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from close.money import ZERO, cents
from close.skill import Finding

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
  AND ((j.entity_id = $entity_id AND j.counterparty IS NOT NULL AND j.counterparty IN (SELECT entity_id FROM entities))
       OR j.counterparty = $entity_id)
ORDER BY j.entity_id, j.je_id, j.line_no
"""

CURRENCIES = "SELECT entity_id, functional_currency FROM entities ORDER BY entity_id"


@dataclass
class Pair:
    provider: str
    recipient: str
    provider_functional: Decimal = ZERO
    recipient_functional: Decimal = ZERO
    provider_currency: str = ""
    recipient_currency: str = ""
    provider_lines: list = field(default_factory=list)
    recipient_lines: list = field(default_factory=list)


def pairs(ctx, provider_subtype: str, recipient_subtype: str, from_day) -> dict[str, Pair]:
    """Pairs with this entity as provider: counterparty id -> both sides, signed so that a
    clean pair has equal positive amounts (provider debit-positive for balances of
    receivables; callers flip with their own signs)."""
    out: dict[str, Pair] = {}
    provider_rows = [r for r in ctx.rows(SIDE, subtype=provider_subtype, from_day=from_day)
                     if r["entity_id"] == ctx.entity.id]
    recipient_rows = [r for r in ctx.rows(SIDE, subtype=recipient_subtype, from_day=from_day)
                      if r["entity_id"] != ctx.entity.id and r["counterparty"] == ctx.entity.id]
    for r in provider_rows:
        pair = out.setdefault(r["counterparty"], Pair(ctx.entity.id, r["counterparty"]))
        pair.provider_functional += r["debit_positive"]
        pair.provider_lines.append(r)
    for r in recipient_rows:
        pair = out.setdefault(r["entity_id"], Pair(ctx.entity.id, r["entity_id"]))
        pair.recipient_functional += r["debit_positive"]
        pair.recipient_lines.append(r)
    currencies = {r["entity_id"]: r["functional_currency"] for r in ctx.rows(CURRENCIES)}
    for recipient, pair in out.items():
        pair.provider_currency = ctx.entity.functional_currency
        pair.recipient_currency = currencies[recipient]
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


def translate(ctx, amount: Decimal, currency: str, kind: str) -> Decimal | None:
    """Exact product at the month's `kind` rate into the reporting currency; None if missing."""
    rate = ctx.fx.rate(currency, ctx.pack.reporting_currency, ctx.month, kind)
    return None if rate is None else amount * rate


def rounded(value: Decimal | None) -> Decimal | None:
    return None if value is None else cents(value, None)


@dataclass(frozen=True)
class Sides:
    """How one intercompany check names, signs and translates its two sides."""
    provider: str        # "receivable" / "revenue": the provider side's metric key
    recipient: str       # "payable" / "expense": the recipient side's metric key
    provider_sign: int   # turns the provider's debit-positive amount into its direction
    recipient_sign: int  # likewise for the recipient
    rate: str            # "closing" / "average" (LEDGER-PACK.md)
    figures: str         # "balances" / "charges", as the missing-rate message says


def signed(amount: Decimal, sign: int) -> Decimal:
    """`amount` in a side's direction: negated for -1, untouched (not multiplied) for 1."""
    return amount if sign == 1 else -amount


def functional_amounts(ctx, pair: Pair, sides: Sides) -> tuple[Decimal | None, Decimal | None]:
    """Each side's functional amount translated at the sides' rate (None: rate missing)."""
    return (translate(ctx, signed(pair.provider_functional, sides.provider_sign),
                      pair.provider_currency, sides.rate),
            translate(ctx, signed(pair.recipient_functional, sides.recipient_sign),
                      pair.recipient_currency, sides.rate))


def compare_pairs(ctx, found: dict[str, Pair], sides: Sides, disagreement,
                  amounts=None) -> tuple[list[Finding], dict]:
    """Findings and metrics of comparing every pair's two sides in the reporting currency.

    `disagreement(recipient, provider_amount, recipient_amount, diff)` words a finding;
    `amounts(ctx, pair)` gives both sides unrounded (None where a rate is missing),
    by default each side's functional amount at the sides' rate."""
    tolerance = ctx.params["tolerance"]
    findings, rows = [], []
    for recipient, pair in found.items():
        left, right = (amounts(ctx, pair) if amounts else functional_amounts(ctx, pair, sides))
        if left is None or right is None:
            missing = pair.provider_currency if left is None else pair.recipient_currency
            findings.append(Finding(
                "high", f"No {sides.rate} rate {missing}->{ctx.pack.reporting_currency} for "
                f"{ctx.month}: the {ctx.entity.id}/{recipient} {sides.figures} cannot be "
                f"compared; load the rate.", None, [f"entities:{recipient}"]))
            continue
        left, right = cents(left), cents(right)
        diff = left - right
        rows.append({"recipient": recipient, sides.provider: left, sides.recipient: right,
                     "difference": diff,
                     f"{sides.provider}_functional":
                         cents(signed(pair.provider_functional, sides.provider_sign)),
                     f"{sides.recipient}_functional":
                         cents(signed(pair.recipient_functional, sides.recipient_sign))})
        if abs(diff) <= tolerance:
            continue
        refs = unmatched_entries(pair, sides.provider_sign, sides.recipient_sign,
                                 ctx.month.first_day)
        findings.append(Finding(
            "high" if abs(diff) >= ctx.materiality else "medium",
            disagreement(recipient, left, right, diff), diff,
            refs or [f"entities:{recipient}"]))
    metrics = {"pairs": rows, "pairs_checked": len(rows),
               "total_difference": cents(sum((r["difference"] for r in rows), ZERO))}
    return findings, metrics

"""Open items and aging buckets shared by flux.ar_aging and flux.ap_aging.

An item is open at month end when its document is dated on or before the month end and
what settled it by then (receipts, or payments including withholding) is less than its
gross amount (net + tax). Age is days past due at month end; amounts are converted from
the document currency to the entity's currency at the month's closing rate.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from close.money import ZERO, cents
from close.periods import month_of

BUCKETS = (("current", None, 0), ("1_30", 1, 30), ("31_60", 31, 60), ("61_90", 61, 90),
           ("over_90", 91, None))


def bucket_of(days_past_due: int) -> str:
    for name, lo, hi in BUCKETS:
        if (lo is None or days_past_due >= lo) and (hi is None or days_past_due <= hi):
            return name
    raise ValueError(days_past_due)


def age(ctx, items: list[dict], key: str, table: str) -> tuple[dict, list[dict], list[str]]:
    """Buckets (entity currency) and the open items; rates that are missing are named."""
    cur, month_end = ctx.currency, ctx.month.last_day
    buckets = {name: ZERO for name, _, _ in BUCKETS}
    open_items, missing = [], []
    for item in items:
        rate = ctx.fx.rate(item["currency"], cur, ctx.month, "closing")
        if rate is None:
            missing.append(f"closing {item['currency']}->{cur} {month_end}")
            continue
        amount = cents(Decimal(item["open_amount"]) * rate, cur)
        days = (month_end - item["due_date"]).days
        name = bucket_of(days)
        buckets[name] += amount
        open_items.append({"ref": f"{table}:{item[key]}", "party": item["party"],
                           "due_date": item["due_date"], "days_past_due": max(days, 0),
                           "bucket": name, "currency": item["currency"],
                           "open_amount": item["open_amount"], "amount": amount})
    return buckets, open_items, sorted(set(missing))


def days_outstanding(balance: Decimal, flow: Decimal, days: int) -> Decimal | None:
    """Balance / flow x days (DSO, DPO), to one decimal; None with no flow."""
    if flow <= ZERO:
        return None
    return (balance * days / flow).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def flow_in_functional(ctx, rows: list[dict]) -> Decimal:
    """Documents of the last months converted at each document month's average rate."""
    total = ZERO
    for r in rows:
        rate = ctx.fx.rate(r["currency"], ctx.currency, month_of(r["doc_date"]), "average")
        if rate is not None:
            total += Decimal(r["gross"]) * rate
    return cents(total, ctx.currency)

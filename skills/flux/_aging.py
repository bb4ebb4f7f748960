"""Open items, aging buckets and the whole aging report shared by flux.ar_aging and flux.ap_aging.

An item is open at month end when its document is dated on or before the month end and
what settled it by then (receipts, or payments including withholding) is less than its
gross amount (net + tax). Age is days past due at month end (a document without a due
date is due on its own date, the strictest reading); amounts are converted from the
document currency to the entity's currency at the month's closing rate.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from close.money import ZERO, cents
from close.periods import month_of
from close.skill import Finding
from skills.lib.aging import BUCKETS, bucket_of
from skills.lib.open_items import Documents, open_documents
from skills.lib.percent import ratio

def age(ctx, items: list[dict], key: str, table: str) -> tuple[dict, list[dict], list[str]]:
    """Buckets (entity currency) and the open items; rates that are missing are named."""
    cur, month_end = ctx.currency, ctx.month.last_day
    buckets = {name: ZERO for name, _, _ in BUCKETS}
    open_items, missing = [], []
    rates: dict[str, Decimal | None] = {}   # one closing rate a currency, not one an item
    for item in items:
        if item["currency"] not in rates:
            rates[item["currency"]] = ctx.fx.rate(item["currency"], cur, ctx.month, "closing")
        rate = rates[item["currency"]]
        if rate is None:
            missing.append(f"closing {item['currency']}->{cur} {month_end}")
            continue
        amount = cents(Decimal(item["open_amount"]) * rate, cur)
        due = item["due_date"] or item["doc_date"]
        days = (month_end - due).days
        name = bucket_of(days)
        buckets[name] += amount
        open_items.append({"ref": f"{table}:{item[key]}", "party": item["party"],
                           "due_date": due, "days_past_due": max(days, 0),
                           "bucket": name, "currency": item["currency"],
                           "open_amount": item["open_amount"], "amount": amount})
    return buckets, open_items, sorted(set(missing))


def days_outstanding(balance: Decimal, flow: Decimal, days: int) -> Decimal | None:
    """Balance / flow x days (DSO, DPO), to one decimal; None with no flow."""
    if flow <= ZERO:
        return None
    return ratio(balance * days, flow, scale=1)


def flow_in_functional(ctx, rows: list[dict]) -> Decimal:
    """Documents of the last months converted at each document month's average rate
    (rows: flow_sql's gross amounts by currency and month)."""
    total = ZERO
    for r in rows:
        rate = ctx.fx.rate(r["currency"], ctx.currency, month_of(r["doc_month"]), "average")
        if rate is not None:
            total += Decimal(r["gross"]) * rate
    return cents(total, ctx.currency)


@dataclass(frozen=True)
class Ledger:
    """One side of trade credit, as data: which tables and columns hold its documents.

    Every name here is a constant written in a skill module, never user input, so the
    queries built from it stay parameterised on values alone.
    """
    label: str           # "AR" / "AP", the prefix of messages
    noun: str            # "invoices" / "bills", as counted in the summary
    documents: str       # document table
    key: str             # its id column, also the settlement table's link column
    party: str           # customer or vendor column
    doc_date: str        # document date column
    settlements: str     # receipts or payments table
    ratio: str           # "dso" / "dpo": metric names and the months parameter
    flow: str            # "sales" / "purchases", the flow the ratio is measured against

    @property
    def months_param(self) -> str:
        return f"{self.ratio}_months"

    @property
    def open_items(self) -> Documents:
        """Its documents as the open-item read takes them (skills.lib.open_items)."""
        return Documents(self.documents, self.key, self.party, self.doc_date, self.settlements)

    def flow_sql(self) -> str:
        """The documents of the last months summed by currency and month: each sum is
        converted at its month's average rate, the same figure as converting each
        document, without a row per document in Python."""
        return f"""
SELECT currency, CAST(date_trunc('month', {self.doc_date}) AS DATE) AS doc_month,
       CAST(SUM(net_amount + tax_amount) AS DECIMAL(18,2)) AS gross
FROM {self.documents}
WHERE entity_id = $entity_id AND {self.doc_date} BETWEEN $since AND $month_end
GROUP BY currency, CAST(date_trunc('month', {self.doc_date}) AS DATE)
ORDER BY currency, doc_month
"""


def run_aging(ctx, ledger: Ledger):
    """The aging report of one side: buckets, largest overdue items and DSO/DPO."""
    cur, n = ctx.currency, ctx.params[ledger.months_param]
    buckets, items, missing = age(ctx, open_documents(ctx, ledger.open_items), ledger.key,
                                  ledger.documents)
    if missing:
        return ctx.result([Finding("high", f"{ledger.label} aging incomplete: no {m} rate in "
                                   "fx_rates.csv.", None, ()) for m in missing],
                          {"missing_rates": missing},
                          f"{ledger.label} aging incomplete: FX rates missing.")
    since = ctx.month.shift(-(n - 1)).first_day
    flow = flow_in_functional(ctx, ctx.rows(ledger.flow_sql(), since=since))
    total = sum(buckets.values(), ZERO)
    days = (ctx.month.last_day - since).days + 1
    overdue = sorted((i for i in items if i["bucket"] != "current"),
                     key=lambda i: (-i["amount"], i["ref"]))
    ratio = ledger.ratio
    metrics = {"buckets": buckets, "total": total, "open_items": len(items),
               "lines": [{"line": name, "amount": buckets[name]} for name, _, _ in BUCKETS],
               ratio: days_outstanding(total, flow, days), f"{ledger.flow}_for_{ratio}": flow,
               f"{ratio}_days": days, "largest_overdue": overdue[:10], "currency": cur}
    summary = (f"{ledger.label} {total} {cur} in {len(items)} open {ledger.noun}, "
               f"{cents(total - buckets['current'], cur)} overdue; "
               f"{ratio.upper()} {metrics[ratio]} days.")
    return ctx.result([], metrics, summary)

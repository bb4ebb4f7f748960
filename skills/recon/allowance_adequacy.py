"""Allowance for doubtful accounts against an aging-based expected loss.

An allowance that does not follow the receivables overstates assets and profit (too
small) or hides profit (too large). The expected loss is computed from the open items at
month end (invoice gross less receipts to date, positive balances only), each aged by
days past its due date and multiplied by its bucket's loss rate, rounded to the entity
currency's minor unit per invoice (an invoice in another currency is first stated in the
functional currency at the month's closing rate, the rate the receivable is carried at): not yet due 0.5%, 1-30 days 1%, 31-60 days 5%, 61-90 days 20%, over 90
days 50% (the `rates` parameter sets other buckets). The allowance is the credit balance
of the accounts of subtype `allowance`. A shortfall above `tolerance` is a finding: the
receivables are overstated, book the true-up. An excess is only a finding above
`excess_tolerance` (default materiality): many policies hold back releases (a release may
not turn the year's bad-debt expense into income), but a large cushion is a reserve that
can be used to smooth profit.
"""
from __future__ import annotations

from decimal import Decimal

from close.money import ZERO, cents
from close.skill import MATERIALITY, Finding, Money, Skill, Text
from skills.lib.open_items import RECEIVABLES, open_documents
from skills.recon.subledger_tie import closing_amount

ALLOWANCE = """
SELECT a.account_id, CAST(COALESCE(SUM(j.credit - j.debit), 0) AS DECIMAL(18,2)) AS balance
FROM accounts a
LEFT JOIN journal_lines j ON j.account_id = a.account_id AND j.entity_id = $entity_id
                          AND j.posting_date <= $month_end
WHERE a.subtype = 'allowance'
GROUP BY a.account_id
ORDER BY a.account_id
"""


def parse_rates(text: str) -> list[tuple[int | None, Decimal]]:
    """'0:0.005,30:0.01,over:0.50' -> [(0, 0.005), (30, 0.01), (None, 0.50)]: the rate of
    items at most that many days past due; `over` for the rest."""
    out = []
    for part in text.split(","):
        limit, _, rate = part.strip().partition(":")
        out.append((None if limit.strip() == "over" else int(limit), Decimal(rate.strip())))
    if not out or out[-1][0] is not None:
        raise ValueError(f"rates {text!r} must end with an 'over:<rate>' bucket")
    return out


def bucket(days_late: int, rates) -> tuple[str, Decimal]:
    previous = None
    for limit, rate in rates:
        if limit is None or days_late <= limit:
            name = (f"over {previous}" if limit is None else
                    "not due" if limit <= 0 else f"{(previous or 0) + 1}-{limit}")
            return name, rate
        previous = limit
    raise AssertionError("rates end with an open bucket")


def run(ctx):
    rates = parse_rates(ctx.params["rates"])
    end = ctx.month.last_day
    buckets: dict[str, list] = {}
    expected = ZERO
    for item in open_documents(ctx, RECEIVABLES):
        if item["open_amount"] <= 0:   # a credit balance is not doubtful
            continue
        name, rate = bucket((end - item["due_date"]).days, rates)
        open_amount = closing_amount(ctx, item["currency"] or ctx.currency, item["open_amount"])
        loss = cents(open_amount * rate, ctx.currency)
        expected += loss
        entry = buckets.setdefault(name, [0, ZERO, ZERO])
        entry[0] += 1
        entry[1] += open_amount
        entry[2] += loss
    accounts = ctx.rows(ALLOWANCE)
    allowance = sum((a["balance"] for a in accounts), ZERO)
    diff = allowance - expected
    findings = []
    limit = ctx.params["tolerance"] if diff < 0 else ctx.param("excess_tolerance")
    if abs(diff) > limit:
        what = "short of" if diff < 0 else "above"
        findings.append(Finding(
            "high" if abs(diff) >= ctx.materiality else "medium",
            f"The allowance for doubtful accounts is {cents(allowance, ctx.currency)} at {end}, {cents(abs(diff), ctx.currency)} "
            f"{what} the aging-based expected loss of {cents(expected, ctx.currency)}: book a true-up of "
            f"{cents(-diff, ctx.currency)} to bad-debt expense.",
            diff, [f"accounts:{a['account_id']}" for a in accounts]))
    cur = ctx.currency
    metrics = {"allowance": cents(allowance, cur), "expected_loss": cents(expected, cur),
               "difference": cents(diff, cur),
               "buckets": [{"bucket": name, "invoices": v[0], "open": cents(v[1], cur),
                            "expected_loss": cents(v[2], cur)}
                           for name, v in buckets.items()]}
    summary = (f"Allowance {metrics['allowance']} vs expected loss {metrics['expected_loss']} "
               f"{ctx.currency}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="recon.allowance_adequacy",
    title="Allowance adequacy",
    description=(
        "Computes the expected credit loss on the open receivables at month end (invoice "
        "gross less receipts, aged by days past due; rates per bucket from `rates`, default "
        "not due 0.5%, 1-30 1%, 31-60 5%, 61-90 20%, over 90 50%, rounded per invoice to the "
        "currency's minor unit; foreign-currency invoices at the month's closing rate) and "
        "compares it with the credit balance of the allowance accounts. A shortfall above "
        "`tolerance`, or an excess above `excess_tolerance` (default materiality), is a "
        "finding with the true-up to book."
    ),
    needs=("ar_invoices", "ar_receipts", "journal_lines", "accounts"),
    params={
        "rates": Text("0:0.005,30:0.01,60:0.05,90:0.20,over:0.50",
                      "loss rate by days past due: <days>:<rate>,..., over:<rate>"),
        "tolerance": Money("0.00", "accepted shortfall of the allowance below the expected loss"),
        "excess_tolerance": Money(MATERIALITY, "accepted excess of the allowance over the expected loss"),
    },
    run=run,
)

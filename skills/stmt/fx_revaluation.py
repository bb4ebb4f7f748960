"""Foreign-currency monetary items remeasured at the closing rate, against what was booked.

A receivable, payable, loan or bank balance held in another currency is worth, at month
end, its transaction-currency balance at the closing rate; the difference to its
carrying amount is an unrealised FX gain or loss that must be booked before the books
close. This skill recomputes that remeasurement per account and currency and compares it
with the carrying amount after the revaluation entries booked (entries with a line on an
fx_gain_loss account); what is left is a revaluation missing or wrong.

Scope: asset and liability accounts of monetary subtypes, lines whose `currency` differs
from the entity's functional currency and carry `amount_txn`. A cash account counts only
for the currency of its bank account (bank_accounts.csv): a bank line that merely notes
the foreign amount it paid is not a foreign balance. A revaluation line is a functional
one: `currency` blank or the functional currency itself (systems write either).
Rates come from close.fx: inverted where given one way, crossed through the reporting
currency where the pair has none; a missing one is a finding.
"""
from decimal import Decimal

from close.money import ZERO, cents
from close.skill import Finding, Money, Skill

MONETARY = ("cash", "receivable", "intercompany_receivable", "tax_receivable", "other_asset",
            "payable", "accrued_liability", "intercompany_payable", "tax_payable",
            "payroll_liability", "debt", "lease_liability", "other_liability")

POOLS = """
SELECT j.account_id, a.name, a.subtype, j.currency,
       CAST(SUM(j.amount_txn) AS DECIMAL(18,2)) AS txn_balance,
       CAST(SUM(j.debit - j.credit) AS DECIMAL(18,2)) AS carrying,
       CAST(COALESCE(SUM(CASE WHEN j.posting_date >= $month_start THEN j.amount_txn END), 0)
            AS DECIMAL(18,2)) AS txn_month
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end
  AND j.currency IS NOT NULL AND j.currency <> $functional AND j.amount_txn IS NOT NULL
  AND a.type IN ('asset', 'liability')
  AND a.subtype IN ('cash', 'receivable', 'intercompany_receivable', 'tax_receivable', 'other_asset',
                    'payable', 'accrued_liability', 'intercompany_payable', 'tax_payable',
                    'payroll_liability', 'debt', 'lease_liability', 'other_liability')
GROUP BY j.account_id, a.name, a.subtype, j.currency
ORDER BY j.account_id, j.currency
"""

REVALUATIONS = """
WITH fx_entries AS (
  SELECT DISTINCT x.je_id
  FROM journal_lines x
  JOIN accounts g ON g.account_id = x.account_id
  WHERE x.entity_id = $entity_id AND g.subtype = 'fx_gain_loss' AND x.posting_date <= $month_end
)
SELECT j.account_id,
       CAST(SUM(j.debit - j.credit) AS DECIMAL(18,2)) AS booked,
       CAST(COALESCE(SUM(CASE WHEN j.posting_date >= $month_start THEN j.debit - j.credit END), 0)
            AS DECIMAL(18,2)) AS booked_month
FROM journal_lines j
JOIN fx_entries f ON f.je_id = j.je_id
WHERE j.entity_id = $entity_id AND (j.currency IS NULL OR j.currency = $functional)
  AND j.posting_date <= $month_end
GROUP BY j.account_id
ORDER BY j.account_id
"""

MONTH_ENTRIES = """
SELECT DISTINCT j.je_id
FROM journal_lines j
WHERE j.entity_id = $entity_id AND j.account_id = $account_id
  AND j.posting_date BETWEEN $month_start AND $month_end
  AND (j.currency = $currency OR j.currency IS NULL OR j.currency = $functional)
ORDER BY j.je_id
"""

BANK_CURRENCIES = """
SELECT gl_account_id, currency FROM bank_accounts
WHERE entity_id = $entity_id
ORDER BY gl_account_id, currency
"""

# Without bank_accounts.csv a cash account's currency is what its lines say: an account
# is a foreign-currency account only when every line on it carries that one currency (a
# functional-currency account that settles one foreign invoice is not remeasured).
CASH_LINE_CURRENCIES = """
SELECT j.account_id, COALESCE(j.currency, $functional) AS currency
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND a.subtype = 'cash' AND j.posting_date <= $month_end
GROUP BY 1, 2
ORDER BY 1, 2
"""


def run(ctx):
    cur = ctx.currency
    bank = {}
    if ctx.has_table("bank_accounts"):
        for r in ctx.rows(BANK_CURRENCIES):
            bank.setdefault(r["gl_account_id"], set()).add(r["currency"])
    else:
        seen: dict[str, set] = {}
        for r in ctx.rows(CASH_LINE_CURRENCIES, functional=cur):
            seen.setdefault(r["account_id"], set()).add(r["currency"])
        # lines in several currencies: the account is held in the functional currency
        bank = {account: (found if len(found) == 1 else {cur}) for account, found in seen.items()}
    pools = [p for p in ctx.rows(POOLS, functional=cur)
             if p["subtype"] != "cash" or p["account_id"] not in bank
             or p["currency"] in bank[p["account_id"]]]
    booked = {r["account_id"]: r for r in ctx.rows(REVALUATIONS, functional=cur)}
    by_account: dict[str, dict] = {}
    rows, missing = [], []
    for p in pools:
        rate = ctx.fx.rate(p["currency"], cur, ctx.month, "closing")
        if rate is None:
            missing.append(f"closing {p['currency']}->{cur} {ctx.month.last_day}")
            continue
        expected = cents(Decimal(p["txn_balance"]) * rate, cur)
        acc = by_account.setdefault(p["account_id"], {"name": p["name"], "expected": ZERO,
                                                      "carrying": ZERO, "currencies": []})
        acc["expected"] += expected
        acc["carrying"] += p["carrying"]
        acc["currencies"].append(p["currency"])
        rows.append({"account_id": p["account_id"], "currency": p["currency"],
                     "txn_balance": p["txn_balance"], "closing_rate": rate,
                     "remeasured": expected, "carrying_before_revaluation": p["carrying"]})
    findings = [Finding("high", f"No {m} rate in fx_rates.csv to remeasure foreign balances.",
                        None, ()) for m in sorted(set(missing))]
    tolerance = ctx.params["tolerance"]
    accounts = []
    for account_id, acc in sorted(by_account.items()):
        reval = booked.get(account_id, {"booked": ZERO, "booked_month": ZERO})
        carrying = acc["carrying"] + reval["booked"]
        difference = acc["expected"] - carrying
        accounts.append({"account_id": account_id, "name": acc["name"],
                         "currencies": acc["currencies"], "remeasured": acc["expected"],
                         "carrying": carrying, "booked_this_month": reval["booked_month"],
                         "difference": difference})
        if abs(difference) > tolerance:
            refs = [f"accounts:{account_id}"]
            for currency in acc["currencies"]:
                refs += [f"journal_lines:{r['je_id']}" for r in
                         ctx.rows(MONTH_ENTRIES, account_id=account_id, currency=currency,
                                  functional=cur)]
            # a debit to the balance (an asset worth more, a liability owing less) is a gain
            needed = "gain" if difference > 0 else "loss"
            findings.append(Finding(
                "high" if abs(difference) >= ctx.materiality else "medium",
                f"{acc['name']} ({account_id}) in {', '.join(acc['currencies'])}: remeasured at the "
                f"{ctx.month.last_day} closing rate it is {acc['expected']} {cur}, carried at "
                f"{carrying}; book an unrealised FX {needed} of {abs(difference)} "
                f"(debit-positive adjustment {difference}) against the FX gains and losses account.",
                abs(difference), list(dict.fromkeys(refs))))
    booked_month = cents(sum((a["booked_this_month"] for a in accounts), ZERO), cur)
    metrics = {"pools": rows, "accounts": accounts, "booked_revaluation_this_month": booked_month,
               "unbooked": cents(sum((a["difference"] for a in accounts), ZERO), cur),
               "lines": [{"line": f"{a['account_id']} {a['name']}", "amount": a["remeasured"],
                          "carrying": a["carrying"], "difference": a["difference"]} for a in accounts],
               "currency": cur}
    summary = (f"{len(rows)} foreign-currency balances on {len(accounts)} accounts remeasured at "
               f"closing; {booked_month} {cur} revaluation booked in {ctx.month}"
               + (f"; {len(findings)} not remeasured correctly." if findings else "; all tie."))
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="stmt.fx_revaluation",
    title="FX revaluation of monetary items",
    description=(
        "Remeasures foreign-currency monetary balances (asset and liability accounts of "
        "monetary subtypes; lines whose currency is not the functional one, summed in "
        "amount_txn per account and currency) at the month's closing rate and compares "
        "them with their carrying amount including the revaluation entries booked (lines in "
        "the functional currency, blank or named, in entries that post to an fx_gain_loss "
        "account). A difference "
        "above the tolerance is a finding (high at or above materiality) with the unrealised "
        "gain or loss to book, refs = the account and the month's entries on it. Cash "
        "accounts count only in their bank account's currency."
    ),
    needs=("journal_lines", "accounts", "fx_rates"),
    params={"tolerance": Money("0.00", "difference left unreported, entity currency")},
    run=run,
)

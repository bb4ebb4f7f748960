"""Economic nexus: US states where sales cross the threshold without a sales-tax registration.

Since Wayfair (2018) a seller owes sales tax in a US state once its sales into the state
pass an economic threshold (most states: 100,000 USD of sales or 200 transactions in a
twelve-month period), whether or not it has a presence there. Registering late means
paying the uncollected tax out of pocket. For US entities, per state of the US customers
(customers.region), over the twelve months ending at the month end: net sales and the
number of invoices; a state at or above `sales_threshold` or `transactions_threshold`
(0 switches the count test off) with no sales-tax code for it (`US-<state>`) is a
finding, amount = the twelve months' sales. States without a sales tax
(`no_sales_tax_states`) are skipped. Entities outside the US are skipped (the test is
US state law; entity country from entities.csv).
"""
from __future__ import annotations

from close.money import cents
from close.skill import Finding, Int, Money, Skill, Text

SALES = """
SELECT c.region, COUNT(*) AS invoices, CAST(SUM(i.net_amount) AS DECIMAL(18,2)) AS sales,
       array_to_string(list_sort(list_distinct(list(c.customer_id))), ',') AS customers
FROM ar_invoices i
JOIN customers c ON c.customer_id = i.customer_id
WHERE i.entity_id = $entity_id AND c.country = 'US' AND c.region IS NOT NULL
  AND i.invoice_date BETWEEN $window_start AND $month_end
GROUP BY c.region
ORDER BY c.region
"""

CODES = """
SELECT jurisdiction FROM tax_codes WHERE tax_type = 'sales_tax' ORDER BY jurisdiction
"""


def run(ctx):
    if ctx.entity.country != "US":
        return ctx.skip(f"{ctx.entity.id} is in {ctx.entity.country}, not the US: US state "
                        f"economic nexus does not apply.")
    exempt_states = {s.strip().upper() for s in ctx.params["no_sales_tax_states"].split(",") if s.strip()}
    registered = {r["jurisdiction"] for r in ctx.rows(CODES)}
    window_start = ctx.month.shift(-11).first_day
    sales_limit, count_limit = ctx.params["sales_threshold"], ctx.params["transactions_threshold"]
    findings, states = [], []
    for r in ctx.rows(SALES, window_start=window_start):
        state = r["region"].upper()
        over = r["sales"] >= sales_limit or (count_limit > 0 and r["invoices"] >= count_limit)
        has_code = f"US-{state}" in registered
        states.append({"state": state, "sales": cents(r["sales"]), "invoices": r["invoices"],
                       "over_threshold": over, "registered": has_code})
        if not over or has_code or state in exempt_states:
            continue
        customers = r["customers"].split(",")
        findings.append(Finding(
            "high" if r["sales"] >= ctx.materiality else "medium",
            f"Sales into {state} were {cents(r['sales'])} over {r['invoices']} invoice(s) from "
            f"{window_start} to {ctx.month.last_day}, past the economic nexus threshold "
            f"({sales_limit} or {count_limit} transactions), but there is no US-{state} sales-tax "
            f"code: register, start charging tax, and assess the tax not collected.",
            r["sales"], [f"customers:{c}" for c in customers[:10]]))
    summary = (f"{len(states)} US state(s) sold into over twelve months; {len(findings)} past the "
               f"nexus threshold without registration.")
    return ctx.result(findings, {"states": states}, summary)


SKILL = Skill(
    id="tax.economic_nexus",
    title="Economic nexus in US states",
    description=(
        "For US entities: net sales and invoice counts per US state (customer region) over "
        "the twelve months to the month end; a state at or above `sales_threshold` or "
        "`transactions_threshold` with no US-<state> sales-tax code is a finding (amount: the "
        "sales). States without a sales tax are left out; entities outside the US are "
        "skipped."
    ),
    needs=("ar_invoices", "customers", "tax_codes"),
    params={
        "sales_threshold": Money("100000.00", "twelve-month sales that create nexus"),
        "transactions_threshold": Int(200, "twelve-month invoice count that creates nexus (0: off)"),
        "no_sales_tax_states": Text("AK,DE,MT,NH,OR", "states with no state sales tax"),
    },
    run=run,
)

"""The Monthly Financial Review's computed content, for the whole group.

A CFO opens the review for the month's performance in one currency, a trend to read it
against, and how far the close has got. This skill computes those figures so the report
only lays them out: each entity's monthly revenue and net income from journal_lines and
accounts (the same subtypes the income statement uses, so they tie to it), translated to
the reporting currency at each month's average rate; cash at closing rates; and the
status of every skill that ran before it.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from close.money import ZERO, cents
from close.periods import Month
from close.skill import Finding, Int, Skill

PNL_BY_MONTH = """
SELECT j.entity_id,
       CAST(date_trunc('month', j.posting_date) AS DATE) AS month_start,
       CAST(SUM(CASE WHEN a.subtype IN ('revenue', 'intercompany_revenue')
                     THEN j.credit - j.debit ELSE 0 END) AS DECIMAL(18,2)) AS revenue,
       CAST(SUM(CASE WHEN a.subtype = 'intercompany_revenue'
                     THEN j.credit - j.debit ELSE 0 END) AS DECIMAL(18,2)) AS intercompany_revenue,
       CAST(SUM(CASE WHEN a.subtype = 'cogs'
                     THEN j.credit - j.debit ELSE 0 END) AS DECIMAL(18,2)) AS cost_of_sales,
       CAST(SUM(j.credit - j.debit) AS DECIMAL(18,2)) AS net_income
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE a.type IN ('revenue', 'expense')
  AND j.posting_date BETWEEN $series_start AND $month_end
GROUP BY j.entity_id, CAST(date_trunc('month', j.posting_date) AS DATE)
ORDER BY j.entity_id, month_start
"""

CASH = """
SELECT j.entity_id,
       CAST(SUM(j.debit - j.credit) AS DECIMAL(18,2)) AS cash,
       CAST(SUM(CASE WHEN j.posting_date <= $prior_end THEN j.debit - j.credit ELSE 0 END)
            AS DECIMAL(18,2)) AS cash_prior
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE a.subtype = 'cash' AND j.posting_date <= $month_end
GROUP BY j.entity_id
ORDER BY j.entity_id
"""

FIGURES = ("revenue", "intercompany_revenue", "cost_of_sales", "net_income")
STATUSES = ("pass", "exceptions", "skipped", "error")
SEVERITIES = ("high", "medium", "low")


def ratio_pct(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """part / whole in percent, one decimal, half away from zero; None without a base."""
    if part is None or whole is None or whole == ZERO:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def entity_months(ctx, start: Month) -> dict[str, dict[str, dict]]:
    """{entity: {"YYYY-MM": {revenue, intercompany_revenue, cost_of_sales, net_income}}}."""
    out: dict[str, dict[str, dict]] = {}
    for row in ctx.rows(PNL_BY_MONTH, series_start=start.first_day):
        month = f"{row['month_start'].year:04d}-{row['month_start'].month:02d}"
        out.setdefault(row["entity_id"], {})[month] = {k: row[k] for k in FIGURES}
    return out


def translate_series(ctx, per_entity, months, entities):
    """Group figures per month in the reporting currency: each entity's exact product with
    the month's average rate, summed, rounded once. A missing rate leaves the month out
    (None) and is returned so it becomes a finding rather than a guess."""
    reporting = ctx.pack.reporting_currency
    group, entity_rows, missing = [], [], []
    for month in months:
        totals = {k: ZERO for k in ("revenue", "cost_of_sales", "net_income")}
        complete = True
        for entity in entities:
            figures = per_entity.get(entity.id, {}).get(str(month))
            if figures is None:
                continue
            rate = ctx.fx.rate(entity.functional_currency, reporting, month, "average")
            entity_rows.append({
                "entity_id": entity.id, "month": str(month), "currency": entity.functional_currency,
                **{k: cents(figures[k], entity.functional_currency) for k in FIGURES},
                "average_rate": rate,
            })
            if rate is None:
                complete = False
                missing.append((entity, month))
                continue
            totals["revenue"] += (figures["revenue"] - figures["intercompany_revenue"]) * rate
            totals["cost_of_sales"] += figures["cost_of_sales"] * rate
            totals["net_income"] += figures["net_income"] * rate
        group.append({"month": str(month),
                      **{k: (cents(v, reporting) if complete else None) for k, v in totals.items()}})
    return group, entity_rows, missing


def group_cash(ctx, entities) -> tuple[Decimal | None, Decimal | None, list]:
    reporting = ctx.pack.reporting_currency
    by_entity = {r["entity_id"]: r for r in ctx.rows(CASH, prior_end=ctx.month.prev.last_day)}
    cash, prior, missing = ZERO, ZERO, []
    for entity in entities:
        row = by_entity.get(entity.id)
        if row is None:
            continue
        for key, month in (("cash", ctx.month), ("cash_prior", ctx.month.prev)):
            rate = ctx.fx.rate(entity.functional_currency, reporting, month, "closing")
            if rate is None:
                missing.append((entity, month, "closing"))
                continue
            if key == "cash":
                cash += row[key] * rate
            else:
                prior += row[key] * rate
    complete = not missing
    return (cents(cash, reporting) if complete else None,
            cents(prior, reporting) if complete else None, missing)


def _sum(rows, key, months) -> Decimal | None:
    """Total over the months the books have; None when they have none of them, or when
    one of them could not be translated (a partial total would mislead)."""
    values = [r[key] for r in rows if r["month"] in months]
    if not values or any(v is None for v in values):
        return None
    return sum(values, ZERO)


def kpis(ctx, series, cash, cash_prior) -> list[dict]:
    reporting = ctx.pack.reporting_currency
    by_month = {r["month"]: r for r in series}
    now, prev = by_month.get(str(ctx.month), {}), by_month.get(str(ctx.month.prev), {})
    year_start = ctx.month.fiscal_year_start(ctx.pack.fiscal_year_start_month)
    ytd = [str(year_start.shift(i)) for i in range(_months_between(year_start, ctx.month) + 1)]
    prior_ytd = [str(year_start.shift(i - 12)) for i in range(len(ytd))]

    def gross(row):
        if row.get("revenue") is None or row.get("cost_of_sales") is None:
            return None
        return row["revenue"] + row["cost_of_sales"]

    return [
        {"key": "revenue", "label": "Revenue", "unit": reporting,
         "value": now.get("revenue"), "prior": prev.get("revenue")},
        {"key": "gross_margin_pct", "label": "Gross margin", "unit": "%",
         "value": ratio_pct(gross(now), now.get("revenue")),
         "prior": ratio_pct(gross(prev), prev.get("revenue"))},
        {"key": "net_income", "label": "Net income", "unit": reporting,
         "value": now.get("net_income"), "prior": prev.get("net_income")},
        {"key": "net_margin_pct", "label": "Net margin", "unit": "%",
         "value": ratio_pct(now.get("net_income"), now.get("revenue")),
         "prior": ratio_pct(prev.get("net_income"), prev.get("revenue"))},
        {"key": "revenue_ytd", "label": "Revenue, year to date", "unit": reporting,
         "value": _sum(series, "revenue", ytd), "prior": _sum(series, "revenue", prior_ytd),
         "prior_label": "same period last year"},
        {"key": "net_income_ytd", "label": "Net income, year to date", "unit": reporting,
         "value": _sum(series, "net_income", ytd), "prior": _sum(series, "net_income", prior_ytd),
         "prior_label": "same period last year"},
        {"key": "cash", "label": "Cash", "unit": reporting, "value": cash, "prior": cash_prior},
    ]


def _months_between(first: Month, last: Month) -> int:
    return (last.year - first.year) * 12 + last.month - first.month


def close_status(results) -> dict:
    """Where the close stands among the results computed before the review."""
    readiness = {s: 0 for s in STATUSES}
    findings = {s: 0 for s in SEVERITIES}
    areas: dict[str, dict[str, int]] = {}
    for r in results:
        readiness[r.status] += 1
        areas.setdefault(r.skill_id.split(".")[0], {s: 0 for s in STATUSES})[r.status] += 1
        if not r.skill_id.startswith("close."):
            for f in r.findings:
                findings[f.severity] += 1
    return {"readiness": readiness, "findings_by_severity": findings, "status_by_area": areas,
            "reconciliations": areas.get("recon", {s: 0 for s in STATUSES}),
            "tax_checks": areas.get("tax", {s: 0 for s in STATUSES})}


def run(ctx):
    entities = list(ctx.entities)
    reporting = ctx.pack.reporting_currency
    shown_from = ctx.month.shift(-(ctx.params["months"] - 1))
    prior_year_start = ctx.month.shift(-12).fiscal_year_start(ctx.pack.fiscal_year_start_month)
    per_entity = entity_months(ctx, min(shown_from, prior_year_start))
    active = sorted({m for months in per_entity.values() for m in months})
    first = Month(*map(int, active[0].split("-"))) if active else ctx.month
    months = [first.shift(i) for i in range(_months_between(first, ctx.month) + 1)]
    full, entity_rows, missing = translate_series(ctx, per_entity, months, entities)
    # The chart shows the last `months` months; year-to-date KPIs may reach further back.
    series = [row for row in full if row["month"] >= str(shown_from)]
    entity_rows = [row for row in entity_rows if row["month"] >= str(shown_from)]
    cash, cash_prior, missing_cash = group_cash(ctx, entities)

    findings = []
    for entity, month in missing:
        findings.append(Finding(
            "medium",
            f"No average rate {entity.functional_currency}->{reporting} for {month}: {entity.id}'s "
            f"results for that month cannot be translated, so the group figures for {month} are "
            f"left out. Add the rate to fx_rates.csv.",
            None, (f"fx_rates:{month.last_day}/{entity.functional_currency}/{reporting}/average",)))
    for entity, month, kind in missing_cash:
        findings.append(Finding(
            "medium",
            f"No {kind} rate {entity.functional_currency}->{reporting} for {month}: group cash "
            f"cannot be stated. Add the rate to fx_rates.csv.",
            None, (f"fx_rates:{month.last_day}/{entity.functional_currency}/{reporting}/{kind}",)))

    status = close_status(ctx.run_results)
    metrics = {
        "reporting_currency": reporting,
        "entities": [{"entity_id": e.id, "name": e.name, "functional_currency": e.functional_currency,
                      "country": e.country, "parent_id": e.parent_id, "ownership_pct": e.ownership_pct}
                     for e in entities],
        "kpis": kpis(ctx, full, cash, cash_prior),
        "series": series,
        "entity_series": entity_rows,
        **status,
    }
    now = series[-1] if series and series[-1]["month"] == str(ctx.month) else {}
    summary = (f"{ctx.month}: group revenue {now.get('revenue')} {reporting}, net income "
               f"{now.get('net_income')} {reporting}; {status['readiness']['pass']} skill results passed, "
               f"{status['readiness']['exceptions']} with exceptions, {status['readiness']['skipped']} "
               f"skipped, {status['readiness']['error']} errored.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="close.mfr",
    title="Monthly Financial Review",
    description=(
        "Assembles the computed content of the Monthly Financial Review for the group: "
        "monthly revenue and net income per entity (income-statement subtypes, so they tie "
        "to stmt.income_statement) and for the group in the reporting currency at each "
        "month's average rate, external revenue only (intercompany revenue eliminated); "
        "KPIs for the month against the prior month (revenue, gross and net margin, net "
        "income, year to date against the same period last year, cash at closing rates); "
        "and the close's status: skill results by status and area, findings by severity, "
        "reconciliation and tax check counts. A missing FX rate is a finding and leaves the "
        "affected group figure out instead of guessing it."
    ),
    needs=("journal_lines", "accounts", "entities", "fx_rates"),
    params={"months": Int(24, "months of history in the revenue and net income series")},
    group=True,
    run=run,
)

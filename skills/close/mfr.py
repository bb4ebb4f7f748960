"""The Monthly Financial Review's computed content, for the whole group.

A CFO opens the review for the month's performance in one currency, a trend to read it
against, and how far the close has got. This skill computes those figures so the report
only lays them out: each entity's monthly revenue and net income from journal_lines and
accounts (the same subtypes the income statement uses, so they tie to it); the group's,
translated at each month's average rate with intercompany trading eliminated and rounded
as the consolidation rounds (so they tie to the consolidated income statement); cash at
closing rates; and the status of every skill that ran before it.
"""
from __future__ import annotations

from decimal import Decimal

from close.money import ZERO, cents
from close.periods import Month
from close.skill import SEVERITIES, STATUSES, Finding, Int, Skill, summarises
from skills.lib.percent import percent_of
from skills.close._group_figures import entity_figures, group_figure, pnl_rows

CASH = """
SELECT j.entity_id, j.account_id,
       CAST(SUM(j.debit - j.credit) AS DECIMAL(18,2)) AS cash,
       CAST(SUM(CASE WHEN j.posting_date <= $prior_end THEN j.debit - j.credit ELSE 0 END)
            AS DECIMAL(18,2)) AS cash_prior
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE a.subtype = 'cash' AND j.posting_date <= $month_end
GROUP BY j.entity_id, j.account_id
ORDER BY j.entity_id, j.account_id
"""


def translate_series(ctx, rows, months, entities):
    """Group figures per month in the reporting currency (see _group_figures for the
    rounding and eliminations), and each entity's month in its own currency. A missing
    average rate leaves the group month out (None) and is returned as (entity, month) so
    it becomes a finding rather than a guess."""
    reporting = ctx.pack.reporting_currency
    currency = {e.id: e.functional_currency for e in entities}

    def rate_of(entity_id, month):
        return ctx.fx.rate(currency[entity_id], reporting, month, "average")

    rows = [r for r in rows if r.entity_id in currency]
    group, entity_rows, missing = [], [], []
    for month in months:
        point = {"month": str(month)}
        for measure in ("revenue", "cost_of_sales", "net_income"):
            point[measure], gaps = group_figure(rows, {month}, measure, rate_of, reporting)
            missing += [g for g in gaps if g not in missing]
        group.append(point)
        for entity in entities:
            figures = entity_figures(rows, entity.id, month)
            if figures is not None:
                entity_rows.append({"entity_id": entity.id, "month": str(month),
                                    "currency": entity.functional_currency,
                                    **{k: cents(v, entity.functional_currency) for k, v in figures.items()},
                                    "average_rate": rate_of(entity.id, month)})
    by_id = {e.id: e for e in entities}
    return group, entity_rows, [(by_id[e], m) for e, m in missing]


def group_cash(ctx, entities) -> tuple[Decimal | None, Decimal | None, list]:
    """Cash at both month ends at closing rates, each account rounded as translated."""
    reporting = ctx.pack.reporting_currency
    by_id = {e.id: e for e in entities}
    cash, prior, missing = ZERO, ZERO, []
    for row in ctx.rows(CASH, prior_end=ctx.month.prev.last_day):
        entity = by_id.get(row["entity_id"])
        if entity is None:
            continue
        for key, month in (("cash", ctx.month), ("cash_prior", ctx.month.prev)):
            rate = ctx.fx.rate(entity.functional_currency, reporting, month, "closing")
            if rate is None:
                if (entity, month, "closing") not in missing:
                    missing.append((entity, month, "closing"))
                continue
            if key == "cash":
                cash += cents(row[key] * rate, reporting)
            else:
                prior += cents(row[key] * rate, reporting)
    complete = not missing
    return (cents(cash, reporting) if complete else None,
            cents(prior, reporting) if complete else None, missing)


def kpis(ctx, series, ytd_figure, cash, cash_prior) -> list[dict]:
    reporting = ctx.pack.reporting_currency
    by_month = {r["month"]: r for r in series}
    now, prev = by_month.get(str(ctx.month), {}), by_month.get(str(ctx.month.prev), {})
    year_start = ctx.month.fiscal_year_start(ctx.pack.fiscal_year_start_month)
    ytd = {year_start.shift(i) for i in range(_months_between(year_start, ctx.month) + 1)}
    prior_ytd = {m.shift(-12) for m in ytd}

    def gross(row):
        if row.get("revenue") is None or row.get("cost_of_sales") is None:
            return None
        return row["revenue"] + row["cost_of_sales"]

    return [
        {"key": "revenue", "label": "Revenue", "unit": reporting,
         "value": now.get("revenue"), "prior": prev.get("revenue")},
        {"key": "gross_margin_pct", "label": "Gross margin", "unit": "%",
         "value": percent_of(gross(now), now.get("revenue")),
         "prior": percent_of(gross(prev), prev.get("revenue"))},
        {"key": "net_income", "label": "Net income", "unit": reporting,
         "value": now.get("net_income"), "prior": prev.get("net_income")},
        {"key": "net_margin_pct", "label": "Net margin", "unit": "%",
         "value": percent_of(now.get("net_income"), now.get("revenue")),
         "prior": percent_of(prev.get("net_income"), prev.get("revenue"))},
        {"key": "revenue_ytd", "label": "Revenue, year to date", "unit": reporting,
         "value": ytd_figure(ytd, "revenue"), "prior": ytd_figure(prior_ytd, "revenue"),
         "prior_label": "same period last year"},
        {"key": "net_income_ytd", "label": "Net income, year to date", "unit": reporting,
         "value": ytd_figure(ytd, "net_income"), "prior": ytd_figure(prior_ytd, "net_income"),
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
        if not summarises(r.skill_id):
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
    in_run = {e.id for e in entities}
    rows = [r for r in pnl_rows(ctx, min(shown_from, prior_year_start)) if r.entity_id in in_run]
    shown = [r for r in rows if r.month >= shown_from]
    first = min((r.month for r in shown), default=ctx.month)
    months = [first.shift(i) for i in range(_months_between(first, ctx.month) + 1)]
    series, entity_rows, missing = translate_series(ctx, shown, months, entities)
    currency = {e.id: e.functional_currency for e in entities}

    def ytd_figure(window: set, measure: str):
        """A year-to-date group figure, rounded per account over the whole window as the
        consolidated YTD column is; None if the books hold none of it or a rate is missing."""
        if not any(r.month in window for r in rows):
            return None
        value, _ = group_figure(rows, window, measure,
                                lambda e, m: ctx.fx.rate(currency[e], reporting, m, "average"), reporting)
        return value

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
        "kpis": kpis(ctx, series, ytd_figure, cash, cash_prior),
        "series": series,
        "entity_series": entity_rows,
        **status,
    }
    now = series[-1] if series and series[-1]["month"] == str(ctx.month) else {}

    def stated(value):
        return f"{value} {reporting}" if value is not None else "not stated (a rate is missing)"

    summary = (f"{ctx.month}: group revenue {stated(now.get('revenue'))}, net income "
               f"{stated(now.get('net_income'))}; {status['readiness']['pass']} skill results passed, "
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
        "month's average rate, with intercompany revenue and expense toward group entities "
        "eliminated (so they tie to stmt.consolidation); "
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

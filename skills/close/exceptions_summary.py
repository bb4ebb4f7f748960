"""Every finding of the close in one list, the worst first.

Sign-off starts from the exceptions, not from sixty skill results. This group skill
gathers the findings of every skill that ran before it (per entity and group), puts
their amounts in the reporting currency at the month's closing rate so entities compare,
and ranks them: high before medium before low, then the larger amount first. The ranked
list, with each finding's skill, entity, amount in its own currency, refs and message,
is the skill's metrics; the findings themselves stay with the skills that raised them,
so nothing is counted twice. Skills of the close area are left out: they restate others.
The counts and totals cover every finding; the list itself stops at `listed` rows (a
month with duplicates everywhere has a hundred thousand findings, and the report and
the review show this list), with the rest counted in `ranked_omitted`: the findings file
beside results.json has them all.
"""
from __future__ import annotations

import heapq
from decimal import Decimal

from close.money import ZERO, cents
from close.skill import SEVERITIES, SUMMARISING_AREA, Int, Skill, rank_key


def collect(ctx):
    """One (finding, its result, currency, amount in the reporting currency) per finding of
    the run's earlier results: light tuples, since a month can hold a million findings."""
    reporting = ctx.pack.reporting_currency
    currency_of = {e.id: e.functional_currency for e in ctx.entities}
    for result in ctx.run_results:
        if result.skill_id.split(".", 1)[0] == SUMMARISING_AREA:
            continue
        currency = currency_of.get(result.entity_id, reporting) if result.entity_id else reporting
        rate = ctx.fx.rate(currency, reporting, ctx.month, "closing")
        for finding in result.findings:
            amount = finding.amount
            in_reporting = None
            if amount is not None and rate is not None:
                in_reporting = cents(amount * rate, reporting)
            yield finding, result, currency, in_reporting


def rank_of(item):
    """The one finding order (close.skill.rank_key) with the amount in the reporting
    currency, so findings of entities in different currencies compare."""
    finding, result, _, amount = item
    return rank_key(finding.severity, amount, finding.refs, finding.message,
                    result.skill_id, result.entity_id)


def row_of(rank: int, item) -> dict:
    finding, result, currency, amount = item
    return {"rank": rank, "severity": finding.severity, "skill_id": result.skill_id,
            "entity_id": result.entity_id, "currency": currency, "amount": finding.amount,
            "amount_reporting": amount, "message": finding.message, "refs": list(finding.refs),
            "area": result.skill_id.split(".", 1)[0]}


def run(ctx):
    reporting = ctx.pack.reporting_currency
    listed = ctx.params["listed"]
    by_severity = {s: {"count": 0, "amount_reporting": ZERO} for s in SEVERITIES}
    by_area: dict[str, dict] = {}
    by_entity: dict[str, dict] = {}
    items = []
    for item in collect(ctx):
        finding, result, _, amount = item
        items.append(item)
        for bucket in (by_severity[finding.severity],
                       by_area.setdefault(result.skill_id.split(".", 1)[0], {"count": 0, "amount_reporting": ZERO}),
                       by_entity.setdefault(result.entity_id or "group", {"count": 0, "amount_reporting": ZERO})):
            bucket["count"] += 1
            bucket["amount_reporting"] += amount or ZERO
    top = heapq.nsmallest(listed, items, key=rank_of)
    ranked = [row_of(i, item) for i, item in enumerate(top, start=1)]
    total: Decimal = sum((b["amount_reporting"] for b in by_severity.values()), ZERO)
    count = len(items)
    metrics = {
        "reporting_currency": reporting,
        "count": count,
        "amount_reporting": total,
        "by_severity": by_severity,
        "by_area": dict(sorted(by_area.items())),
        "by_entity": dict(sorted(by_entity.items())),
        "ranked": ranked,
    }
    if count > len(ranked):
        metrics["ranked_omitted"] = {
            "count": count - len(ranked),
            "amount_reporting": total - sum((r["amount_reporting"] or ZERO for r in ranked), ZERO)}
    if ranked:
        top = ranked[0]
        summary = (f"{count} findings across the close ({by_severity['high']['count']} high, "
                   f"{by_severity['medium']['count']} medium, {by_severity['low']['count']} low), "
                   f"{total} {reporting} in all; first: {top['skill_id']} "
                   f"{top['entity_id'] or 'group'} at {top['amount']} {top['currency']}.")
    else:
        summary = "No findings across the close."
    return ctx.result([], metrics, summary)


SKILL = Skill(
    id="close.exceptions_summary",
    title="Exceptions summary",
    description=(
        "All findings of the month's close in one ranked list, for the group: every finding "
        "of every skill that ran (per entity and group; the close area's own skills are left "
        "out because they restate others), with its skill, entity, severity, amount in the "
        "entity's currency and in the reporting currency at the month's closing rate, refs "
        "and message. Ranked by severity (high, medium, low), then by the reporting-currency "
        "amount, largest first. Counts and totals by severity, area and entity. The list is "
        "in metrics['ranked'] (the first `listed` rows; the rest counted and totalled in "
        "metrics['ranked_omitted']); the skill raises no findings of its own, so exceptions "
        "are counted once, on the skills that found them."
    ),
    needs=("entities", "fx_rates"),
    params={"listed": Int(250, "ranked findings listed; counts and totals cover them all")},
    group=True,
    run=run,
)

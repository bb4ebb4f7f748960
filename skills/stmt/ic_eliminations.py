"""Intercompany elimination entries, proposed per providing entity.

A consolidation removes what group entities owe and charge each other. This skill writes
the entries that do it for each pair where this entity is the provider (it holds the
receivable and the revenue): debit the recipient's intercompany payable and credit this
entity's receivable; debit this entity's intercompany revenue and credit the recipient's
intercompany expense; all in the reporting currency (balances at closing, revenue and
expense at monthly average), with what the two sides do not agree on. The figures are
the consolidation's (consolidated.ic_pairs: exact products, each figure and difference
rounded once), so the differences here are the ones recon.intercompany and
recon.intercompany_pnl report, to the cent. Explaining them is those checks' job; here
they are shown so the entries can be posted.
"""
from close.money import ZERO, cents
from close.skill import Finding, Skill
from skills.stmt.consolidated import ic_pairs


def entries_for(p, rc) -> list[dict]:
    out = []
    if p.receivable or p.payable:
        out.append({"description": f"Eliminate {p.provider}/{p.recipient} balances",
                    "debit": {"entity_id": p.recipient, "subtype": "intercompany_payable",
                              "amount": cents(p.payable, rc)},
                    "credit": {"entity_id": p.provider, "subtype": "intercompany_receivable",
                               "amount": cents(p.receivable, rc)},
                    "difference": cents(p.receivable - p.payable, rc)})
    if p.revenue_ytd or p.expense_ytd:
        out.append({"description": f"Eliminate {p.provider}/{p.recipient} charges, year to date",
                    "debit": {"entity_id": p.provider, "subtype": "intercompany_revenue",
                              "amount": cents(p.revenue_ytd, rc)},
                    "credit": {"entity_id": p.recipient, "subtype": "intercompany_expense",
                               "amount": cents(p.expense_ytd, rc)},
                    "difference": cents(p.revenue_ytd - p.expense_ytd, rc)})
    return out


def run(ctx):
    rc = ctx.pack.reporting_currency
    entities = list(ctx.group)
    _, pairs, missing_by_entity = ic_pairs(ctx.con, ctx.fx, entities, ctx.month,
                                           ctx.pack.fiscal_year_start_month, rc, ctx=ctx)
    mine = [p for p in pairs if p.provider == ctx.entity.id]
    involved = [ctx.entity.id] + [p.recipient for p in mine]
    missing = [f"{eid}: {m}" for eid in involved for m in missing_by_entity.get(eid, ())]
    if missing:
        findings = [Finding("high", f"Cannot translate intercompany balances: no {m} rate in "
                                    f"fx_rates.csv.", None, ()) for m in sorted(set(missing))]
        return ctx.result(findings, {"missing_rates": sorted(set(missing))},
                          "Intercompany eliminations incomplete: FX rates missing.")
    entries = [e for p in mine for e in entries_for(p, rc)]
    eliminated_balances = sum((p.receivable for p in mine), ZERO)
    eliminated_revenue = sum((p.revenue_ytd for p in mine), ZERO)
    metrics = {"reporting_currency": rc, "pairs": [p.as_metric(rc) for p in mine],
               "entries": entries,
               "eliminated_receivables": cents(eliminated_balances, rc),
               "eliminated_revenue_ytd": cents(eliminated_revenue, rc),
               "lines": [{"line": e["description"], "amount": e["credit"]["amount"]} for e in entries]}
    summary = (f"{len(entries)} elimination entries as provider toward "
               f"{len(mine)} group entities: receivables {metrics['eliminated_receivables']} and "
               f"revenue {metrics['eliminated_revenue_ytd']} {rc} year to date."
               if entries else "No intercompany balances or charges as provider.")
    return ctx.result([], metrics, summary)


SKILL = Skill(
    id="stmt.ic_eliminations",
    title="Intercompany eliminations",
    description=(
        "Elimination entries for consolidation, reported on the provider (the entity with "
        "the intercompany receivable and revenue): per recipient entity, debit its "
        "intercompany payable and credit the provider's receivable (closing rate), and "
        "debit the provider's intercompany revenue and credit the recipient's intercompany "
        "expense for the year to date (monthly average rates), in the reporting currency, "
        "with the difference between the two sides (each figure and difference the exact "
        "translated sum rounded once: the difference the consolidation keeps in equity and "
        "the intercompany checks report). Counterparties are journal_lines.counterparty "
        "entity ids. Differences are recon.intercompany's and recon.intercompany_pnl's "
        "findings; a missing rate for this entity or its recipients is a high finding here."
    ),
    needs=("journal_lines", "accounts", "fx_rates", "entities"),
    run=run,
)

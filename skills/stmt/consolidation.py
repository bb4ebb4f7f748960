"""The group's consolidated balance sheet and income statement.

What the board and the lenders see is the group, not the entities: every entity
translated into the reporting currency, intercompany balances and trading eliminated,
and the share of partly owned subsidiaries that belongs to minority shareholders shown
as non-controlling interests. Every figure is an exact sum rounded once when written
(skills/stmt/_written.py), so no rounded line moves a total. The consolidated balance
sheet must balance to the cent; when it does not, an entity's own books do not, and the
finding names it.
"""
from close.ledger import unbalanced_entry_refs
from close.money import ZERO, cents
from close.skill import Finding, Skill
from close.statements import build_balance_sheet, build_income_statement
from skills.stmt._consolidation import consolidate
from skills.stmt._written import balance_sheet_figures, income_statement_lines


def run(ctx):
    rc = ctx.pack.reporting_currency
    entities = list(ctx.group)
    group = consolidate(ctx.con, ctx.fx, entities, ctx.month, ctx.pack.fiscal_year_start_month, rc)
    if group.missing_rates:
        findings = [Finding("high", f"Cannot consolidate: no {m} rate in fx_rates.csv. Add the "
                                    f"rate and re-run.", None, ())
                    for m in sorted(set(group.missing_rates))]
        return ctx.result(findings, {"missing_rates": sorted(set(group.missing_rates))},
                          "Consolidation incomplete: FX rates missing.")
    bs = balance_sheet_figures(build_balance_sheet(group.accounts, ("amount",)), "amount", rc)
    inc = build_income_statement(group.accounts, ("mtd", "ytd"))
    nci_mtd = cents(sum((n["profit_mtd"] for n in group.nci.values()), ZERO), rc)
    nci_ytd = cents(sum((n["profit_ytd"] for n in group.nci.values()), ZERO), rc)
    ni_mtd, ni_ytd = cents(inc.total("net_income", "mtd"), rc), cents(inc.total("net_income", "ytd"), rc)
    difference = bs["difference"]
    metrics = {
        "entities": [e.id for e in entities],
        "reporting_currency": rc,
        "lines": bs["lines"],
        "income_statement": income_statement_lines(inc, rc),
        "total_assets": bs["total_assets"],
        "total_liabilities": bs["total_liabilities"],
        "total_equity": bs["total_equity"],
        "difference": difference,
        "net_income": ni_mtd,
        "net_income_ytd": ni_ytd,
        "net_income_attributable": {
            "owners_of_parent": {"mtd": ni_mtd - nci_mtd, "ytd": ni_ytd - nci_ytd},
            "non_controlling_interests": {"mtd": nci_mtd, "ytd": nci_ytd}},
        "ownership": {eid: cents(share * 100, None) for eid, share in group.ownership.items()},
        "non_controlling_interests": {
            eid: {"minority_pct": cents(n["minority_pct"], None),
                  **{k: cents(n[k], rc) for k in ("equity", "profit_mtd", "profit_ytd")}}
            for eid, n in group.nci.items()},
        "eliminations": {"pairs": [p.as_metric(rc) for p in group.pairs],
                         "eliminated_by_subtype": {k: cents(v, rc) for k, v in group.eliminated.items()},
                         # credit-positive, as the equity line shows it
                         "unreconciled_difference": cents(-(group.ic_difference
                                                            + group.ic_pnl_difference), rc),
                         "unreconciled_balances": cents(-group.ic_difference, rc),
                         "unreconciled_through_profit": cents(-group.ic_pnl_difference, rc),
                         "ic_lines_without_group_counterparty": group.unknown_counterparty},
        "cta": cents(sum((t.cta for t in group.translations.values()), ZERO), rc),
    }
    findings = []
    if difference != ZERO:
        off = [f"{t.entity_id} ({cents(t.imbalance, rc)})" for t in group.translations.values()
               if t.imbalance != ZERO]
        refs = [ref for t in group.translations.values() if t.imbalance != ZERO
                for ref in unbalanced_entry_refs(ctx, entity_id=t.entity_id)]
        findings.append(Finding(
            "high", f"Consolidated balance sheet does not balance by {difference} {rc}: the books "
            f"of {', '.join(off) or 'an entity'} do not balance. Correct them and re-run.",
            abs(difference), refs))
    summary = (f"Group ({len(entities)} entities, {rc}): total assets {metrics['total_assets']}, "
               f"net income {ni_mtd} in {ctx.month} (YTD {ni_ytd}, of which non-controlling "
               f"interests {nci_ytd}).")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="stmt.consolidation",
    title="Consolidated statements",
    description=(
        "Group consolidation in the reporting currency: each entity translated (assets and "
        "liabilities at closing, income and expense at monthly average, equity historical, "
        "CTA; rates inverted or crossed through the reporting currency where given one way "
        "only), intercompany receivables, payables, revenue and expense toward group "
        "entities eliminated in full, what the two sides of a pair do not agree on kept in "
        "group equity on an 'Unreconciled intercompany differences' line (the difference "
        "the intercompany checks report, to the cent), and non-controlling interests split "
        "out of equity and net income by effective ownership. Every line and total is the "
        "exact translated sum rounded once; total equity = total assets - total "
        "liabilities. Consolidated balance sheet and income statement (month and year to "
        "date) in metrics; a balance sheet that does not balance or a missing rate is a "
        "high finding."
    ),
    needs=("journal_lines", "accounts", "fx_rates", "entities"),
    group=True,
    run=run,
)

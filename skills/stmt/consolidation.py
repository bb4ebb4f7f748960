"""The group's consolidated balance sheet and income statement.

What the board and the lenders see is the group, not the entities: every entity
translated into the reporting currency, intercompany balances and trading eliminated,
and the share of partly owned subsidiaries that belongs to minority shareholders shown
as non-controlling interests. The consolidated balance sheet must balance to the cent;
when it does not, an entity's own books do not, and the finding names it.
"""
from close.ledger import unbalanced_entry_refs
from close.money import ZERO, cents
from close.runner import load_entities
from close.skill import Finding, Skill
from close.statements import build_balance_sheet, build_income_statement
from skills.stmt._consolidation import consolidate

def run(ctx):
    rc = ctx.pack.reporting_currency
    entities = load_entities(ctx.con)
    group = consolidate(ctx.con, ctx.fx, entities, ctx.month, ctx.pack.fiscal_year_start_month, rc)
    if group.missing_rates:
        findings = [Finding("high", f"Cannot consolidate: no {m} rate in fx_rates.csv. Add the "
                                    f"rate and re-run.", None, ())
                    for m in sorted(set(group.missing_rates))]
        return ctx.result(findings, {"missing_rates": sorted(set(group.missing_rates))},
                          "Consolidation incomplete: FX rates missing.")
    bs = build_balance_sheet(group.accounts, ("amount",))
    inc = build_income_statement(group.accounts, ("mtd", "ytd"))
    nci_mtd = sum((n["profit_mtd"] for n in group.nci.values()), ZERO)
    nci_ytd = sum((n["profit_ytd"] for n in group.nci.values()), ZERO)
    ni_mtd, ni_ytd = cents(inc.total("net_income", "mtd"), rc), cents(inc.total("net_income", "ytd"), rc)
    difference = cents(bs.total("difference", "amount"), rc)
    metrics = {
        "entities": [e.id for e in entities],
        "reporting_currency": rc,
        "lines": [{"line": ln.line, "section": ln.section, "kind": ln.kind,
                   "amount": cents(ln.amounts["amount"], rc)} for ln in bs.lines],
        "income_statement": [{"line": ln.line, "section": ln.section, "kind": ln.kind,
                              "amount": cents(ln.amounts["mtd"], rc),
                              "ytd": cents(ln.amounts["ytd"], rc)} for ln in inc.lines],
        "total_assets": cents(bs.total("assets", "amount"), rc),
        "total_liabilities": cents(bs.total("liabilities", "amount"), rc),
        "total_equity": cents(bs.total("equity", "amount"), rc),
        "difference": difference,
        "net_income": ni_mtd,
        "net_income_ytd": ni_ytd,
        "net_income_attributable": {
            "owners_of_parent": {"mtd": ni_mtd - nci_mtd, "ytd": ni_ytd - nci_ytd},
            "non_controlling_interests": {"mtd": nci_mtd, "ytd": nci_ytd}},
        "ownership": {eid: cents(share * 100, None) for eid, share in group.ownership.items()},
        "non_controlling_interests": group.nci,
        "eliminations": {"pairs": [p.as_metric() for p in group.pairs],
                         "eliminated_by_subtype": group.eliminated,
                         "unreconciled_difference": cents(group.ic_difference, rc),
                         "translation_difference_to_cta": cents(group.ic_translation_difference, rc),
                         "ic_lines_without_group_counterparty": group.unknown_counterparty},
        "cta": sum((cents(t.cta, rc) for t in group.translations.values()), ZERO)
        + cents(group.ic_translation_difference, rc),
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
        "CTA), intercompany receivables, payables, revenue and expense toward group "
        "entities eliminated in full (a receivable / payable mismatch kept on an "
        "unreconciled-differences line, the translation difference on revenue / expense in "
        "the translation reserve), and non-controlling interests split out of equity and net income by "
        "effective ownership. Consolidated balance sheet and income statement (month and "
        "year to date) in metrics; a balance sheet that does not balance or a missing rate "
        "is a high finding."
    ),
    needs=("journal_lines", "accounts", "fx_rates", "entities"),
    group=True,
    run=run,
)

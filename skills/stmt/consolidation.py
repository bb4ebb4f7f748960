"""The group's consolidated balance sheet and income statement.

What the board and the lenders see is the group, not the entities: every entity
translated into the reporting currency, intercompany balances and trading eliminated,
and the share of partly owned subsidiaries that belongs to minority shareholders shown
as non-controlling interests. Every figure is an exact sum rounded once when written
(skills/stmt/_written.py), so no rounded line moves a total. The consolidated balance
sheet must balance to the cent; when it does not, an entity's own books do not, and the
finding names it.
"""
from datetime import timedelta

from close.ledger import unbalanced_entry_refs
from close.money import ZERO, cents
from close.skill import Finding, Skill
from close.statements import build_balance_sheet, build_income_statement
from skills.stmt.consolidated import consolidate
from skills.stmt._group_notes import group_notes
from skills.stmt._group_statements import (comparative_accounts, group_cash_flow,
                                           group_equity_changes, opening_balance_sheet_accounts)
from skills.stmt._written import balance_sheet_figures, balance_sheet_table, income_statement_lines
from skills.stmt.cash_flow import both_periods
from skills.stmt.notes_debt import due_within_a_year

BS_COLUMNS = ("amount", "prior", "prior_year_end")


def group_current_portion(ctx, columns: dict) -> dict:
    """Liability account -> column -> the group's principal due within a year of that
    column's date: each entity's (stmt.notes_debt's schedules) at the closing rate its
    balances were translated at, exact (rounded when the balance sheet is written)."""
    out: dict = {}
    for column, (month, group) in columns.items():
        for entity in ctx.group:
            translated = group.translations.get(entity.id)
            if translated is None or translated.closing_rate is None:
                continue
            for account, due in due_within_a_year(ctx, month, entity.id,
                                                  entity.functional_currency).items():
                by_column = out.setdefault(account, {})
                by_column[column] = by_column.get(column, ZERO) + due * translated.closing_rate
    return out


def statutory_statements(ctx, group, inc, nci_ytd_exact) -> dict:
    """The group's classified balance sheet at this month end, last month end and the last
    fiscal year end, its cash flow (month and year to date) and changes in equity (year to
    date), each written once (skills/stmt/_group_statements.py). Comparatives need the
    rates of those month ends: without them the set says which are missing."""
    rc, fsm = ctx.pack.reporting_currency, ctx.pack.fiscal_year_start_month
    entities = list(ctx.group)
    year_end = ctx.month.fiscal_year_start(fsm).prev
    before = consolidate(ctx.con, ctx.fx, entities, ctx.month.prev, fsm, rc, ctx=ctx)
    year_open = before if year_end == ctx.month.prev else consolidate(
        ctx.con, ctx.fx, entities, year_end, fsm, rc, ctx=ctx)
    missing = sorted(set(before.missing_rates) | set(year_open.missing_rates))
    if missing:
        return {"missing_rates": missing}
    columns = {"amount": group, "prior": before, "prior_year_end": year_open}
    dated = {"amount": (ctx.month, group), "prior": (ctx.month.prev, before),
             "prior_year_end": (year_end, year_open)}
    bs = build_balance_sheet(comparative_accounts(columns), BS_COLUMNS,
                             group_current_portion(ctx, dated))
    table = balance_sheet_table(bs, BS_COLUMNS, rc)
    month, year = group_cash_flow(group, before), group_cash_flow(group, year_open)

    def flow(f):
        return {**{k: cents(f["totals"][k], rc) for k in ("operating", "investing", "financing",
                                                            "exchange")},
                "net_change_in_cash": cents(f["net_change"], rc),
                "cash_opening": cents(f["cash_opening"], rc),
                "cash_closing": cents(f["cash_closing"], rc),
                "difference": cents(f["difference"], rc)}

    ni_ytd = inc.total("net_income", "ytd")
    equity = group_equity_changes(group, year_open, ni_ytd - nci_ytd_exact, nci_ytd_exact)
    opening = balance_sheet_figures(build_balance_sheet(opening_balance_sheet_accounts(year_open),
                                                        ("open",)), "open", rc)
    components = [{k: (cents(v, rc) if k != "line" else v) for k, v in row.items()}
                  for row in equity]
    return {
        "columns": {"amount": ctx.month.last_day, "prior": ctx.month.prev.last_day,
                    "prior_year_end": year_end.last_day},
        "balance_sheet": table,
        "cash_line": next((a.line for a in group.accounts if a.subtype == "cash"), None),
        "cash_flow": {"lines": both_periods(month, year, rc), **flow(month), "ytd": flow(year),
                      "periods": {"amount": {"from": ctx.month.first_day, "to": ctx.month.last_day},
                                  "ytd": {"from": year_end.last_day + timedelta(days=1),
                                          "to": ctx.month.last_day}}},
        "equity_changes": {
            "from": year_end.last_day + timedelta(days=1), "to": ctx.month.last_day,
            "components": components,
            "total_opening": opening["total_equity"],
            "profit": cents(ni_ytd, rc),
            "other_movements": table["totals"]["total_equity"]["amount"] - opening["total_equity"]
            - cents(ni_ytd, rc),
            "total_closing": table["totals"]["total_equity"]["amount"]},
    }


def run(ctx):
    rc = ctx.pack.reporting_currency
    entities = list(ctx.group)
    group = consolidate(ctx.con, ctx.fx, entities, ctx.month, ctx.pack.fiscal_year_start_month, rc,
                        ctx=ctx)
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
        "statutory": statutory_statements(
            ctx, group, inc, sum((n["profit_ytd"] for n in group.nci.values()), ZERO)),
    }
    fsm = ctx.pack.fiscal_year_start_month
    year_months = [m for m in (ctx.month.shift(-k) for k in range(12))
                   if m >= ctx.month.fiscal_year_start(fsm)][::-1]
    packs = [r for r in ctx.deps.get("stmt.statutory_pack") or []
             if r.status not in ("skipped", "error")]
    metrics["statutory"]["notes"] = group_notes(ctx, packs, metrics, group.accounts,
                                                ctx.month.fiscal_year_start(fsm).prev, year_months)
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
        "date) in metrics; in metrics.statutory the group's statutory set: the balance "
        "sheet classed current / non-current (borrowings and lease liabilities due within a "
        "year as their current portion, translated at closing) at this month end, last month end and the "
        "last fiscal year end, the cash flow by the indirect method from the translated "
        "balances' movements (translation differences in their own section, opening and "
        "closing cash), the changes in equity for the year to date, and the notes: accounting "
        "policies (the wording most entities have in stmt.statutory_pack, entities with "
        "their own named), fixed assets, debt, leases and tax from the entities' notes "
        "translated (balances at closing, the year's movements at its average rate, the "
        "translation difference its own line), related parties (intercompany pairs "
        "eliminated, non-controlling interests), each tied to the group balance sheet. A balance sheet "
        "that does not balance or a missing rate is a high finding."
    ),
    needs=("journal_lines", "accounts", "fx_rates", "entities"),
    group=True,
    uses=("stmt.statutory_pack",),
    run=run,
)

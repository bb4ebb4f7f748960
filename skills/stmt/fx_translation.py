"""An entity's statements translated into the group's reporting currency, with its CTA.

Consolidation adds entities up in one currency; before it does, a controller checks each
entity's translation: the closing and average rates used, the translated balance sheet
and income statement, and the translation adjustment (CTA) that the rate differences
leave in equity. Rates given one way only are inverted and a pair with no rate crosses
through the reporting currency (close.fx); a rate still missing is a finding, never a
guess. Lines and totals are exact translated sums, each rounded once when written.
"""
from close.money import cents
from close.skill import Finding, Skill
from close.statements import build_balance_sheet, build_income_statement
from skills.stmt.translation import translate
from skills.stmt._written import balance_sheet_figures, income_statement_lines


def run(ctx):
    rc = ctx.pack.reporting_currency
    fsm = ctx.pack.fiscal_year_start_month
    now = translate(ctx.con, ctx.fx, ctx.entity, ctx.month, fsm, rc, ctx=ctx)
    if not now.complete:
        findings = [Finding("high", f"Cannot translate {ctx.entity.id} to {rc}: no {rate} rate "
                                    f"in fx_rates.csv. Add the rate to the pack and re-run.",
                            None, ())
                    for rate in now.missing_rates]
        return ctx.result(findings, {"missing_rates": now.missing_rates},
                          f"Translation to {rc} incomplete: {len(now.missing_rates)} rate(s) missing.")
    before = translate(ctx.con, ctx.fx, ctx.entity, ctx.month.prev, fsm, rc, ctx=ctx)
    bs = balance_sheet_figures(build_balance_sheet(now.accounts, ("amount",)), "amount", rc)
    inc = build_income_statement(now.accounts, ("mtd", "ytd"))
    cta = cents(now.cta, rc)
    cta_prior = cents(before.cta, rc) if before.complete else None
    metrics = {
        "functional_currency": ctx.currency,
        "reporting_currency": rc,
        "closing_rate": now.closing_rate,
        "average_rate": now.average_rate,
        "lines": bs["lines"],
        "income_statement": income_statement_lines(inc, rc),
        "total_assets": bs["total_assets"],
        "total_liabilities": bs["total_liabilities"],
        "total_equity": bs["total_equity"],
        "difference": bs["difference"],
        "net_income": cents(inc.total("net_income", "mtd"), rc),
        "net_income_ytd": cents(inc.total("net_income", "ytd"), rc),
        "cta": cta,
        "cta_prior": cta_prior,
        "cta_movement": None if cta_prior is None else cta - cta_prior,
    }
    summary = (f"{ctx.currency}->{rc} at closing {now.closing_rate} / average "
               f"{now.average_rate}: total assets {metrics['total_assets']} {rc}, net income "
               f"{metrics['net_income']}, CTA {cta}.")
    if ctx.currency == rc:
        summary = f"Functional currency is the reporting currency {rc}: no translation difference."
    return ctx.result([], metrics, summary)


SKILL = Skill(
    id="stmt.fx_translation",
    title="Translation to reporting currency",
    description=(
        "Translates each entity's balance sheet and income statement into the reporting "
        "currency: assets and liabilities at the month's closing rate, income and expense "
        "at each month's average rate (year to date is the sum of translated months), "
        "equity at historical rates (the opening entry at the closing rate of the month "
        "before the books open, later equity lines at their month's average rate). The "
        "difference is the cumulative translation adjustment (CTA) in equity; metrics give "
        "the rates, the translated lines, CTA and its movement in the month. Lines and "
        "totals are exact translated sums rounded once. Rates given one way only are "
        "inverted and a pair with no rate crosses through the reporting currency; a needed "
        "rate still missing is a high finding."
    ),
    needs=("journal_lines", "accounts", "fx_rates"),
    run=run,
)

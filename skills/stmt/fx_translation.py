"""An entity's statements translated into the group's reporting currency, with its CTA.

Consolidation adds entities up in one currency; before it does, a controller checks each
entity's translation: the closing and average rates used, the translated balance sheet
and income statement, and the translation adjustment (CTA) that the rate differences
leave in equity. A rate the translation needs but the pack lacks is a finding, never a
guess.
"""
from close.money import ZERO, cents
from close.skill import Finding, Skill
from close.statements import build_balance_sheet, build_income_statement
from skills.stmt._translation import translate


def run(ctx):
    rc = ctx.pack.reporting_currency
    fsm = ctx.pack.fiscal_year_start_month
    now = translate(ctx.con, ctx.fx, ctx.entity, ctx.month, fsm, rc)
    if not now.complete:
        findings = [Finding("high", f"Cannot translate {ctx.entity.id} to {rc}: no {rate} rate "
                                    f"in fx_rates.csv. Add the rate to the pack and re-run.",
                            None, ())
                    for rate in now.missing_rates]
        return ctx.result(findings, {"missing_rates": now.missing_rates},
                          f"Translation to {rc} incomplete: {len(now.missing_rates)} rate(s) missing.")
    before = translate(ctx.con, ctx.fx, ctx.entity, ctx.month.prev, fsm, rc)
    bs = build_balance_sheet(now.accounts, ("amount",))
    inc = build_income_statement(now.accounts, ("mtd", "ytd"))
    lines = [{"line": ln.line, "section": ln.section, "kind": ln.kind,
              "amount": cents(ln.amounts["amount"], rc)} for ln in bs.lines]
    pnl = [{"line": ln.line, "section": ln.section, "kind": ln.kind,
            "amount": cents(ln.amounts["mtd"], rc), "ytd": cents(ln.amounts["ytd"], rc)}
           for ln in inc.lines]
    cta = cents(now.cta, rc)
    cta_prior = cents(before.cta, rc) if before.complete else None
    metrics = {
        "functional_currency": ctx.currency,
        "reporting_currency": rc,
        "closing_rate": now.closing_rate,
        "average_rate": now.average_rate,
        "lines": lines,
        "income_statement": pnl,
        "total_assets": cents(bs.total("assets", "amount"), rc),
        "total_liabilities": cents(bs.total("liabilities", "amount"), rc),
        "total_equity": cents(bs.total("equity", "amount"), rc),
        "difference": cents(bs.total("difference", "amount"), rc),
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
        "the rates, the translated lines, CTA and its movement in the month. A needed rate "
        "missing from fx_rates is a high finding."
    ),
    needs=("journal_lines", "accounts", "fx_rates"),
    run=run,
)

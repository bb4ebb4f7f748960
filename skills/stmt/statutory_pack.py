"""The statutory statement set of one legal entity, in its own currency, with notes data.

Statutory accounts are filed per legal entity in its functional currency, not the
group's. This skill assembles what the preparer of those accounts needs from one run:
balance sheet, income statement, cash flow statement, changes in equity, and the data
for the fixed-asset, debt and tax notes, all computed by the statement skills themselves
so the pack cannot disagree with them: it depends on the four statements and uses the
two notes (read from the run, computed once), and their findings stay theirs (listed,
not repeated).
"""
from close.money import ZERO, cents
from close.skill import Skill
from close.statements import EPOCH, PNL_TYPES, account_amounts, fiscal_year_start
from skills.flux._figures import ratio

PARTS = (("balance_sheet", "stmt.balance_sheet"), ("income_statement", "stmt.income_statement"),
         ("cash_flow", "stmt.cash_flow"), ("equity_changes", "stmt.equity_changes"))
NOTES = (("fixed_assets", "stmt.notes_fixed_assets", "fixed_assets"), ("debt", "stmt.notes_debt", "loans"))


def tax_note(ctx) -> dict:
    """Income tax expense, the tax balances, and the effective rate for the year to date."""
    cur, m = ctx.currency, ctx.month
    fy = fiscal_year_start(m, ctx.pack.fiscal_year_start_month)
    accs = account_amounts(ctx.con, ctx.entity.id, {"ytd": (fy, m.last_day), "bal": (EPOCH, m.last_day)})
    tax = sum((a.amounts["ytd"] for a in accs if a.subtype == "income_tax_expense"), ZERO)
    pbt = sum((-a.amounts["ytd"] for a in accs if a.type in PNL_TYPES
               and a.subtype != "income_tax_expense"), ZERO)
    payable = -sum((a.amounts["bal"] for a in accs if a.subtype == "tax_payable"), ZERO)
    receivable = sum((a.amounts["bal"] for a in accs if a.subtype == "tax_receivable"), ZERO)
    return {"income_tax_expense_ytd": cents(tax, cur), "profit_before_tax_ytd": cents(pbt, cur),
            "effective_rate_pct": ratio(tax, pbt), "tax_payable": cents(payable, cur),
            "tax_receivable": cents(receivable, cur)}


def run(ctx):
    parts, issues, lines = {}, [], []
    for name, skill_id in PARTS:
        result = ctx.deps[skill_id]
        parts[name] = {"status": result.status, "summary": result.summary, "metrics": result.metrics}
        issues.extend(f"{name}: {f.message}" for f in result.findings)
        if name in ("balance_sheet", "income_statement"):
            lines += [dict(ln, statement=name) for ln in result.metrics["lines"]]
    notes = {}
    for name, skill_id, table in NOTES:
        result = ctx.deps.get(skill_id)
        if not ctx.has_table(table) or result is None:
            notes[name] = {"status": "skipped", "summary": f"needs {table}.csv"}
            continue
        notes[name] = {"status": result.status, "summary": result.summary, "metrics": result.metrics}
    notes["tax"] = {"status": "pass", "metrics": tax_note(ctx)}
    metrics = {"entity": ctx.entity.id, "name": ctx.entity.name, "currency": ctx.currency,
               "country": ctx.entity.country, "period_end": ctx.month.last_day,
               "statements": parts, "notes": notes, "lines": lines, "open_issues": issues}
    bs, inc = parts["balance_sheet"]["metrics"], parts["income_statement"]["metrics"]
    summary = (f"{ctx.entity.name} ({ctx.currency}): total assets {bs['total_assets']}, net "
               f"income YTD {inc['net_income_ytd']}"
               + (f"; {len(issues)} open statement issue(s)." if issues else "."))
    return ctx.result([], metrics, summary)


SKILL = Skill(
    id="stmt.statutory_pack",
    title="Statutory pack per legal entity",
    description=(
        "Per legal entity, in its functional currency: balance sheet, income statement, "
        "cash flow statement and changes in equity, plus the data for the notes (fixed "
        "assets by class, debt maturities, income tax: expense, balances and effective "
        "rate), computed by the statement skills themselves so the pack agrees with them. "
        "Their findings stay with them and are listed in metrics.open_issues."
    ),
    needs=("journal_lines", "accounts"),
    depends=tuple(skill_id for _, skill_id in PARTS),
    uses=tuple(skill_id for _, skill_id, _ in NOTES),
    run=run,
)

"""The statutory statement set of one legal entity, in its own currency, with notes data.

Statutory accounts are filed per legal entity in its functional currency, not the
group's. This skill assembles what the preparer of those accounts needs from one run:
balance sheet, income statement, cash flow statement, changes in equity, and the notes:
accounting policies (close.toml, _policies.py), fixed assets, debt, leases, income tax
and related parties (_related_parties.py). The statements and the fixed-asset, debt and
lease figures are computed by their own skills so the pack cannot disagree with them: it
depends on the four statements and uses the two note skills (read from the run,
computed once), and their findings stay theirs (listed, not repeated).
"""
from close.money import ZERO, cents
from close.skill import Skill
from close.statements import EPOCH, PNL_TYPES, account_amounts, fiscal_year_start
from skills.lib.percent import ratio
from skills.stmt._policies import policies, policy_params
from skills.stmt._related_parties import related_parties

PARTS = (("balance_sheet", "stmt.balance_sheet"), ("income_statement", "stmt.income_statement"),
         ("cash_flow", "stmt.cash_flow"), ("equity_changes", "stmt.equity_changes"))
NOTES = (("fixed_assets", "stmt.notes_fixed_assets", ("fixed_assets",)),
         ("debt", "stmt.notes_debt", ("loans", "leases")))


def tax_note(ctx) -> dict:
    """Income tax expense, the tax balances, and the effective rate for the year to date."""
    cur, m = ctx.currency, ctx.month
    fy = fiscal_year_start(m, ctx.pack.fiscal_year_start_month)
    accs = account_amounts(ctx, {"ytd": (fy, m.last_day), "bal": (EPOCH, m.last_day)})
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
    notes = {"policies": {"status": "pass", "metrics": {"policies": policies(ctx.params)}}}
    for name, skill_id, tables in NOTES:
        result = ctx.deps.get(skill_id)
        if not any(ctx.has_table(t) for t in tables) or result is None:
            notes[name] = {"status": "skipped",
                           "summary": f"needs {' or '.join(t + '.csv' for t in tables)}"}
            continue
        notes[name] = {"status": result.status, "summary": result.summary, "metrics": result.metrics}
    leases = ((notes["debt"].get("metrics") or {}).get("leases"))
    notes["leases"] = ({"status": "pass", "metrics": leases} if leases else
                       {"status": "skipped", "summary": "the entity has no leases in leases.csv"
                        if ctx.has_table("leases") else "needs leases.csv"})
    notes["tax"] = {"status": "pass", "metrics": tax_note(ctx)}
    notes["related_parties"] = {"status": "pass", "metrics": related_parties(ctx)}
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
        "cash flow statement and changes in equity, plus the notes: accounting policies "
        "(the policy_* parameters, set in close.toml for every entity or one; a topic not "
        "set keeps a standard wording labelled as such, an empty one is left out), fixed "
        "assets by class, debt maturities, leases (right-of-use asset and liability), "
        "income tax (expense, balances and effective rate) and related parties "
        "(intercompany balances and the month's and year's intercompany revenue and "
        "expense by group entity), computed by the statement and note skills themselves "
        "so the pack agrees with them. "
        "Their findings stay with them and are listed in metrics.open_issues."
    ),
    needs=("journal_lines", "accounts"),
    depends=tuple(skill_id for _, skill_id in PARTS),
    uses=tuple(skill_id for _, skill_id, _ in NOTES),
    params=policy_params(),
    run=run,
)

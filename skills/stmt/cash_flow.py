"""Statement of cash flows, indirect method, for the month and the year to date.

Profit is not cash. Starting from net income, the statement adds back depreciation,
takes out the growth in working capital, and shows investing and financing flows from
the movements of long-lived assets, debt and equity; the result must equal the change in
cash on the balance sheet. A difference means the books do not balance or an account's
subtype puts it in the wrong place, and is a finding.

Classification by account subtype: operating = net income + depreciation + changes in
receivables, inventory, prepaids, payables, accruals, deferred revenue, tax, payroll,
intercompany and other assets and liabilities; investing = fixed assets, accumulated
depreciation and right-of-use assets net of the depreciation added back; financing =
debt, lease liabilities and equity accounts. New leases show in both investing and
financing (their non-cash addition nets to nil).
"""
from datetime import timedelta

from close.ledger import unbalanced_entry_refs
from close.money import ZERO, cents
from close.skill import Finding, Skill
from close.statements import EPOCH, PNL_TYPES, account_amounts, fiscal_year_start

INVESTING = ("fixed_asset", "accumulated_depreciation", "rou_asset")
FINANCING = ("debt", "lease_liability", "share_capital", "retained_earnings", "cta", "other_equity")
WORKING_CAPITAL_LABELS = {
    "receivable": "Trade receivables", "allowance": "Trade receivables",
    "inventory": "Inventory", "prepaid": "Prepaid expenses",
    "intercompany_receivable": "Intercompany balances", "intercompany_payable": "Intercompany balances",
    "tax_receivable": "Tax balances", "tax_payable": "Tax balances",
    "payable": "Trade payables", "accrued_liability": "Accrued liabilities",
    "deferred_revenue": "Deferred revenue", "payroll_liability": "Payroll liabilities",
}
FINANCING_LABELS = {"debt": "Borrowings", "lease_liability": "Lease payments",
                    "share_capital": "Equity transactions", "retained_earnings": "Equity transactions",
                    "other_equity": "Equity transactions", "cta": "Equity transactions"}

def cash_flow(accounts, period: str) -> dict:
    """Sections and lines for one period; amounts are cash in (+) and out (-)."""
    lines: dict[tuple[str, str], object] = {}

    def add(section, label, amount):
        lines[(section, label)] = lines.get((section, label), ZERO) + amount

    net_income = depreciation = cash_change = ZERO
    for a in accounts:
        move = a.amounts[period]           # debit-positive movement in the period
        if a.type in PNL_TYPES:
            net_income -= move
            if a.subtype == "depreciation_expense":
                depreciation += move
        elif a.subtype == "cash":
            cash_change += move
        elif a.subtype in INVESTING:
            add("investing", "Purchase and disposal of fixed and right-of-use assets", -move)
        elif a.subtype in FINANCING:
            add("financing", FINANCING_LABELS[a.subtype], -move)
        else:
            add("operating", WORKING_CAPITAL_LABELS.get(a.subtype, "Other assets and liabilities"), -move)
    add("investing", "Purchase and disposal of fixed and right-of-use assets", -depreciation)
    ordered = [("operating", "Net income", net_income),
               ("operating", "Depreciation and amortisation", depreciation)]
    for section in ("operating", "investing", "financing"):
        ordered += [(s, label, amt) for (s, label), amt in sorted(lines.items()) if s == section]
    totals = {s: sum((amt for sec, _, amt in ordered if sec == s), ZERO)
              for s in ("operating", "investing", "financing")}
    net = totals["operating"] + totals["investing"] + totals["financing"]
    return {"lines": [(s, label, amt) for s, label, amt in ordered if amt != ZERO
                      or label == "Net income"],
            "totals": totals, "net_change": net, "cash_change": cash_change,
            "net_income": net_income, "difference": net - cash_change}


def run(ctx):
    cur = ctx.currency
    fy = fiscal_year_start(ctx.month, ctx.pack.fiscal_year_start_month)
    windows = {"mtd": (ctx.month.first_day, ctx.month.last_day), "ytd": (fy, ctx.month.last_day),
               "open": (EPOCH, ctx.month.first_day - timedelta(days=1))}
    accounts = account_amounts(ctx.con, ctx.entity.id, windows)
    month, year = cash_flow(accounts, "mtd"), cash_flow(accounts, "ytd")
    ytd_by = {(s, label): amt for s, label, amt in year["lines"]}
    lines = [{"line": label, "section": s, "amount": cents(amt, cur),
              "ytd": cents(ytd_by.get((s, label), ZERO), cur)} for s, label, amt in month["lines"]]
    lines += [{"line": label, "section": s, "amount": ZERO, "ytd": cents(amt, cur)}
              for s, label, amt in year["lines"]
              if (s, label) not in {(x["section"], x["line"]) for x in lines}]
    cash_open = sum((a.amounts["open"] for a in accounts if a.subtype == "cash"), ZERO)
    metrics = {
        "lines": lines,
        "operating": cents(month["totals"]["operating"], cur),
        "investing": cents(month["totals"]["investing"], cur),
        "financing": cents(month["totals"]["financing"], cur),
        "net_change_in_cash": cents(month["net_change"], cur),
        "cash_opening": cents(cash_open, cur),
        "cash_closing": cents(cash_open + month["cash_change"], cur),
        "balance_sheet_cash_change": cents(month["cash_change"], cur),
        "difference": cents(month["difference"], cur),
        "ytd": {k: cents(year["totals"][k], cur) for k in ("operating", "investing", "financing")}
        | {"net_change_in_cash": cents(year["net_change"], cur),
           "difference": cents(year["difference"], cur)},
        "currency": cur,
    }
    findings = []
    for label, result, start in (("the month", month, ctx.month.first_day), ("the year to date", year, fy)):
        if result["difference"] != ZERO:
            refs = unbalanced_entry_refs(ctx, start=start)
            findings.append(Finding(
                "high", f"Cash flow for {label} ({cents(result['net_change'], cur)} {cur}) does "
                f"not tie to the change in balance-sheet cash ({cents(result['cash_change'], cur)}): "
                f"difference {cents(result['difference'], cur)}. Correct the unbalanced entries.",
                abs(result["difference"]), refs))
            break
    summary = (f"Operating {metrics['operating']}, investing {metrics['investing']}, financing "
               f"{metrics['financing']} {cur}: cash moved {metrics['net_change_in_cash']} in "
               f"{ctx.month}" + ("." if not findings else "; does not tie to balance-sheet cash."))
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="stmt.cash_flow",
    title="Statement of cash flows",
    description=(
        "Statement of cash flows by the indirect method for the month (and the fiscal year "
        "to date in metrics.ytd): net income, depreciation added back and working-capital "
        "changes (operating); fixed-asset and right-of-use asset movements net of "
        "depreciation (investing); debt, lease and equity movements (financing). The net "
        "change must equal the change in cash-subtype accounts; a difference is a high "
        "finding naming the unbalanced entries. Feeds recon.cash_proof."
    ),
    needs=("journal_lines", "accounts"),
    run=run,
)

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

# "exchange": translation differences, in the group's statement only (see `classify`).
SECTIONS = ("operating", "investing", "financing", "exchange")


def cash_flow(accounts, period: str, classify=None) -> dict:
    """Sections and lines for one period; amounts are cash in (+) and out (-).

    `classify(account)` may place an account itself, as (section, label), or return None
    for the rules above: the group's cash flow puts the translation reserve's movement
    in an "exchange" section of its own."""
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
        elif classify is not None and classify(a) is not None:
            add(*classify(a), -move)
        elif a.subtype in INVESTING:
            add("investing", "Purchase and disposal of fixed and right-of-use assets", -move)
        elif a.subtype in FINANCING:
            add("financing", FINANCING_LABELS[a.subtype], -move)
        else:
            add("operating", WORKING_CAPITAL_LABELS.get(a.subtype, "Other assets and liabilities"), -move)
    add("investing", "Purchase and disposal of fixed and right-of-use assets", -depreciation)
    ordered = [("operating", "Net income", net_income),
               ("operating", "Depreciation and amortisation", depreciation)]
    for section in SECTIONS:
        ordered += [(s, label, amt) for (s, label), amt in sorted(lines.items()) if s == section]
    totals = {s: sum((amt for sec, _, amt in ordered if sec == s), ZERO) for s in SECTIONS}
    net = sum(totals.values(), ZERO)
    return {"lines": [(s, label, amt) for s, label, amt in ordered if amt != ZERO
                      or label == "Net income"],
            "totals": totals, "net_change": net, "cash_change": cash_change,
            "net_income": net_income, "difference": net - cash_change}


def both_periods(month: dict, year: dict, currency: str) -> list[dict]:
    """The month's and the year's lines side by side, once each, in statement order: by
    section, net income and depreciation first, then the lines by name. A line with
    nothing in the month but something in the year keeps its place in its section."""
    by_key: dict[tuple[str, str], dict] = {}
    for column, result in (("amount", month), ("ytd", year)):
        for s, label, amt in result["lines"]:
            row = by_key.setdefault((s, label), {"line": label, "section": s,
                                                 "amount": cents(ZERO, currency),
                                                 "ytd": cents(ZERO, currency)})
            row[column] = cents(amt, currency)
    first = {"Net income": 0, "Depreciation and amortisation": 1}
    return sorted(by_key.values(), key=lambda r: (SECTIONS.index(r["section"]),
                                                  first.get(r["line"], 2), r["line"]))


def run(ctx):
    cur = ctx.currency
    fy = fiscal_year_start(ctx.month, ctx.pack.fiscal_year_start_month)
    windows = {"mtd": (ctx.month.first_day, ctx.month.last_day), "ytd": (fy, ctx.month.last_day),
               "open": (EPOCH, ctx.month.first_day - timedelta(days=1))}
    accounts = account_amounts(ctx, windows)
    month, year = cash_flow(accounts, "mtd"), cash_flow(accounts, "ytd")
    lines = both_periods(month, year, cur)
    cash_open = sum((a.amounts["open"] for a in accounts if a.subtype == "cash"), ZERO)
    cash_year_open = cash_open - (year["cash_change"] - month["cash_change"])
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
           "difference": cents(year["difference"], cur),
           "cash_opening": cents(cash_year_open, cur),
           "cash_closing": cents(cash_year_open + year["cash_change"], cur)},
        "periods": {"amount": {"from": ctx.month.first_day, "to": ctx.month.last_day},
                    "ytd": {"from": fy, "to": ctx.month.last_day}},
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

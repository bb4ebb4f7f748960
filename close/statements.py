"""One mapping from the chart of accounts to the statements, shared by every statement.

The balance sheet, the income statement, comparatives, FX translation and consolidation
must agree to the cent, so they all read the books through this module: one query that
sums each account over named date windows, and one set of rules that turns account
amounts into presentation lines.

Rules (LEDGER-PACK.md, period semantics):
- An account's `statement_line` names its line; a blank one becomes "Unmapped <type>"
  so nothing silently drops out of a statement (je.unmapped_accounts reports it).
- Balance sheet: accounts of type asset, liability, equity, cumulative to the day.
  Assets are shown debit-positive, liabilities and equity credit-positive.
- There are no closing entries: income-statement accounts before the fiscal year start
  are prior years' profit and are shown inside the retained-earnings line; those since
  the fiscal year start are the "Current period profit" line of equity.
- Income statement: credit-positive (a line's contribution to profit: revenue positive,
  expenses negative), grouped in blocks by subtype with the subtotals gross profit,
  operating profit, profit before tax and net income.
- A line whose account is not in the chart (no type) is kept apart in section
  "unmapped" and counts in no total, so the identity check shows it as a difference.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from close.money import ZERO
from close.periods import Month

EPOCH = date(1900, 1, 1)

BS_SECTIONS = {"asset": "assets", "liability": "liabilities", "equity": "equity"}
BS_SECTION_ORDER = ("assets", "liabilities", "equity")
# Balance-sheet subtypes due within a year (the rest of assets and liabilities is
# non-current), as the working-capital and current-ratio figures count them.
CURRENT_SUBTYPES = ("cash", "receivable", "allowance", "inventory", "prepaid",
                    "intercompany_receivable", "tax_receivable", "payable", "accrued_liability",
                    "deferred_revenue", "tax_payable", "payroll_liability", "intercompany_payable",
                    "suspense")
# Subtotal key -> (section, term) for the classified balance sheet.
TERM_SUBTOTALS = (("current_assets", "assets", "current"),
                  ("non_current_assets", "assets", "non_current"),
                  ("current_liabilities", "liabilities", "current"),
                  ("non_current_liabilities", "liabilities", "non_current"))
PNL_TYPES = ("revenue", "expense")
CURRENT_PROFIT_LINE = "Current period profit"
RETAINED_EARNINGS_LINE = "Retained earnings"

# Income-statement blocks in presentation order, and the subtypes each one holds.
PNL_BLOCKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("revenue", ("revenue", "intercompany_revenue")),
    ("cost_of_sales", ("cogs",)),
    ("operating_expenses", ("opex", "payroll_expense", "depreciation_expense",
                            "intercompany_expense")),
    ("other_income_expense", ("interest_income", "interest_expense", "fx_gain_loss",
                              "other_income_expense")),
    ("income_tax", ("income_tax_expense",)),
)
# Subtotal name -> the blocks it adds up, shown after the last of them.
PNL_SUBTOTALS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("gross_profit", "Gross profit", ("revenue", "cost_of_sales")),
    ("operating_profit", "Operating profit",
     ("revenue", "cost_of_sales", "operating_expenses")),
    ("profit_before_tax", "Profit before tax",
     ("revenue", "cost_of_sales", "operating_expenses", "other_income_expense")),
    ("net_income", "Net income", tuple(name for name, _ in PNL_BLOCKS)),
)
_SUBTYPE_BLOCK = {sub: block for block, subs in PNL_BLOCKS for sub in subs}
_WINDOW_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class AccountAmounts:
    """One account's debit-positive sums over the requested windows."""

    account_id: str
    name: str | None
    type: str | None
    subtype: str | None
    statement_line: str | None
    amounts: dict[str, Decimal]

    @property
    def line(self) -> str:
        if self.type is None:
            return f"Unknown account {self.account_id}"
        return self.statement_line or f"Unmapped {self.type}"

    def pnl_block(self) -> str:
        """Income-statement block; an odd subtype falls back on its type."""
        if self.subtype in _SUBTYPE_BLOCK:
            return _SUBTYPE_BLOCK[self.subtype]
        return "other_income_expense"


def account_amounts(ctx, windows: dict[str, tuple[date, date]],
                    entity_id: str | None = None) -> list[AccountAmounts]:
    """Per account, SUM(debit - credit) within each named window (both days included),
    for the context's entity (or `entity_id`, for a group skill reading one entity).

    One scan of the entity's lines however many windows: statements need four to six
    columns and this keeps them consistent with each other by construction. The query
    runs through the context (ctx.rows binds its parameters), so a skill's statements
    run on whatever engine runs the skill.
    """
    if not windows:
        raise ValueError("account_amounts needs at least one window")
    params: dict = {"entity_id": entity_id if entity_id is not None else ctx.entity.id}
    columns = []
    for name, (start, end) in windows.items():
        if not _WINDOW_NAME.match(name):
            raise ValueError(f"window name {name!r} must be lowercase letters, digits, _")
        params[f"{name}_start"], params[f"{name}_end"] = start, end
        columns.append(
            f"CAST(COALESCE(SUM(CASE WHEN j.posting_date BETWEEN ${name}_start AND ${name}_end"
            f" THEN j.debit - j.credit END), 0) AS DECIMAL(18,2)) AS w_{name}")
    params["lo"] = min(start for start, _ in windows.values())
    params["hi"] = max(end for _, end in windows.values())
    if all(_month_aligned(start, end) for start, end in windows.values()):
        return _from_months(ctx, windows, params["entity_id"], params["lo"], params["hi"])
    sql = f"""
SELECT j.account_id, a.name, a.type, a.subtype, a.statement_line,
       {", ".join(columns)}
FROM journal_lines j
LEFT JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND j.posting_date BETWEEN $lo AND $hi
GROUP BY j.account_id, a.name, a.type, a.subtype, a.statement_line
ORDER BY j.account_id
"""
    out = []
    for row in ctx.rows(sql, **params):
        amounts = {name: Decimal(row[f"w_{name}"]) for name in windows}
        out.append(AccountAmounts(row["account_id"], row["name"], row["type"], row["subtype"],
                                  row["statement_line"], amounts))
    return out


# Per account and calendar month, the entity's movement through a month end, and what of
# it was posted on the books' first day (the opening balances, which a translation carries
# at their own rate): the one read every statement and translation of the close shares
# (Context.shared_rows), each summing its windows. The lines are summed before the
# accounts are joined: joining every line first cost twice as much (three times at ten
# million lines).
ACCOUNT_MONTHS = """
WITH opening AS (
  SELECT MIN(posting_date) AS first_day FROM journal_lines WHERE entity_id = $entity_id
), sums AS (
  SELECT j.account_id, CAST(date_trunc('month', j.posting_date) AS DATE) AS period_start,
         CAST(SUM(CASE WHEN j.posting_date = o.first_day THEN j.debit - j.credit ELSE 0 END)
              AS DECIMAL(18,2)) AS opening_amount,
         CAST(SUM(j.debit - j.credit) AS DECIMAL(18,2)) AS amount
  FROM journal_lines j
  CROSS JOIN opening o
  WHERE j.entity_id = $entity_id AND j.posting_date <= $through
  GROUP BY j.account_id, CAST(date_trunc('month', j.posting_date) AS DATE)
)
SELECT s.account_id, a.name, a.type, a.subtype, a.statement_line, s.period_start,
       s.opening_amount, s.amount
FROM sums s
LEFT JOIN accounts a ON a.account_id = s.account_id
ORDER BY s.account_id, s.period_start
"""


def _month_aligned(start: date, end: date) -> bool:
    return start.day == 1 and (end + timedelta(days=1)).day == 1


def _from_months(ctx, windows: dict[str, tuple[date, date]], entity_id: str, lo: date,
                 hi: date) -> list[AccountAmounts]:
    """account_amounts for windows of whole months, summed from ACCOUNT_MONTHS: the same
    exact figures (a sum of the months is the sum of their days, each DECIMAL(18,2)), the
    same accounts (those with a line between the earliest start and the latest end).
    Read through the close's month end whatever the windows, so every skill shares it."""
    out: list[AccountAmounts] = []
    for row in ctx.shared_rows(ACCOUNT_MONTHS, entity_id=entity_id,
                               through=max(hi, ctx.month.last_day)):
        month = row["period_start"]
        if not lo <= month <= hi:
            continue
        if not out or out[-1].account_id != row["account_id"]:
            out.append(AccountAmounts(row["account_id"], row["name"], row["type"], row["subtype"],
                                      row["statement_line"], {name: _NONE for name in windows}))
        amounts = out[-1].amounts
        for name, (start, end) in windows.items():
            if start <= month <= end:
                amounts[name] += row["amount"]
    return out


# What SQL gives a window with no line in it: CAST(COALESCE(SUM(...), 0) AS DECIMAL(18,2)).
_NONE = Decimal("0.00")


def fiscal_year_start(month: Month, fiscal_start_month: int) -> date:
    return month.fiscal_year_start(fiscal_start_month).first_day


@dataclass
class Line:
    """A presentation line: its name, section, one amount per column, the accounts in it."""

    line: str
    section: str
    amounts: dict[str, Decimal]
    accounts: list[str] = field(default_factory=list)
    kind: str = "line"  # "line", "subtotal" or "total"
    order: str = ""
    term: str = ""      # balance sheet: "current" or "non_current" (assets, liabilities)

    def add(self, column: str, amount: Decimal) -> None:
        self.amounts[column] = self.amounts.get(column, ZERO) + amount

    def as_metric(self, columns: dict[str, str]) -> dict:
        """{"line", "section", "kind", <metric key>: amount ...} for metrics["lines"]."""
        out = {"line": self.line, "section": self.section, "kind": self.kind}
        for column, key in columns.items():
            out[key] = self.amounts.get(column, ZERO)
        return out


@dataclass
class Statement:
    lines: list[Line]
    totals: dict[str, dict[str, Decimal]]
    columns: tuple[str, ...]

    def total(self, name: str, column: str) -> Decimal:
        return self.totals[name][column]

    def line(self, name: str) -> Line | None:
        for line in self.lines:
            if line.line == name and line.kind == "line":
                return line
        return None


# ---------------------------------------------------------------- balance sheet

def balance_sheet_columns(month: Month, fiscal_start_month: int) -> dict[str, tuple[Month, date]]:
    """The balance sheet's columns: this month end ("amount"), last month end ("prior") and
    the last fiscal year end ("prior_year_end"), the comparative a statutory balance sheet
    shows."""
    year_end = month.fiscal_year_start(fiscal_start_month).prev
    return {"amount": (month, month.last_day), "prior": (month.prev, month.prev.last_day),
            "prior_year_end": (year_end, year_end.last_day)}


def term_of(subtype: str | None) -> str:
    return "current" if subtype in CURRENT_SUBTYPES else "non_current"


def balance_sheet_windows(columns: dict[str, tuple[Month, date]], fiscal_start_month: int):
    """Two windows a column: cumulative to its day, and its fiscal year to date."""
    windows = {}
    for col, (m, day) in columns.items():
        windows[f"{col}_cum"] = (EPOCH, day)
        windows[f"{col}_ytd"] = (fiscal_year_start(m, fiscal_start_month), day)
    return windows


def build_balance_sheet(accounts: list[AccountAmounts], columns: tuple[str, ...],
                        current_portion: dict[str, dict[str, Decimal]] | None = None) -> Statement:
    """Balance-sheet lines and totals from accounts summed by `balance_sheet_windows`.

    `current_portion`: account id -> column -> the part of a non-current liability falling
    due within a year (the principal of a loan's or lease's next twelve payments, credit-
    positive). It is moved onto its own current line ("Current portion of <line>"), never
    more than the account's credit balance in that column, so the totals do not move."""
    lines: dict[tuple[str, str], Line] = {}

    def line_for(name: str, section: str, order: str) -> Line:
        key = (section, name)
        if key not in lines:
            lines[key] = Line(name, section, {c: ZERO for c in columns}, order=order)
        found = lines[key]
        found.order = min(found.order, order) if found.order else order
        return found

    re_line = _retained_earnings_line(accounts)
    for acc in accounts:
        if acc.type in BS_SECTIONS:
            sign = 1 if acc.type == "asset" else -1
            line = line_for(acc.line, BS_SECTIONS[acc.type], acc.account_id)
            for col in columns:
                line.add(col, sign * acc.amounts[f"{col}_cum"])
        elif acc.type in PNL_TYPES:
            prior_years = line_for(re_line[0], "equity", re_line[1])
            current = line_for(CURRENT_PROFIT_LINE, "equity", "\uffff")
            for col in columns:
                ytd = acc.amounts[f"{col}_ytd"]
                prior_years.add(col, -(acc.amounts[f"{col}_cum"] - ytd))
                current.add(col, -ytd)
        else:
            line = line_for(acc.line, "unmapped", acc.account_id)
            for col in columns:
                line.add(col, acc.amounts[f"{col}_cum"])
        if acc.type in BS_SECTIONS or acc.type is None:
            key = (BS_SECTIONS.get(acc.type, "unmapped"), acc.line)
            lines[key].accounts.append(acc.account_id)

    subtype_of = {acc.account_id: acc.subtype for acc in accounts}
    for (section, _), line in lines.items():
        if section in ("assets", "liabilities") and line.accounts:
            line.term = term_of(subtype_of[min(line.accounts)])
    if current_portion:
        _split_current_portion(lines, accounts, current_portion, columns)
    current = lines.get(("equity", CURRENT_PROFIT_LINE))
    if current is not None:
        current.order = "\uffff"   # always the last equity line, whatever was merged into it
    section_rank = {s: i for i, s in enumerate(BS_SECTION_ORDER + ("unmapped",))}
    kept = [ln for ln in lines.values() if any(ln.amounts[c] != ZERO for c in columns)
            or ln.line == CURRENT_PROFIT_LINE]
    kept.sort(key=lambda ln: (section_rank[ln.section], ln.order, ln.line))

    totals = {}
    for section in BS_SECTION_ORDER + ("unmapped",):
        totals[section] = {c: sum((ln.amounts[c] for ln in kept if ln.section == section), ZERO)
                           for c in columns}
    for key, section, term in TERM_SUBTOTALS:
        totals[key] = {c: sum((ln.amounts[c] for ln in kept if ln.section == section
                               and ln.term == term), ZERO) for c in columns}
    totals["liabilities_and_equity"] = {c: totals["liabilities"][c] + totals["equity"][c]
                                        for c in columns}
    totals["difference"] = {c: totals["assets"][c] - totals["liabilities_and_equity"][c]
                            for c in columns}
    return Statement(_with_section_totals(kept, totals, columns), totals, columns)


def current_portion_line(line: str) -> str:
    """"Long-term debt" -> "Current portion of long-term debt" (an acronym keeps its case)."""
    head = line[:1].lower() if line[1:2].islower() or line[1:2] in (" ", "") else line[:1]
    return f"Current portion of {head}{line[1:]}"


def _split_current_portion(lines: dict, accounts: list[AccountAmounts],
                           portions: dict[str, dict[str, Decimal]], columns) -> None:
    """Move each account's due-within-a-year part from its non-current liability line to
    a current line beside it, capped at the account's credit balance in the column (an
    account may come in several parts, a group's entities: the cap is on their sum)."""
    balances: dict[str, dict[str, Decimal]] = {}
    line_of: dict[str, str] = {}
    for acc in accounts:
        if acc.account_id in portions and acc.type == "liability":
            balance = balances.setdefault(acc.account_id, {c: ZERO for c in columns})
            for col in columns:
                balance[col] -= acc.amounts[f"{col}_cum"]
            line_of.setdefault(acc.account_id, acc.line)
    for account_id in sorted(balances):
        source = lines.get(("liabilities", line_of[account_id]))
        if source is None or source.term != "non_current":
            continue
        name = current_portion_line(source.line)
        target = lines.get(("liabilities", name))
        if target is None:
            target = lines[("liabilities", name)] = Line(
                name, "liabilities", {c: ZERO for c in columns}, order=source.order, term="current")
        target.accounts.append(account_id)
        for col in columns:
            moved = max(ZERO, min(portions[account_id].get(col, ZERO), balances[account_id][col]))
            source.add(col, -moved)
            target.add(col, moved)


def _retained_earnings_line(accounts: list[AccountAmounts]) -> tuple[str, str]:
    """The line (and sort key) holding prior years' profit: the retained-earnings accounts'."""
    for acc in accounts:
        if acc.subtype == "retained_earnings" and acc.type == "equity":
            return acc.line, acc.account_id
    return RETAINED_EARNINGS_LINE, "\ufffe"


def _with_section_totals(lines: list[Line], totals: dict, columns) -> list[Line]:
    labels = {"assets": "Total assets", "liabilities": "Total liabilities",
              "equity": "Total equity"}
    out: list[Line] = []
    for section in BS_SECTION_ORDER:
        out.extend(ln for ln in lines if ln.section == section)
        out.append(Line(labels[section], section, dict(totals[section]), kind="total"))
    out.append(Line("Total liabilities and equity", "equity",
                    dict(totals["liabilities_and_equity"]), kind="total"))
    out.extend(ln for ln in lines if ln.section == "unmapped")
    return out


def balance_sheet(ctx, current_portion: dict | None = None) -> Statement:
    """The context's entity's balance sheet at the month end, last month end ("prior") and
    the last fiscal year end, with `current_portion` (build_balance_sheet) reclassified."""
    fsm = ctx.pack.fiscal_year_start_month
    cols = balance_sheet_columns(ctx.month, fsm)
    accounts = account_amounts(ctx, balance_sheet_windows(cols, fsm))
    return build_balance_sheet(accounts, tuple(cols), current_portion)


# ------------------------------------------------------------- income statement

def income_statement_windows(month: Month, fiscal_start_month: int) -> dict[str, tuple[date, date]]:
    """MTD, YTD, prior month, same month last year and last year's YTD to that month."""
    last_year = month.shift(-12)
    return {
        "mtd": (month.first_day, month.last_day),
        "ytd": (fiscal_year_start(month, fiscal_start_month), month.last_day),
        "prior_month": (month.prev.first_day, month.prev.last_day),
        "prior_year": (last_year.first_day, last_year.last_day),
        "prior_year_ytd": (fiscal_year_start(last_year, fiscal_start_month), last_year.last_day),
    }


def build_income_statement(accounts: list[AccountAmounts], columns: tuple[str, ...]) -> Statement:
    """Income-statement lines (credit-positive), block subtotals and named subtotals."""
    lines: dict[tuple[str, str], Line] = {}
    for acc in accounts:
        if acc.type not in PNL_TYPES:
            continue
        block = acc.pnl_block()
        key = (block, acc.line)
        if key not in lines:
            lines[key] = Line(acc.line, block, {c: ZERO for c in columns}, order=acc.account_id)
        line = lines[key]
        line.accounts.append(acc.account_id)
        for col in columns:
            line.add(col, -acc.amounts[col])
    block_rank = {name: i for i, (name, _) in enumerate(PNL_BLOCKS)}
    kept = sorted((ln for ln in lines.values() if any(ln.amounts[c] != ZERO for c in columns)),
                  key=lambda ln: (block_rank[ln.section], ln.order, ln.line))
    totals = {block: {c: sum((ln.amounts[c] for ln in kept if ln.section == block), ZERO)
                      for c in columns} for block, _ in PNL_BLOCKS}
    for name, _label, blocks in PNL_SUBTOTALS:
        totals[name] = {c: sum((totals[b][c] for b in blocks), ZERO) for c in columns}

    out: list[Line] = []
    for block, _ in PNL_BLOCKS:
        out.extend(ln for ln in kept if ln.section == block)
        for name, label, blocks in PNL_SUBTOTALS:
            if blocks[-1] == block:
                out.append(Line(label, name, dict(totals[name]), kind="subtotal"))
    return Statement(out, totals, columns)


def income_statement(ctx) -> Statement:
    """The context's entity's income statement in the windows of income_statement_windows."""
    windows = income_statement_windows(ctx.month, ctx.pack.fiscal_year_start_month)
    return build_income_statement(account_amounts(ctx, windows), tuple(windows))


# ------------------------------------------------------------------- equity tie

def profit_implied_by_balance_sheet(ctx) -> Decimal:
    """Fiscal-YTD profit as the balance sheet shows it: the change since the year opened
    in net assets less the equity accounts (credit-positive). With no closing entries this
    is the movement in equity that comes from the income statement; it equals net income
    only when every entry of the year balances and posts to a known account."""
    month = ctx.month
    year_open = fiscal_year_start(month, ctx.pack.fiscal_year_start_month) - timedelta(days=1)
    rows = account_amounts(ctx, {"close": (EPOCH, month.last_day), "open": (EPOCH, year_open)})
    # Debits equal credits, so the debit-positive balance-sheet accounts add up to the
    # cumulative profit (credit-positive); its change over the year is the YTD profit.
    return sum((acc.amounts["close"] - acc.amounts["open"]
                for acc in rows if acc.type in BS_SECTIONS), ZERO)

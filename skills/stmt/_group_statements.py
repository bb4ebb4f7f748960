"""The group's cash flow, changes in equity and comparative balance sheets.

A statutory set for the group needs, beside the consolidated balance sheet and income
statement, the statement of cash flows and of changes in equity, and the balance sheet
at the last fiscal year end. All of them come from the consolidation itself
(consolidated.consolidate) run at three dates: this month end, last month end and the
last fiscal year end. Translated balances move for two reasons, trading and rates; the
rates' part is the translation reserve's movement, shown in the cash flow as its own
"exchange" section, so the statement ties to the change in translated group cash by
construction, as the entity's ties to its own cash.

Every figure here is exact; stmt.consolidation rounds once when it writes them.
"""
from __future__ import annotations

from decimal import Decimal

from close.money import ZERO
from close.statements import (CURRENT_PROFIT_LINE, AccountAmounts, _retained_earnings_line,
                              build_balance_sheet)
from skills.stmt.consolidated import IC_DIFFERENCE_LINE, NCI_LINE, Consolidated
from skills.stmt.cash_flow import cash_flow

EXCHANGE_LABEL = "Exchange differences on translation"


def _key(a: AccountAmounts) -> tuple:
    return (a.account_id, a.name, a.type, a.subtype, a.statement_line)


def _balances(group: Consolidated) -> dict[tuple, Decimal]:
    """Cumulative translated balance of every account (income and expense included)."""
    out: dict[tuple, Decimal] = {}
    for a in group.accounts:
        out[_key(a)] = out.get(_key(a), ZERO) + a.amounts["amount_cum"]
    return out


def movements(now: Consolidated, before: Consolidated) -> list[AccountAmounts]:
    """Each account's translated movement between two consolidations ("move"), and its
    balance at both ("open", "close"). An income-statement account's cumulative figure is
    the sum of translated months, so its movement is exactly the period's."""
    after, earlier = _balances(now), _balances(before)
    out = []
    for key in sorted(set(after) | set(earlier), key=lambda k: tuple(str(x) for x in k)):
        close, open_ = after.get(key, ZERO), earlier.get(key, ZERO)
        out.append(AccountAmounts(*key, {"move": close - open_, "open": open_, "close": close}))
    return out


def _group_classify(a: AccountAmounts):
    if a.subtype == "cta":
        return ("exchange", EXCHANGE_LABEL)
    if a.account_id == "IC-DIFF":
        return ("operating", IC_DIFFERENCE_LINE)
    return None


def group_cash_flow(now: Consolidated, before: Consolidated) -> dict:
    """The indirect cash flow between two consolidations, with opening and closing cash."""
    accounts = movements(now, before)
    flow = cash_flow(accounts, "move", classify=_group_classify)
    flow["cash_opening"] = sum((a.amounts["open"] for a in accounts if a.subtype == "cash"), ZERO)
    flow["cash_closing"] = sum((a.amounts["close"] for a in accounts if a.subtype == "cash"), ZERO)
    return flow


def opening_balance_sheet_accounts(year_open: Consolidated) -> list[AccountAmounts]:
    """The consolidation at the last fiscal year end as an opening balance sheet: with no
    closing entries, all profit to that day is retained earnings (the minorities' share of
    it included), nothing is current period profit."""
    re_line = _retained_earnings_line(year_open.accounts)[0]
    out = []
    for a in year_open.accounts:
        line = a.statement_line
        if a.account_id.startswith("NCI-") and line == CURRENT_PROFIT_LINE:
            line = re_line
        out.append(AccountAmounts(a.account_id, a.name, a.type, a.subtype, line,
                                  {"open_cum": a.amounts["amount_cum"], "open_ytd": ZERO}))
    return out


def group_equity_changes(now: Consolidated, year_open: Consolidated,
                         profit_owners: Decimal, profit_nci: Decimal) -> list[dict]:
    """Per equity line of the consolidated balance sheet: opening at the last fiscal year
    end, profit for the year to date (owners' share on current period profit, the
    minorities' on non-controlling interests), other movements (translation, capital,
    intercompany differences) and closing. Other movements are what is left, so the
    check that matters is the closing against the balance sheet (stmt.consolidation)."""
    opening = build_balance_sheet(opening_balance_sheet_accounts(year_open), ("open",))
    closing = build_balance_sheet(now.accounts, ("amount",))
    rows: dict[str, dict] = {}
    for statement, column in ((opening, "open"), (closing, "amount")):
        for ln in statement.lines:
            if ln.section == "equity" and ln.kind == "line":
                row = rows.setdefault(ln.line, {"line": ln.line, "opening": ZERO, "closing": ZERO})
                row["opening" if column == "open" else "closing"] += ln.amounts[column]
    order = [ln.line for ln in closing.lines if ln.section == "equity" and ln.kind == "line"]
    order += [name for name in rows if name not in order]
    out = []
    for name in order:
        row = rows[name]
        profit = (profit_owners if name == CURRENT_PROFIT_LINE
                  else profit_nci if name == NCI_LINE else ZERO)
        out.append({**row, "profit": profit,
                    "other_movements": row["closing"] - row["opening"] - profit})
    return out


def comparative_accounts(columns: dict[str, Consolidated]) -> list[AccountAmounts]:
    """The accounts of several consolidations side by side for build_balance_sheet: column
    name -> consolidation, each account carrying `<column>_cum` and `<column>_ytd`."""
    out = []
    for column, group in columns.items():
        for a in group.accounts:
            amounts = {f"{c}_{w}": ZERO for c in columns for w in ("cum", "ytd")}
            amounts[f"{column}_cum"] = a.amounts["amount_cum"]
            amounts[f"{column}_ytd"] = a.amounts["amount_ytd"]
            out.append(AccountAmounts(a.account_id, a.name, a.type, a.subtype, a.statement_line,
                                      amounts))
    return out

"""Figures the flux analytics share: income-statement totals and working-capital groups.

KPIs, the net income bridge, working capital and cash runway read the same few totals;
computing them in one place from close.statements keeps them equal to the statements.
"""
from __future__ import annotations

from decimal import Decimal

from close.money import ZERO
from close.statements import PNL_TYPES, AccountAmounts

# Working capital excludes cash (its result) and debt (financing).
WORKING_CAPITAL = {
    "receivable": "Trade receivables", "allowance": "Trade receivables",
    "inventory": "Inventory", "prepaid": "Prepaid expenses",
    "intercompany_receivable": "Intercompany, net", "intercompany_payable": "Intercompany, net",
    "tax_receivable": "Tax, net", "tax_payable": "Tax, net",
    "payable": "Trade payables", "accrued_liability": "Accrued liabilities",
    "deferred_revenue": "Deferred revenue", "payroll_liability": "Payroll liabilities",
}
# Net income bridge drivers, by subtype, in presentation order.
BRIDGE_DRIVERS = (
    ("Revenue", ("revenue", "intercompany_revenue")),
    ("Cost of sales", ("cogs",)),
    ("Payroll", ("payroll_expense",)),
    ("Other operating expenses", ("opex", "intercompany_expense")),
    ("Depreciation", ("depreciation_expense",)),
    ("Net interest", ("interest_income", "interest_expense")),
    ("Foreign exchange", ("fx_gain_loss",)),
    ("Income tax", ("income_tax_expense",)),
)


def credit_sum(accounts: list[AccountAmounts], window: str, subtypes) -> Decimal:
    """Credit-positive sum (contribution to profit) of the accounts with these subtypes."""
    return sum((-a.amounts[window] for a in accounts
                if a.type in PNL_TYPES and a.subtype in subtypes), ZERO)


def net_income(accounts: list[AccountAmounts], window: str) -> Decimal:
    return sum((-a.amounts[window] for a in accounts if a.type in PNL_TYPES), ZERO)

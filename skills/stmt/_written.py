"""Writing translated statements: every figure rounded once, totals from exact sums.

Translated and consolidated accounts are exact sums of exact products (translation.py,
consolidated.py). LEDGER-PACK.md: "Group and entity totals are sums of exact translated
amounts rounded once; a rounded line never moves a total." So a line is its exact sum
rounded, and a total is its exact sum rounded, never the sum of rounded lines. The one
figure derived instead is total equity: written as total assets - total liabilities -
the balance sheet's difference, so the written statement keeps the identity
total assets = total liabilities + total equity (+ difference, zero when the books
balance) even where rounding the three exact totals separately would leave a cent over.
A line whose exact sum rounds to nothing (a translation residue under half a cent) is
not written; it still counts in its totals.
"""
from __future__ import annotations

from close.money import cents
from close.statements import CURRENT_PROFIT_LINE

TOTAL_EQUITY = "Total equity"
TOTAL_LIABILITIES_AND_EQUITY = "Total liabilities and equity"


def balance_sheet_figures(bs, column: str, currency: str) -> dict:
    """{"lines", "total_assets", "total_liabilities", "total_equity", "difference"}, each
    written once in `currency`."""
    total_assets = cents(bs.total("assets", column), currency)
    total_liabilities = cents(bs.total("liabilities", column), currency)
    difference = cents(bs.total("difference", column), currency)
    total_equity = total_assets - total_liabilities - difference
    lines = []
    for ln in bs.lines:
        amount = cents(ln.amounts[column], currency)
        if ln.kind == "line" and amount == 0 and ln.line != CURRENT_PROFIT_LINE:
            continue        # an exact residue under half a cent (it still counts in totals)
        if ln.kind == "total" and ln.line == TOTAL_EQUITY:
            amount = total_equity
        elif ln.kind == "total" and ln.line == TOTAL_LIABILITIES_AND_EQUITY:
            amount = total_liabilities + total_equity
        lines.append({"line": ln.line, "section": ln.section, "kind": ln.kind, "amount": amount})
    return {"lines": lines, "total_assets": total_assets, "total_liabilities": total_liabilities,
            "total_equity": total_equity, "difference": difference}


def income_statement_lines(inc, currency: str) -> list[dict]:
    """Income-statement lines and subtotals, month ("amount") and year to date, each the
    exact sum rounded once."""
    return [{"line": ln.line, "section": ln.section, "kind": ln.kind,
             "amount": cents(ln.amounts["mtd"], currency), "ytd": cents(ln.amounts["ytd"], currency)}
            for ln in inc.lines]


def balance_sheet_table(bs, columns: tuple[str, ...], currency: str) -> dict:
    """A balance sheet with several columns written once each: {"lines" (each with every
    column and, for assets and liabilities, its term), "totals" and "subtotals" (column ->
    figure)}. Each column keeps the identity as `balance_sheet_figures` does; a line is
    left out only when it rounds to nothing in every column."""
    figures = {c: balance_sheet_figures(bs, c, currency) for c in columns}
    lines = []
    for ln in bs.lines:
        row = {"line": ln.line, "section": ln.section, "kind": ln.kind}
        for c in columns:
            row[c] = cents(ln.amounts[c], currency)
            if ln.kind == "total" and ln.line == TOTAL_EQUITY:
                row[c] = figures[c]["total_equity"]
            elif ln.kind == "total" and ln.line == TOTAL_LIABILITIES_AND_EQUITY:
                row[c] = figures[c]["total_liabilities"] + figures[c]["total_equity"]
        if (ln.kind == "line" and ln.line != CURRENT_PROFIT_LINE
                and all(row[c] == 0 for c in columns)):
            continue
        if ln.term:
            row["term"] = ln.term
        lines.append(row)
    keys = ("total_assets", "total_liabilities", "total_equity", "difference")
    return {"lines": lines,
            "totals": {k: {c: figures[c][k] for c in columns} for k in keys},
            "subtotals": _subtotals(bs, columns, figures, currency)}


def _subtotals(bs, columns, figures, currency) -> dict:
    """Current figures rounded once; non-current = the written total - current, so the
    two subtotals foot to the total as printed."""
    out: dict = {}
    for section in ("assets", "liabilities"):
        current = {c: cents(bs.total(f"current_{section}", c), currency) for c in columns}
        out[f"current_{section}"] = current
        out[f"non_current_{section}"] = {c: figures[c][f"total_{section}"] - current[c]
                                         for c in columns}
    return out

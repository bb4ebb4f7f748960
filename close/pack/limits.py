"""How large a pack's amounts may be: what close can add up exactly.

Money is DECIMAL(18,2) (schema.py), so one amount may have 16 integer digits. Skills
add amounts up (balances, totals, rollforwards), subtract one total from another
(a reconciliation's difference, a tie between two tables) and CAST the results back to
DECIMAL(18,2), which fails at 10^16. A pack that passes every row check could still
make a skill overflow halfway through a close, so the limit is checked at load: in
every money column of every table, the amounts' absolute values must add up to less
than 10^15. That bounds every total of the column, and leaves one digit of headroom
under 10^16 for differences and sums of totals across columns and tables.

Each table is one aggregate (all its money columns in one scan), run once its rows
pass their row checks: on the typed table in the one-pass load, and on the staged
text's well-formed amounts in the full validation. The largest amount is looked up
only for a column over the limit, to name its line.
"""
from __future__ import annotations

from decimal import Decimal

from .checks import q, valid_sql
from .problems import Problem
from .staging import StagedTable

AMOUNT_LIMIT = Decimal("999999999999999.99")  # the largest sum of |amount| per column: below 10^15


def _amount_sql(view: StagedTable, name: str) -> str:
    """A money column as DECIMAL(18,2): as loaded, or from staged text that is well formed."""
    if view.db == "main":
        return q(name)
    return f"CASE WHEN {valid_sql(view.spec.column(name))} THEN TRY_CAST({q(name)} AS DECIMAL(18,2)) END"


def column_totals(con, view: StagedTable) -> dict[str, Decimal]:
    """Each money column's sum of absolute amounts (DECIMAL(38,2): exact), in one scan."""
    money = [c.name for c in view.spec.columns if c.kind == "money" and c.name in view.present]
    if not money:
        return {}
    # fetchall, not fetchone: a half-read result would block the next sheet's register()
    (sums,) = con.execute("SELECT " + ", ".join(f"sum(abs({_amount_sql(view, c)}))" for c in money)
                          + f" FROM {view.ref}").fetchall()
    return {c: total for c, total in zip(money, sums) if total is not None}


def over_limit(con, view: StagedTable) -> bool:
    return any(total > AMOUNT_LIMIT for total in column_totals(con, view).values())


def limit_problems(con, view: StagedTable) -> list[Problem]:
    """One problem per money column over AMOUNT_LIMIT, on the line of its largest amount
    (the first such line if several tie)."""
    problems = []
    for name, total in column_totals(con, view).items():
        if total <= AMOUNT_LIMIT:
            continue
        amount = _amount_sql(view, name)
        rowid, value = con.execute(
            f"SELECT rowid, CAST({q(name)} AS VARCHAR) FROM {view.ref} WHERE {amount} IS NOT NULL "
            f"ORDER BY abs({amount}) DESC, rowid LIMIT 1"
        ).fetchall()[0]
        problems.append(Problem(
            view.label, view.line_of(rowid), name, value,
            f"amounts in this column add up to {total:,.2f} in absolute value; close sums amounts exactly "
            f"in DECIMAL(18,2) and accepts at most {AMOUNT_LIMIT:,.2f} per column (the largest is on this line)",
        ))
    return problems

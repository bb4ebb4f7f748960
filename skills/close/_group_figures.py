"""Group profit figures for the review, in the reporting currency, as the consolidation has them.

The translation and the intercompany eliminations are the consolidation's own
(skills/stmt/translation.py: `pnl_rows`, `group_pnl`); this module only adds what the
review needs on top: an entity's month in its own currency, and a group figure rounded
once, when it is written (LEDGER-PACK.md: a total is the exact sum rounded, never a sum of
rounded lines). So the group revenue and net income a CFO reads in the chart are the
consolidated income statement's, to the cent, month by month.
"""
from __future__ import annotations

from decimal import Decimal

from close.money import ZERO, cents
from close.periods import Month
from skills.stmt import translation
from skills.stmt.translation import MEASURES, PnlRow

__all__ = ["PnlRow", "entity_figures", "group_figure", "pnl_rows"]


def pnl_rows(ctx, start: Month) -> list[PnlRow]:
    """Every entity's income-statement amounts by account and month since `start`, with
    trading toward another entity of the run marked for elimination."""
    group = ctx.group or ctx.entities          # the consolidation eliminates within the whole group
    return translation.pnl_rows(ctx.con, start, ctx.month.last_day, {e.id for e in group})


def entity_figures(rows: list[PnlRow], entity_id: str, month: Month) -> dict[str, Decimal] | None:
    """One entity's month in its own currency: the income statement's revenue block and
    net income, and the intercompany parts a consolidation takes out."""
    mine = [r for r in rows if r.entity_id == entity_id and r.month == month]
    if not mine:
        return None
    return {
        "revenue": sum((r.amount for r in mine if MEASURES["revenue"](r.subtype)), ZERO),
        "intercompany_revenue": sum((r.amount for r in mine if r.eliminated_with
                                     and r.subtype == "intercompany_revenue"), ZERO),
        "intercompany_profit": sum((r.amount for r in mine if r.eliminated_with), ZERO),
        "cost_of_sales": sum((r.amount for r in mine if MEASURES["cost_of_sales"](r.subtype)), ZERO),
        "net_income": sum((r.amount for r in mine), ZERO),
    }


def group_figure(rows: list[PnlRow], months: set[Month], measure: str, rate_of, currency: str):
    """(figure, missing): the group's figure over `months`, the consolidation's exact
    translated sum rounded once; None with the (entity, month) pairs missing a rate."""
    total, missing = translation.group_pnl(rows, months, measure, rate_of)
    if missing:
        return None, missing
    return cents(total, currency), []

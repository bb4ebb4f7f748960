"""The six sections of the Monthly Financial Review and which skills feed each.

A skill's results go to the section a CFO would look for them in. Skills not named here
fall to their area's section (recon -> reconciliations, tax -> tax, stmt -> balance
sheet and cash, flux -> results of operations, je and close -> exceptions), so a skill
added later is never left out of the narrative.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    brief: str          # what the section must cover, given to Claude and to the fallback
    words: int          # length limit for the draft
    listed: int = 0     # items a draft names before it counts the rest (facts state the rest)


SECTIONS = (
    Section("executive_summary", "Executive summary",
            "The month in a few sentences: how the close went (checks run, exceptions, errors), "
            "the headline results and balances, and the few items that need a decision.", 140, 3),
    Section("results_of_operations", "Results of operations",
            "Revenue, costs and profit for the month by entity and for the group, and the "
            "material movements against prior month, prior year and budget.", 220, 3),
    Section("balance_sheet_and_cash", "Balance sheet and cash",
            "Assets, liabilities, equity and cash at month end, working capital, aging and runway, "
            "and foreign-exchange effects.", 200),
    Section("reconciliations", "Reconciliations",
            "Which reconciliations tie, which do not, by how much, and what must be posted or "
            "chased to clear them.", 200, 5),
    Section("tax", "Tax",
            "Tax checks: what ties, what is wrong or missing, amounts at stake and filings due.", 160, 5),
    Section("exceptions", "Exceptions needing a decision",
            "The findings a reviewer must decide on, most severe and largest first, with their "
            "amounts and where they sit; checks that errored.", 200, 8),
)
SECTION_IDS = tuple(s.id for s in SECTIONS)

_BY_SKILL = {
    "results_of_operations": (
        "stmt.income_statement", "stmt.segment_report", "stmt.comparatives",
        "flux.month_over_month", "flux.year_over_year", "flux.budget_vs_actual", "flux.kpis",
        "flux.revenue_concentration", "flux.opex_by_department", "flux.headcount_cost",
        "flux.net_income_bridge"),
    "balance_sheet_and_cash": (
        "stmt.balance_sheet", "stmt.cash_flow", "stmt.equity_changes", "stmt.fx_revaluation",
        "stmt.fx_translation", "stmt.ic_eliminations", "stmt.consolidation", "stmt.notes_fixed_assets",
        "stmt.notes_debt", "flux.cash_runway", "flux.working_capital", "flux.ar_aging", "flux.ap_aging"),
    "exceptions": (
        "flux.missing_recurring", "flux.new_vendors_large", "stmt.statutory_pack",
        "stmt.trial_balance_export"),
}
SKILL_SECTION = {skill: section for section, skills in _BY_SKILL.items() for skill in skills}
AREA_SECTION = {"recon": "reconciliations", "tax": "tax", "stmt": "balance_sheet_and_cash",
                "flux": "results_of_operations", "je": "exceptions", "close": "exceptions"}

# Statements whose lines are worth stating one by one (others are summarised by status).
STATEMENTS = ("stmt.income_statement", "stmt.balance_sheet", "stmt.cash_flow", "stmt.consolidation",
              "stmt.equity_changes", "stmt.segment_report", "stmt.comparatives")


def section_for(skill_id: str) -> str:
    if skill_id in SKILL_SECTION:
        return SKILL_SECTION[skill_id]
    return AREA_SECTION.get(skill_id.split(".", 1)[0], "exceptions")

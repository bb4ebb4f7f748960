"""Headline facts: the few figures a CFO reads first, under ids that code chooses.

Statement lines become facts under ids made from the line's name (`US01.stmt.
income_statement.revenue`), which depend on what a pack calls its lines. The headline
figures come instead from the skills' own structured metrics, the same ones the report
shows in its KPI table and entity summary (close.mfr's KPIs, stmt.consolidation,
stmt.income_statement, stmt.balance_sheet, flux.working_capital), so the narrative's
headline numbers agree with the report's and a drafter finds them under fixed ids:

    group.revenue, group.revenue.prior_month, group.revenue.vs_prior_month,
    group.revenue_ytd, group.revenue_ytd.prior_year, group.gross_margin_pct, ...
    US01.revenue, US01.net_income, US01.net_income.prior_month, US01.balance_difference, ...

Movements (`vs_prior_month`) are computed here, by code, as the report's KPI table
computes its change column, because a drafter may only restate figures, never work them
out. A figure a run does not have is simply left out.

The results come typed from close.results' reader; what is read here with `.get` is a
skill's own metrics, free-form by design (each skill documents its figures).
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from close.narrative.facts import Fact
from close.results import SkillResult

# close.mfr KPI key -> (fact name, what its `prior` is)
GROUP_KPIS = (("revenue", "revenue", "prior_month"), ("gross_margin_pct", "gross_margin_pct", "prior_month"),
              ("net_income", "net_income", "prior_month"), ("revenue_ytd", "revenue_ytd", "prior_year"),
              ("net_income_ytd", "net_income_ytd", "prior_year"), ("cash", "cash", "prior_month"))
MOVES = ("revenue", "net_income", "cash")       # KPIs whose movement on the prior month is stated
_REVENUE = re.compile(r"^(total )?(net )?(revenue|sales)$", re.IGNORECASE)
_NET_INCOME = re.compile(r"^(net income|net profit|profit for the period)$", re.IGNORECASE)
_CASH = re.compile(r"^cash( and cash equivalents)?$", re.IGNORECASE)


def number(value) -> Decimal | None:
    if value is None or isinstance(value, (bool, dict, list)):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _text(value: Decimal) -> str:
    return format(value, "f")


class Headlines:
    """Collects the headline facts of one run."""

    def __init__(self, reporting: str | None):
        self.reporting = reporting
        self.facts: list[Fact] = []

    def add(self, fact_id: str, value, unit: str | None, label: str) -> Decimal | None:
        amount = number(value)
        if amount is None or unit is None:
            return None
        self.facts.append(Fact(fact_id, _text(amount), unit, label))
        return amount

    def move(self, fact_id: str, now: Decimal | None, before: Decimal | None, unit: str, label: str) -> None:
        if now is not None and before is not None:
            self.add(fact_id, now - before, unit, label)


def _find(results: list[SkillResult], skill_id: str, entity_id: str | None = None) -> SkillResult | None:
    return next((r for r in results if r.id == skill_id and r.entity_id == entity_id
                 and r.status != "error"), None)


def _metrics(result: SkillResult | None) -> dict:
    return result.metrics if result is not None else {}


def _line(metrics: dict, key: str, pattern: re.Pattern, section: str | None = None) -> dict | None:
    """A statement line by its structural section (a total or subtotal), else by its name."""
    lines = metrics.get(key)
    lines = [ln for ln in lines if isinstance(ln, dict)] if isinstance(lines, list) else []
    if section:
        hit = next((ln for ln in lines if ln.get("section") == section
                    and ln.get("kind") in ("subtotal", "total")), None)
        if hit:
            return hit
    return next((ln for ln in lines if _pattern_match(pattern, ln.get("line"))), None)


def _pattern_match(pattern: re.Pattern, text) -> bool:
    return isinstance(text, str) and bool(pattern.match(text.strip()))


def group_facts(h: Headlines, results: list[SkillResult]) -> None:
    """Group figures in the reporting currency: close.mfr's KPIs, stmt.consolidation's totals."""
    mfr = _metrics(_find(results, "close.mfr"))
    consolidation = _metrics(_find(results, "stmt.consolidation"))
    currency = mfr.get("reporting_currency") or consolidation.get("reporting_currency") or h.reporting
    if not isinstance(currency, str) or not re.fullmatch(r"[A-Z]{3}", currency):
        return
    kpis = {k.get("key"): k for k in mfr.get("kpis") or [] if isinstance(k, dict)}
    for key, name, prior in GROUP_KPIS:
        kpi = kpis.get(key)
        if not kpi:
            continue
        unit = "%" if kpi.get("unit") == "%" else currency
        words = name.replace("_pct", "").replace("_ytd", " year to date").replace("_", " ")
        now = h.add(f"group.{name}", kpi.get("value"), unit, f"Group {words}")
        before = h.add(f"group.{name}.{prior}", kpi.get("prior"), unit,
                       f"Group {words}, {prior.replace('_', ' ')}")
        if key in MOVES:
            h.move(f"group.{name}.vs_prior_month", now, before, unit, f"Group {words}: change on the prior month")
    operating = _line(consolidation, "income_statement", re.compile(r"^operating (profit|income)$", re.I),
                      "operating_profit")
    if operating:
        h.add("group.operating_profit", operating.get("amount"), currency, "Group operating profit")
        h.add("group.operating_profit_ytd", operating.get("ytd"), currency, "Group operating profit, year to date")
    if "group.revenue" not in {f.id for f in h.facts}:
        revenue = _line(consolidation, "income_statement", _REVENUE, "revenue")
        if revenue:
            h.add("group.revenue", revenue.get("amount"), currency, "Group revenue")
    if "group.net_income" not in {f.id for f in h.facts}:
        h.add("group.net_income", consolidation.get("net_income"), currency, "Group net income")
    for key in ("total_assets", "total_liabilities", "total_equity"):
        h.add(f"group.{key}", consolidation.get(key), currency, f"Group {key.replace('_', ' ')}")
    h.add("group.balance_difference", consolidation.get("difference"), currency,
          "Group balance sheet: assets less liabilities and equity")


def _total(metrics: dict, name: str, column: str):
    totals = metrics.get("totals")
    entry = totals.get(name) if isinstance(totals, dict) else None
    return entry.get(column) if isinstance(entry, dict) else None


def entity_facts(h: Headlines, results: list[SkillResult], entity: str, currency: str | None) -> None:
    """One entity's figures in its functional currency."""
    income = _find(results, "stmt.income_statement", entity)
    if income and currency:
        m = _metrics(income)
        for name, pattern, section in (("revenue", _REVENUE, "revenue"), ("net_income", _NET_INCOME, "net_income")):
            line = _line(m, "lines", pattern, section) or {}
            now = m.get(name, line.get("amount"))
            prior = _total(m, name, "prior") if _total(m, name, "prior") is not None else line.get("prior")
            words = name.replace("_", " ")
            h.add(f"{entity}.{name}", now, currency, f"{entity} {words}")
            h.add(f"{entity}.{name}.prior_month", prior, currency, f"{entity} {words}, prior month")
    balance = _find(results, "stmt.balance_sheet", entity)
    if balance and currency:
        m = _metrics(balance)
        for key in ("total_assets", "total_liabilities", "total_equity"):
            h.add(f"{entity}.{key}", m.get(key), currency, f"{entity} {key.replace('_', ' ')}")
        h.add(f"{entity}.balance_difference", m.get("difference"), currency,
              f"{entity} balance sheet: assets less liabilities and equity")
        cash = _line(m, "lines", _CASH)
        if cash:
            h.add(f"{entity}.cash", cash.get("amount"), currency, f"{entity} cash")
    working = _find(results, "flux.working_capital", entity)
    if working and currency:
        m = _metrics(working)
        h.add(f"{entity}.working_capital", m.get("working_capital"), currency, f"{entity} net working capital")
        h.add(f"{entity}.working_capital.vs_prior_month", m.get("movement"), currency,
              f"{entity} net working capital: change on the prior month")


def headline_facts(results: list[SkillResult], entities: list[str], currencies: dict,
                   reporting: str | None) -> list[Fact]:
    h = Headlines(reporting)
    group_facts(h, results)
    for entity in entities:
        entity_facts(h, results, entity, _entity_currency(results, entity, currencies))
    return h.facts


def _entity_currency(results: list[SkillResult], entity: str, currencies: dict) -> str | None:
    """The entity's functional currency from the run, else as its statements state it."""
    if currencies.get(entity):
        return currencies[entity]
    for skill in ("stmt.income_statement", "stmt.balance_sheet"):
        stated = _metrics(_find(results, skill, entity)).get("currency")
        if isinstance(stated, str) and re.fullmatch(r"[A-Z]{3}", stated):
            return stated
    return None

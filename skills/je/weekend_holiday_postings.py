"""Entries dated on a weekend or a public holiday of the entity's country.

People rarely post on days the office is shut. A manual entry dated on a Sunday or on
Christmas Day is a classic journal-entry testing criterion (ISA 240 / AS 2401): either
someone worked off-hours, or the date was keyed to land the entry in a period it does
not belong to. Holidays come from the `holidays` package for the entity's country, so
no calendar is written by hand.
"""
from datetime import date

import holidays

from close.money import ZERO, cents
from close.skill import Finding, Skill, SkillError, Text
from skills.je.journal_sources import parse_sources

SQL = """
SELECT je_id,
       MIN(posting_date) AS posting_date,
       MIN(source) AS source,
       MIN(preparer) AS preparer,
       MIN(description) AS description,
       CAST(SUM(debit) AS DECIMAL(18,2)) AS total_debit
FROM journal_lines
WHERE entity_id = $entity_id AND posting_date BETWEEN $month_start AND $month_end
GROUP BY je_id
ORDER BY je_id
"""

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def non_working_days(country: str, subdivision: str, years) -> dict | None:
    """Public holidays of a country (and optional subdivision) by date; None when the
    `holidays` package has no calendar for the country. A bad subdivision is an error."""
    if country not in holidays.list_supported_countries():
        return None
    try:
        return dict(holidays.country_holidays(country, subdiv=subdivision or None, years=years))
    except NotImplementedError as exc:
        raise SkillError(f"holiday calendar {country}/{subdivision}: {exc}") from None


def why_closed(day: date, public: dict) -> str | None:
    if day in public:
        return f"a public holiday ({public[day]})"
    if day.weekday() >= 5:
        return f"a {WEEKDAYS[day.weekday()]}"
    return None


def run(ctx):
    sources = parse_sources(ctx.param("sources"))
    country = ctx.entity.country
    public = non_working_days(country, ctx.param("subdivision"), {ctx.month.year})
    known = public is not None
    public = public or {}
    rows = [r for r in ctx.rows(SQL) if sources is None or r["source"] in sources]
    findings = []
    for r in rows:
        reason = why_closed(r["posting_date"], public)
        if reason is None:
            continue
        findings.append(Finding(
            "medium",
            f"Entry {r['je_id']} ({r['source']}, prepared by {r['preparer']}, "
            f"{cents(r['total_debit'])} {ctx.currency}, '{r['description']}') is dated "
            f"{r['posting_date']}, {reason} in {country}; confirm who posted it and that the "
            f"date is right.",
            r["total_debit"],
            [f"journal_lines:{r['je_id']}"],
        ))
    metrics = {
        "entries_checked": len(rows),
        "flagged": len(findings),
        "flagged_amount": cents(sum((f.amount for f in findings), ZERO)),
        "public_holidays": [{"date": d, "name": n} for d, n in sorted(public.items())
                            if ctx.month.first_day <= d <= ctx.month.last_day],
    }
    summary = (f"{len(findings)} entr{'y' if len(findings) == 1 else 'ies'} dated on a weekend or "
               f"public holiday in {ctx.month}." if findings
               else f"No entries dated on weekends or public holidays in {ctx.month}.")
    if not known:
        summary += f" No public-holiday calendar for country {country!r}: weekends only."
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="je.weekend_holiday_postings",
    title="Weekend and public-holiday postings",
    description=(
        "Lists the month's journal entries whose posting date is a Saturday, a Sunday or a "
        "public holiday of the entity's country (from the `holidays` package; optional "
        "subdivision such as a US state). By default every source people post from is "
        "tested (manual, ar, ap, payroll, bank, tax); system schedules (system, "
        "fixed_assets) post on the month's last calendar day by design and are left out. "
        "Set sources to 'all' or another comma list to change that. The amount is the entry's total debits; confirm the preparer and the date."
    ),
    needs=("journal_lines", "entities"),
    params={
        "sources": Text("manual,ar,ap,payroll,bank,tax",
                        "comma-separated journal sources to test, or 'all'"),
        "subdivision": Text("", "holiday subdivision (state, province, Land), blank = national holidays"),
    },
    run=run,
)

"""Entries dated on a day the entity's office is shut: its weekend or a public holiday.

People rarely post on days the office is shut. A manual entry dated on a Sunday or on
Christmas Day is a classic journal-entry testing criterion (ISA 240 / AS 2401): either
someone worked off-hours, or the date was keyed to land the entry in a period it does
not belong to. Holidays and the weekend both come from the `holidays` package for the
entity's country (Friday-Saturday where that is the weekend), so no calendar is written
by hand.

Two kinds of entry are dated on a closed day by convention, not by someone at work, and
are left out so a reviewer is not sent after them:
- automated sources (system, fixed_assets): schedules and batch runs date their postings
  by rule (depreciation and releases on the month's last calendar day); the `sources`
  parameter says which sources are tested;
- period-end entries: any entry dated on the month's last calendar day carries the
  period-end date whatever weekday it is (accruals, reclassifications); set
  month_end_exempt to false to test them too.
"""
from datetime import date, timedelta

import holidays

from close.money import ZERO, cents
from close.skill import Finding, Flag, Skill, SkillError, Text
from skills.je._entries import MONTH_ENTRIES
from skills.je.journal_sources import parse_sources

# The month's entries of the tested sources ($sources; NULL: every source): how many
# there are, and those dated on one of the month's closed days ($closed, worked out in
# Python from the calendar), which alone come back one by one.
SQL = """
WITH entry AS (""" + MONTH_ENTRIES + """), tested AS (
  SELECT * FROM entry
  WHERE $sources IS NULL OR source IN (SELECT unnest(CAST($sources AS VARCHAR[])))
)
SELECT 'count' AS kind, NULL AS je_id, NULL AS posting_date, NULL AS source, NULL AS preparer,
       NULL AS description, NULL AS total_debit, COUNT(*) AS entries
FROM tested
UNION ALL
SELECT 'closed', je_id, posting_date, source, preparer, description, total_debit, NULL
FROM tested
WHERE posting_date IN (SELECT unnest(CAST($closed AS DATE[])))
ORDER BY kind, je_id
"""

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DEFAULT_WEEKEND = frozenset({5, 6})


def calendar(country: str, subdivision: str, years):
    """(public holidays by date, weekend weekdays) of a country and optional subdivision;
    holidays None when the `holidays` package has no calendar for the country (then the
    weekend is Saturday and Sunday). A bad subdivision is an error."""
    # The registry's codes (aliases included, as list_supported_countries gives them),
    # not list_supported_countries itself, which imports all 250 calendars to list their
    # subdivisions: a tenth of a second of a close's CPU for a yes or no.
    if country not in holidays.registry.EntityLoader.get_country_codes():
        return None, DEFAULT_WEEKEND
    try:
        found = holidays.country_holidays(country, subdiv=subdivision or None, years=years)
    except NotImplementedError as exc:
        raise SkillError(f"holiday calendar {country}/{subdivision}: {exc}") from None
    return dict(found), frozenset(getattr(found, "weekend", DEFAULT_WEEKEND))


def why_closed(day: date, public: dict, weekend=DEFAULT_WEEKEND) -> str | None:
    if day in public:
        return f"a public holiday ({public[day]})"
    if day.weekday() in weekend:
        return f"a {WEEKDAYS[day.weekday()]}, a weekend day"
    return None


def run(ctx):
    sources = parse_sources(ctx.param("sources"))
    month_end_exempt = ctx.param("month_end_exempt")
    country = ctx.entity.country
    public, weekend = calendar(country, ctx.param("subdivision"), {ctx.month.year})
    known = public is not None
    public = public or {}
    days = (ctx.month.first_day + timedelta(n) for n in range(ctx.month.last_day.day))
    closed = {day: reason for day in days if (reason := why_closed(day, public, weekend))}
    rows = ctx.rows(SQL, sources=sorted(sources) if sources is not None else None, closed=sorted(closed))
    checked = next(r["entries"] for r in rows if r["kind"] == "count")
    findings, period_end = [], 0
    for r in rows:
        if r["kind"] != "closed":
            continue
        reason = closed[r["posting_date"]]
        if month_end_exempt and r["posting_date"] == ctx.month.last_day:
            period_end += 1
            continue
        findings.append(Finding(
            "medium",
            f"Entry {r['je_id']} ({r['source']}, prepared by {r['preparer']}, "
            f"{cents(r['total_debit'], ctx.currency)} {ctx.currency}, '{r['description']}') is "
            f"dated {r['posting_date']}, {reason} in {country}; confirm who posted it and that "
            f"the date is right.",
            cents(r["total_debit"], ctx.currency),
            [f"journal_lines:{r['je_id']}"],
        ))
    metrics = {
        "entries_checked": checked,
        "flagged": len(findings),
        "flagged_amount": cents(sum((f.amount for f in findings), ZERO), ctx.currency),
        "period_end_entries_on_closed_day": period_end,
        "weekend": [WEEKDAYS[d] for d in sorted(weekend)],
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
        "Lists the month's journal entries whose posting date is a weekend day or a public "
        "holiday of the entity's country, both from the `holidays` package (its weekend, "
        "e.g. Friday-Saturday where that applies; optional subdivision such as a US state; "
        "a country it does not know is tested for Saturday and Sunday only). By default "
        "the sources people post from are tested (manual, ar, ap, payroll, bank, tax); "
        "automated schedules (system, fixed_assets) date their postings by rule and are "
        "left out (sources = 'all' or a comma list changes that). Entries dated on the "
        "month's last calendar day carry the period-end date by convention and are not "
        "flagged (month_end_exempt = false tests them). The amount is the entry's total "
        "debits; confirm the preparer and the date."
    ),
    needs=("journal_lines", "entities"),
    params={
        "sources": Text("manual,ar,ap,payroll,bank,tax",
                        "comma-separated journal sources to test, or 'all'"),
        "subdivision": Text("", "holiday subdivision (state, province, Land), blank = national holidays"),
        "month_end_exempt": Flag(True, "leave out entries dated on the month's last calendar day"),
    },
    run=run,
)

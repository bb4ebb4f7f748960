"""Income tax at the statutory rate, month by month: shared by the provision and the ETR.

Pre-tax income is the month's activity on every income-statement account except income
tax expense, credit positive (revenue minus expense). The statutory rate is the rate of
the entity's income tax code (tax_type `income`, jurisdiction = the entity's country) in
force on the month's last day. The current tax for a month is pre-tax income × rate,
rounded once to the entity currency's minor unit (whole yen for JPY), half away from zero; a loss gives a negative current tax (a
tax credit), as the catalog's rule (pre-tax income × statutory rate) says.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from close.money import cents
from close.periods import Month

RATE = """
SELECT tax_code, rate
FROM tax_codes
WHERE tax_type = 'income' AND jurisdiction = $country
  AND effective_from <= $day AND (effective_to IS NULL OR effective_to >= $day)
ORDER BY tax_code
"""

MONTHS = """
SELECT CAST(date_trunc('month', j.posting_date) AS DATE) AS month_start,
       CAST(SUM(CASE WHEN a.subtype <> 'income_tax_expense' THEN j.credit - j.debit ELSE 0 END)
            AS DECIMAL(18,2)) AS pretax,
       CAST(SUM(CASE WHEN a.subtype = 'income_tax_expense' THEN j.debit - j.credit ELSE 0 END)
            AS DECIMAL(18,2)) AS booked
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND a.type IN ('revenue', 'expense')
  AND j.posting_date BETWEEN $year_start AND $month_end
GROUP BY CAST(date_trunc('month', j.posting_date) AS DATE)
ORDER BY month_start
"""

ENTRIES = """
SELECT DISTINCT j.je_id
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND a.subtype = 'income_tax_expense'
  AND j.posting_date BETWEEN $start AND $month_end
ORDER BY j.je_id
"""


@dataclass(frozen=True)
class MonthTax:
    month: Month
    pretax: Decimal
    rate: Decimal | None
    code: str | None
    booked: Decimal
    currency: str | None = None

    @property
    def computed(self) -> Decimal | None:
        if self.rate is None:
            return None
        return cents(self.pretax * self.rate, self.currency)


def statutory(ctx, month: Month) -> tuple[str | None, Decimal | None]:
    rows = ctx.shared_rows(RATE, country=ctx.entity.country, day=month.last_day)
    if not rows:
        return None, None
    return rows[0]["tax_code"], rows[0]["rate"]


def year_to_date(ctx) -> list[MonthTax]:
    """Each month of the fiscal year to date, with its pre-tax income and booked tax."""
    out = []
    for r in ctx.rows(MONTHS):
        month = Month(r["month_start"].year, r["month_start"].month)
        code, rate = statutory(ctx, month)
        out.append(MonthTax(month, r["pretax"], rate, code, r["booked"], ctx.currency))
    return out


def tax_entries(ctx, start) -> list[str]:
    return [f"journal_lines:{r['je_id']}" for r in ctx.rows(ENTRIES, start=start)]

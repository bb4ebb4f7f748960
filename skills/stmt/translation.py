"""Translation of an entity's books into the reporting currency (LEDGER-PACK.md).

Assets and liabilities at the month's closing rate; income and expense at each month's
average rate (so year-to-date profit is the sum of translated months); equity at
historical rates: lines of the opening entry (the entity's first posting day) at the
closing rate of the month before the books open, later equity lines at their month's
average rate. What is left over is the cumulative translation adjustment (CTA), shown in
equity on the chart's `cta` line.

Every figure stays an exact sum of exact products here: nothing is rounded until a skill
writes it (LEDGER-PACK.md: "translate exact products and round once, when a figure is
written"), so a line, a section total and a group total are each the exact sum rounded
once, and a rounded line never moves a total. CTA is the exact plug, so the translated
books balance exactly whenever the entity's own books do. The output is the
AccountAmounts shape of close.statements, so the same builders produce the translated
balance sheet and income statement.

Rates come from close.fx.FxRates: a pair given one way only is inverted (1 / rate), a
pair with no rate crosses through the reporting currency, and a rate still missing is
named in `missing_rates`, never guessed.

This is the one place the group's figures are translated. The consolidation
(skills/stmt/consolidated.py) and the review's monthly group series (close.mfr, through
skills/close/_group_figures.py) both use it: `at_average` is the income-statement product
(a month's amount at that month's average rate, exact), `eliminated_in_group` the rule
that takes intercompany trading out, and `group_pnl` the two applied to a month-by-month
series, so a group figure in the review is the consolidated income statement's to the cent.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from close.money import ZERO
from close.periods import Month, month_of
from close.statements import ACCOUNT_MONTHS, BS_SECTIONS, PNL_TYPES, AccountAmounts, fiscal_year_start

CTA_LINE = "Translation reserve"

# Income-statement subtypes a consolidation eliminates toward another group entity.
IC_PNL_SUBTYPES = ("intercompany_revenue", "intercompany_expense")

CTA_ACCOUNT = """
SELECT account_id, name, statement_line FROM accounts
WHERE type = 'equity' AND subtype = 'cta'
ORDER BY account_id
LIMIT 1
"""


@dataclass
class Translation:
    """An entity's books in the reporting currency, or the rates that were missing."""

    entity_id: str
    functional_currency: str
    reporting_currency: str
    accounts: list[AccountAmounts] = field(default_factory=list)
    missing_rates: list[str] = field(default_factory=list)
    cta: Decimal = ZERO                 # credit-positive, cumulative, exact, reporting currency
    closing_rate: Decimal | None = None
    average_rate: Decimal | None = None
    imbalance: Decimal = ZERO           # functional books' own imbalance, translated (exact)

    @property
    def complete(self) -> bool:
        return not self.missing_rates


def at_average(amount: Decimal, average_rate: Decimal) -> Decimal:
    """A month's income-statement (or later equity) amount in the reporting currency: the
    exact product with that month's average rate, never rounded here."""
    return amount * average_rate


def toward_group_entity(entity_id: str, counterparty: str | None, group_ids) -> bool:
    """An intercompany amount is eliminated when its counterparty is another entity of
    the group being consolidated; toward anyone else it stays in the group's figures."""
    return counterparty is not None and counterparty in group_ids and counterparty != entity_id


def eliminated_in_group(entity_id: str, subtype: str | None, counterparty: str | None,
                        group_ids) -> bool:
    """Intercompany revenue or expense toward another entity of the group: eliminated in
    full on consolidation."""
    return subtype in IC_PNL_SUBTYPES and toward_group_entity(entity_id, counterparty, group_ids)


class _Rates:
    """Rates looked up once each; every missing one recorded by name, none guessed."""

    def __init__(self, fx, src: str, dst: str):
        self.fx, self.src, self.dst = fx, src, dst
        self.missing: list[str] = []
        self._cache: dict = {}

    def get(self, month: Month, kind: str) -> Decimal | None:
        key = (month, kind)
        if key not in self._cache:
            rate = self.fx.rate(self.src, self.dst, month, kind)
            self._cache[key] = rate
            if rate is None:
                self.missing.append(f"{kind} {self.src}->{self.dst} {month.last_day}")
        return self._cache[key]


def monthly_rows(con, entity, month: Month, ctx=None) -> list[dict]:
    """An entity's accounts by month through `month` (close.statements.ACCOUNT_MONTHS, with
    what its first day posted). With the skill's context, the statements' own read of the
    close (Context.shared_rows), cut at `month`: a close translates each entity at this
    month end, the last and the last year end, in several skills, and the months up to
    an earlier end are a prefix of the later's."""
    if ctx is None:
        return _rows(con, ACCOUNT_MONTHS, {"entity_id": entity.id, "through": month.last_day})
    through = max(month, ctx.month)
    return [r for r in ctx.shared_rows(ACCOUNT_MONTHS, entity_id=entity.id, through=through.last_day)
            if r["period_start"] <= month.first_day]


def _rows(con, sql: str, params: dict) -> list[dict]:
    """A query's rows as dicts, on a bare connection (no skill context to share them)."""
    cursor = con.execute(sql, params)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def translate(con, fx, entity, month: Month, fiscal_start_month: int,
              reporting_currency: str, ctx=None) -> Translation:
    """Translated accounts with windows amount_cum, amount_ytd (balance sheet at month
    end, as close.statements.balance_sheet_windows names them) and mtd, ytd (income
    statement), plus the CTA account. `ctx`: the skill's context, to share the read."""
    out = Translation(entity.id, entity.functional_currency, reporting_currency)
    rates = _Rates(fx, entity.functional_currency, reporting_currency)
    rows = monthly_rows(con, entity, month, ctx)
    if not rows:
        return out
    books_open = month_of(min(r["period_start"] for r in rows))
    year_start = fiscal_year_start(month, fiscal_start_month)
    closing = rates.get(month, "closing")
    out.closing_rate = closing
    out.average_rate = rates.get(month, "average")

    by_account: dict[str, dict] = {}
    functional_total = ZERO
    for r in rows:
        acc = by_account.setdefault(r["account_id"], {
            "meta": r, "cum": ZERO, "ytd": ZERO, "mtd": ZERO, "functional": ZERO})
        period = month_of(r["period_start"])
        amount, opening = Decimal(r["amount"]), Decimal(r["opening_amount"])
        acc["functional"] += amount
        functional_total += amount
        kind = r["type"]
        if kind in PNL_TYPES or kind == "equity":
            avg = rates.get(period, "average")
            rest = amount - opening if kind == "equity" else amount
            if kind == "equity" and opening != ZERO:
                hist = rates.get(books_open.prev, "closing")
                if hist is not None:
                    acc["cum"] += opening * hist
            if avg is not None:
                translated = at_average(rest, avg)
                acc["cum"] += translated
                if kind in PNL_TYPES and r["period_start"] >= year_start:
                    acc["ytd"] += translated
                if kind in PNL_TYPES and period == month:
                    acc["mtd"] += translated
    out.missing_rates = rates.missing
    if out.missing_rates:
        return out

    for account_id, acc in by_account.items():
        meta = acc["meta"]
        if meta["type"] in BS_SECTIONS and meta["type"] != "equity":
            acc["cum"] = acc["functional"] * closing
        elif meta["type"] not in BS_SECTIONS and meta["type"] not in PNL_TYPES:
            acc["cum"] = acc["functional"] * closing   # unknown account: kept visible
        amounts = {"amount_cum": acc["cum"], "amount_ytd": acc["ytd"],
                   "mtd": acc["mtd"], "ytd": acc["ytd"]}
        out.accounts.append(AccountAmounts(account_id, meta["name"], meta["type"],
                                           meta["subtype"], meta["statement_line"], amounts))

    # CTA: what makes the translated books balance, except the functional books' own
    # imbalance, which stays visible (translated at closing) for the identity check.
    out.imbalance = functional_total * closing
    translated_total = sum((a.amounts["amount_cum"] for a in out.accounts
                            if a.type in BS_SECTIONS or a.type in PNL_TYPES), ZERO)
    cta_debit = out.imbalance - translated_total
    out.cta = -cta_debit
    out.accounts.append(cta_account(con, cta_debit))
    return out


def cta_account(con, debit_amount: Decimal) -> AccountAmounts:
    row = con.execute(CTA_ACCOUNT).fetchone()
    account_id, name, line = row if row else ("CTA", CTA_LINE, CTA_LINE)
    amounts = {"amount_cum": debit_amount, "amount_ytd": ZERO, "mtd": ZERO, "ytd": ZERO}
    return AccountAmounts(f"{account_id}", name or CTA_LINE, "equity", "cta",
                          line or CTA_LINE, amounts)


IC_SUBTYPES = ("intercompany_receivable", "intercompany_payable", "intercompany_revenue",
               "intercompany_expense")

IC_MONTHLY = """
SELECT j.account_id, a.name, a.type, a.subtype, a.statement_line, j.counterparty,
       CAST(date_trunc('month', j.posting_date) AS DATE) AS period_start,
       CAST(SUM(j.debit - j.credit) AS DECIMAL(18,2)) AS amount
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND j.posting_date BETWEEN $since AND $month_end
  AND a.subtype IN ('intercompany_receivable', 'intercompany_payable',
                    'intercompany_revenue', 'intercompany_expense')
GROUP BY j.account_id, a.name, a.type, a.subtype, a.statement_line, j.counterparty,
         CAST(date_trunc('month', j.posting_date) AS DATE)
ORDER BY j.account_id, j.counterparty, period_start
"""


@dataclass(frozen=True)
class IcBalance:
    """One entity's intercompany account toward one counterparty, in both currencies."""

    account: AccountAmounts          # reporting currency, exact, same windows as `translate`
    counterparty: str | None
    functional: dict                 # the same windows, functional currency


def translate_ic(con, fx, entity, month: Month, fiscal_start_month: int,
                 reporting_currency: str, subtypes=IC_SUBTYPES,
                 since: date = date(1900, 1, 1), ctx=None) -> tuple[list[IcBalance], list[str]]:
    """Intercompany accounts split by counterparty and translated like `translate` does:
    balances at the closing rate, revenue and expense at each month's average rate, exact.

    `subtypes` and `since` narrow what is read (an intercompany check of the month's
    charges needs neither the balances nor earlier months), so only the rates the figures
    need are asked for; the figures read are the consolidation's, product for product.
    `ctx`: the skill's context, through which the read is shared by the close's skills
    (each intercompany check and the consolidation ask it of every entity)."""
    rates = _Rates(fx, entity.functional_currency, reporting_currency)
    params = {"entity_id": entity.id, "month_end": month.last_day, "since": since}
    rows = ctx.shared_rows(IC_MONTHLY, **params) if ctx is not None else _rows(con, IC_MONTHLY, params)
    year_start = fiscal_year_start(month, fiscal_start_month)
    groups: dict[tuple, dict] = {}
    for row in rows:
        if row["subtype"] not in subtypes:
            continue
        key = (row["account_id"], row["counterparty"])
        g = groups.setdefault(key, {"meta": row, "rep": {"amount_cum": ZERO, "amount_ytd": ZERO,
                                                         "mtd": ZERO, "ytd": ZERO},
                                    "fun": {"amount_cum": ZERO, "amount_ytd": ZERO,
                                            "mtd": ZERO, "ytd": ZERO}})
        amount, period = Decimal(row["amount"]), month_of(row["period_start"])
        windows = ["amount_cum"]
        if row["type"] in PNL_TYPES:
            if row["period_start"] >= year_start:
                windows += ["amount_ytd", "ytd"]
            if period == month:
                windows.append("mtd")
            rate = rates.get(period, "average")
        else:
            rate = None
        for w in windows:
            g["fun"][w] += amount
            if rate is not None:
                g["rep"][w] += at_average(amount, rate)
    needs_closing = any(g["meta"]["type"] not in PNL_TYPES for g in groups.values())
    closing = rates.get(month, "closing") if needs_closing else None
    out = []
    for (account_id, counterparty), g in groups.items():
        meta = g["meta"]
        if meta["type"] not in PNL_TYPES and closing is not None:
            g["rep"]["amount_cum"] = g["fun"]["amount_cum"] * closing
        out.append(IcBalance(AccountAmounts(account_id, meta["name"], meta["type"], meta["subtype"],
                                            meta["statement_line"], dict(g["rep"])),
                             counterparty, g["fun"]))
    return out, rates.missing


# ------------------------------------------------------- the group's monthly figures

# One row per entity, account, counterparty (intercompany revenue and expense only) and
# month, as a contribution to profit (credit - debit), functional currency.
PNL_ROWS = """
SELECT j.entity_id, j.account_id, a.subtype,
       CASE WHEN a.subtype IN ('intercompany_revenue', 'intercompany_expense')
            THEN j.counterparty END AS counterparty,
       CAST(date_trunc('month', j.posting_date) AS DATE) AS month_start,
       CAST(SUM(j.credit - j.debit) AS DECIMAL(18,2)) AS amount
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE a.type IN ('revenue', 'expense')
  AND j.posting_date BETWEEN $series_start AND $month_end
GROUP BY j.entity_id, j.account_id, a.subtype,
         CASE WHEN a.subtype IN ('intercompany_revenue', 'intercompany_expense')
              THEN j.counterparty END,
         CAST(date_trunc('month', j.posting_date) AS DATE)
ORDER BY j.entity_id, j.account_id, counterparty, month_start
"""

# Which accounts count toward a group figure, by subtype (the income statement's blocks).
MEASURES = {
    "revenue": lambda subtype: subtype in ("revenue", "intercompany_revenue"),
    "cost_of_sales": lambda subtype: subtype == "cogs",
    "net_income": lambda subtype: True,
}


@dataclass(frozen=True)
class PnlRow:
    """One entity's account in one month, credit-positive, functional currency;
    `eliminated_with` is the group entity the amount is eliminated against, if any."""

    entity_id: str
    account_id: str
    subtype: str | None
    eliminated_with: str | None
    month: Month
    amount: Decimal


def pnl_rows(con, start: Month, month_end: date, group_ids) -> list[PnlRow]:
    """Every entity's income-statement amounts by account and month from `start`, with the
    intercompany trading `eliminated_in_group` marks."""
    cursor = con.execute(PNL_ROWS, {"series_start": start.first_day, "month_end": month_end})
    cols = [d[0] for d in cursor.description]
    out = []
    for row in (dict(zip(cols, r)) for r in cursor.fetchall()):
        gone = eliminated_in_group(row["entity_id"], row["subtype"], row["counterparty"], group_ids)
        out.append(PnlRow(row["entity_id"], row["account_id"], row["subtype"],
                          row["counterparty"] if gone else None, month_of(row["month_start"]),
                          Decimal(row["amount"])))
    return out


def group_pnl(rows: list[PnlRow], months: set[Month], measure: str, rate_of):
    """(exact figure, missing): the group's `measure` over `months` in the reporting
    currency, as the consolidated income statement has it before rounding: each amount
    `at_average` of its entity's month, eliminated trading left out. None, with the
    (entity, month) pairs whose average rate is missing, when a rate is missing."""
    counts = MEASURES[measure]
    total = ZERO
    missing: list[tuple[str, Month]] = []
    for row in rows:
        if row.month not in months or not counts(row.subtype):
            continue
        rate = rate_of(row.entity_id, row.month)
        if rate is None:
            if (row.entity_id, row.month) not in missing:
                missing.append((row.entity_id, row.month))
            continue
        if row.eliminated_with is None:
            total += at_average(row.amount, rate)
    if missing:
        return None, missing
    return total, []

"""The statutory statement set, laid out for reading and printing, with its checks.

Per entity (stmt.balance_sheet, stmt.income_statement, stmt.cash_flow,
stmt.equity_changes, stmt.statutory_pack's notes) and for the group
(stmt.consolidation's metrics.statutory): each statement as rows a controller expects
(current / non-current subtotals, section totals, opening and closing cash) and, beside
it, the ties that make it signable, each saying whether it holds. Everything shown is a
figure of results.json; the checks only compare figures the skills wrote.

Amounts on no statement line ("Unmapped <type>", "Unknown account ...", named so by
close.statements) are never shown as a line of the face: they appear as a labelled
reconciling item and the "every account is mapped" check fails.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from close.money import minor_unit
from close.report.numbers import to_decimal
from close.report.rows import EntityInfo

UNMAPPED_PREFIXES = ("Unmapped ", "Unknown account ")
RECONCILING_LABEL = "Reconciling item: accounts with no statement line (je.unmapped_accounts)"
IS_SECTIONS = {"revenue": "Revenue", "cost_of_sales": "Cost of sales",
               "operating_expenses": "Operating expenses",
               "other_income_expense": "Other income and expenses", "income_tax": "Income tax"}
CF_SECTIONS = (("operating", "Cash flows from operating activities",
                "Net cash from operating activities"),
               ("investing", "Cash flows from investing activities",
                "Net cash used in investing activities"),
               ("financing", "Cash flows from financing activities",
                "Net cash from financing activities"),
               ("exchange", "Effect of exchange rates", "Net effect of exchange rates"))
TERM_LABELS = {("assets", "current"): ("Current assets", "current_assets"),
               ("assets", "non_current"): ("Non-current assets", "non_current_assets"),
               ("liabilities", "current"): ("Current liabilities", "current_liabilities"),
               ("liabilities", "non_current"): ("Non-current liabilities", "non_current_liabilities")}


@dataclass
class Row:
    label: str
    values: list[Decimal | None]
    kind: str = "line"          # line, heading, subtotal, total, reconciling, rate (a percentage)


@dataclass
class Check:
    label: str
    left: Decimal | None
    right: Decimal | None
    ok: bool

    @property
    def difference(self) -> Decimal | None:
        if self.left is None or self.right is None:
            return None
        return self.left - self.right


@dataclass
class StatementView:
    key: str
    title: str
    subtitle: str
    columns: list[str]
    rows: list[Row]
    checks: list[Check] = field(default_factory=list)
    note: str = ""
    # Text notes (accounting policies): (title, paragraph, where the wording comes from).
    texts: list[tuple[str, str, str]] = field(default_factory=list)
    whole_units: bool = False   # a currency without minor units (JPY): amounts in whole units

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]


@dataclass
class StatutorySet:
    entity: EntityInfo
    currency: str
    statements: list[StatementView]

    def __post_init__(self):
        whole = minor_unit(self.currency) == 1
        for view in self.statements:
            view.whole_units = whole

    @property
    def failed(self) -> list[tuple[str, Check]]:
        return [(s.title, c) for s in self.statements for c in s.failed]


def _d(value) -> Decimal | None:
    return to_decimal(value)


def _day(value) -> str:
    try:
        d = date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{d.day} {d.strftime('%b %Y')}"


def _unmapped(name: str) -> bool:
    return name.startswith(UNMAPPED_PREFIXES)


def _tie(label, left, right) -> Check:
    left, right = _d(left), _d(right)
    return Check(label, left, right, left is not None and right is not None and left == right)


# ------------------------------------------------------------------ balance sheet

def balance_sheet(lines: list[dict], columns: dict, subtotals: dict, totals: dict,
                  title: str, currency: str) -> StatementView:
    """Assets and liabilities by current / non-current with subtotals, equity, totals;
    amounts on no statement line after the totals as a reconciling item."""
    keys = [k for k in ("amount", "prior_year_end", "prior") if k in columns]
    heads = [_day(columns[k]) for k in keys]
    rows: list[Row] = []
    reconciling = [Decimal(0)] * len(keys)
    unmapped_seen = False

    def values(row):
        return [_d(row.get(k)) for k in keys]

    for section, heading in (("assets", "Assets"), ("liabilities", "Liabilities"), ("equity", "Equity")):
        rows.append(Row(heading, [None] * len(keys), "heading"))
        body = [ln for ln in lines if ln.get("section") == section and ln.get("kind", "line") == "line"]
        for ln in body:
            if _unmapped(str(ln["line"])):
                unmapped_seen = True
                sign = -1 if section == "assets" else 1   # what it adds to the balancing side
                reconciling = [r + sign * (v or 0) for r, v in zip(reconciling, values(ln))]
        if section in ("assets", "liabilities"):
            for term in ("current", "non_current"):
                label, key = TERM_LABELS[(section, term)]
                mine = [ln for ln in body if ln.get("term", "non_current") == term
                        and not _unmapped(str(ln["line"]))]
                if not mine:
                    continue
                rows.append(Row(label, [None] * len(keys), "subheading"))
                rows += [Row(str(ln["line"]), values(ln)) for ln in mine]
                rows.append(Row(f"Total {label.lower()}",
                                [_d((subtotals.get(key) or {}).get(k)) for k in keys], "subtotal"))
        else:
            rows += [Row(str(ln["line"]), values(ln)) for ln in body if not _unmapped(str(ln["line"]))]
        total = next((ln for ln in lines if ln.get("section") == section and ln.get("kind") == "total"
                      and str(ln["line"]).lower() == f"total {section}"), None)
        if total is not None:
            rows.append(Row(str(total["line"]), values(total), "total"))
    both = next((ln for ln in lines if ln.get("line") == "Total liabilities and equity"), None)
    if both is not None:
        rows.append(Row("Total liabilities and equity", values(both), "total"))
    for ln in lines:
        if ln.get("section") == "unmapped":
            unmapped_seen = True
            reconciling = [r - (v or 0) for r, v in zip(reconciling, values(ln))]
    if unmapped_seen:
        rows.append(Row(RECONCILING_LABEL, [-r for r in reconciling], "reconciling"))
    checks = []
    for k, head in zip(keys, heads):
        diff = _d((totals.get("difference") or {}).get(k))
        checks.append(Check(f"Assets = liabilities + equity at {head}", diff, Decimal(0),
                            diff is not None and diff == 0))
    for section, (ca, nca) in (("assets", ("current_assets", "non_current_assets")),
                               ("liabilities", ("current_liabilities", "non_current_liabilities"))):
        ties = [(head, _tie("", sum(((_d((subtotals.get(x) or {}).get(k)) or 0) for x in (ca, nca)),
                                    Decimal(0)), (totals.get(f"total_{section}") or {}).get(k)))
                for k, head in zip(keys, heads)]
        head, shown = next(((h, t) for h, t in ties if not t.ok), ties[0])   # the first that fails
        label = (f"Current + non-current = total {section} at {head}" if not shown.ok
                 else f"Current + non-current = total {section}, every column")
        checks.append(Check(label, shown.left, shown.right, shown.ok))
    checks.append(Check("Every account is mapped to a statement line", None, None, not unmapped_seen))
    return StatementView("balance_sheet", title, f"{currency}", heads, rows, checks)


def _entity_balance_sheet(bs: dict, currency: str) -> StatementView:
    totals = {"difference": {"amount": bs.get("difference"),
                             "prior": (bs.get("prior") or {}).get("difference"),
                             "prior_year_end": (bs.get("prior_year_end") or {}).get("difference")}}
    for key in ("total_assets", "total_liabilities", "total_equity"):
        totals[key] = {"amount": bs.get(key), "prior": (bs.get("prior") or {}).get(key),
                       "prior_year_end": (bs.get("prior_year_end") or {}).get(key)}
    columns = bs.get("columns") or {"amount": "This month end", "prior": "Last month end"}
    return balance_sheet(bs.get("lines") or [], columns, bs.get("subtotals") or {}, totals,
                         "Balance sheet", currency)


# ---------------------------------------------------------------- income statement

def income_statement(lines: list[dict], keys: list[tuple[str, str]], title: str,
                     currency: str) -> StatementView:
    rows: list[Row] = []
    section = None
    reconciling = [Decimal(0)] * len(keys)
    unmapped = False
    for ln in lines:
        vals = [_d(ln.get(k)) for k, _ in keys]
        if ln.get("kind", "line") == "line":
            if ln.get("section") != section:
                section = ln.get("section")
                rows.append(Row(IS_SECTIONS.get(str(section), str(section).replace("_", " ").capitalize()),
                                [None] * len(keys), "heading"))
            if _unmapped(str(ln["line"])):
                unmapped = True
                reconciling = [r + (v or 0) for r, v in zip(reconciling, vals)]
                continue
            rows.append(Row(str(ln["line"]), vals))
        else:
            if unmapped and ln.get("section") == "operating_profit":
                rows.append(Row(RECONCILING_LABEL, reconciling, "reconciling"))
                unmapped = None
            rows.append(Row(str(ln["line"]), vals, "total" if ln.get("section") == "net_income" else "subtotal"))
    checks = [Check("Every account is mapped to a statement line", None, None, unmapped is False)]
    if unmapped:       # an unmapped line below operating profit: shown before net income
        rows.insert(len(rows) - 1, Row(RECONCILING_LABEL, reconciling, "reconciling"))
    return StatementView("income_statement", title, currency, [label for _, label in keys], rows, checks)


# -------------------------------------------------------------------- cash flow

def cash_flow(cf: dict, bs_cash: tuple[str, dict] | None, currency: str, title: str) -> StatementView:
    """Indirect cash flow for the month and the year to date: sections with their totals,
    net change, cash at the beginning and end, tied to the balance sheet's cash line."""
    ytd = cf.get("ytd") or {}
    keys = ("amount", "ytd")
    periods = cf.get("periods") or {}
    heads = ["Month" if "amount" not in periods else f"Month to {_day(periods['amount']['to'])}",
             "Year to date" if "ytd" not in periods else f"{_day(periods['ytd']['from'])} to {_day(periods['ytd']['to'])}"]
    rows: list[Row] = []
    lines = cf.get("lines") or []
    for section, heading, total_label in CF_SECTIONS:
        mine = [ln for ln in lines if ln.get("section") == section]
        if not mine and section != "operating":
            continue
        rows.append(Row(heading, [None, None], "heading"))
        rows += [Row(str(ln["line"]), [_d(ln.get(k)) for k in keys]) for ln in mine]
        rows.append(Row(total_label, [_d(cf.get(section)), _d(ytd.get(section))], "subtotal"))
    rows.append(Row("Net change in cash", [_d(cf.get("net_change_in_cash")), _d(ytd.get("net_change_in_cash"))], "total"))
    rows.append(Row("Cash at the beginning of the period", [_d(cf.get("cash_opening")), _d(ytd.get("cash_opening"))]))
    rows.append(Row("Cash at the end of the period", [_d(cf.get("cash_closing")), _d(ytd.get("cash_closing"))], "total"))
    checks = [Check("Net change in cash = change in balance-sheet cash (month)", _d(cf.get("difference")),
                    Decimal(0), _d(cf.get("difference")) == 0),
              Check("Net change in cash = change in balance-sheet cash (year to date)",
                    _d(ytd.get("difference")), Decimal(0), _d(ytd.get("difference")) == 0)]
    if bs_cash is not None:
        line, figures = bs_cash
        checks += [_tie(f"Closing cash = balance sheet '{line}'", cf.get("cash_closing"), figures.get("amount")),
                   _tie(f"Opening cash (month) = balance sheet '{line}' last month end",
                        cf.get("cash_opening"), figures.get("prior")),
                   _tie(f"Opening cash (year) = balance sheet '{line}' last year end",
                        ytd.get("cash_opening"), figures.get("prior_year_end"))]
    return StatementView("cash_flow", title, currency, heads, rows, checks)


# ------------------------------------------------------------- changes in equity

def equity_changes(eq: dict, bs_total_equity, currency: str, title: str) -> StatementView:
    keys = ("opening", "profit", "other_movements", "closing")
    heads = [f"At {_day(_prev_day(eq.get('from')))}", "Profit for the period", "Other movements",
             f"At {_day(eq.get('to'))}"]
    rows = [Row(str(c["line"]), [_d(c.get(k)) for k in keys]) for c in eq.get("components") or []]
    rows.append(Row("Total equity", [_d(eq.get("total_opening")), _d(eq.get("profit")),
                                     _d(eq.get("other_movements")), _d(eq.get("total_closing"))], "total"))
    checks = [_tie("Closing equity = balance sheet total equity", eq.get("total_closing"), bs_total_equity)]
    rolled = [c for c in eq.get("components") or [] if _d(c.get("difference")) not in (None, Decimal(0))]
    checks.append(Check("Each line rolls forward: opening + profit + movements = closing",
                        None, None, not rolled))
    return StatementView("equity_changes", title, currency, heads, rows, checks)


def _prev_day(value) -> str:
    from datetime import timedelta

    try:
        return (date.fromisoformat(str(value)) - timedelta(days=1)).isoformat()
    except ValueError:
        return str(value)


# ------------------------------------------------------------------------- notes

STANDARD_WORDING = "standard wording"
LEASE_COLUMNS = (("rou_opening", "Right-of-use, opening"), ("rou_additions", "Additions"),
                 ("rou_depreciation", "Depreciation"), ("rou_closing", "Right-of-use, closing"),
                 ("liability", "Lease liability"), ("within_1_year", "Due within 1 year"),
                 ("after_1_year", "Due after 1 year"), ("interest_ytd", "Interest, year to date"))
RELATED_COLUMNS = (("receivable", "Receivable"), ("payable", "Payable"),
                   ("revenue_mtd", "Revenue, month"), ("revenue_ytd", "Revenue, year to date"),
                   ("expense_mtd", "Expense, month"), ("expense_ytd", "Expense, year to date"))


def _metrics(found: dict, name: str) -> dict:
    return ((found.get(name) or {}).get("metrics") or {})


def _policies_note(found: dict) -> StatementView | None:
    items = _metrics(found, "policies").get("policies") or []
    if not items:
        return None
    texts = [(str(p.get("title")), str(p.get("text")),
              "standard wording: no policy set in close.toml" if p.get("source") == STANDARD_WORDING
              else "as set in close.toml") for p in items]
    standard = sum(1 for p in items if p.get("source") == STANDARD_WORDING)
    view = StatementView("note_policies", "Note: accounting policies",
                         "from close.toml" if not standard else
                         f"{standard} of {len(items)} in standard wording (not set in close.toml)",
                         [], [], texts=texts)
    return view


def _fixed_assets_note(fa: dict, currency: str) -> StatementView | None:
    if not fa.get("classes"):
        return None
    cols = [("cost_opening", "Cost, opening"), ("additions", "Additions"),
            ("disposals_cost", "Disposals"), ("cost_closing", "Cost, closing"),
            ("depreciation_closing", "Accumulated depreciation"), ("nbv_closing", "Net book value")]
    rows = [Row(str(c["asset_class"]), [_d(c.get(k)) for k, _ in cols]) for c in fa["classes"]]
    rows.append(Row("Total", [_d((fa.get("totals") or {}).get(k)) for k, _ in cols], "total"))
    checks = [_tie("Cost = general ledger", (fa.get("totals") or {}).get("cost_closing"), fa.get("gl_cost")),
              _tie("Accumulated depreciation = general ledger",
                   (fa.get("totals") or {}).get("depreciation_closing"), fa.get("gl_accumulated_depreciation"))]
    return StatementView("note_fixed_assets", "Note: property, plant and equipment",
                         f"{currency}, {_day(fa.get('from'))} to {_day(fa.get('to'))}",
                         [label for _, label in cols], rows, checks)


def _current_portions(pack: dict) -> Decimal | None:
    """The balance sheet's "Current portion of ..." lines at the month end, added up."""
    lines = ((((pack.get("statements") or {}).get("balance_sheet") or {}).get("metrics") or {})
             .get("lines") or [])
    found = [_d(ln.get("amount")) or 0 for ln in lines
             if str(ln.get("line", "")).startswith("Current portion of ") and ln.get("kind", "line") == "line"]
    return sum(found, Decimal(0)) if lines else None


DEBT_COLUMNS = [("balance", "Balance"), ("within_1_year", "Within 1 year"), ("1_to_2_years", "1 to 2 years"),
                ("2_to_5_years", "2 to 5 years"), ("after_5_years", "After 5 years")]


def _maturity_rows(debt: dict, label) -> list[Row]:
    """Each instrument's maturity, borrowings then leases, named by `label(instrument)`;
    the entity's note and the group's (which names the entity too) share it."""
    rows = []
    for kind, heading in (("loan", "Borrowings"), ("lease", "Lease liabilities")):
        mine = [i for i in debt["instruments"] if i.get("kind") == kind]
        if mine:
            rows.append(Row(heading, [None] * len(DEBT_COLUMNS), "heading"))
            rows += [Row(label(i), [_d(i.get(k)) for k, _ in DEBT_COLUMNS]) for i in mine]
    return rows


def _instrument_name(instrument: dict) -> str:
    return str(instrument["instrument"]).split(":", 1)[-1]


def _debt_note(debt: dict, pack: dict, currency: str) -> StatementView | None:
    if not debt.get("instruments"):
        return None
    cols = DEBT_COLUMNS
    rows = _maturity_rows(debt, _instrument_name)
    totals = debt.get("totals") or {}
    rows.append(Row("Total", [_d(totals.get(k)) for k, _ in cols], "total"))
    gl = sum(((_d(debt.get(k)) or 0) for k in ("gl_debt", "gl_lease_liabilities")), Decimal(0))
    checks = [_tie("Instruments = general ledger debt and lease liabilities", totals.get("balance"), gl)]
    shown = _current_portions(pack)
    if shown is not None:
        checks.append(_tie("Due within 1 year = balance sheet current portions", totals.get("within_1_year"), shown))
    return StatementView("note_debt", "Note: borrowings and leases (maturity)", currency,
                         [label for _, label in cols], rows, checks)


def _lease_note(leases: dict, debt: dict, currency: str) -> StatementView | None:
    if not leases.get("leases"):
        return None
    rows = [Row(str(ls["lease"]).split(":", 1)[-1], [_d(ls.get(k)) for k, _ in LEASE_COLUMNS])
            for ls in leases["leases"]]
    totals = leases.get("totals") or {}
    rows.append(Row("Total", [_d(totals.get(k)) for k, _ in LEASE_COLUMNS], "total"))
    checks = [_tie("Right-of-use assets = general ledger", totals.get("rou_closing"), leases.get("gl_rou_assets")),
              _tie("Lease liabilities = general ledger", totals.get("liability"), debt.get("gl_lease_liabilities")),
              _tie("Due within + after 1 year = lease liabilities",
                   sum(((_d(totals.get(k)) or 0) for k in ("within_1_year", "after_1_year")), Decimal(0)),
                   totals.get("liability"))]
    return StatementView("note_leases", "Note: leases", f"{currency}, {_day(leases.get('from'))} to {_day(leases.get('to'))}",
                         [label for _, label in LEASE_COLUMNS], rows, checks)


def _tax_note(tax: dict, currency: str) -> StatementView | None:
    if not tax:
        return None
    rows = [Row("Profit before tax, year to date", [_d(tax.get("profit_before_tax_ytd"))]),
            Row("Income tax expense, year to date", [_d(tax.get("income_tax_expense_ytd"))]),
            Row("Effective tax rate", [_d(tax.get("effective_rate_pct"))], "rate"),
            Row("Income tax payable", [_d(tax.get("tax_payable"))]),
            Row("Tax receivable", [_d(tax.get("tax_receivable"))])]
    return StatementView("note_tax", "Note: income tax", currency, [currency], rows)


def _related_parties_note(rp: dict, currency: str) -> StatementView | None:
    parties, outside = rp.get("parties") or [], rp.get("outside_group") or {}
    stray = any((_d(outside.get(k)) or 0) != 0 for k, _ in RELATED_COLUMNS)
    if not parties and not stray:
        return None
    rows = [Row(f"{p['entity']} {p.get('name', '')} ({p.get('relationship', 'group entity')})",
                [_d(p.get(k)) for k, _ in RELATED_COLUMNS]) for p in parties]
    rows.append(Row("Total group entities", [_d((rp.get("totals") or {}).get(k)) for k, _ in RELATED_COLUMNS], "total"))
    if stray:
        names = ", ".join(str(c) for c in outside.get("counterparties") or [])
        rows.append(Row(f"Intercompany accounts toward no group entity ({names})",
                        [_d(outside.get(k)) for k, _ in RELATED_COLUMNS], "reconciling"))
    checks = [Check("Every intercompany amount is toward a group entity", None, None, not stray)]
    return StatementView("note_related_parties", "Note: related parties (group entities)",
                         f"{currency}; receivable and expense debit, payable and revenue credit",
                         [label for _, label in RELATED_COLUMNS], rows, checks)


def notes(pack: dict, currency: str) -> list[StatementView]:
    """The notes in the order a statutory set prints them: policies, fixed assets,
    leases, borrowings, income tax, related parties."""
    found = pack.get("notes") or {}
    debt = _metrics(found, "debt")
    views = [_policies_note(found), _fixed_assets_note(_metrics(found, "fixed_assets"), currency),
             _lease_note(_metrics(found, "leases"), debt, currency), _debt_note(debt, pack, currency),
             _tax_note(_metrics(found, "tax"), currency),
             _related_parties_note(_metrics(found, "related_parties"), currency)]
    return [v for v in views if v is not None]


# ------------------------------------------------------------------- group notes

GROUP_FA_COLUMNS = (("cost_opening", "Cost, opening"), ("additions", "Additions"),
                    ("disposals_cost", "Disposals"), ("cost_translation", "Translation difference"),
                    ("cost_closing", "Cost, closing"), ("depreciation_closing", "Accumulated depreciation"),
                    ("nbv_closing", "Net book value"))
GROUP_LEASE_COLUMNS = (LEASE_COLUMNS[:3] + (("rou_translation", "Translation difference"),)
                       + LEASE_COLUMNS[3:])
PAIR_COLUMNS = (("receivable", "Receivable"), ("payable", "Payable"),
                ("balance_difference", "Difference"), ("revenue_ytd", "Revenue, year to date"),
                ("expense_ytd", "Expense, year to date"))
NCI_COLUMNS = (("equity", "Equity"), ("profit_mtd", "Profit, month"), ("profit_ytd", "Profit, year to date"))
TRANSLATED = "translated: balances at the closing rate, the year's movements at its average rate"


def _checks(note: dict) -> list[Check]:
    return [_tie(c.get("check"), c.get("note"), c.get("balance_sheet")) for c in note.get("checks") or []]


def _group_fixed_assets(fa: dict, currency: str) -> StatementView | None:
    if not fa.get("classes"):
        return None
    rows = [Row(str(c["asset_class"]), [_d(c.get(k)) for k, _ in GROUP_FA_COLUMNS]) for c in fa["classes"]]
    rows.append(Row("Total", [_d((fa.get("totals") or {}).get(k)) for k, _ in GROUP_FA_COLUMNS], "total"))
    rows.append(Row("Register to general ledger, at the closing rate",
                    [None] * (len(GROUP_FA_COLUMNS) - 1) + [_d(fa.get("register_to_gl"))], "reconciling"))
    return StatementView("note_fixed_assets", "Note: property, plant and equipment",
                         f"{currency}, {TRANSLATED}", [label for _, label in GROUP_FA_COLUMNS], rows,
                         _checks(fa))


def _group_leases(leases: dict, currency: str) -> StatementView | None:
    if not leases.get("leases"):
        return None
    rows = [Row(f"{ls['entity']} {str(ls['lease']).split(':', 1)[-1]}",
                [_d(ls.get(k)) for k, _ in GROUP_LEASE_COLUMNS]) for ls in leases["leases"]]
    rows.append(Row("Total", [_d((leases.get("totals") or {}).get(k)) for k, _ in GROUP_LEASE_COLUMNS], "total"))
    return StatementView("note_leases", "Note: leases", f"{currency}, {TRANSLATED}",
                         [label for _, label in GROUP_LEASE_COLUMNS], rows, _checks(leases))


def _group_debt(debt: dict, currency: str) -> StatementView | None:
    if not debt.get("instruments"):
        return None
    cols = DEBT_COLUMNS
    rows = _maturity_rows(debt, lambda i: f"{i['entity']} {_instrument_name(i)}")
    rows.append(Row("Total", [_d((debt.get("totals") or {}).get(k)) for k, _ in cols], "total"))
    gaps = debt.get("register_to_gl") or {}
    for key, label in (("loans", "borrowings"), ("leases", "lease liabilities")):
        if (_d(gaps.get(key)) or 0) != 0:
            rows.append(Row(f"Register to general ledger, {label}", [_d(gaps.get(key))] + [None] * (len(cols) - 1),
                            "reconciling"))
    return StatementView("note_debt", "Note: borrowings and leases (maturity)",
                         f"{currency}, at the closing rate", [label for _, label in cols], rows, _checks(debt))


def _group_tax(tax: dict, currency: str) -> StatementView | None:
    if not tax:
        return None
    view = _tax_note(tax, currency)
    view.subtitle = f"{currency}, {TRANSLATED}"
    view.rows.insert(2, Row("Translation at each month's average rate (income statement)",
                            [_d(tax.get("translation_at_monthly_rates"))], "reconciling"))
    view.checks = _checks(tax)
    return view


def _group_related_parties(rp: dict, currency: str) -> list[StatementView]:
    checks = _checks(rp)
    nci_checks = [c for c in checks if c.label.startswith("Minorities'")]
    views, checks = [], [c for c in checks if c not in nci_checks]
    if rp.get("pairs"):
        rows = [Row(f"{p['provider']} to {p['recipient']}", [_d(p.get(k)) for k, _ in PAIR_COLUMNS])
                for p in rp["pairs"]]
        views.append(StatementView("note_related_parties", "Note: related parties (eliminated on consolidation)",
                                   f"{currency}; by providing and receiving entity",
                                   [label for _, label in PAIR_COLUMNS], rows, checks))
    nci = rp.get("non_controlling_interests") or {}
    if nci:
        rows = [Row(f"{eid} ({n.get('minority_pct')}% minority)", [_d(n.get(k)) for k, _ in NCI_COLUMNS])
                for eid, n in sorted(nci.items())]
        views.append(StatementView("note_nci", "Note: non-controlling interests", currency,
                                   [label for _, label in NCI_COLUMNS], rows, nci_checks))
    return views


def group_notes(found: dict, currency: str) -> list[StatementView]:
    """The group's notes (stmt.consolidation's metrics.statutory.notes), in the entity
    notes' order, each with its ties to the consolidated balance sheet."""
    if not found or found.get("skipped"):
        return []
    views = [_policies_note(found)]
    if found.get("missing_rates"):
        return [v for v in views if v is not None]
    views += [_group_fixed_assets(_metrics(found, "fixed_assets"), currency),
              _group_leases(_metrics(found, "leases"), currency),
              _group_debt(_metrics(found, "debt"), currency),
              _group_tax(_metrics(found, "tax"), currency)]
    views += _group_related_parties(_metrics(found, "related_parties"), currency)
    return [v for v in views if v is not None]


# ------------------------------------------------------------------------- sets

def _find(results, skill_id, entity_id):
    for r in results:
        if r.get("id") == skill_id and r.get("entity_id") == entity_id and r.get("status") not in ("skipped", "error"):
            return r.get("metrics") or {}
    return None


def _bs_cash(lines, cash_line):
    for ln in lines or []:
        if cash_line and ln.get("line") == cash_line and ln.get("kind", "line") == "line":
            return cash_line, ln
    return None


def entity_set(results, entity: EntityInfo) -> StatutorySet | None:
    cur = entity.currency
    statements = []
    bs = _find(results, "stmt.balance_sheet", entity.id)
    inc = _find(results, "stmt.income_statement", entity.id)
    cf = _find(results, "stmt.cash_flow", entity.id)
    eq = _find(results, "stmt.equity_changes", entity.id)
    pack = _find(results, "stmt.statutory_pack", entity.id)
    if bs:
        statements.append(_entity_balance_sheet(bs, cur))
    if inc:
        statements.append(income_statement(inc.get("lines") or [], [
            ("amount", "Month"), ("ytd", "Year to date"), ("prior_year_ytd", "Year to date, prior year")],
            "Income statement", cur))
    if cf:
        statements.append(cash_flow(cf, _bs_cash((bs or {}).get("lines"), (bs or {}).get("cash_line")),
                                    cur, "Statement of cash flows"))
    if eq:
        statements.append(equity_changes(eq, (bs or {}).get("total_equity"), cur,
                                         "Statement of changes in equity"))
    if pack:
        statements += notes(pack, cur)
    return StatutorySet(entity, cur, statements) if statements else None


def group_set(results, reporting: str) -> StatutorySet | None:
    group = _find(results, "stmt.consolidation", None)
    if not group:
        return None
    entity = EntityInfo(id="Group", name="consolidated", currency=reporting)
    st = group.get("statutory") or {}
    statements = []
    table = st.get("balance_sheet")
    if table:
        statements.append(balance_sheet(table["lines"], st.get("columns") or {}, table.get("subtotals") or {},
                                        table.get("totals") or {}, "Consolidated balance sheet", reporting))
    if group.get("income_statement"):
        statements.append(income_statement(group["income_statement"], [("amount", "Month"), ("ytd", "Year to date")],
                                           "Consolidated income statement", reporting))
    if st.get("cash_flow") and table:
        statements.append(cash_flow(st["cash_flow"], _bs_cash(table["lines"], st.get("cash_line")), reporting,
                                    "Consolidated statement of cash flows"))
    if st.get("equity_changes") and table:
        statements.append(equity_changes(st["equity_changes"], (table["totals"].get("total_equity") or {}).get("amount"),
                                         reporting, "Consolidated statement of changes in equity"))
    statements += group_notes(st.get("notes") or {}, reporting)
    for view in statements:
        if st.get("missing_rates"):
            view.note = "Comparatives not stated: rates missing for " + ", ".join(st["missing_rates"])
    return StatutorySet(entity, reporting, statements) if statements else None


def statutory_sets(doc, entities: list[EntityInfo], reporting: str) -> list[StatutorySet]:
    """The group's set first, then each entity's, from a results document."""
    if hasattr(doc, "results"):          # close.results.ResultsDoc, read and checked
        results = [r.to_dict() for r in doc.results]
    else:                                # results.json as parsed JSON
        results = [r for r in doc.get("skills") or [] if isinstance(r, dict)]
    sets = [group_set(results, reporting)] + [entity_set(results, e) for e in entities]
    return [s for s in sets if s is not None]

"""The tabs of the workpapers, each written once, top to bottom.

Order in the file is the order a reviewer reads: Cover, Summary, the trial balances,
one tab per reconciliation, Flux, Proposed entries, Checks. Because the workbook is
streamed, every cross-tab reference is planned first (`Plan`): where each TB row, each
reconciliation's figures and each check land, so the Cover can count the checks' FAILs
and the Summary can link to a tab written after it.

Formulas use only SUM, SUMIFS, INDEX/MATCH, ROUND and IF over plain ranges, so
Excel, LibreOffice and an independent evaluator all compute them the same way.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from close.report.numbers import month_label
from close.report.workpapers.books import (TIMING, Entry, EntityBooks, Item, Recon, Variance)
from close.report.workpapers.cells import (NOTE_FONT, PASS_FONT, PERCENT_FORMAT, SUB_BORDER, SheetNames,
                                           Tab, quote_sheet, ref, string_literal)

SUMMARY, COVER, FLUX, ENTRIES, CHECKS = "Summary", "Cover", "Flux", "Proposed entries", "Checks"
WILDCARDS = set("*?~<>=")
TICKS = (("T", "Agreed to the trial balance: the amount is a formula on the entity's TB tab."),
         ("S", "Agreed to the supporting evidence as the close computed it (the skill named in the header)."),
         ("R", "Recomputed: the amount is a formula on the figures above it."),
         ("F", "Footed: the total is a SUM formula over the items listed."),
         ("✓ / ✗", "The workbook's figure agrees / does not agree with the close's own figure beside it."))
ITEM_ROWS_SPARE = 1   # an open row under the items, for a preparer to add one
MAX_REF_ROWS = 20     # rows of the books shown per ref


def criterion(account: str, cell: str | None) -> str:
    """A SUMIFS criterion matching `account` exactly: the cell holding it, or a literal
    with wildcards escaped when the id holds characters SUMIFS would read as operators."""
    if cell and not (WILDCARDS & set(account)):
        return cell
    escaped = account.replace("~", "~~").replace("*", "~*").replace("?", "~?")
    return string_literal("=" + escaped)


@dataclass
class TbPlace:
    sheet: str
    first: int
    last: int
    total: int

    def column(self, letter: str) -> str:
        return f"{quote_sheet(self.sheet)}!${letter}${self.first}:${letter}${self.last}"

    def sumifs(self, accounts: list[str], cell: str | None = None) -> str:
        parts = [f"SUMIFS({self.column('I')},{self.column('A')},{criterion(a, cell if len(accounts) == 1 else None)})"
                 for a in accounts]
        return "+".join(parts) if parts else "0"


@dataclass
class ReconPlace:
    gl: int = 0
    supporting: int = 0
    difference: int = 0
    first_item: int = 0
    items_total: int = 0
    unexplained: int = 0
    status: int = 0


@dataclass
class Check:
    label: str
    entity: str
    places: int
    workbook: str          # formula
    expected: object       # a Decimal (the close's figure) or a formula (str)
    kind: str              # "tie" (the workbook agrees with itself and the close) or "books"
    basis: str
    goto: tuple[str, str] | None = None


@dataclass
class Plan:
    """Where everything lands, decided before the first row is written."""

    month: str
    last_day: date | None
    tb: dict[str, TbPlace] = field(default_factory=dict)
    tb_sheet: dict[str, str] = field(default_factory=dict)
    recon_rows: dict[int, ReconPlace] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    checks_first: int = 5
    summary_rows: dict[str, tuple[int, int]] = field(default_factory=dict)   # entity -> first, last
    recon_rows_by_sheet: dict[str, ReconPlace] = field(default_factory=dict)

    @property
    def checks_last(self) -> int:
        return self.checks_first + len(self.checks) - 1

    def fail_count(self, kind: str | None = None) -> str:
        column = f"{quote_sheet(CHECKS)}!$H${self.checks_first}:$H${max(self.checks_last, self.checks_first)}"
        if kind is None:
            return f"SUM({column})"
        kinds = f"{quote_sheet(CHECKS)}!$C${self.checks_first}:$C${max(self.checks_last, self.checks_first)}"
        return f"SUMIFS({column},{kinds},{string_literal(kind)})"


def _places_of(books: dict[str, EntityBooks], entity_id: str) -> int:
    return books[entity_id].places if entity_id in books else 2


# Trial balance -----------------------------------------------------------------------

def tb_tab(wb, plan: Plan, book: EntityBooks, recon_of: dict[tuple[str, str], Recon]) -> None:
    p = book.places
    place = plan.tb[book.entity.id]
    tab = Tab(wb, place.sheet, [12, 40, 11, 24, 34, 17, 17, 17, 17, 16], freeze="C5", title_rows="1:4")
    tab.title(f"Trial balance {book.entity.label} — {month_label(plan.month)} ({book.entity.currency})",
              back=("← Summary", SUMMARY))
    tab.add([tab.text("Source: je.trial_balance, the journal to the month end; subtype and statement line "
                      "from stmt.trial_balance_export. Debits positive, credits in parentheses; closing = "
                      "opening + debit − credit, recomputed by formula.", font=NOTE_FONT)])
    tab.blank()
    tab.header(["Account", "Name", "Type", "Subtype", "Statement line", "Opening", "Debit", "Credit",
                "Closing", "Reconciled in"])
    for row in book.tb:
        n = tab.row + 1
        recon = recon_of.get((book.entity.id, row.account))
        tab.add([tab.text(row.account), tab.text(row.name), tab.text(row.type), tab.text(row.subtype),
                 tab.text(row.line), tab.amount(row.opening, p), tab.amount(row.debit, p),
                 tab.amount(row.credit, p), tab.formula(f"ROUND(F{n}+G{n}-H{n},{p})", p),
                 tab.link(recon.sheet, recon.sheet) if recon else None])
    tab.filter(4, 10)
    first, last = 5, max(tab.row, 5)
    cells = [tab.text("Total", bold=True)] + [None] * 4
    cells += [tab.formula(f"SUM({c}{first}:{c}{last})", p, total=True) for c in "FGHI"]
    tab.add(cells)
    tab.add([tab.text("Check: closing balances sum to zero", bold=True), None, None, None, None, None, None,
             None, tab.formula(f'IF(ROUND(I{place.total},{p})=0,"PASS","FAIL")', None, bold=True)])


# Reconciliation tabs -----------------------------------------------------------------

def _age(item: Item, lines: dict[str, list[dict]], last_day: date | None,
         totals: dict[str, dict] | None = None) -> int | None:
    """Days from the earliest date the item's rows carry (each row's first dated column)
    to the month end: from `totals` (close.refs.first_rows_and_totals, all the rows) where given,
    else from the rows at hand."""
    if last_day is None:
        return None
    days = []
    for r in item.refs:
        whole = (totals or {}).get(r)
        if whole is not None:
            if whole["earliest"] is not None:
                days.append((last_day - whole["earliest"]).days)
            continue
        for row in lines.get(r, []):
            for key, value in row.items():
                if key.endswith("date") and isinstance(value, date):
                    days.append((last_day - value).days)
                    break
    return max(days) if days else None


def recon_tab(wb, plan: Plan, recon: Recon, book: EntityBooks, *, prepared_by: str, prepared_on: str,
              pack: str, lines: dict[str, list[dict]], totals: dict[str, dict] | None = None) -> None:
    p = book.places
    place = plan.recon_rows[id(recon)]
    tb = plan.tb.get(recon.entity_id)
    tab = Tab(wb, recon.sheet, [38, 46, 18, 8, 18, 8, 16], freeze="A2", landscape=False)
    names = "; ".join(f"{a} {book.row(a).name}" if book.row(a) else a for a in recon.accounts)
    tab.title(f"{recon.sheet} · {names}", back=("← Summary", SUMMARY))
    tab.add([tab.text(f"Amounts in {book.entity.currency} as in the trial balance: debits positive, "
                      f"credits in parentheses. Yellow cells may be changed; everything else is a "
                      f"formula or the close's own figure.", font=NOTE_FONT)])
    tab.blank()
    review = recon.review
    reviewer = (getattr(review, "decided_by", "") or "") if review else ""
    header = [("Entity", book.entity.label), ("Account" + ("s" if len(recon.accounts) > 1 else ""), names),
              ("Period", f"{month_label(plan.month)}: balance at {plan.last_day or plan.month}"),
              ("Reconciliation", f"{recon.title} ({recon.skill_id})"),
              ("Supporting evidence", recon.support), ("Source", pack),
              ("Preparer", prepared_by), ("Prepared on", prepared_on),
              ("Reviewer", reviewer or "—"),
              ("Review status", review.label if review else "no review item: the check raised no exception"
               if recon.status == "pass" else "review state unavailable")]
    for label, value in header:
        tab.add([tab.text(label, bold=True), tab.text(value, wrap=True)])
    tab.blank()
    tab.header(["Balance", "Computed from", "Amount", "Tick", "Per the close", "Agrees"])

    def agree(row: int) -> object:
        return tab.formula(f'IF(ROUND(C{row}-E{row},{p})=0,"✓","✗")', None, font=PASS_FONT)

    gl_formula = tb.sumifs(recon.accounts) if tb else None
    tab.add([tab.text("Balance per general ledger", bold=True),
             tab.text(f"{tb.sheet}, closing" if tb else "no trial balance in this run"),
             tab.formula(gl_formula, p) if gl_formula else tab.amount(recon.gl, p),
             tab.text("T" if tb else ""), tab.amount(recon.gl, p), agree(place.gl)])
    tab.add([tab.text(f"Balance per {_lower(recon.support)}", bold=True),
             tab.text(recon.skill_id), tab.amount(recon.supporting, p, editable=True), tab.text("S"),
             tab.amount(recon.supporting, p), agree(place.supporting)])
    tab.add([tab.text("Difference (GL − supporting)", bold=True), tab.text("recomputed"),
             tab.formula(f"ROUND(C{place.gl}-C{place.supporting},{p})", p, bold=True), tab.text("R"),
             tab.amount(recon.difference, p), agree(place.difference)])
    tab.blank()
    tab.header(["Reconciling item", "Refs", "Amount", "Type", "Age (days)", "", "Source"])
    for item in recon.items:
        age = _age(item, lines, plan.last_day, totals)
        label = item.description + (f" ({item.count} items)" if item.count else "")
        tab.add([tab.text(label, wrap=True), tab.text(", ".join(item.refs), wrap=True),
                 tab.amount(item.amount, p, editable=True), tab.text(item.kind, editable=True),
                 tab.count(age), None, tab.text(item.source)])
    for _ in range(ITEM_ROWS_SPARE):
        tab.add([tab.text("", editable=True), tab.text("", editable=True), tab.amount(None, p, editable=True),
                 tab.text("", editable=True)])
    tab.add([tab.text("Total reconciling items", bold=True), None,
             tab.formula(f"SUM(C{place.first_item}:C{place.items_total - 1})", p, total=True), tab.text("F")])
    expected = recon.unexplained
    tab.add([tab.text("Unexplained difference", bold=True), tab.text("difference − reconciling items"),
             tab.formula(f"ROUND(C{place.difference}-C{place.items_total},{p})", p, bold=True), tab.text("R"),
             tab.amount(expected, p), agree(place.unexplained)])
    tab.add([tab.text("Status", bold=True), None,
             tab.formula(f'IF(ROUND(C{place.unexplained},{p})=0,"Reconciled","Unexplained difference")', None,
                         bold=True)])
    noted = len(recon.exceptions)
    support = _lower(recon.support)
    tail = (f" {noted} exception{'s' if noted != 1 else ''} noted below need{'s' if noted == 1 else ''} "
            f"a decision." if noted else " No exception noted.")
    tab.add([tab.text("Conclusion", bold=True), tab.formula(
        f'IF(ROUND(C{place.unexplained},{p})=0,{string_literal("The balance agrees to the " + support + " after the reconciling items listed." + tail)},'
        f'{string_literal("The balance does not agree to the " + support + ": the unexplained difference must be investigated before sign-off." + tail)})',
        None)])
    if recon.omitted:
        tab.add([tab.text(f"{recon.omitted.count} further finding(s) of {recon.skill_id}, totalling "
                          f"{format(recon.omitted.amount, 'f')}, are listed in findings.csv.", font=NOTE_FONT)])
    if recon.exceptions:
        tab.blank()
        tab.header(["Exception noted (not part of the tie-out)", "Refs", "Amount", "Severity", "", "", "Source"])
        for item in recon.exceptions:
            tab.add([tab.text(item.description, wrap=True), tab.text(", ".join(item.refs), wrap=True),
                     tab.amount(item.amount, p), tab.text(item.severity), None, None, tab.text(item.source)])
    shown = [(r, row) for item in recon.items + recon.exceptions for r in item.refs for row in lines.get(r, [])[:MAX_REF_ROWS]]
    if shown:
        tab.blank()
        tab.header(["Books behind the items (ref, line)", "Description", "Debit − credit", "Account", "Date", "", "Ref"])
        seen = set()
        for r, row in shown:
            key = (r, tuple(sorted((k, str(v)) for k, v in row.items())))
            if key in seen:
                continue
            seen.add(key)
            amount = _row_amount(row)
            when = next((v for k, v in row.items() if k.endswith("date") and isinstance(v, date)), None)
            label = " ".join(str(row[k]) for k in ("je_id", "line_no") if row.get(k) is not None) or r
            tab.add([tab.text(label), tab.text(_row_text(row), wrap=True), tab.amount(amount, p),
                     tab.text(row.get("account_id") or row.get("gl_account_id") or ""),
                     tab.text(when.isoformat() if when else ""), None, tab.text(r)])
    tab.blank()
    tab.add([tab.text("Tick marks", bold=True)])
    for mark, meaning in TICKS:
        tab.add([tab.text(mark, bold=True), tab.text(meaning)])
    tab.blank()
    cells = [tab.link("← Back to Summary", SUMMARY)]
    if tb:
        cells.append(tab.link(f"{tb.sheet} (trial balance)", tb.sheet))
    tab.add(cells)


def _lower(text: str) -> str:
    """'Loan schedule' -> 'loan schedule'; 'AR subledger' stays."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _row_amount(row: dict) -> Decimal | None:
    if isinstance(row.get("debit"), Decimal) or isinstance(row.get("credit"), Decimal):
        return (row.get("debit") or Decimal(0)) - (row.get("credit") or Decimal(0))
    value = row.get("amount")
    return value if isinstance(value, Decimal) else None


def _row_text(row: dict) -> str:
    for key in ("description", "memo", "name", "narrative"):
        if row.get(key):
            return str(row[key])
    return ""


def plan_recon(recon: Recon) -> ReconPlace:
    """Rows of a reconciliation tab's figures (its layout in recon_tab, counted)."""
    header_rows = 10
    gl = 3 + header_rows + 3   # title, note, blank, header block, blank, table head
    first_item = gl + 5                    # GL, supporting, difference, blank, items head
    items_total = first_item + len(recon.items) + ITEM_ROWS_SPARE
    return ReconPlace(gl=gl, supporting=gl + 1, difference=gl + 2, first_item=first_item,
                      items_total=items_total, unexplained=items_total + 1, status=items_total + 2)


# Summary -----------------------------------------------------------------------------

SUMMARY_HEAD = ["Entity", "Currency", "Account", "Account name", "Reconciliation", "GL balance",
                "Supporting balance", "Difference", "Reconciling items", "Unexplained", "Status",
                "Exceptions noted", "Preparer", "Reviewer", "Review", "Prepared on", "Counted in TB tie",
                "Tab's unexplained"]


@dataclass
class SummaryRow:
    book: EntityBooks
    accounts: list[str]
    names: str
    recon: Recon | None


def summary_rows(books: list[EntityBooks], recons: list[Recon]) -> list[SummaryRow]:
    """One row per reconciliation and one per balance-sheet account no reconciliation
    covers, entity by entity in TB order: every balance-sheet account appears once."""
    rows = []
    for book in books:
        mine = [r for r in recons if r.entity_id == book.entity.id]
        placed: set[int] = set()
        for tb_row in book.tb:
            if not tb_row.balance_sheet:
                continue
            covering = [r for r in mine if tb_row.account in r.accounts]
            if not covering:
                rows.append(SummaryRow(book, [tb_row.account], tb_row.name, None))
            for recon in covering:
                if id(recon) not in placed:
                    placed.add(id(recon))
                    rows.append(SummaryRow(book, recon.accounts, "; ".join(
                        book.row(a).name if book.row(a) else a for a in recon.accounts), recon))
        for recon in mine:   # accounts the TB does not hold
            if id(recon) not in placed:
                rows.append(SummaryRow(book, recon.accounts, ", ".join(recon.accounts), recon))
    return rows


def summary_tab(wb, plan: Plan, rows: list[SummaryRow], *, prepared_by: str, prepared_on: str) -> None:
    tab = Tab(wb, SUMMARY, [8, 8, 12, 34, 18, 17, 17, 15, 15, 15, 22, 10, 14, 14, 14, 12, 9, 15],
              freeze="F5", title_rows="1:4")
    tab.title(f"Balance sheet reconciliations — {month_label(plan.month)}", back=("← Cover", COVER))
    tab.add([tab.text("Every balance-sheet account of every entity: its GL balance (SUMIFS over the entity's "
                      "TB tab), what supports it, and the tab that reconciles it. Amounts in each entity's "
                      "currency, debits positive.", font=NOTE_FONT)])
    tab.blank()
    tab.header(SUMMARY_HEAD)
    for row in rows:
        n, p, recon = tab.row + 1, row.book.places, row.recon
        tb = plan.tb.get(row.book.entity.id)
        gl = tab.formula(tb.sumifs(row.accounts, f"$C{n}"), p) if tb else tab.amount(recon.gl if recon else None, p)
        if recon is not None:
            place = plan.recon_rows[id(recon)]
            review = recon.review
            cells = [tab.link(recon.sheet, recon.sheet),
                     gl, tab.formula(ref(recon.sheet, "C", place.supporting), p),
                     tab.formula(f"ROUND(F{n}-G{n},{p})", p), tab.formula(ref(recon.sheet, "C", place.items_total), p),
                     tab.formula(f"ROUND(H{n}-I{n},{p})", p),
                     tab.formula(f'IF(ROUND(J{n},{p})=0,"Reconciled","Unexplained difference")', None),
                     tab.count(len(recon.exceptions)),
                     tab.text(getattr(review, "preparer", "") or prepared_by if review else prepared_by),
                     tab.text(getattr(review, "decided_by", "") or "" if review else ""),
                     tab.text(review.label if review else "no item (passed)"),
                     tab.text(prepared_on), tab.count(1 if recon.counted else 0),
                     tab.formula(ref(recon.sheet, "C", place.unexplained), p)]
        else:
            cells = [tab.text(""), gl, None, None, None, None,
                     tab.formula(f'IF(ROUND(F{n},{p})=0,"Zero balance","Not reconciled by the close")', None),
                     None, None, None, None, None, tab.count(1), None]
        tab.add([tab.text(row.book.entity.id), tab.text(row.book.entity.currency), tab.text(", ".join(row.accounts)),
                 tab.text(row.names), *cells])
    tab.filter(4, len(SUMMARY_HEAD))


# Flux --------------------------------------------------------------------------------

def flux_tab(wb, plan: Plan, found: list[Variance], books: dict[str, EntityBooks]) -> tuple[int, int]:
    tab = Tab(wb, FLUX, [8, 14, 10, 34, 17, 17, 17, 10, 44, 44], freeze="E5", title_rows="1:4")
    tab.title(f"Flux: variances above both thresholds — {month_label(plan.month)}", back=("← Cover", COVER))
    tab.add([tab.text("From flux.month_over_month and flux.year_over_year: each account whose movement is above "
                      "the amount and the percentage thresholds, the entries that drive it, and the review's "
                      "explanation where the close asks for one.", font=NOTE_FONT)])
    tab.blank()
    tab.header(["Entity", "Compared with", "Account", "Name", "Current", "Comparison", "Variance", "Change %",
                "Driving entries", "Explanation"])
    for v in found:
        n, p = tab.row + 1, _places_of(books, v.entity_id)
        explanation = (v.explanation or "Explanation required") if v.needs_explanation else "Not required: no finding"
        tab.add([tab.text(v.entity_id), tab.text(v.comparison), tab.text(v.account), tab.text(v.name),
                 tab.amount(v.current, p), tab.amount(v.prior, p, editable=True), tab.formula(f"ROUND(E{n}-F{n},{p})", p),
                 tab.formula(f'IF(F{n}=0,"",ROUND((E{n}-F{n})/IF(F{n}<0,-F{n},F{n})*100,1))', None,
                             number_format=PERCENT_FORMAT),
                 tab.text(v.drivers, wrap=True), tab.text(explanation, wrap=True,
                                                          editable=v.needs_explanation)])
    tab.filter(4, 10)
    return 5, max(tab.row, 5)


# Proposed entries --------------------------------------------------------------------

def entries_tab(wb, plan: Plan, entries: list[Entry], books: dict[str, EntityBooks]) -> tuple[int, int]:
    tab = Tab(wb, ENTRIES, [9, 8, 8, 26, 30, 16, 16, 14, 60, 22], freeze="D5", title_rows="1:4")
    tab.title(f"Proposed adjusting entries — {month_label(plan.month)}", back=("← Cover", COVER))
    tab.add([tab.text("Entries the reconciling items imply (errors and adjustments; timing items clear by "
                      "themselves), linked to the item on their tab so a changed item changes its entry; and "
                      "the intercompany eliminations stmt.ic_eliminations proposes. Not posted: for the "
                      "preparer to post or reject.", font=NOTE_FONT)])
    tab.blank()
    tab.header(["Entry", "Entity", "Currency", "Account", "Account name", "Debit", "Credit", "Entry balance",
                "Description", "Source"])
    first = tab.row + 1
    spans = [(entry, first + sum(len(e.lines) for e in entries[:i])) for i, entry in enumerate(entries)]
    last = first + sum(len(e.lines) for e in entries) - 1
    for entry, start in spans:
        p = _places_of(books, entry.entity_id) if entry.entity_id in books else 2
        for index, line in enumerate(entry.lines):
            n = tab.row + 1
            if line.source_sheet and line.item_index >= 0:
                place = plan.recon_rows_by_sheet[line.source_sheet]
                item = ref(line.source_sheet, "C", place.first_item + line.item_index)
                reconciled = index == 0   # the reconciled account moves against the item
                debit = tab.formula(f"IF({item}{'<' if reconciled else '>'}0,{'-' if reconciled else ''}{item},0)", p)
                credit = tab.formula(f"IF({item}{'>' if reconciled else '<'}0,{'' if reconciled else '-'}{item},0)", p)
            else:
                debit, credit = tab.amount(line.debit or Decimal(0), p), tab.amount(line.credit or Decimal(0), p)
            balance = (f"ROUND(SUM(F{start}:F{start + len(entry.lines) - 1})-SUM(G{start}:G{start + len(entry.lines) - 1}),{p})")
            source = tab.link(entry.source, line.source_sheet) if line.source_sheet else tab.text(entry.source)
            tab.add([tab.text(entry.number), tab.text(entry.entity_id), tab.text(entry.currency),
                     tab.text(line.account or "(to be chosen)", editable=not line.account),
                     tab.text(line.label), debit, credit, tab.formula(balance, p),
                     tab.text(entry.description if index == 0 else "", wrap=True), source])
    tab.filter(4, 10)
    if entries:
        tab.add([tab.text("Total", bold=True), None, None, None, None,
                 tab.formula(f"SUM(F{first}:F{last})", 2, total=True),
                 tab.formula(f"SUM(G{first}:G{last})", 2, total=True)])
    else:
        tab.add([tab.text("No entry is implied: every reconciling item is a timing difference, or there is none.")])
    return first, last


# Checks ------------------------------------------------------------------------------

def checks_tab(wb, plan: Plan) -> None:
    tab = Tab(wb, CHECKS, [6, 58, 7, 8, 18, 18, 14, 8, 8, 18, 70], freeze="D5", title_rows="1:4")
    tab.title(f"Checks: the workbook ties — {month_label(plan.month)}", back=("← Cover", COVER))
    tab.add([tab.text("Each check sets a figure the workbook computes against the close's own figure (or "
                      "another part of the workbook). 'tie' checks PASS whenever the workbook is intact; a "
                      "'books' check FAILs when the books themselves do not balance, as the close reports.",
                      font=NOTE_FONT)])
    tab.blank()
    tab.header(["#", "Check", "Kind", "Entity", "Workbook", "Expected", "Difference", "Fail", "Result",
                "Go to", "Basis"])
    for number, check in enumerate(plan.checks, start=1):
        n, p = tab.row + 1, check.places
        expected = (tab.formula(check.expected, p) if isinstance(check.expected, str)
                    else tab.amount(check.expected, p))
        tab.add([tab.count(number), tab.text(check.label, wrap=True), tab.text(check.kind),
                 tab.text(check.entity), tab.formula(check.workbook, p), expected,
                 tab.formula(f"ROUND(E{n}-F{n},{p})", p), tab.formula(f'IF(ROUND(G{n},{p})=0,0,1)', None),
                 tab.formula(f'IF(H{n}=0,"PASS","FAIL")', None, bold=True),
                 tab.link(*check.goto) if check.goto else None, tab.text(check.basis, wrap=True)])
    tab.filter(4, 11)
    if plan.checks:
        tab.add([None, tab.text("Checks that FAIL", bold=True), None, None, None, None, None,
                 tab.formula(plan.fail_count(), None, total=True)])

"""Excel workpapers an auditor can follow: one reconciliation per tab, formulas that tie.

    write_workpapers(doc, path, review_state=state, inputs=Inputs(...), entity_id=None)

report.xlsx holds the close's figures as values for filtering; workpapers.xlsx is the
month's file a controller hands over. Every balance-sheet account of every entity is on
the Summary with its GL balance computed from the entity's TB tab; each reconciliation
has its own tab (R-<entity>-<account>) where the GL balance, the supporting balance, the
reconciling items and the unexplained difference are formulas, so changing an item moves
the difference, the Summary and the Checks. The Checks tab sets each figure the workbook
computes against the close's own (results.json), so a workbook that was edited, or books
that do not balance, show up as FAIL cells rather than as a quiet difference.

The workbook reads results.json, the review state, and `Inputs`: what the pipeline
fetched for it from outside results.json (the files of the pack with their SHA-256,
who ran the close and when, the parameters, the rows of the books behind each
reconciling item, the review's explanations). It never reaches the books itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook

from close.report.model import _entities
from close.report.numbers import month_label
from close.report.review_view import review_view
from close.report.workpapers import tabs
from close.report.workpapers.books import (RECONCILIATIONS, EntityBooks, entity_books, proposed_entries,
                                           reconciliations, variances)
from close.report.workpapers.cells import NOTE_FONT, SheetNames, Tab, quote_sheet, ref, string_literal
from close.results import ResultsDoc, read_results

WORKPAPERS_FILE = "workpapers.xlsx"
RECONCILIATION_SKILLS = tuple(RECONCILIATIONS)


@dataclass
class Inputs:
    """What the workpapers show that results.json does not hold (close.pipeline fills it)."""

    prepared_by: str = ""
    generated_at: str = ""                                    # ISO 8601, UTC
    sources: list[tuple[str, str, int]] = field(default_factory=list)     # file, sha256, bytes
    parameters: list[tuple[str, str, str]] = field(default_factory=list)  # name, value, scope
    lines: dict[str, list[dict]] = field(default_factory=dict)   # ref -> rows of the books (the first)
    notes: dict[str, list[str]] = field(default_factory=dict)    # review item key -> explanations
    totals: dict[str, dict] = field(default_factory=dict)   # ref -> all its rows, added up (close.refs)


def workpapers_file(entity_id: str | None = None) -> str:
    return WORKPAPERS_FILE if entity_id is None else f"workpapers-{entity_id}.xlsx"


def refs_wanted(doc: ResultsDoc | dict) -> list[str]:
    """The refs whose rows of the books the reconciliation tabs show (and date for age):
    those of the reconciliations' items and exceptions. Bounded: results.json lists at
    most FINDINGS_PER_RESULT findings per result."""
    doc = read_results(doc)
    entities = _entities(doc, None)
    books = entity_books(doc, entities)
    found: dict[str, None] = {}
    for recon in reconciliations(doc, books, review_view(None)):
        for item in recon.items + recon.exceptions:
            for r in item.refs:
                found.setdefault(r, None)
    return list(found)


def write_workpapers(doc: ResultsDoc | dict, path: Path, review_state=None, inputs: Inputs | None = None,
                     entity_id: str | None = None) -> Path:
    """Write the workpapers of a results document (read through close.results' reader)
    to `path` (one entity's with entity_id)."""
    doc = read_results(doc)
    inputs = inputs or Inputs()
    review = review_view(review_state)
    entities = _entities(doc, None)
    if entity_id is not None:
        entities = [e for e in entities if e.id == entity_id]
    books = [b for b in entity_books(doc, entities)]
    books_by = {b.entity.id: b for b in books}
    recons = reconciliations(doc, books, review)
    found = [v for v in variances(doc, review, inputs.notes) if v.entity_id in books_by]
    month = str(doc.month)
    last_day = _last_day(month)

    names = SheetNames()
    for fixed in (tabs.COVER, tabs.SUMMARY, tabs.FLUX, tabs.ENTRIES, tabs.CHECKS):
        names.take(fixed)
    plan = tabs.Plan(month=month, last_day=last_day)
    for book in books:
        if book.tb:
            sheet = names.take(f"TB-{book.entity.id}")
            first = 5
            last = first + len(book.tb) - 1
            plan.tb[book.entity.id] = tabs.TbPlace(sheet, first, last, last + 1)
    for recon in recons:
        recon.sheet = names.take(f"R-{recon.entity_id}-{recon.accounts[0]}")
        place = tabs.plan_recon(recon)
        plan.recon_rows[id(recon)] = place
        plan.recon_rows_by_sheet[recon.sheet] = place
    entries = proposed_entries(recons, books, doc)
    if entity_id is not None:
        entries = [e for e in entries if e.entity_id == entity_id]
    rows = tabs.summary_rows(books, recons)
    for index, row in enumerate(rows):
        n = 5 + index
        first, last = plan.summary_rows.get(row.book.entity.id, (n, n))
        plan.summary_rows[row.book.entity.id] = (min(first, n), max(last, n))
    flux_first = 5
    entries_first = 5
    _plan_checks(plan, books, recons, rows, found, entries, flux_first, entries_first)

    wb = Workbook(write_only=True)
    wb.properties.creator = "close"
    wb.properties.title = f"Close workpapers {month}"
    prepared_on = inputs.generated_at[:10]
    _cover(wb, plan, doc, review, inputs, books, recons, entity_id)
    tabs.summary_tab(wb, plan, rows, prepared_by=inputs.prepared_by, prepared_on=prepared_on)
    recon_of = {(r.entity_id, a): r for r in reversed(recons) for a in r.accounts}
    for book in books:
        if book.tb:
            tabs.tb_tab(wb, plan, book, recon_of)
    pack = _pack_line(doc)
    for recon in recons:
        tabs.recon_tab(wb, plan, recon, books_by[recon.entity_id], prepared_by=_preparer(recon, inputs),
                       prepared_on=prepared_on, pack=pack, lines=inputs.lines, totals=inputs.totals)
    tabs.flux_tab(wb, plan, found, books_by)
    tabs.entries_tab(wb, plan, entries, books_by)
    tabs.checks_tab(wb, plan)
    path = Path(path)
    wb.save(path)
    return path


def _last_day(month: str):
    from close.periods import parse_month

    try:
        return parse_month(month).last_day
    except (ValueError, TypeError):
        return None


def _preparer(recon, inputs: Inputs) -> str:
    return (recon.review.preparer if recon.review and recon.review.preparer else "") or inputs.prepared_by or "—"


def _pack_line(doc: ResultsDoc) -> str:
    return f"results.json of the close on {doc.pack_name}, pack sha256 {doc.pack_sha256[:16]}…"


def _plan_checks(plan: tabs.Plan, books: list[EntityBooks], recons, rows, found, entries,
                 flux_first: int, entries_first: int) -> None:
    """Every check, in the Checks tab's order: trial balances, statements, Summary,
    reconciliations, flux, entries."""
    add = plan.checks.append
    for book in books:
        tb = plan.tb.get(book.entity.id)
        if tb is None:
            continue
        e, p = book.entity.id, book.places
        total = tb.total
        found_diff = book.tb_difference
        add(tabs.Check(f"TB {e}: closing balances sum to zero", e, p, ref(tb.sheet, "I", total), 0, "books",
                       "A trial balance balances. " + (
                           f"The close found the books out of balance by {found_diff} (je.trial_balance): "
                           f"a FAIL here is that finding, not a broken workbook." if found_diff else
                           "The close found them balanced (je.trial_balance)."), (tb.sheet, f"I{total}")))
        if found_diff is not None:
            add(tabs.Check(f"TB {e}: closing total equals the close's difference", e, p,
                           ref(tb.sheet, "I", total), found_diff, "tie",
                           "je.trial_balance cumulative_difference", (tb.sheet, f"I{total}")))
        if book.period_debit is not None:
            add(tabs.Check(f"TB {e}: the month's debits equal the journal's", e, p, ref(tb.sheet, "G", total),
                           book.period_debit, "tie", "je.trial_balance period_debit", (tb.sheet, f"G{total}")))
        if book.period_credit is not None:
            add(tabs.Check(f"TB {e}: the month's credits equal the journal's", e, p, ref(tb.sheet, "H", total),
                           book.period_credit, "tie", "je.trial_balance period_credit", (tb.sheet, f"H{total}")))
        tb_lines = {r.line for r in book.tb if r.line}
        for line, section, amount in book.balance_sheet:
            if section not in ("assets", "liabilities") or line not in tb_lines:
                continue
            sign = "" if section == "assets" else "-"
            formula = f"{sign}SUMIFS({tb.column('I')},{tb.column('E')},{tabs.criterion(line, None)})"
            add(tabs.Check(f"Balance sheet {e}: {line} equals its TB accounts", e, p, formula, amount, "tie",
                           "stmt.balance_sheet line against the TB accounts mapped to it "
                           "(stmt.trial_balance_export)", (tb.sheet, "E4")))
        if book.total_equity is not None and any(r.type == "equity" for r in book.tb):
            parts = "+".join(f"SUMIFS({tb.column('I')},{tb.column('C')},{string_literal(t)})"
                             for t in ("equity", "revenue", "expense"))
            add(tabs.Check(f"Balance sheet {e}: total equity equals the equity and result accounts", e, p,
                           f"-({parts})", book.total_equity, "tie",
                           "stmt.balance_sheet total_equity against the TB's equity, revenue and expense "
                           "accounts (the year's result is part of equity)", (tb.sheet, "C4")))
        if book.entity.id in plan.summary_rows:
            first, last = plan.summary_rows[book.entity.id]
            summary = quote_sheet(tabs.SUMMARY)
            crit = tabs.criterion(e, None)
            col = lambda c: f"{summary}!${c}${first}:${c}${last}"   # noqa: E731
            add(tabs.Check(f"Summary {e}: covers every balance-sheet account of the TB", e, p,
                           f"SUMIFS({col('F')},{col('A')},{crit},{col('Q')},1)",
                           "+".join(f"SUMIFS({tb.column('I')},{tb.column('C')},{string_literal(t)})"
                                    for t in ("asset", "liability", "equity")), "tie",
                           "Summary GL balances (each account once) against the TB's balance-sheet accounts",
                           (tabs.SUMMARY, f"A{first}")))
            if any(r.entity_id == e for r in recons):
                add(tabs.Check(f"Summary {e}: unexplained differences equal the tabs'", e, p,
                               f"SUM({col('J')})", f"SUM({col('R')})", "tie",
                               "Summary columns J (its own formulas) and R (each tab's unexplained difference)",
                               (tabs.SUMMARY, f"J{first}")))
    books_by = {b.entity.id: b for b in books}
    for recon in recons:
        place = plan.recon_rows[id(recon)]
        p = books_by[recon.entity_id].places
        add(tabs.Check(f"{recon.sheet}: GL balance equals the close's", recon.entity_id, p,
                       ref(recon.sheet, "C", place.gl), recon.gl, "tie",
                       f"{recon.skill_id}: the GL balance it reconciled", (recon.sheet, f"C{place.gl}")))
        add(tabs.Check(f"{recon.sheet}: unexplained difference equals the close's", recon.entity_id, p,
                       ref(recon.sheet, "C", place.unexplained), recon.unexplained, "tie",
                       f"{recon.skill_id}: GL − supporting − reconciling items", (recon.sheet, f"C{place.unexplained}")))
    flux_rows = {}
    for index, v in enumerate(found):
        flux_rows.setdefault(v.entity_id, []).append((flux_first + index, v))
    for e, listed in flux_rows.items():
        first, last = listed[0][0], listed[-1][0]
        flux = quote_sheet(tabs.FLUX)
        add(tabs.Check(f"Flux {e}: variances equal the close's", e, books_by[e].places,
                       f"SUMIFS({flux}!$G${first}:$G${last},{flux}!$A${first}:$A${last},{tabs.criterion(e, None)})",
                       sum((v.variance for _, v in listed), 0), "tie",
                       "flux.month_over_month and flux.year_over_year variances", (tabs.FLUX, f"G{first}")))
    if entries:
        last = entries_first + sum(len(x.lines) for x in entries) - 1
        sheet = quote_sheet(tabs.ENTRIES)
        add(tabs.Check("Proposed entries: debits equal credits", "", 2, f"SUM({sheet}!$F${entries_first}:$F${last})",
                       f"SUM({sheet}!$G${entries_first}:$G${last})", "tie", "each entry is balanced",
                       (tabs.ENTRIES, "F4")))


def _cover(wb, plan: tabs.Plan, doc: ResultsDoc, review, inputs: Inputs, books, recons, entity_id) -> None:
    tab = Tab(wb, tabs.COVER, [30, 70, 16, 14], landscape=False)
    tab.title(f"Month-end close workpapers — {month_label(plan.month)}")
    tab.add([tab.text(doc.pack_name + (f" · entity {entity_id}" if entity_id else ""), bold=True)])
    tab.blank()
    counts = {"pass": 0, "exceptions": 0, "skipped": 0, "error": 0}
    for r in doc.results:
        if entity_id is None or r.entity_id in (entity_id, None):
            counts[r.status] += 1
    if review.locked:
        signoff = "Signed off: the month is locked."
    elif review.available:
        signoff = (f"Not signed off: {review.approved} of {review.total} review items approved"
                   + (f" ({review.share}%)" if review.share is not None else "") + ".")
    else:
        signoff = "Review state unavailable: no review queue was read for this run."
    facts = [("Group", doc.pack_name), ("Month", f"{month_label(plan.month)} ({plan.month})"),
             ("Entities", "; ".join(f"{b.entity.label} ({b.entity.currency})" for b in books)),
             ("Reporting currency", doc.reporting_currency),
             ("Prepared by", inputs.prepared_by or "—"), ("Run at (UTC)", inputs.generated_at or "—"),
             ("Scope", "every skill and entity" if doc.complete
              else "part of the close (--skills or --entity)"),
             ("Skill results", ", ".join(f"{v} {k}" for k, v in counts.items())),
             ("Sign-off", signoff)]
    for label, value in facts:
        tab.add([tab.text(label, bold=True), tab.text(value, wrap=True)])
    tab.add([tab.text("Workbook checks", bold=True), tab.formula(
        f'IF({plan.fail_count("tie")}=0,"Ties: all PASS","Ties: "&{plan.fail_count("tie")}&" FAIL: the workbook was '
        f'changed or does not match the close")&"; books: "&IF({plan.fail_count("books")}=0,"all PASS",'
        f'{plan.fail_count("books")}&" FAIL (see Checks)")', None, bold=True), tab.link("→ Checks", tabs.CHECKS)])
    tab.blank()
    tab.header(["Source", "SHA-256", "Bytes", ""])
    tab.add([tab.text("Ledger pack (all files)"), tab.text(doc.pack_sha256)])
    for name, digest, size in inputs.sources:
        tab.add([tab.text(name), tab.text(digest), tab.count(size)])
    tab.blank()
    tab.header(["Parameter", "Value", "Scope", ""])
    for name, value, scope in inputs.parameters:
        tab.add([tab.text(name), tab.text(value, wrap=True), tab.text(scope)])
    if not inputs.parameters:
        tab.add([tab.text("Skill defaults", font=NOTE_FONT)])
    tab.blank()
    tab.header(["Tab", "What it holds", "Status", ""])
    tab.add([tab.link(tabs.SUMMARY, tabs.SUMMARY), tab.text("Every balance-sheet account, its reconciliation and status")])
    for book in books:
        if book.entity.id in plan.tb:
            sheet = plan.tb[book.entity.id].sheet
            tab.add([tab.link(sheet, sheet), tab.text(f"Trial balance of {book.entity.label}"),
                     tab.formula(f'IF(ROUND({ref(sheet, "I", plan.tb[book.entity.id].total)},{book.places})=0,'
                                 f'"Balances","Out of balance")', None)])
    for recon in recons:
        place = plan.recon_rows[id(recon)]
        tab.add([tab.link(recon.sheet, recon.sheet), tab.text(f"{recon.title}: {', '.join(recon.accounts)}"),
                 tab.formula(ref(recon.sheet, "C", place.status), None)])
    for sheet, what in ((tabs.FLUX, "Variances above threshold, drivers and explanations"),
                        (tabs.ENTRIES, "Adjusting entries the findings imply, balanced"),
                        (tabs.CHECKS, "PASS/FAIL cells that tie the workbook to itself and to the close")):
        tab.add([tab.link(sheet, sheet), tab.text(what)])

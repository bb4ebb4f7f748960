"""What the workpapers show, read from results.json: trial balances, reconciliations,
variances and the entries the findings imply.

A reconciliation in the workpapers is one balance-sheet account (or a group of accounts
that a check reconciles together, such as every payroll liability account) of one
entity, set against the figure that supports it: a schedule, a subledger, a bank
statement. The recon skills report these in different shapes, so RECONCILIATIONS says,
for each skill, where its balances are and what supports them; everything else is read
the same way for all of them. Nothing here computes a figure the close did not: the
sign of a balance and the reconciling items are taken from the skills' metrics and
findings, and the workbook's formulas then recompute and tie them.

Amounts follow the trial balance's sign throughout (debits positive, credits negative),
so a figure on a reconciliation tab can be traced to the TB without a sign flip. The
skills report liabilities and contra-accounts credit-positive; `sign` turns one into the
other and is found by comparing the skill's GL figure with the TB.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from close.money import minor_unit
from close.report.numbers import to_decimal
from close.report.review_view import ReviewItem, ReviewView
from close.report.rows import EntityInfo
from close.results import FindingView, Omitted, ResultsDoc, SkillResult, read_results
from close.statements import current_portion_line

ZERO = Decimal(0)
BALANCE_SHEET_TYPES = ("asset", "liability", "equity")
CREDIT_NORMAL_SUBTYPES = ("accumulated_depreciation", "allowance")
CREDIT_NORMAL_TYPES = ("liability", "equity", "revenue")
TIMING, ERROR, ADJUSTMENT = "timing", "error", "adjustment"


@dataclass(frozen=True)
class Spec:
    """Where one recon skill keeps the balances it reconciles.

    `rows` names a metrics list with one row per account (`account`, `gl`, `supporting`
    keys in each row); without it the skill reconciles one group of accounts, those of
    TB subtype `subtype`, with `gl` and `supporting` among its scalar metrics. `kind`
    is the type of the reconciling items its findings describe."""

    support: str
    gl: str
    supporting: str
    rows: str | None = None
    account: str = "account_id"
    subtype: str | None = None
    kind: str = ERROR


RECONCILIATIONS = {
    "recon.bank": Spec("Bank statement balance", "book_balance", "bank_balance", rows="accounts",
                       account="gl_account_id", kind=ADJUSTMENT),
    "recon.ar_subledger": Spec("AR subledger: open invoices", "control_balance", "subledger_open_items",
                               subtype="receivable"),
    "recon.allowance_adequacy": Spec("Expected credit loss per the aging", "allowance", "expected_loss",
                                     subtype="allowance", kind=ADJUSTMENT),
    "recon.prepaid_amortization": Spec("Prepaid expense schedule", "gl_balance", "schedule_balance",
                                       rows="accounts", kind=ADJUSTMENT),
    "recon.fixed_asset_rollforward": Spec("Fixed asset register", "gl_balance", "schedule_balance",
                                          rows="accounts"),
    "recon.leases": Spec("Lease schedule", "gl_balance", "schedule_balance", rows="accounts"),
    "recon.ap_subledger": Spec("AP subledger: open bills", "control_balance", "subledger_open_items",
                               subtype="payable"),
    "recon.accruals": Spec("Accruals schedule", "gl_balance", "schedule_balance", rows="accounts",
                           kind=ADJUSTMENT),
    "recon.deferred_revenue": Spec("Deferred revenue schedule", "gl_balance", "schedule_balance",
                                   rows="accounts", kind=ADJUSTMENT),
    "recon.tax_accounts": Spec("Tax computed from the documents", "closing", "expected",
                               rows="balances_tied"),
    "recon.payroll": Spec("Payroll register: the month's liabilities", "gl_liability_balance",
                          "register_liabilities", subtype="payroll_liability"),
    "recon.loans": Spec("Loan schedule", "gl_balance", "schedule_balance", rows="accounts"),
}


@dataclass
class TbRow:
    account: str
    name: str
    type: str
    subtype: str
    line: str
    opening: Decimal
    debit: Decimal
    credit: Decimal
    closing: Decimal

    @property
    def balance_sheet(self) -> bool:
        return self.type in BALANCE_SHEET_TYPES

    @property
    def credit_normal(self) -> bool:
        return self.type in CREDIT_NORMAL_TYPES or self.subtype in CREDIT_NORMAL_SUBTYPES


@dataclass
class Item:
    """A reconciling item (amount in TB sign, explaining GL minus supporting) or, with
    `in_tie` False, an exception noted on the balance that the tie-out does not use."""

    kind: str
    description: str
    amount: Decimal | None
    refs: list[str] = field(default_factory=list)
    source: str = ""
    severity: str = ""
    count: int | None = None
    in_tie: bool = True


@dataclass
class Recon:
    entity_id: str
    skill_id: str
    title: str
    support: str
    accounts: list[str]
    sign: int              # TB sign = sign x the skill's presentation
    gl: Decimal            # the skill's GL figure, TB sign
    supporting: Decimal    # TB sign
    difference: Decimal    # GL - supporting, as the close computes it, TB sign
    items: list[Item]
    exceptions: list[Item]
    status: str
    review: ReviewItem | None = None
    omitted: Omitted | None = None   # findings_omitted of the result (listed in findings.csv)
    sheet: str = ""
    counted: bool = True   # False when an earlier reconciliation already covers its accounts

    @property
    def unexplained(self) -> Decimal:
        return self.difference - sum((i.amount for i in self.items if i.amount is not None), ZERO)


@dataclass
class EntityBooks:
    entity: EntityInfo
    places: int
    tb: list[TbRow]
    period_debit: Decimal | None = None
    period_credit: Decimal | None = None
    tb_difference: Decimal | None = None   # je.trial_balance's cumulative difference
    balance_sheet: list[tuple[str, str, Decimal]] = field(default_factory=list)  # line, section, amount
    total_equity: Decimal | None = None

    def rows_for(self, accounts) -> list[TbRow]:
        wanted = set(accounts)
        return [r for r in self.tb if r.account in wanted]

    def row(self, account: str) -> TbRow | None:
        return next((r for r in self.tb if r.account == account), None)


@dataclass
class Variance:
    entity_id: str
    skill_id: str
    comparison: str
    account: str
    name: str
    current: Decimal
    prior: Decimal
    variance: Decimal
    drivers: str
    needs_explanation: bool
    explanation: str = ""


@dataclass
class EntryLine:
    account: str
    label: str
    debit: Decimal | None = None
    credit: Decimal | None = None
    source_sheet: str = ""   # reconciliation tab whose item the line follows
    item_index: int = -1


@dataclass
class Entry:
    number: str
    entity_id: str
    currency: str
    description: str
    source: str
    refs: list[str]
    lines: list[EntryLine]


def places(currency: str) -> int:
    """Decimal places of a currency (2 for USD, 0 for JPY): number formats and ROUND."""
    return max(0, -minor_unit(currency or None).as_tuple().exponent)


def _d(value) -> Decimal | None:
    return to_decimal(value)


def _metrics(result: SkillResult | None) -> dict:
    """A result's metrics (the skill's own, free-form figures), {} without a result."""
    return result.metrics if result is not None else {}


def entity_books(doc: ResultsDoc | dict, entities: list[EntityInfo]) -> list[EntityBooks]:
    """Each entity's trial balance (je.trial_balance), with the subtype and statement
    line of each account from stmt.trial_balance_export where it ran, and its balance
    sheet (stmt.balance_sheet) for the checks."""
    by_key = {(r.id, r.entity_id): r for r in read_results(doc).results}
    books = []
    for entity in entities:
        tb = by_key.get(("je.trial_balance", entity.id))
        tb_metrics = _metrics(tb)
        export = {str(row.get("account_id")): row for row in _metrics(
            by_key.get(("stmt.trial_balance_export", entity.id))).get("rows") or [] if isinstance(row, dict)}
        rows = []
        for raw in tb_metrics.get("accounts") or []:
            if not isinstance(raw, dict) or raw.get("account_id") is None:
                continue
            extra = export.get(str(raw["account_id"]), {})
            rows.append(TbRow(
                account=str(raw["account_id"]), name=str(raw.get("name") or extra.get("name") or ""),
                type=str(raw.get("type") or extra.get("type") or ""), subtype=str(extra.get("subtype") or ""),
                line=str(extra.get("statement_line") or ""),
                opening=_d(raw.get("opening")) or ZERO, debit=_d(raw.get("debit")) or ZERO,
                credit=_d(raw.get("credit")) or ZERO, closing=_d(raw.get("closing")) or ZERO))
        bs = _metrics(by_key.get(("stmt.balance_sheet", entity.id)))
        lines = []
        for raw in bs.get("lines") or []:
            if isinstance(raw, dict) and raw.get("kind", "line") == "line" and _d(raw.get("amount")) is not None:
                lines.append((str(raw.get("line") or ""), str(raw.get("section") or ""), _d(raw["amount"])))
        # A liability's current portion is shown on its own line but held by the same TB
        # accounts: the line's tie to its accounts counts both (close.statements).
        shown = {(line, section): amount for line, section, amount in lines}
        lines = [(line, section, amount + shown.get((current_portion_line(line), section), Decimal(0)))
                 for line, section, amount in lines]
        books.append(EntityBooks(
            entity=entity, places=places(entity.currency), tb=rows,
            period_debit=_d(tb_metrics.get("period_debit")), period_credit=_d(tb_metrics.get("period_credit")),
            tb_difference=_d(tb_metrics.get("cumulative_difference")),
            balance_sheet=lines, total_equity=_d(bs.get("total_equity"))))
    return books


def _sign(gl: Decimal, rows: list[TbRow]) -> int:
    """+1 when the skill states the balance as the TB does, -1 when credit-positive."""
    total = sum((r.closing for r in rows), ZERO)
    if gl == total:
        return 1
    if gl == -total:
        return -1
    return -1 if rows and all(r.credit_normal for r in rows) else 1


def _names_account(finding: FindingView, accounts: list[str]) -> bool:
    return any(f"accounts:{a}" in finding.refs for a in accounts)


def _finding_item(finding: FindingView, skill_id: str, kind: str, amount: Decimal | None, in_tie: bool) -> Item:
    return Item(kind=kind, description=finding.message, amount=amount, refs=list(finding.refs),
                source=skill_id, severity=finding.severity, in_tie=in_tie)


def explain(difference: Decimal, findings: list[FindingView], skill_id: str, kind: str,
            tolerance: Decimal) -> tuple[list[Item], list[Item]]:
    """Split a check's findings into the items that explain `difference` (GL minus
    supporting, TB sign) and the other exceptions it raised on the balance.

    Findings carry an amount without a direction (how much to correct), so they are
    reconciling items only when together they come to the difference (after dropping
    repeats: one entry can break two of a check's tests); they then take its sign.
    Otherwise they are listed as exceptions noted, and the difference stays unexplained
    on the tab: a reviewer sees it rather than a tie the close did not make."""
    with_amount = [f for f in findings if f.amount is not None]
    unique, seen = [], set()
    for f in with_amount:
        key = (format(f.amount, "f"), f.refs)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    direction = 1 if difference > 0 else -1
    chosen: list[FindingView] = []
    if difference != 0:
        if abs(sum((f.amount for f in unique), ZERO) - abs(difference)) <= tolerance:
            chosen = unique
        else:
            chosen = next(([f] for f in unique if abs(f.amount - abs(difference)) <= tolerance), [])
    items = [_finding_item(f, skill_id, kind, direction * f.amount, True) for f in chosen]
    others = [_finding_item(f, skill_id, kind, f.amount, False)
              for f in findings if f not in chosen]
    return items, others


def _bank_items(row: dict, sign: int, findings: list[FindingView], skill_id: str, tolerance: Decimal):
    """Deposits in transit and outstanding checks (timing) and bank lines not yet in the
    books (to post), as recon.bank counts them for one GL account; the unrecorded lines
    are itemised from its findings when these come to the same total."""
    items = []
    dit, oc = _d(row.get("deposits_in_transit")) or ZERO, _d(row.get("outstanding_checks")) or ZERO
    if dit:
        items.append(Item(TIMING, "Deposits in transit: in the books, not yet on the statement",
                          sign * dit, source=skill_id, count=row.get("deposits_in_transit_count")))
    if oc:
        items.append(Item(TIMING, "Outstanding checks: in the books, not yet cleared by the bank",
                          -sign * oc, source=skill_id, count=row.get("outstanding_checks_count")))
    unrecorded = _d(row.get("unrecorded_bank_items")) or ZERO
    listed, others = explain(-sign * unrecorded, findings, skill_id, ADJUSTMENT, tolerance)
    if unrecorded and not listed:
        listed = [Item(ADJUSTMENT, "Bank lines not yet in the books", -sign * unrecorded, source=skill_id)]
    return items + listed, others


def reconciliations(doc: ResultsDoc | dict, books: list[EntityBooks], review: ReviewView) -> list[Recon]:
    """Every reconciliation of results.json, entity by entity in account order, each
    titled as the catalog titles its skill.

    A check that names accounts reconciled elsewhere adds its findings on them as
    exceptions noted (recon.depreciation_recalc on accumulated depreciation, say)."""
    doc = read_results(doc)
    books_by = {b.entity.id: b for b in books}
    results = doc.results
    found: list[Recon] = []
    for skill_id, spec in RECONCILIATIONS.items():
        for result in results:
            if result.id != skill_id or not result.entity_id or not result.ran:
                continue
            entity_books = books_by.get(result.entity_id)
            if entity_books is None:
                continue
            found += _units(result, spec, entity_books, review, doc.skill_title(skill_id))
    claimed: dict[tuple[str, str], str] = {}
    for recon in found:
        keys = [(recon.entity_id, a) for a in recon.accounts]
        recon.counted = not any(k in claimed for k in keys)
        for k in keys:
            claimed.setdefault(k, recon.skill_id)
    _related_findings(results, found)
    position = {b.entity.id: i for i, b in enumerate(books)}
    found.sort(key=lambda r: (position[r.entity_id], r.accounts[0]))   # the order of the TB
    return found


def _units(result: SkillResult, spec: Spec, books: EntityBooks, review: ReviewView, title: str) -> list[Recon]:
    metrics = result.metrics
    findings = list(result.findings)
    tolerance = minor_unit(books.entity.currency or None) / 2
    skill_id, entity_id = result.id, result.entity_id
    units = []
    if spec.rows:
        rows = [r for r in metrics.get(spec.rows) or [] if isinstance(r, dict) and r.get(spec.account) is not None]
        for row in rows:
            account = str(row[spec.account])
            gl, supporting = _d(row.get(spec.gl)), _d(row.get(spec.supporting))
            tb_rows = books.rows_for([account])
            if gl is None or supporting is None or (not tb_rows and gl == 0 and supporting == 0):
                continue   # an account the entity does not use, listed for completeness
            sign = _sign(gl, tb_rows)
            mine = [f for f in findings if _names_account(f, [account]) or len(rows) == 1]
            if spec.account == "gl_account_id":   # bank lines name their bank account
                ids = [str(b) for b in row.get("bank_account_ids") or [row.get("bank_account_id")] if b]
                mine = findings if len(rows) == 1 else [
                    f for f in findings if any(b in f.message for b in ids)]
                items, others = _bank_items(row, sign, mine, skill_id, tolerance)
            else:
                items, others = explain(sign * (gl - supporting), mine, skill_id, spec.kind, tolerance)
            units.append(Recon(entity_id, skill_id, title, spec.support, [account], sign, sign * gl,
                               sign * supporting, sign * (gl - supporting), items, others,
                               result.status, review.for_skill(skill_id, entity_id), result.omitted))
        assigned = {id(f) for f in findings if any(_names_account(f, u.accounts) for u in units)}
        loose = [f for f in findings if id(f) not in assigned]
        if len(units) > 1 and loose and spec.account != "gl_account_id":
            for unit in units:   # found by the check, but about no one account of it
                unit.exceptions += [_finding_item(f, skill_id, spec.kind, f.amount, False) for f in loose]
        return units
    gl, supporting = _d(metrics.get(spec.gl)), _d(metrics.get(spec.supporting))
    if gl is None or supporting is None:
        return []
    tb_rows = [r for r in books.tb if r.subtype == spec.subtype] if spec.subtype else []
    if not tb_rows:
        named = sorted({ref.split(":", 1)[1] for f in findings for ref in f.refs if ref.startswith("accounts:")})
        tb_rows = books.rows_for(named)
    if not tb_rows:
        return []
    sign = _sign(gl, tb_rows)
    items, others = explain(sign * (gl - supporting), findings, skill_id, spec.kind, tolerance)
    return [Recon(entity_id, skill_id, title, spec.support, [r.account for r in tb_rows], sign,
                  sign * gl, sign * supporting, sign * (gl - supporting), items, others,
                  result.status, review.for_skill(skill_id, entity_id), result.omitted)]


def _related_findings(results, recons: list[Recon]) -> None:
    by_account: dict[tuple[str, str], Recon] = {}
    for recon in recons:
        for account in recon.accounts:
            by_account.setdefault((recon.entity_id, account), recon)
    for result in results:
        if not result.id.startswith("recon.") or result.id in RECONCILIATIONS:
            continue
        for f in result.findings:
            for ref in f.refs:
                if ref.startswith("accounts:"):
                    recon = by_account.get((result.entity_id, ref.split(":", 1)[1]))
                    if recon is not None:
                        recon.exceptions.append(_finding_item(f, result.id, ERROR, f.amount, False))
                        break


FLUX_SKILLS = ("flux.month_over_month", "flux.year_over_year")


def variances(doc: ResultsDoc | dict, review: ReviewView, notes: dict[str, list[str]]) -> list[Variance]:
    """Accounts whose movement is above both thresholds, with the entries that drive it;
    those the close says need an answer carry the review's explanation when there is one."""
    found = []
    for result in read_results(doc).results:
        if result.id not in FLUX_SKILLS or not result.entity_id:
            continue
        metrics = result.metrics
        item = review.for_skill(result.id, result.entity_id)
        explained = "; ".join(notes.get(item.key, [])) if item else ""
        if item and not explained and item.status == "approved":
            explained = f"Accepted in review by {item.decided_by or 'a reviewer'} ({item.id})"
        for row in metrics.get("accounts") or []:
            if not isinstance(row, dict):
                continue
            current, prior = _d(row.get("current")), _d(row.get("comparison"))
            if current is None or prior is None:
                continue
            drivers = "; ".join(f"{d.get('je_id')} ({d.get('amount')})" for d in row.get("drivers") or []
                                if isinstance(d, dict))
            needs = bool(row.get("exception"))
            found.append(Variance(
                result.entity_id, result.id, str(metrics.get("comparison") or ""),
                str(row.get("key") or row.get("account_id") or ""), str(row.get("name") or row.get("line") or ""),
                current, prior, _d(row.get("variance")) if _d(row.get("variance")) is not None else current - prior,
                drivers, needs, explained if needs else ""))
    return found


OFFSET = re.compile(r"\(Dr ([^,()]+), Cr ([^()]+)\)")


def _offset(item: Item, account: str, books: EntityBooks) -> str:
    """The other side of the entry a finding asks for, where its message names it as an
    account of the entity ("post 681.41 (Dr 6100, Cr 1400)"); "" when it does not."""
    match = OFFSET.search(item.description)
    if match:
        for side in match.groups():
            side = side.strip()
            if side != account and books.row(side) is not None:
                return side
    return ""


def proposed_entries(recons: list[Recon], books: list[EntityBooks], doc: ResultsDoc | dict) -> list[Entry]:
    """The adjusting entries the reconciliations imply: for each reconciling item that
    is an error or an adjustment (timing items clear by themselves), bring the account
    to its support, against the account the finding names or one the preparer picks;
    then the intercompany eliminations stmt.ic_eliminations proposes."""
    books_by = {b.entity.id: b for b in books}
    entries: list[Entry] = []
    for recon in recons:
        book = books_by[recon.entity_id]
        for index, item in enumerate(recon.items):
            if item.kind == TIMING or item.amount is None or not item.amount:
                continue
            account = recon.accounts[0]
            offset = _offset(item, account, book)
            number = f"PE-{len(entries) + 1:03d}"
            adjust = -item.amount
            lines = [EntryLine(account, book.row(account).name if book.row(account) else "",
                               adjust if adjust > 0 else None, -adjust if adjust < 0 else None,
                               recon.sheet, index),
                     EntryLine(offset, book.row(offset).name if offset else "Offset to be chosen by the preparer",
                               -adjust if adjust < 0 else None, adjust if adjust > 0 else None,
                               recon.sheet, index)]
            entries.append(Entry(number, recon.entity_id, book.entity.currency, item.description,
                                 f"{recon.skill_id} ({recon.sheet})", item.refs, lines))
    doc = read_results(doc)
    reporting = doc.reporting_currency
    for result in doc.results:
        if result.id != "stmt.ic_eliminations" or not result.ran:
            continue
        metrics = result.metrics
        currency = str(metrics.get("reporting_currency") or reporting)
        for raw in metrics.get("entries") or []:
            if not isinstance(raw, dict):
                continue
            debit, credit = raw.get("debit") or {}, raw.get("credit") or {}
            dr, cr = _d(debit.get("amount")), _d(credit.get("amount"))
            if dr is None or cr is None or not (dr or cr):
                continue
            lines = [EntryLine(f"{debit.get('entity_id')} {debit.get('subtype')}", "", dr, None),
                     EntryLine(f"{credit.get('entity_id')} {credit.get('subtype')}", "", None, cr)]
            if dr != cr:
                lines.append(EntryLine("Intercompany difference", "to agree between the entities",
                                       cr - dr if cr > dr else None, dr - cr if dr > cr else None))
            entries.append(Entry(f"PE-{len(entries) + 1:03d}", result.entity_id or "Group", currency,
                                 str(raw.get("description") or ""), "stmt.ic_eliminations", [], lines))
    return entries

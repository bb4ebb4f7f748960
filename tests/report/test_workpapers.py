"""The workpapers of the demo close, recomputed by an independent evaluator.

The workbook is written from the session's demo close (tests/conftest.py) the way
`close run` writes it, then every formula in it is computed by the `formulas` package
(not Excel, not openpyxl) and set against the close's own figures to the cent: the
trial balances, each reconciliation, the Checks. A tampered cell must turn its check to
FAIL, and only the checks that depend on it.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from close.config import Config
from close.pipeline import workpaper_inputs
from close.report import stage_reports
from close.report.workpapers import RECONCILIATION_SKILLS, write_workpapers
from close.report.workpapers.books import RECONCILIATIONS
from close.results import outcome_to_dict

formulas = pytest.importorskip("formulas")
CENT = Decimal("0.01")
NOW = datetime(2026, 6, 2, 9, 30, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def demo_doc(demo_close):
    return outcome_to_dict(demo_close)


@pytest.fixture(scope="module")
def review_state(demo_doc):
    flux = next(r for r in demo_doc["skills"] if r["id"] == "flux.year_over_year" and r["findings"])
    ar = next(r for r in demo_doc["skills"] if r["id"] == "recon.ar_subledger" and r["findings"])
    return {"items": [
        {"id": "R-0007", "kind": "skill", "key": f"flux.year_over_year/{flux['entity_id']}", "version": 1,
         "status": "approved", "preparer": "pat", "decided_by": "rita"},
        {"id": "R-0008", "kind": "skill", "key": f"recon.ar_subledger/{ar['entity_id']}", "version": 1,
         "status": "pending", "preparer": "pat", "decided_by": None}],
        "readiness": {"approved": 1, "total": 2, "share": "50.0"}, "locked": False}


@pytest.fixture(scope="module")
def path(demo_doc, review_state, demo_books, demo_pack, tmp_path_factory):
    con, info = demo_books
    inputs = workpaper_inputs(con, demo_doc, pack=info, pack_path=demo_pack, config=Config(), user="pat", now=NOW)
    return write_workpapers(demo_doc, tmp_path_factory.mktemp("wp") / "workpapers.xlsx", review_state, inputs)


@pytest.fixture(scope="module")
def book(path):
    return load_workbook(path)


@pytest.fixture(scope="module")
def model(path):
    return formulas.ExcelModel().loads(str(path)).finish()


class Values:
    """Computed cells by (sheet, cell), sheet names compared as the evaluator keeps them."""

    def __init__(self, solution):
        self.cells = {}
        for key, value in solution.items():
            match = re.fullmatch(r"'\[[^\]]+\](.+)'!([A-Z]+\d+)", str(key))
            if match:
                raw = getattr(value, "value", value)
                self.cells[(match.group(1).upper(), match.group(2))] = raw[0][0] if hasattr(raw, "__getitem__") and not isinstance(raw, str) else raw

    def __call__(self, sheet: str, cell: str):
        return self.cells.get((sheet.upper(), cell))

    def money(self, sheet: str, cell: str) -> Decimal:
        value = self(sheet, cell)
        return Decimal(repr(float(value))).quantize(CENT)


@pytest.fixture(scope="module")
def values(model):
    return Values(model.calculate())


def checks(book, values) -> list[dict]:
    ws = book["Checks"]
    found = []
    for row in ws.iter_rows(min_row=5):
        if not isinstance(row[0].value, int):
            continue
        n = row[0].row
        found.append({"label": row[1].value, "kind": row[2].value, "entity": row[3].value,
                      "result": values("Checks", f"I{n}"), "row": n})
    return found


def test_every_check_passes_but_the_books_own_imbalance(demo_close, book, values):
    """Ties all PASS; the only FAIL is a TB the close itself found out of balance."""
    found = checks(book, values)
    assert len(found) > 100
    unbalanced = {r.entity_id for r in demo_close.results
                  if r.skill_id == "je.trial_balance" and r.metrics["cumulative_difference"] != 0}
    assert unbalanced == {"DE01"}, "the demo plants one unbalanced entry"
    failing = [(c["kind"], c["label"]) for c in found if c["result"] != "PASS"]
    assert failing == [("books", f"TB {e}: closing balances sum to zero") for e in sorted(unbalanced)]
    assert values("Cover", "B13") == "Ties: all PASS; books: 1 FAIL (see Checks)"


def test_trial_balances_equal_the_journal_to_the_cent(demo_close, book, values):
    for result in demo_close.results:
        if result.skill_id != "je.trial_balance":
            continue
        sheet = f"TB-{result.entity_id}"
        ws = book[sheet]
        accounts = {}
        for row in ws.iter_rows(min_row=5):
            if row[0].value == "Total":
                break
            accounts[row[0].value] = row[0].row
        assert len(accounts) == len(result.metrics["accounts"])
        for account in result.metrics["accounts"]:
            assert values.money(sheet, f"I{accounts[account['account_id']]}") == account["closing"], (sheet, account)
        total = max(accounts.values()) + 1
        assert values.money(sheet, f"I{total}") == result.metrics["cumulative_difference"]


def test_reconciliations_equal_the_close_to_the_cent(demo_close, book, values):
    """Each tab's GL (a formula on the TB), supporting balance and difference against
    the skill's own metrics, read here from the close's results, not from the workbook."""
    ar = demo_close.result("recon.ar_subledger", "US01").metrics
    sheet = "R-US01-1100"
    assert values.money(sheet, "C16") == ar["control_balance"]
    assert values.money(sheet, "C17") == ar["subledger_open_items"]
    assert values.money(sheet, "C18") == ar["difference"] == Decimal("3187.44")
    assert values.money(sheet, "C21") == Decimal("3187.44")   # JE-0060105, the seeded case
    assert values.money(sheet, "C24") == 0 and values(sheet, "C25") == "Reconciled"
    ap = demo_close.result("recon.ap_subledger", "US01").metrics    # a liability: credits negative
    assert values.money("R-US01-2000", "C16") == -ap["control_balance"]
    assert values.money("R-US01-2000", "C18") == -ap["difference"]
    for result in demo_close.results:
        if result.skill_id not in ("recon.accruals", "recon.deferred_revenue", "recon.loans", "recon.leases",
                                   "recon.prepaid_amortization", "recon.fixed_asset_rollforward"):
            continue
        for row in result.metrics.get("accounts") or []:
            sheet = f"R-{result.entity_id}-{row['account_id']}"
            gl = values.money(sheet, "C16")
            assert abs(gl) == row["gl_balance"], sheet
            sign = 1 if gl == row["gl_balance"] else -1
            assert values.money(sheet, "C17") == sign * row["schedule_balance"], sheet
            assert values.money(sheet, "C18") == sign * row["difference"], sheet
    for ws in book.worksheets:
        if ws.title.startswith("R-"):
            for n in (16, 17, 18):
                assert values(ws.title, f"F{n}") == "✓", (ws.title, n)


def test_flux_and_entries_recompute(demo_close, book, values):
    ws = book["Flux"]
    variances = {(r[0].value, r[1].value, r[2].value): r[0].row for r in ws.iter_rows(min_row=5) if r[0].value}
    checked = 0
    for result in demo_close.results:
        if result.skill_id in ("flux.month_over_month", "flux.year_over_year") and result.metrics.get("accounts"):
            for row in result.metrics["accounts"]:
                n = variances[(result.entity_id, result.metrics["comparison"], row["key"])]
                assert values.money("Flux", f"G{n}") == row["variance"]
                checked += 1
    assert checked
    explanations = [r[9].value for r in ws.iter_rows(min_row=5) if r[0].value]
    assert "Explanation required" in explanations
    assert any(e.startswith("Accepted in review by rita") for e in explanations)
    entries = book["Proposed entries"]
    rows = [r for r in entries.iter_rows(min_row=5) if r[0].value and str(r[0].value).startswith("PE-")]
    assert rows and all(values("Proposed entries", f"H{r[0].row}") == 0 for r in rows)
    allowance = next(r for r in rows if r[3].value == "1150")   # true-up the US01 allowance shortfall
    assert values.money("Proposed entries", f"G{allowance[0].row}") == Decimal("10071.48")


def test_a_tampered_cell_fails_its_check(model, book, values):
    """A reconciling item changed on its tab moves the tab, the Summary and the entry,
    and fails exactly that tab's tie to the close; a TB debit changed fails the TB's."""
    before = {c["label"]: c["result"] for c in checks(book, values)}
    tampered = Values(model.calculate(inputs={"'[workpapers.xlsx]R-US01-1100'!C21": 3000.0}))
    after = {c["label"]: c["result"] for c in checks(book, tampered)}
    changed = {label for label in after if after[label] != before[label]}
    assert changed == {"R-US01-1100: unexplained difference equals the close's"}
    assert after["R-US01-1100: unexplained difference equals the close's"] == "FAIL"
    assert tampered.money("R-US01-1100", "C24") == Decimal("187.44")
    assert tampered("R-US01-1100", "C25") == "Unexplained difference"
    assert tampered("Cover", "B13").startswith("Ties: 1 FAIL")

    tb = book["TB-UK01"]
    row = next(r[0].row for r in tb.iter_rows(min_row=5) if r[0].value == "6800")
    debit = values.money("TB-UK01", f"G{row}")
    hit = Values(model.calculate(inputs={f"'[workpapers.xlsx]TB-UK01'!G{row}": float(debit + 100)}))
    after = {c["label"]: c["result"] for c in checks(book, hit)}
    failing = {label for label, result in after.items() if result == "FAIL"} - {
        label for label, result in before.items() if result == "FAIL"}
    assert failing == {"TB UK01: the month's debits equal the journal's", "TB UK01: closing balances sum to zero",
                       "TB UK01: closing total equals the close's difference",
                       "Balance sheet UK01: total equity equals the equity and result accounts"}


def test_every_reconciliation_has_its_tab_and_every_tab_links_back(demo_doc, book):
    tabs = {ws.title: ws for ws in book.worksheets}
    recon_tabs = [t for t in tabs if t.startswith("R-")]
    for result in demo_doc["skills"]:
        if result["id"] not in RECONCILIATION_SKILLS or result["status"] in ("skipped", "error"):
            continue
        rows = [r for key in ("accounts", "balances_tied") for r in result["metrics"].get(key) or []]
        named = [r.get("account_id") or r.get("gl_account_id") for r in rows]
        if RECONCILIATIONS[result["id"]].rows:   # one tab per account the entity holds
            for account in named:
                sheet = f"R-{result['entity_id']}-{account}"
                assert sheet in tabs or not any(
                    r.get("closing") not in ("0.00", None) for r in rows if (r.get("account_id")) == account), sheet
        else:
            assert any(tabs[t]["B7"].value.endswith(f"({result['id']})") and t.startswith(f"R-{result['entity_id']}-")
                       for t in recon_tabs), (result["id"], result["entity_id"])
    summary_links = {c.hyperlink.location for row in tabs["Summary"].iter_rows() for c in row if c.hyperlink}
    cover_links = {c.hyperlink.location for row in tabs["Cover"].iter_rows() for c in row if c.hyperlink}
    for title in recon_tabs:
        back = {c.hyperlink.location for row in tabs[title].iter_rows() for c in row if c.hyperlink}
        assert "'Summary'!A1" in back, title
        assert f"'{title}'!A1" in summary_links and f"'{title}'!A1" in cover_links, title
    assert {f"'{t}'!A1" for t in tabs if t != "Cover"} <= cover_links


def test_accountants_conventions(book):
    summary, tb, recon = book["Summary"], book["TB-US01"], book["R-US01-1100"]
    assert summary.freeze_panes == "F5" and tb.freeze_panes == "C5"
    assert summary.print_title_rows == "$1:$4" and summary.page_setup.fitToWidth == 1
    assert all(ws.protection.sheet for ws in book.worksheets)
    assert recon["C16"].data_type == "f" and recon["C16"].protection.locked
    assert recon["C17"].data_type == "n" and not recon["C17"].protection.locked    # supporting: an input
    assert recon["C21"].number_format == "#,##0.00_);(#,##0.00);0.00_)"
    formulas_used = {name for ws in book.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"
                     for name in re.findall(r"([A-Z]+)\(", str(c.value))}
    assert formulas_used <= {"SUM", "SUMIFS", "INDEX", "MATCH", "ROUND", "IF"}
    assert not [c for ws in book.worksheets for row in ws.iter_rows() for c in row
                if c.data_type == "f" and re.search(r"\[#|\w+\[", str(c.value))], "structured references"


def test_per_entity_workbooks(demo_doc, review_state, tmp_path):
    staged = stage_reports(demo_doc, tmp_path, review_state, per_entity=True)
    names = {final.name for _, final in staged}
    assert {"workpapers.xlsx", "workpapers-US01.xlsx", "workpapers-DE01.xlsx"} <= names
    temp = next(t for t, final in staged if final.name == "workpapers-DE01.xlsx")
    titles = load_workbook(temp.rename(tmp_path / "de01.xlsx"), read_only=True).sheetnames
    assert "TB-DE01" in titles and not [t for t in titles if "US01" in t]
    for t, _ in staged:
        t.unlink(missing_ok=True)


def test_a_pack_opened_without_its_file_digests_lists_the_same_files(demo_doc, demo_books, demo_pack):
    """open_pack's digests are what the cover lists; a PackInfo without them (read back
    from a database alone) reads the pack's files for the same list."""
    import dataclasses

    con, info = demo_books
    assert info.files
    opened = workpaper_inputs(con, demo_doc, pack=info, pack_path=demo_pack, config=Config(),
                              user="pat", now=NOW).sources
    bare = workpaper_inputs(con, demo_doc, pack=dataclasses.replace(info, files=()), pack_path=demo_pack,
                            config=Config(), user="pat", now=NOW).sources
    assert bare == opened and [name for name, _, _ in opened] == sorted(name for name, _, _ in opened)

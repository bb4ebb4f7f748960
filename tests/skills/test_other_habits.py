"""Same books, other habits: every skill right on books from any system (GitHub issue 10).

Each group's clean books (`--no-seeds`, nothing planted) are generated once; each case
copies them and changes one habit of the system that wrote them while keeping the books
equally correct under LEDGER-PACK.md (tests/support/habits.py says how):

- doc_ref only on AR/AP control lines, or no doc_ref column at all;
- each optional file absent in turn (with the tables and values the contract's references
  make go with it: customers takes ar_invoices, ar_receipts and deferred_revenue and the
  customer counterparties; vendors takes ap_bills and ap_payments, the vendor
  counterparties and prepaids/accruals.vendor_id; tax_codes blanks ar_invoices/ap_bills
  tax_code; ar_invoices takes ar_receipts; ap_bills takes ap_payments; bank_accounts
  takes bank_transactions). account_balances is in neither group, so it has no case;
- account ids, entity ids and document ids renamed consistently;
- every file's rows in reverse order; every amount in its shortest decimal form.

To stay under three minutes on the 2-core machine, acme (162,000 lines) runs fewer cases
than kestrel (47,000): see ACME_SKIPPED and ACME_SKIPPED_HABITS.

Then the May 2026 close must still report nothing: no error, no finding (close area
included), every skip with its reason (an absent file's skip names the file), and where
only names, order or notation changed, every result the same as on the untouched books.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Callable

import pytest

from close.pack import open_pack
from close.periods import parse_month
from close.results import result_to_dict
from close.runner import run_close
from tests.support import habits

ROOT = Path(__file__).resolve().parents[2]
MONTH = "2026-05"


@dataclass(frozen=True)
class Case:
    group: str
    name: str
    kind: str                     # "doc_ref", "removal", "rename", "notation"
    transform: Callable           # (src, dst) -> mapping | RemovalPlan | None
    removes: frozenset = frozenset()

    @property
    def id(self) -> str:
        return f"{self.group}-{self.name}"


OPTIONAL_FILES = (
    # (case name, files asked to be absent; dependents follow habits.removal_plan)
    # On acme, only the files its doc_refs point into (schedules), bank, customers, vendors
    # and tax_codes are removed: the others (periods, budget, payroll, intercompany
    # agreements, ar, ap) only exercise the runner's `needs` check, which kestrel's cases
    # cover in a third of the time (ACME_SKIPPED keeps the module under three minutes).
    ("periods", {"periods"}),
    ("budget", {"budget"}),
    ("bank", {"bank_accounts", "bank_transactions"}),
    ("customers", {"customers"}),
    ("vendors", {"vendors"}),
    ("tax_codes", {"tax_codes"}),
    ("ar", {"ar_invoices", "ar_receipts"}),
    ("ap", {"ap_bills", "ap_payments"}),
    ("fixed_assets", {"fixed_assets"}),
    ("payroll", {"payroll"}),
    ("prepaids", {"prepaids"}),
    ("accruals", {"accruals"}),
    ("deferred_revenue", {"deferred_revenue"}),
    ("loans", {"loans"}),
    ("leases", {"leases"}),
    ("intercompany_agreements", {"intercompany_agreements"}),
)


ACME_SKIPPED = {"periods", "budget", "payroll", "intercompany_agreements", "ar", "ap"}
# Renamed accounts and shorter decimals are run on kestrel only (six-digit chart, whole-yen
# amounts and 4-6 decimal rates: the harder notation); acme's 162,000 lines cost ~10 s a case.
ACME_SKIPPED_HABITS = {"accounts-renamed", "short-decimals"}


def _removal(tables):
    return lambda src, dst: habits.remove(src, dst, set(tables))


def _cases() -> list[Case]:
    cases = []
    for group in ("acme", "kestrel"):
        cases += [
            Case(group, "doc_ref-only-on-control-lines", "doc_ref", habits.strip_doc_ref),
            Case(group, "no-doc_ref-column", "doc_ref", habits.drop_doc_ref),
        ]
        cases += [Case(group, f"without-{name}", "removal", _removal(tables), frozenset(tables))
                  for name, tables in OPTIONAL_FILES
                  if not (group == "acme" and name in ACME_SKIPPED)]
        cases += [
            Case(group, "accounts-renamed", "rename", habits.rename_accounts),
            Case(group, "entities-renamed", "rename", habits.rename_entities),
            Case(group, "documents-renamed", "rename", habits.rename_documents),
            Case(group, "rows-reversed", "notation", habits.reverse_rows),
            Case(group, "short-decimals", "notation", habits.short_decimals),
        ]
    return [c for c in cases if not (c.group == "acme" and c.name in ACME_SKIPPED_HABITS)]


CASES = _cases()


def _generate(folder: Path, group: str) -> Path:
    pack = folder / "pack"
    command = [sys.executable, "-m", "fixtures.generate", str(pack), "--no-seeds",
               *(("--group", group) if group != "acme" else ())]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    return pack


def _close(pack: Path, workspace: Path):
    con, info = open_pack(pack, workspace)
    try:
        return run_close(con, info, parse_month(MONTH))
    finally:
        con.close()


@pytest.fixture(scope="session")
def clean_pack(tmp_path_factory):
    """group -> its clean books, generated once per run (on first use)."""
    packs: dict[str, Path] = {}

    def pack_of(group: str) -> Path:
        if group not in packs:
            packs[group] = _generate(tmp_path_factory.mktemp(f"habits-clean-{group}"), group)
        return packs[group]

    return pack_of


@pytest.fixture(scope="session")
def untouched_close(clean_pack, tmp_path_factory):
    """group -> the close of its untouched clean books (what nothing may change)."""
    closes: dict = {}

    def close_of(group: str):
        if group not in closes:
            closes[group] = _close(clean_pack(group), tmp_path_factory.mktemp(f"habits-ws-{group}"))
        return closes[group]

    return close_of


@pytest.fixture(scope="module", params=CASES, ids=[c.id for c in CASES])
def habit_close(request, clean_pack, tmp_path_factory):
    """(case, what the transform returned, the May 2026 close of the transformed books)."""
    case: Case = request.param
    folder = tmp_path_factory.mktemp(f"habits-{case.id}")
    try:
        applied = case.transform(clean_pack(case.group), folder / "pack")
        outcome = _close(folder / "pack", folder / "workspace")
        yield case, applied, outcome
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _line(r) -> str:
    return f"{r.skill_id} {r.entity_id or '(group)'}"


def test_no_skill_errors(habit_close):
    case, _, outcome = habit_close
    errors = [f"{_line(r)}: {r.summary}" for r in outcome.results if r.status == "error"]
    assert not errors, f"{case.id}: {len(errors)} errors:\n" + "\n".join(errors)


def _expected(case: "Case", clean_pack) -> set[tuple[str, Decimal]]:
    """(skill, amount) of what the clean books' own answer key lists (the demo's growth
    variances): ids may be renamed by a habit, amounts never are."""
    key = json.loads((clean_pack(case.group) / "answer_key.json").read_text(encoding="utf-8"))
    return {(c["skill"], Decimal(c["amount"])) for c in key["cases"]}


def test_no_skill_reports_anything(habit_close, clean_pack):
    case, _, outcome = habit_close
    expected = _expected(case, clean_pack)
    noise = [f"{_line(r)}: {f.severity} {f.amount} {f.message[:160]} {list(f.refs)[:3]}"
             for r in outcome.results if r.skill_id.split(".")[0] != "close"
             for f in r.findings if (r.skill_id, f.amount) not in expected]
    assert not noise, f"{case.id}: {len(noise)} findings:\n" + "\n".join(noise[:40])
    judged = {s for s, _ in expected}
    assert {r.status for r in outcome.results
            if r.skill_id not in judged and r.skill_id.split(".")[0] != "close"} <= {"pass", "skipped"}


DEPENDS = re.compile(r"depends on (\S+), which was skipped")


def _names_a_missing_file(result, outcome, removed: set[str]) -> bool:
    """The skip names an absent file ("leases.csv"), or a skipped dependency whose skip does."""
    if any(re.search(rf"\b{re.escape(t)}\.csv\b", result.summary) for t in removed):
        return True
    m = DEPENDS.search(result.summary)
    if m:
        dep = outcome.result(m.group(1), result.entity_id)
        return dep is not None and dep.status == "skipped" and _names_a_missing_file(dep, outcome, removed)
    return False


def test_every_skip_says_why(habit_close, untouched_close):
    case, applied, outcome = habit_close
    silent = [_line(r) for r in outcome.results if r.status == "skipped" and not r.summary.strip()]
    assert not silent, f"{case.id}: skipped without a reason: {silent}"
    if case.kind != "removal":
        return
    removed = applied.removed
    before = {(r.skill_id, r.entity_id): r.status for r in untouched_close(case.group).results}
    unnamed = [f"{_line(r)}: {r.summary}" for r in outcome.results
               if r.status == "skipped" and before.get((r.skill_id, r.entity_id)) != "skipped"
               and not _names_a_missing_file(r, outcome, removed)]
    assert not unnamed, (f"{case.id} (absent: {', '.join(sorted(removed))}): skipped without naming "
                         f"the missing file:\n" + "\n".join(unnamed))


def test_nothing_changes_but_names(habit_close, untouched_close):
    """Renamed ids, reversed rows and shorter decimals change no result: every status and
    finding the same (reversed rows and decimals: every result byte for byte)."""
    case, applied, outcome = habit_close
    if case.kind not in ("rename", "notation"):
        pytest.skip("the books' content changed: compared with nothing")
    before = untouched_close(case.group)
    rename = applied if (case.kind == "rename" and case.name == "entities-renamed") else {}
    if case.kind == "notation":
        old = {(r.skill_id, r.entity_id): result_to_dict(r) for r in before.results}
        new = {(r.skill_id, r.entity_id): result_to_dict(r) for r in outcome.results}
    else:
        def shape(r):
            return (r.status, tuple((f.severity, f.amount) for f in r.findings))
        old = {(r.skill_id, rename.get(r.entity_id, r.entity_id)): shape(r) for r in before.results}
        new = {(r.skill_id, r.entity_id): shape(r) for r in outcome.results}
    assert old.keys() == new.keys(), f"{case.id}: results differ in which skills/entities ran"
    changed = [f"{k[0]} {k[1] or '(group)'}:\n  before {old[k]}\n  after  {new[k]}"
               for k in old if old[k] != new[k]]
    assert not changed, f"{case.id}: {len(changed)} results changed:\n" + "\n".join(changed[:30])

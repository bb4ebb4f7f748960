"""Kestrel, the second group of books: deterministic, valid, balanced, with its own habits.

The group exists to differ from the demo where a skill could lean on the demo's habits
(fixtures/kestrel/README.md); these tests hold the generator to those conventions and
to the committed answer key.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from tests.support.books import csv_db

KESTREL = Path(__file__).resolve().parents[2] / "fixtures" / "kestrel"


@pytest.fixture(scope="module")
def kestrel(tmp_path_factory):
    from fixtures.kestrel.generate import generate

    folder = tmp_path_factory.mktemp("kestrel")
    generate(folder)
    return folder


@pytest.fixture(scope="module")
def db(kestrel):
    con = csv_db(kestrel)
    yield con
    con.close()


def test_same_seed_same_bytes(kestrel, tmp_path):
    from fixtures.kestrel.generate import generate

    generate(tmp_path)
    names = sorted(p.name for p in kestrel.iterdir())
    assert names == sorted(p.name for p in tmp_path.iterdir())
    changed = [n for n in names if (kestrel / n).read_bytes() != (tmp_path / n).read_bytes()]
    assert not changed


def test_the_generator_reproduces_the_committed_answer_key(kestrel):
    assert (kestrel / "answer_key.json").read_text(encoding="utf-8") == \
        (KESTREL / "answer_key.json").read_text(encoding="utf-8"), (
        "the seeds changed: python -m fixtures.generate DIR --group kestrel and copy DIR/answer_key.json "
        "to fixtures/kestrel/answer_key.json, then python -m fixtures.kestrel.answer_table --write")


def test_readme_holds_the_table_of_the_key():
    from fixtures.kestrel.answer_table import readme_section, render

    key = json.loads((KESTREL / "answer_key.json").read_text(encoding="utf-8"))
    assert readme_section((KESTREL / "README.md").read_text(encoding="utf-8")) == render(key)


def test_the_pack_validates(kestrel):
    from close.pack.validate import validate_pack

    assert validate_pack(kestrel) == []


def test_every_entry_balances_except_the_seeded_one(db, kestrel):
    unbalanced = db.execute("""
        SELECT je_id FROM journal_lines GROUP BY je_id
        HAVING SUM(CAST(debit AS DECIMAL(18,2))) <> SUM(CAST(credit AS DECIMAL(18,2)))""").fetchall()
    key = json.loads((kestrel / "answer_key.json").read_text(encoding="utf-8"))
    seeded = {r.split(":")[1] for c in key["cases"] if c["skill"] == "je.unbalanced_entries" for r in c["refs"]}
    assert {r[0] for r in unbalanced} == seeded and len(seeded) == 1
    # per transaction currency, except opening entries (foreign items against equity)
    off = db.execute("""
        SELECT je_id, currency FROM journal_lines
        WHERE currency IS NOT NULL AND amount_txn IS NOT NULL AND posting_date <> '2025-04-01'
        GROUP BY je_id, currency HAVING SUM(CAST(amount_txn AS DECIMAL(18,2))) <> 0""").fetchall()
    assert off == []


def test_clean_books_plant_nothing(tmp_path):
    from fixtures.kestrel.generate import generate

    generate(tmp_path, seeds=False)
    assert json.loads((tmp_path / "answer_key.json").read_text(encoding="utf-8"))["cases"] == []
    con = csv_db(tmp_path)
    assert con.execute("""SELECT COUNT(*) FROM (SELECT je_id FROM journal_lines GROUP BY je_id
        HAVING SUM(CAST(debit AS DECIMAL(18,2))) <> SUM(CAST(credit AS DECIMAL(18,2))))""").fetchone()[0] == 0


def test_pack_settings_differ_from_the_demo(kestrel):
    toml = (kestrel / "pack.toml").read_text(encoding="utf-8")
    assert 'reporting_currency = "EUR"' in toml and "fiscal_year_start_month = 4" in toml


def test_entities_include_a_partly_owned_yen_subsidiary(db):
    rows = {r[0]: r[1:] for r in db.execute(
        "SELECT entity_id, functional_currency, parent_id, ownership_pct FROM entities").fetchall()}
    assert rows["JP01"] == ("JPY", "NL01", "70.00")
    assert rows["NL01"][1] is None


def test_fx_rates_are_given_one_way_only(db):
    pairs = {(a, b) for a, b in db.execute("SELECT DISTINCT from_currency, to_currency FROM fx_rates").fetchall()}
    assert not [p for p in pairs if (p[1], p[0]) in pairs]
    assert {("EUR", "JPY"), ("USD", "EUR"), ("EUR", "SEK")} == pairs   # mixed directions
    months = db.execute("SELECT COUNT(DISTINCT date) FROM fx_rates").fetchone()[0]
    assert months == 15   # 2025-03 .. 2026-05, closing and average each


def test_no_doc_ref_on_system_and_schedule_entries(db):
    with_ref = db.execute("""SELECT COUNT(*) FROM journal_lines
        WHERE source IN ('system', 'fixed_assets', 'payroll', 'manual', 'tax', 'bank')
          AND doc_ref IS NOT NULL AND posting_date > '2025-04-01'""").fetchone()[0]
    assert with_ref == 0
    control = db.execute("""SELECT COUNT(*) FROM journal_lines
        WHERE source IN ('ar', 'ap') AND account_id IN ('110000', '200000') AND doc_ref IS NULL""").fetchone()[0]
    assert control == 1   # the seeded AR adjustment without an invoice


def test_yen_amounts_are_whole(db):
    for table, columns, entity in (("journal_lines", ("debit", "credit"), "entity_id"),
                                   ("ar_invoices", ("net_amount", "tax_amount"), "entity_id"),
                                   ("payroll", ("gross_pay", "employer_taxes"), "entity_id"),
                                   ("fixed_assets", ("cost",), "entity_id")):
        for column in columns:
            n = db.execute(f"SELECT COUNT(*) FROM {table} WHERE {entity} = 'JP01' AND {column} LIKE '%.%'").fetchone()[0]
            assert n == 0, (table, column)
    sample = db.execute("SELECT debit FROM journal_lines WHERE entity_id = 'NL01' AND debit <> '0.00' LIMIT 1").fetchone()[0]
    assert "." in sample


def test_jp_schedules_do_not_divide_evenly():
    from fixtures.kestrel.build import build_books

    world = build_books(20260531)
    assets = [a for a in world.assets if a.entity == "JP01"]
    assert assets and any((a.cost - a.salvage) % a.life for a in assets)
    for a in assets:
        assert sum(a.charges()) == a.cost - a.salvage   # the last month takes the remainder
    assert any(c["amount"] % 12 for c in world.contracts if c["entity_id"] == "JP01")
    loan = next(l for l in world.loans if l["entity_id"] == "JP01")
    assert loan["schedule"][-1][3] == 0


def test_people_post_on_business_days_and_may_has_holidays(db):
    from fixtures.dates import is_business_day

    countries = dict(db.execute("SELECT entity_id, country FROM entities").fetchall())
    assert not is_business_day("JP", date(2026, 5, 5)) and not is_business_day("NL", date(2026, 5, 14))
    assert not is_business_day("US", date(2026, 5, 25))
    rows = db.execute("""SELECT DISTINCT entity_id, je_id, posting_date FROM journal_lines
        WHERE source NOT IN ('system', 'fixed_assets') AND posting_date >= '2026-05-01'""").fetchall()
    off = [(e, j, d) for e, j, d in rows if not is_business_day(countries[e], date.fromisoformat(d))]
    assert len(off) == 2   # the two seeded holiday postings


def test_intercompany_is_invoiced_in_the_recipients_currency(db):
    rows = db.execute("""SELECT counterparty, currency FROM journal_lines
        WHERE entity_id = 'NL01' AND account_id = '420000' GROUP BY counterparty, currency""").fetchall()
    assert sorted(rows) == [("JP01", "JPY"), ("SE01", "SEK"), ("US01", "USD")]


def test_benford_population_is_large_enough(db):
    counts = dict(db.execute("""SELECT entity_id, COUNT(*) FROM journal_lines
        WHERE source = 'manual' AND posting_date >= '2026-05-01'
          AND CAST(debit AS DECIMAL(18,2)) + CAST(credit AS DECIMAL(18,2)) >= 10
        GROUP BY entity_id""").fetchall())
    assert counts["NL01"] >= 300 and counts["SE01"] >= 300


def test_every_seeded_skill_has_a_clean_entity(kestrel):
    key = json.loads((kestrel / "answer_key.json").read_text(encoding="utf-8"))
    by_skill: dict[str, set] = {}
    for c in key["cases"]:
        by_skill.setdefault(c["skill"], set()).add(c["entity_id"])
    crowded = [s for s, ents in by_skill.items() if None not in ents and len(ents) >= 4]
    assert not crowded
    classes = {"recon.deferred_revenue", "recon.loans", "tax.vat_reverse_charge", "recon.tax_accounts",
               "recon.intercompany", "flux.month_over_month", "stmt.consolidation", "je.benford_first_digit"}
    assert classes <= set(by_skill)

"""The shipped demo: a valid pack, large enough, clean where nothing was seeded."""
from __future__ import annotations

from close.pack import validate_pack
from close.pack.schema import TABLES, REQUIRED_TABLES



def test_demo_is_a_valid_pack_with_every_table(demo_dir):
    assert validate_pack(demo_dir) == []
    present = {p.stem for p in demo_dir.glob("*.csv")}
    # account_balances is what an importer reads from a source system (SAF-T's stated
    # balances); the generated books have no source system to state them.
    assert {t.name for t in TABLES} - {"account_balances"} <= present
    assert set(REQUIRED_TABLES) <= present


def test_demo_has_at_least_150000_journal_lines(demo_db):
    con = demo_db
    assert con.execute("SELECT count(*) FROM journal_lines").fetchone()[0] >= 150_000


def test_optional_columns_are_populated(demo_db):
    con = demo_db
    assert con.execute("SELECT count(*) FROM journal_lines WHERE doc_ref IS NOT NULL").fetchone()[0] > 50_000
    assert con.execute("SELECT count(*) FROM budget WHERE department IS NULL").fetchone()[0] == 0


def test_every_entry_balances_except_the_seeded_ones(demo_db, demo_key):
    con = demo_db
    off = {r[0] for r in con.execute("""
        SELECT je_id FROM journal_lines GROUP BY je_id
        HAVING SUM(CAST(debit AS DECIMAL(18,2))) <> SUM(CAST(credit AS DECIMAL(18,2)))""").fetchall()}
    seeded = {ref.split(":", 1)[1] for c in demo_key["cases"] if c["skill"] == "je.unbalanced_entries"
              for ref in c["refs"]}
    assert off == seeded and off


def test_subledger_postings_name_their_documents(demo_db):
    con = demo_db
    missing = con.execute("""
        SELECT count(*) FROM journal_lines
        WHERE source IN ('ar', 'ap', 'fixed_assets') AND doc_ref IS NULL""").fetchone()[0]
    assert missing == 0


def test_balance_sheet_signs_are_sane(demo_db):
    """No credit cash and no debit payables at any month end of the history."""
    con = demo_db
    rows = con.execute("""
        WITH m AS (SELECT DISTINCT last_day(CAST(posting_date AS DATE)) AS d FROM journal_lines
                   WHERE posting_date >= '2025-01-01')
        SELECT j.entity_id, j.account_id, m.d,
               SUM(CAST(j.debit AS DECIMAL(18,2)) - CAST(j.credit AS DECIMAL(18,2))) AS bal
        FROM journal_lines j JOIN m ON CAST(j.posting_date AS DATE) <= m.d
        WHERE j.account_id IN ('1010', '1020', '2000', '2100', '2500', '2600')
        GROUP BY ALL""").fetchall()
    wrong = [r for r in rows if (r[1] in ("1010", "1020") and r[3] < 0) or (r[1] >= "2000" and r[3] > 0)]
    assert not wrong


def test_people_post_on_business_days(demo_db):
    import holidays

    con = demo_db
    countries = dict(con.execute("SELECT entity_id, country FROM entities").fetchall())
    rows = con.execute("""
        SELECT DISTINCT entity_id, posting_date, je_id FROM journal_lines
        WHERE source NOT IN ('system', 'fixed_assets')""").fetchall()
    calendars = {c: holidays.country_holidays(c, years=range(2024, 2027)) for c in countries.values()}
    from datetime import date
    off = {je for entity, day, je in rows
           if (d := date.fromisoformat(day)).weekday() >= 5 or d in calendars[countries[entity]]}
    assert len(off) == 1  # the seeded holiday posting (je.weekend_holiday_postings)

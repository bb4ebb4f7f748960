"""Many refs resolved together give exactly what resolving each alone gives."""
from decimal import Decimal

import duckdb
import pytest

from close.pack import load_pack
from close.refs import resolve_ref, resolve_refs
from tests.support.books import mini_books


@pytest.fixture
def con(tmp_path):
    load_pack(mini_books().write(tmp_path / "pack"), tmp_path / "ledger.duckdb")
    connection = duckdb.connect(str(tmp_path / "ledger.duckdb"), read_only=True)
    yield connection
    connection.close()


def test_batch_equals_one_by_one_in_the_order_asked(con):
    refs = ["journal_lines:JE-3", "accounts:1000", "journal_lines:JE-1", "accounts:9999",
            "fx_rates:2026-05-31/GBP/USD/closing", "journal_lines:JE-3"]
    found = resolve_refs(con, refs)
    assert list(found) == ["journal_lines:JE-3", "accounts:1000", "journal_lines:JE-1",
                           "accounts:9999", "fx_rates:2026-05-31/GBP/USD/closing"]
    assert found == {ref: resolve_ref(con, ref) for ref in found}
    assert [r["line_no"] for r in found["journal_lines:JE-3"]] == [1, 2]
    assert found["accounts:9999"] == []
    assert found["fx_rates:2026-05-31/GBP/USD/closing"][0]["rate"] == Decimal("1.28")


def test_bad_refs_and_absent_tables_are_left_out(con):
    found = resolve_refs(con, ["JE-3", "ledger:JE-3", "payroll:E-0107", "accounts:1000' OR '1'='1",
                               "bank_transactions:BT-1", "journal_lines:JE-3"],
                         tables={"journal_lines", "accounts"})
    assert list(found) == ["accounts:1000' OR '1'='1", "journal_lines:JE-3"]
    assert found["accounts:1000' OR '1'='1"] == []


def test_composite_text_keys_map_back_to_their_ref():
    con = duckdb.connect()
    con.execute("CREATE TABLE payroll AS SELECT * FROM (VALUES ('US01', '2026-05', 'E-1', 10), "
                "('US01', '2026-05', 'E-2', 20), ('US01', '2026-04', 'E-1', 30)) "
                "AS t(entity_id, period, employee_id, gross_pay)")
    refs = ["payroll:2026-05/E-2", "payroll:2026-04/E-1", "payroll:2026-04/E-2"]
    found = resolve_refs(con, refs)
    assert found == {ref: resolve_ref(con, ref) for ref in refs}
    assert [r["gross_pay"] for r in found["payroll:2026-05/E-2"]] == [20]
    assert found["payroll:2026-04/E-2"] == []


# --- a report's refs: the first rows of each, and what all of them add up to -------------

def _demo_refs(con) -> list[str]:
    """The demo's largest entries (an opening balance has hundreds of lines), a small one,
    rows of other tables, a typed key, a ref naming nothing and a bad one."""
    largest = [r[0] for r in con.execute(
        "SELECT je_id FROM journal_lines GROUP BY je_id ORDER BY COUNT(*) DESC, je_id LIMIT 3").fetchall()]
    small = con.execute("SELECT je_id FROM journal_lines GROUP BY je_id HAVING COUNT(*) = 2 "
                        "ORDER BY je_id LIMIT 1").fetchone()[0]
    invoice = con.execute("SELECT MIN(invoice_id) FROM ar_invoices").fetchone()[0]
    rate = con.execute("SELECT strftime(date, '%Y-%m-%d') || '/' || from_currency || '/' || to_currency || '/' "
                       "|| rate_type FROM fx_rates ORDER BY ALL LIMIT 1").fetchone()[0]
    return ([f"journal_lines:{j}" for j in largest] + [f"journal_lines:{small}", f"ar_invoices:{invoice}",
            "accounts:1000", f"fx_rates:{rate}", "journal_lines:NO-SUCH-ENTRY", "nonsense"])


def _expected_totals(rows: list[dict]) -> dict:
    """first_rows_and_totals' figures computed here, row by row, the way the reports read rows."""
    from datetime import date

    both = bool(rows) and "debit" in rows[0] and "credit" in rows[0]
    firsts = [next((v for k, v in r.items() if k.endswith("date") and isinstance(v, date)), None) for r in rows]
    return {"count": len(rows),
            "columns": [c for c in (rows[0] if rows else {}) if any(r[c] not in (None, "") for r in rows)],
            "earliest": min((d for d in firsts if d is not None), default=None),
            "debit": sum((r["debit"] for r in rows), Decimal(0)) if both else None,
            "credit": sum((r["credit"] for r in rows), Decimal(0)) if both else None}


def test_the_first_rows_of_each_ref_and_what_all_of_them_add_up_to(demo_books):
    from close.refs import first_rows_and_totals

    con, info = demo_books
    refs = _demo_refs(con)
    whole = resolve_refs(con, refs, info.tables)
    assert max(len(rows) for rows in whole.values()) > 25        # the case the limit is for
    first, totals = first_rows_and_totals(con, refs, info.tables, limit=25)
    assert first == {ref: rows[:25] for ref, rows in whole.items()}
    assert list(totals) == list(whole) == list(dict.fromkeys(r for r in refs if r != "nonsense"))
    for ref, figures in totals.items():
        assert figures == _expected_totals(whole[ref]), ref
    assert totals["journal_lines:NO-SUCH-ENTRY"]["count"] == 0
    assert totals[refs[0]]["debit"] == totals[refs[0]]["credit"] > 0          # an entry balances


def test_the_reports_read_the_same_from_the_first_rows_and_their_totals(demo_books):
    """The appendix (counts, totals, columns) and a reconciling item's age are the same
    from 25 rows and their totals as from every row."""
    from close.refs import first_rows_and_totals
    from close.report.ref_lines import ref_lines
    from close.report.workpapers.books import Item
    from close.report.workpapers.tabs import _age

    con, info = demo_books
    refs = _demo_refs(con)
    whole = resolve_refs(con, refs, info.tables)
    first, totals = first_rows_and_totals(con, refs, info.tables, limit=25)
    assert ref_lines(refs, first, totals) == ref_lines(refs, whole)
    assert [e.more for e in ref_lines(refs, first, totals)][0] > 0
    month_end = con.execute("SELECT MAX(posting_date) FROM journal_lines").fetchone()[0]
    for ref in refs:
        item = Item(kind="timing", description="item", amount=Decimal(0), refs=[ref])
        assert _age(item, first, month_end, totals) == _age(item, whole, month_end), ref

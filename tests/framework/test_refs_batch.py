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

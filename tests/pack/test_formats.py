"""CSV, Parquet and XLSX packs holding the same data load to identical tables."""
import datetime as dt

import duckdb
import pytest
from openpyxl import Workbook, load_workbook

from close.pack import PackError, load_pack, validate_pack
from close.pack.xlsx_cells import cell_text

from .convert import to_parquet, to_xlsx
from .packs import GOOD_PACK
from .tables import table_rows


@pytest.fixture
def csv_rows(tmp_path):
    load_pack(GOOD_PACK, tmp_path / "csv.duckdb")
    return table_rows(tmp_path / "csv.duckdb")


@pytest.mark.parametrize("make", [
    pytest.param(lambda d: to_parquet(GOOD_PACK, d / "pq", typed=True), id="parquet-typed"),
    pytest.param(lambda d: to_parquet(GOOD_PACK, d / "pq", typed=False), id="parquet-text"),
    pytest.param(lambda d: to_parquet(GOOD_PACK, d / "pq", only=("journal_lines", "fx_rates")), id="mixed-folder"),
    pytest.param(lambda d: to_xlsx(GOOD_PACK, d / "tiny.xlsx", numeric=True), id="xlsx-numeric-cells"),
    pytest.param(lambda d: to_xlsx(GOOD_PACK, d / "tiny.xlsx", numeric=False), id="xlsx-text-cells"),
])
def test_formats_load_identical_tables(make, tmp_path, csv_rows):
    pack = make(tmp_path)
    assert validate_pack(pack) == []
    load_pack(pack, tmp_path / "other.duckdb")
    other = table_rows(tmp_path / "other.duckdb")
    assert other.keys() == csv_rows.keys()
    for name, rows in csv_rows.items():
        assert other[name] == rows, name


def test_parquet_problems_name_the_row(tmp_path):
    pack = to_parquet(GOOD_PACK, tmp_path / "pq", typed=False)
    path = pack / "journal_lines.parquet"
    with duckdb.connect() as con:
        con.execute(f"COPY (SELECT * REPLACE (CASE WHEN je_id = 'JE-0002' AND line_no = '2' THEN '2026-02-30' "
                    f"ELSE posting_date END AS posting_date) FROM '{path}') TO '{tmp_path}/x.parquet' (FORMAT parquet)")
    (tmp_path / "x.parquet").replace(path)
    assert [str(p) for p in validate_pack(pack)] == [
        "journal_lines.parquet row 4, posting_date '2026-02-30' is not a date (YYYY-MM-DD)"]


def test_parquet_float_money_is_refused(tmp_path):
    pack = to_parquet(GOOD_PACK, tmp_path / "pq", typed=True, only=("ar_receipts",))
    path = pack / "ar_receipts.parquet"
    with duckdb.connect() as con:
        con.execute(f"COPY (SELECT * REPLACE (CAST(amount AS DOUBLE) AS amount) FROM '{path}') "
                    f"TO '{tmp_path}/x.parquet' (FORMAT parquet)")
    (tmp_path / "x.parquet").replace(path)
    assert [str(p) for p in validate_pack(pack)] == [
        "ar_receipts.parquet, amount is stored as DOUBLE: store it as DECIMAL, an integer or text so it stays exact"]


def test_csv_and_parquet_of_one_table_is_a_problem(tmp_path):
    pack = to_parquet(GOOD_PACK, tmp_path / "pq", only=("vendors",))
    (pack / "vendors.csv").write_bytes((GOOD_PACK / "vendors.csv").read_bytes())
    assert [str(p) for p in validate_pack(pack)] == [
        "vendors.parquet and vendors.csv are both present: keep one of them"]


def test_xlsx_problems_name_the_sheet_row(tmp_path):
    book = to_xlsx(GOOD_PACK, tmp_path / "tiny.xlsx")
    wb = load_workbook(book)
    wb["journal_lines"]["D4"] = "2026-02-30"  # posting_date of the third data row
    wb["journal_lines"]["G5"] = 12.345  # a numeric cell with three decimals
    wb["accounts"].delete_cols(6)  # active
    del wb["fx_rates"]
    wb.save(book)
    assert [str(p) for p in validate_pack(book)] == [
        "tiny.xlsx[accounts] row 1, active is missing from the header (a required column)",
        "tiny.xlsx[journal_lines] row 4, posting_date '2026-02-30' is not a date (YYYY-MM-DD)",
        "tiny.xlsx[journal_lines] row 5, debit '12.345' is not an exact decimal amount "
        "(like -1234.50: at most 2 decimals, no exponent, no thousands separators)",
        "tiny.xlsx[fx_rates] is missing (a required table)",
    ]


def test_xlsx_without_pack_sheet(tmp_path):
    book = to_xlsx(GOOD_PACK, tmp_path / "tiny.xlsx")
    wb = load_workbook(book)
    del wb["pack"]
    wb.save(book)
    assert [str(p) for p in validate_pack(book)] == [
        "tiny.xlsx[pack] is missing: a workbook pack keeps its settings there"]


def test_xlsx_empty_rows_inside_keep_row_numbers(tmp_path):
    book = to_xlsx(GOOD_PACK, tmp_path / "tiny.xlsx")
    wb = load_workbook(book)
    ws = wb["vendors"]
    ws.insert_rows(3)  # an empty row 3 between the two vendors
    for _ in range(5):
        ws.append([None] * 6)  # trailing empty rows, as spreadsheets leave them
    wb.save(book)
    assert [str(p) for p in validate_pack(book)] == [
        "tiny.xlsx[vendors] row 3, vendor_id is blank (a value is required)",
        "tiny.xlsx[vendors] row 3, name is blank (a value is required)",
        "tiny.xlsx[vendors] row 3, country is blank (a value is required)",
        "tiny.xlsx[vendors] row 3, is_1099 is blank (a value is required)",
    ]


@pytest.mark.parametrize("value, kind, text", [
    (1234.5, "money", "1234.5"),
    (10000.0, "money", "10000"),
    (0.1 + 0.2, "money", "0.30000000000000004"),
    (1e16, "money", "10000000000000000"),
    (36, "int", "36"),
    (True, "bool", "true"),
    (dt.datetime(2026, 5, 31), "date", "2026-05-31"),
    (dt.datetime(2026, 5, 31, 17, 5), "timestamp", "2026-05-31T17:05:00Z"),
    (dt.date(2026, 5, 31), "date", "2026-05-31"),
    ("", "text", None),
    (None, "money", None),
    (" 12.00", "money", " 12.00"),
])
def test_cell_text_rule(value, kind, text):
    assert cell_text(value, kind) == text


def test_a_control_character_in_a_parquet_table_is_refused_by_the_load(tmp_path):
    """A Parquet file's bytes are compressed, so the load cannot look for a control
    character in them (close.pack.control_bytes): its table keeps the check as it loads,
    beside CSV tables that may skip it."""
    pack = to_parquet(GOOD_PACK, tmp_path / "pq", typed=False, only=("journal_lines",))
    path = pack / "journal_lines.parquet"
    with duckdb.connect() as con:
        con.execute(f"COPY (SELECT * REPLACE (CASE WHEN je_id = 'JE-0002' AND line_no = '2' "
                    f"THEN description || chr(27) ELSE description END AS description) FROM '{path}') "
                    f"TO '{tmp_path}/x.parquet' (FORMAT parquet)")
    (tmp_path / "x.parquet").replace(path)
    expected = validate_pack(pack)
    assert [(p.file, p.line, p.column) for p in expected] == [("journal_lines.parquet", 4, "description")]
    with pytest.raises(PackError) as err:
        load_pack(pack, tmp_path / "ledger.duckdb")
    assert err.value.problems == expected

"""close import gl: ERP general-ledger exports through a map, and a round trip of the demo."""
from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

from close.importers import ImportRefused
from close.importers.formats import NumberFormat, parse_date
from close.importers.gl import import_gl
from close.pack import validate_pack

from .conftest import run_cli


def rows(pack: Path, table: str) -> list[dict]:
    with open(pack / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("text, fmt, expected", [
    ("1.234,56", NumberFormat(",", "."), "1234.56"),
    ("(1,234.56)", NumberFormat(".", ","), "-1234.56"),
    ("$1,234.56", NumberFormat(".", ","), "1234.56"),
    ("-€ 12.00", NumberFormat(".", ","), "-12.00"),
    ("1 234,50-", NumberFormat(",", " "), "-1234.50"),
    ("0.1", NumberFormat(".", ","), "0.1"),
])
def test_numbers(text, fmt, expected):
    assert fmt.parse(text) == Decimal(expected)


@pytest.mark.parametrize("text, fmt", [("1.234,56", NumberFormat(".", ",")), ("12e3", NumberFormat()),
                                       ("1,234.56", NumberFormat(",", "."))])
def test_numbers_that_do_not_fit_the_format_are_refused(text, fmt):
    with pytest.raises(ValueError, match="not an amount in the map's format"):
        fmt.parse(text)


def test_dates():
    assert parse_date("31/05/2026", "%d/%m/%Y").isoformat() == "2026-05-31"
    assert parse_date("05/31/2026", "%m/%d/%Y").isoformat() == "2026-05-31"
    assert parse_date("31 May 2026", "%d %b %Y").isoformat() == "2026-05-31"
    with pytest.raises(ValueError, match="'%d/%m/%Y'"):
        parse_date("05/31/2026", "%d/%m/%Y")


QBO_JOURNAL = '''Journal
Craig's Landscaping
"May 1-31, 2026"

Date,Transaction Type,Num,Name,Memo/Description,Account,Debit,Credit
05/01/2026,Invoice,1037,Sonnenschein Family Store,,1100 Accounts Receivable (A/R),"$1,362.07",
,,,,Rock Fountain,4000 Sales of Product Income,,"$1,362.07"
,,,,,,"$1,362.07","$1,362.07"

05/03/2026,Expense,,Hicks Hardware,Tools,6100 Equipment Rental,(12.50),
,,,,Tools,1000 Checking,,(12.50)
,,,,,,-12.50,-12.50

05/31/2026,Journal Entry,JE7,,Accrual,6200 Utilities,250.00,
,,,,Accrual,2100 Accrued Liabilities,,250.00
,,,,,,250.00,250.00

TOTAL,,,,,,"$1,599.57","$1,599.57"
'''

QBO_ACCOUNTS = '''Account List
Craig's Landscaping

Account,Type,Detail type,Description,Balance
1000 Checking,Bank,Checking,,"1,201.10"
1100 Accounts Receivable (A/R),Accounts receivable (A/R),Accounts Receivable (A/R),,"5,281.52"
2100 Accrued Liabilities,Other Current Liabilities,Accrued liabilities,,250.00
4000 Sales of Product Income,Income,Sales of Product Income,,"912.75"
6100 Equipment Rental,Expenses,Equipment Rental,,112.00
6200 Utilities,Expenses,Utilities,,250.00
'''


def test_quickbooks_online_journal(tmp_path):
    src, chart = tmp_path / "Journal.csv", tmp_path / "Account List.csv"
    src.write_text(QBO_JOURNAL, encoding="utf-8")
    chart.write_text(QBO_ACCOUNTS, encoding="utf-8")
    result = run_cli("import", "gl", src, "--map", "quickbooks-online-journal", "--chart", chart,
                     "--out", tmp_path / "qbo", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["entries"] == 3
    pack = tmp_path / "qbo"
    assert validate_pack(pack) == []
    lines = rows(pack, "journal_lines")
    assert [(l["je_id"], l["posting_date"], l["account_id"], l["debit"], l["credit"], l["source"]) for l in lines] == [
        ("QBO-000001", "2026-05-01", "1100", "1362.07", "0.00", "ar"),
        ("QBO-000001", "2026-05-01", "4000", "0.00", "1362.07", "ar"),
        ("QBO-000002", "2026-05-03", "6100", "0.00", "12.50", "bank"),   # (12.50) debit: a credit
        ("QBO-000002", "2026-05-03", "1000", "12.50", "0.00", "bank"),
        ("QBO-000003", "2026-05-31", "6200", "250.00", "0.00", "manual"),
        ("QBO-000003", "2026-05-31", "2100", "0.00", "250.00", "manual")]
    assert lines[0]["name"] == "Sonnenschein Family Store" and lines[0]["source_line"] == "6"
    chart_rows = {a["account_id"]: (a["name"], a["subtype"]) for a in rows(pack, "accounts")}
    assert chart_rows["1000"] == ("Checking", "cash") and chart_rows["2100"] == ("Accrued Liabilities", "accrued_liability")


XERO_GL = '''General Ledger Detail
Demo Company (UK)
For the period 1 May 2026 to 31 May 2026

Date,Source,Description,Reference,Journal ID,Account Code,Account,Account Type,Debit,Credit
Business Bank Account,,,,,,,,,
Opening Balance,,,,,,,,,
02 May 2026,Receive Money,Cash sale,RM-1,J-101,090,Business Bank Account,Bank,"1,200.00",
05 May 2026,Spend Money,Office chairs,SM-4,J-102,090,Business Bank Account,Bank,,480.00
Total Business Bank Account,,,,,,,,"1,200.00",480.00
Sales,,,,,,,,,
02 May 2026,Receive Money,Cash sale,RM-1,J-101,200,Sales,Revenue,,"1,000.00"
VAT,,,,,,,,,
02 May 2026,Receive Money,Cash sale,RM-1,J-101,820,VAT,Current Liability,,200.00
05 May 2026,Spend Money,Office chairs,SM-4,J-102,820,VAT,Current Liability,80.00,
Office Expenses,,,,,,,,,
05 May 2026,Spend Money,Office chairs,SM-4,J-102,453,Office Expenses,Overhead,400.00,
Closing Balance,,,,,,,,,
'''


def test_xero_general_ledger_detail(tmp_path):
    src = tmp_path / "GL.csv"
    src.write_text(XERO_GL, encoding="utf-8")
    summary = import_gl(src, "xero-general-ledger", tmp_path / "xero")
    pack = tmp_path / "xero"
    assert validate_pack(pack) == []
    assert (summary["entries"], summary["lines"], summary["total_debit"], summary["total_credit"]) == (2, 6, "1680.00", "1680.00")
    by_entry = {}
    for l in rows(pack, "journal_lines"):
        by_entry.setdefault(l["je_id"], []).append((l["account_id"], l["debit"], l["credit"]))
    assert by_entry["J-101"] == [("090", "1200.00", "0.00"), ("200", "0.00", "1000.00"), ("820", "0.00", "200.00")]
    types = {a["account_id"]: a["subtype"] for a in rows(pack, "accounts")}
    assert types == {"090": "cash", "200": "revenue", "453": "opex", "820": "accrued_liability"}


def test_an_amount_in_the_wrong_format_is_refused_where_it_is(tmp_path):
    src = tmp_path / "GL.csv"
    src.write_text(XERO_GL.replace('"1,200.00",\n05', '"1.200,00",\n05', 1), encoding="utf-8")
    with pytest.raises(ImportRefused) as caught:
        import_gl(src, "xero-general-ledger", tmp_path / "out")
    assert [str(p) for p in caught.value.problems] == [
        "GL.csv line 8 (Debit) '1.200,00': not an amount in the map's format (decimal '.', thousands ',')"]
    assert not (tmp_path / "out").exists()


def test_an_unknown_account_type_is_named(tmp_path):
    src = tmp_path / "GL.csv"
    src.write_text(XERO_GL.replace(",Overhead,", ",Sundry,"), encoding="utf-8")
    result = run_cli("import", "gl", src, "--map", "xero-general-ledger", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "GL.csv line 17 (Account Type) 'Sundry': account '453' (Office Expenses) has no type: add 'Sundry' " \
           "to the map's [account_types]" in result.stderr


ROUND_TRIP_MAP = '''
[pack]
name = "Round trip"
reporting_currency = "CAD"
materiality = "25000.00"
[entity]
id = "CA01"
name = "Acme Canada"
currency = "CAD"
country = "CA"
[csv]
delimiter = ";"
[format]
date = "%d/%m/%Y"
decimal = ","
thousands = "."
[columns]
posting_date = "Datum"
je_id = "Beleg"
account_id = "Konto"
account_name = "Kontoname"
account_type = "Art"
account_subtype = "Unterart"
debit = "Soll"
credit = "Haben"
description = "Text"
source = "Quelle"
preparer = "Erfasser"
'''


def _european(amount: Decimal) -> str:
    whole, _, cents = f"{amount:,.2f}".partition(".")
    return whole.replace(",", ".") + "," + cents


def test_round_trip_demo_to_gl_csv_and_back_gives_the_same_trial_balance(demo_pack, tmp_path):
    """The demo's CA01 books exported as a German-style GL CSV (1.234,56; 31/05/2026;
    semicolons), imported with a map: the trial balance at May 2026 is the same."""
    import duckdb

    con = duckdb.connect()
    export = con.execute("""
        SELECT j.je_id, j.posting_date, j.account_id, a.name, a.type, a.subtype, j.debit, j.credit,
               j.description, j.source, j.preparer
        FROM read_csv($jl, all_varchar = true) j JOIN read_csv($acc, all_varchar = true) a USING (account_id)
        WHERE j.entity_id = $entity ORDER BY j.je_id, CAST(j.line_no AS INTEGER)""",
        {"jl": str(demo_pack / "journal_lines.csv"), "acc": str(demo_pack / "accounts.csv"), "entity": "CA01"}).fetchall()
    src = tmp_path / "hauptbuch.csv"
    with open(src, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["Beleg", "Datum", "Konto", "Kontoname", "Art", "Unterart", "Soll", "Haben", "Text", "Quelle", "Erfasser"])
        for je, day, acc, name, typ, sub, debit, credit, text, source, preparer in export:
            y, m, d = day.split("-")
            w.writerow([je, f"{d}/{m}/{y}", acc, name, typ, sub, _european(Decimal(debit)), _european(Decimal(credit)),
                        text or "", source, preparer])
    gl_map = tmp_path / "map.toml"
    gl_map.write_text(ROUND_TRIP_MAP, encoding="utf-8")
    result = run_cli("import", "gl", src, "--map", gl_map, "--out", tmp_path / "pack")
    assert result.exit_code == 0, result.stderr

    tb = run_cli("skills", "run", "je.trial_balance", "--month", "2026-05", "--pack", tmp_path / "pack", "--json")
    assert tb.exit_code == 0, tb.stderr
    imported = {a["account_id"]: a for a in json.loads(tb.stdout)["skills"][0]["metrics"]["accounts"]}
    expected = con.execute("""
        SELECT j.account_id, min(a.name), min(a.type),
               COALESCE(SUM(CASE WHEN CAST(posting_date AS DATE) < DATE '2026-05-01' THEN CAST(debit AS DECIMAL(18,2)) - CAST(credit AS DECIMAL(18,2)) END), 0),
               COALESCE(SUM(CASE WHEN CAST(posting_date AS DATE) >= DATE '2026-05-01' THEN CAST(debit AS DECIMAL(18,2)) END), 0),
               COALESCE(SUM(CASE WHEN CAST(posting_date AS DATE) >= DATE '2026-05-01' THEN CAST(credit AS DECIMAL(18,2)) END), 0),
               SUM(CAST(debit AS DECIMAL(18,2)) - CAST(credit AS DECIMAL(18,2)))
        FROM read_csv($jl, all_varchar = true) j JOIN read_csv($acc, all_varchar = true) a USING (account_id)
        WHERE j.entity_id = $entity AND CAST(posting_date AS DATE) <= DATE '2026-05-31'
        GROUP BY j.account_id ORDER BY j.account_id""",
        {"jl": str(demo_pack / "journal_lines.csv"), "acc": str(demo_pack / "accounts.csv"), "entity": "CA01"}).fetchall()
    assert len(expected) > 20
    assert {acc: (a["name"], a["type"], Decimal(a["opening"]), Decimal(a["debit"]), Decimal(a["credit"]), Decimal(a["closing"]))
            for acc, a in imported.items()} == {row[0]: tuple(row[1:]) for row in expected}

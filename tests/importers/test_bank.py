"""close import bank: camt.053, MT940 and OFX statements, tied, each line added once."""
from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

from close.importers import ImportRefused
from close.importers.bank import import_bank
from close.importers.statement import read_statements
from close.pack import validate_pack

from .conftest import BANK, need, run_cli

CAMT2 = BANK / "camt053.v2.multi.statement.xml"
CAMT8 = BANK / "camt053.v8.xml"
MT940 = BANK / "mt940_betterplace_sepa_mt9401.sta"
OFX = BANK / "ofx_checking.ofx"
ONE_ACCOUNT = "50880050/0194785000888"  # three statements of one account in the MT940 sample


def txns(pack: Path) -> list[dict]:
    with open(pack / "bank_transactions.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_camt_statements_tie_and_import(pack_copy):
    statements = read_statements(need(CAMT2))
    assert [(s.statement_id, s.opening, s.movements, s.closing) for s in statements] == [
        ("253EURNL26VAYB8060476890", Decimal("18.15"), Decimal("8.85"), Decimal("27.00")),
        ("254EURNL26VAYB8060476890", Decimal("27.00"), Decimal("-7.00"), Decimal("20.00"))]
    assert all(s.tie() == [] for s in statements)
    result = run_cli("import", "bank", CAMT2, "--pack", pack_copy, "--bank-account", "NL-EUR", "--gl-account", "1920")
    assert result.exit_code == 0, result.stderr
    assert "2 transactions added" in result.stdout
    assert validate_pack(pack_copy) == []
    assert [(t["booking_date"], t["amount"]) for t in txns(pack_copy)] == [("2014-12-31", "8.85"), ("2014-12-31", "-7.00")]


def test_camt_v8_refused_as_it_is_and_imported_once_its_balance_is_right(pack_copy, tmp_path):
    with pytest.raises(ImportRefused) as caught:
        import_bank([need(CAMT8)], pack_copy, "NL-EUR", gl_account="1920")
    assert [str(p) for p in caught.value.problems] == [
        "camt053.v8.xml line 80 (Document/BkToCstmrStmt/Stmt/Bal[2]/Amt) '27.00': is in SEK, but statement "
        "253EURNL26VAYB8060476890 is in EUR"]
    fixed = tmp_path / "v8.xml"
    text = CAMT8.read_text(encoding="utf-8")
    text = text.replace('<Amt Ccy="SEK">27.00</Amt>\n                <CdtDbtInd>DBIT</CdtDbtInd>',
                        '<Amt Ccy="EUR">27.00</Amt>\n                <CdtDbtInd>CRDT</CdtDbtInd>')
    fixed.write_text(text.replace('<Amt Ccy="SEK">0</Amt>', '<Amt Ccy="EUR">0</Amt>'), encoding="utf-8")
    summary = import_bank([fixed], pack_copy, "NL-EUR", gl_account="1920")
    assert summary.added == 1 and summary.statements[0]["tie"] == "tied"
    line, = txns(pack_copy)
    assert line["txn_id"] == "NL-EUR-AAAASESS-FP-CN_98765_01"  # the bank's AcctSvcrRef
    assert (line["booking_date"], line["value_date"], line["amount"]) == ("2014-12-31", "2015-01-02", "8.85")


def test_every_mt940_statement_ties():
    statements = read_statements(need(MT940))
    assert len(statements) == 26 and sum(len(s.lines) for s in statements) == 97
    assert [p for s in statements for p in s.tie()] == []
    assert all(isinstance(l.amount, Decimal) for s in statements for l in s.lines)


def test_mt940_imports_one_account_at_a_time(pack_copy):
    result = run_cli("import", "bank", need(MT940), "--pack", pack_copy, "--bank-account", "DE-1", "--gl-account", "1920")
    assert result.exit_code == 2 and "holds statements of 20 accounts" in result.stderr
    result = run_cli("import", "bank", MT940, "--pack", pack_copy, "--bank-account", "DE-1", "--gl-account", "1920",
                     "--account-number", ONE_ACCOUNT, "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["added"] == 12 and [s["tie"] for s in doc["statements"]] == ["tied"] * 3
    assert validate_pack(pack_copy) == []


def test_reimport_adds_nothing_and_an_overlapping_statement_adds_only_new_lines(pack_copy, tmp_path):
    first = tmp_path / "first.xml"
    text = need(CAMT2).read_text(encoding="utf-8")
    start, end = text.index("<Stmt>", text.index("</Stmt>")), text.index("</Stmt>", text.index("</Stmt>") + 1) + 7
    first.write_text(text[:start] + text[end:], encoding="utf-8")  # the first statement only
    assert import_bank([first], pack_copy, "NL-EUR", gl_account="1920").added == 1
    both = import_bank([CAMT2], pack_copy, "NL-EUR")
    assert (both.added, both.already_present) == (1, 1)
    again = import_bank([CAMT2], pack_copy, "NL-EUR")
    assert (again.added, again.already_present) == (0, 2)
    assert len(txns(pack_copy)) == 2


def test_mt940_reimport_is_idempotent(pack_copy):
    import_bank([need(MT940)], pack_copy, "DE-1", gl_account="1920", account_number=ONE_ACCOUNT)
    before = (pack_copy / "bank_transactions.csv").read_bytes()
    again = import_bank([MT940], pack_copy, "DE-1", account_number=ONE_ACCOUNT)
    assert again.added == 0 and (pack_copy / "bank_transactions.csv").read_bytes() == before


def test_ofx_imports_with_its_ledger_balance(pack_copy):
    assert all(isinstance(l.amount, Decimal) for s in read_statements(need(OFX)) for l in s.lines)
    summary = import_bank([OFX], pack_copy, "US-CHK", gl_account="1920")
    assert summary.added == 3
    assert summary.statements[0]["closing"] == "100.99"
    assert summary.statements[0]["tie"] == "not checked: OFX states no opening balance"
    assert [(t["txn_id"], t["amount"]) for t in txns(pack_copy)] == [
        ("US-CHK-0000486", "0.01"), ("US-CHK-0000487", "-34.51"), ("US-CHK-0000488", "-25.00")]
    assert validate_pack(pack_copy) == []


# -- bad statements -------------------------------------------------------------------

def refused(files, pack: Path, **kwargs) -> list[str]:
    before = {p.name: p.read_bytes() for p in pack.iterdir() if p.is_file()}
    with pytest.raises(ImportRefused) as caught:
        import_bank(files, pack, "B1", gl_account="1920", **kwargs)
    assert {p.name: p.read_bytes() for p in pack.iterdir() if p.is_file()} == before, "a refused import writes nothing"
    return [str(p) for p in caught.value.problems]


def test_a_statement_that_does_not_tie_is_refused_with_its_id_and_difference(pack_copy, tmp_path):
    bad = tmp_path / "camt.xml"
    bad.write_text(need(CAMT2).read_text(encoding="utf-8").replace(
        '<Amt Ccy="EUR">20.00</Amt>', '<Amt Ccy="EUR">21.50</Amt>'), encoding="utf-8")
    assert refused([bad], pack_copy) == [
        "camt.xml line 112: statement 254EURNL26VAYB8060476890 does not tie: opening 27.00 + movements -7.00 "
        "= 20.00, but its closing balance is 21.50 (difference -1.50)"]


def test_an_mt940_statement_that_does_not_tie(pack_copy, tmp_path):
    bad = tmp_path / "bad.sta"
    bad.write_text(need(MT940).read_text(encoding="utf-8").replace(":62F:D070904EUR1237628,23", ":62F:D070904EUR1237628,20", 1))
    problems = refused([bad], pack_copy, account_number="50880050/0194774600888")
    assert problems == ["bad.sta line 1: statement T089413946000001 00004/00001 does not tie: opening "
                        "-1,234,718.36 + movements -2,909.87 = -1,237,628.23, but its closing balance is "
                        "-1,237,628.20 (difference -0.03)"]


def test_a_truncated_camt_is_refused_with_its_line(pack_copy, tmp_path):
    text = need(CAMT2).read_text(encoding="utf-8")
    bad = tmp_path / "cut.xml"
    bad.write_text(text[:3000], encoding="utf-8")
    problems = refused([bad], pack_copy)
    assert len(problems) == 1 and problems[0].startswith("cut.xml line ") and "not well-formed XML" in problems[0]


def test_a_camt_in_a_wrong_namespace_is_refused(pack_copy, tmp_path):
    bad = tmp_path / "ns.xml"
    bad.write_text(need(CAMT2).read_text(encoding="utf-8").replace("camt.053.001.02", "camt.052.001.02"), encoding="utf-8")
    problems = refused([bad], pack_copy)
    assert problems[0].startswith("ns.xml line 2 (Document): is not a camt.053 statement close reads")
    assert "'urn:iso:std:iso:20022:tech:xsd:camt.052.001.02'" in problems[0]


def test_an_mt940_with_a_malformed_61_line_is_refused_with_its_line(pack_copy, tmp_path):
    bad = tmp_path / "bad.sta"
    bad.write_text(need(MT940).read_text(encoding="utf-8").replace(
        ":61:0709040904CR335,33NTRFTFNr 44003 MSGID//0724710351061491", ":61:07090X0904CR335,33NTRF", 1))
    assert refused([bad], pack_copy) == [
        "bad.sta line 8 (:61:) '07090X0904CR335,33NTRF': has a :61: field that is not valid MT940 (Statement)"]


def test_an_ofx_without_a_balance_is_refused_with_its_line(pack_copy, tmp_path):
    text = need(OFX).read_text(encoding="utf-8")
    start, end = text.index("<LEDGERBAL>"), text.index("</LEDGERBAL>") + len("</LEDGERBAL>")
    bad = tmp_path / "nobal.ofx"
    bad.write_text(text[:start] + text[end:], encoding="utf-8")
    assert refused([bad], pack_copy) == [
        "nobal.ofx line 36 (STMTRS): statement 1 has no ledger balance (LEDGERBAL/BALAMT): close cannot tell "
        "what the bank says the account holds"]


def test_a_file_that_is_no_statement(pack_copy, tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello\n")
    assert refused([bad], pack_copy) == [
        "notes.txt line 1: is not a bank statement close reads: not camt.053 XML, an MT940 file (:20:, :25:, "
        ":60F:, :61:) or OFX"]


def test_a_new_bank_account_needs_its_gl_account_when_the_chart_has_several(pack_copy):
    result = run_cli("import", "bank", need(OFX), "--pack", pack_copy, "--bank-account", "X")
    assert result.exit_code == 2
    assert "has 2 cash accounts (1900, 1920): name the GL account bank account X posts to with --gl-account" in result.stderr

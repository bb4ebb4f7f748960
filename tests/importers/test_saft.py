"""close import saft: the Norwegian public example, the other layouts, and bad files."""
from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

from close.importers import ImportRefused
from close.importers.saft import default_materiality, import_saft
from close.pack import validate_pack

from .conftest import SAFT, SAFT_SMALL, need, run_cli


def rows(pack: Path, table: str) -> list[dict]:
    with open(pack / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_example_imports_into_a_pack_that_validates(saft_pack):
    assert validate_pack(saft_pack) == []
    assert len(rows(saft_pack, "accounts")) == 22
    assert len(rows(saft_pack, "customers")) == 6
    assert len(rows(saft_pack, "vendors")) == 6
    assert len({r["tax_code"] for r in rows(saft_pack, "tax_codes")}) == 9
    entity, = rows(saft_pack, "entities")
    assert entity == {"entity_id": "NO888888888", "name": "Tøyen Lekefabrikk AS", "functional_currency": "NOK",
                      "country": "NO", "parent_id": "", "ownership_pct": ""}
    lines = [r for r in rows(saft_pack, "journal_lines") if r["je_id"] != "OPENING"]
    assert len({r["je_id"] for r in lines}) == 53 and len(lines) == 170


def test_every_transaction_balances_and_the_lines_add_up_to_the_header(saft_pack):
    lines = [r for r in rows(saft_pack, "journal_lines") if r["je_id"] != "OPENING"]
    by_entry: dict[str, Decimal] = {}
    for r in lines:
        by_entry[r["je_id"]] = by_entry.get(r["je_id"], Decimal(0)) + Decimal(r["debit"]) - Decimal(r["credit"])
    assert set(by_entry.values()) == {Decimal(0)}
    assert sum(Decimal(r["debit"]) for r in lines) == Decimal("9487049.35")
    assert sum(Decimal(r["credit"]) for r in lines) == Decimal("9487049.35")


def test_accounts_are_typed_by_the_standard_account_map(saft_pack):
    chart = {r["account_id"]: (r["type"], r["subtype"]) for r in rows(saft_pack, "accounts")}
    assert chart["1920"] == ("asset", "cash")
    assert chart["1500"] == ("asset", "receivable")
    assert chart["2400"] == ("liability", "payable")
    assert chart["2700"] == ("liability", "tax_payable")
    assert chart["3000"] == ("revenue", "revenue")
    assert chart["5000"] == ("expense", "payroll_expense")


def test_lines_carry_tax_doc_ref_and_counterparty(saft_pack):
    first = [r for r in rows(saft_pack, "journal_lines") if r["je_id"] == "1001"]
    assert [(r["account_id"], r["debit"], r["credit"]) for r in first] == [
        ("4000", "10000.00", "0.00"), ("2400", "0.00", "12500.00"), ("2710", "2500.00", "0.00")]
    assert (first[0]["tax_code"], first[0]["tax_base"], first[0]["tax_amount"]) == ("1", "10000.00", "2500.00")
    assert first[1]["counterparty"] == "2002" and first[1]["source"] == "ap"
    assert {r["doc_ref"] for r in first} == {"ap_bills:1234"}  # a supplier credited: a bill
    sale = [r for r in rows(saft_pack, "journal_lines") if r["je_id"] == "1005"]
    assert {r["doc_ref"] for r in sale} == {"ar_invoices:1234"} and sale[0]["source"] == "ar"
    codes = {r["tax_code"]: r for r in rows(saft_pack, "tax_codes")}
    assert codes["1"]["gl_account_id"] == "2710" and codes["1"]["rate"] == "0.25"  # from the journal
    assert codes["3"]["rate"] == "0.15" and codes["3@2006-01-01"]["effective_to"] == "2007-12-31"


def test_opening_balances_and_stated_balances(saft_pack):
    opening = {r["account_id"]: r for r in rows(saft_pack, "journal_lines") if r["je_id"] == "OPENING"}
    assert opening["1920"]["debit"] == "370000.00" and opening["1920"]["posting_date"] == "2016-12-31"
    assert opening["2000"]["credit"] == "225000.00"
    stated = {(r["account_id"], r["period"]): r for r in rows(saft_pack, "account_balances")}
    assert stated[("1920", "2017-01")]["opening"] == "370000.00"
    assert stated[("1920", "2017-04")]["closing"] == "670568.75"


def test_the_close_reports_the_balances_that_do_not_roll_forward(saft_pack, tmp_path):
    result = run_cli("skills", "run", "je.trial_balance", "--month", "2017-04", "--pack", saft_pack, "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    findings = [f for s in doc["skills"] for f in s["findings"] if "source system states" in f["message"]]
    assert sorted((f["refs"][0], f["amount"]) for f in findings) == [
        ("accounts:1920", "53838.25"), ("accounts:2711", "0.35"), ("accounts:2740", "0.35")]


def test_the_close_reports_the_tax_lines_that_are_not_base_times_rate(saft_pack, tmp_path):
    result = run_cli("run", "--month", "2017-01", "--pack", saft_pack, "--out", tmp_path / "run", "--json")
    doc = json.loads(result.stdout)
    refs = {ref for s in doc["skills"] if s["id"].startswith("tax.") for f in s["findings"] for ref in f["refs"]}
    assert {"journal_lines:1013", "journal_lines:1041"} <= refs


def test_the_tax_lines_the_close_should_report_are_in_the_pack(saft_pack):
    rates = {r["tax_code"]: Decimal(r["rate"]) for r in rows(saft_pack, "tax_codes")}
    off = [(r["je_id"], r["tax_base"], r["tax_amount"]) for r in rows(saft_pack, "journal_lines")
           if r["tax_code"] and Decimal(r["tax_base"]) * rates[r["tax_code"]] != Decimal(r["tax_amount"])]
    assert off == [("1013", "162919.00", "40729.00"), ("1041", "162919.00", "40729.00")]


def test_a_whole_close_runs_on_the_imported_pack(saft_pack, tmp_path):
    result = run_cli("run", "--month", "2017-04", "--pack", saft_pack, "--out", tmp_path / "run", "--json")
    assert result.exit_code == 0, result.stderr
    statuses = {s["status"] for s in json.loads(result.stdout)["skills"]}
    assert "error" not in statuses


def test_the_small_example_and_the_command_line(tmp_path):
    out = tmp_path / "small"
    result = run_cli("import", "saft", need(SAFT_SMALL), "--out", out, "--entity", "ACME", "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["imported"] and doc["entity_id"] == "ACME" and doc["transactions"] == 2
    assert validate_pack(out) == []
    again = run_cli("import", "saft", SAFT_SMALL, "--out", out)
    assert again.exit_code == 2 and "already exists" in again.stderr


def test_default_materiality():
    assert default_materiality(Decimal("2316338.00")) == Decimal("11000.00")
    assert default_materiality(Decimal("50")) == Decimal("1.00")


# -- bad files ------------------------------------------------------------------------

def refused(src: Path, out: Path, **kwargs) -> list[str]:
    with pytest.raises(ImportRefused) as caught:
        import_saft(src, out, **kwargs)
    assert not out.exists(), "a refused import writes nothing"
    assert not any(p.name.startswith(f".{out.name}") for p in out.parent.iterdir())
    return [str(p) for p in caught.value.problems]


def test_truncated_xml_is_refused_with_its_line(tmp_path):
    text = need(SAFT).read_text(encoding="utf-8-sig")
    cut = tmp_path / "cut.xml"
    cut.write_text(text[: len(text) // 2], encoding="utf-8")
    problems = refused(cut, tmp_path / "out")
    assert len(problems) == 1 and problems[0].startswith("cut.xml line ")
    assert "not well-formed XML" in problems[0]


def test_a_wrong_namespace_is_refused(tmp_path):
    text = need(SAFT).read_text(encoding="utf-8-sig").replace("urn:StandardAuditFile-Taxation-Financial:NO",
                                                             "urn:example:not-saft", 1)
    bad = tmp_path / "ns.xml"
    bad.write_text(text, encoding="utf-8")
    problems = refused(bad, tmp_path / "out")
    assert problems[0].startswith("ns.xml line 2 (AuditFile)")
    assert "'urn:example:not-saft'" in problems[0] and "expected AuditFile in" in problems[0]


def test_lines_that_do_not_add_up_to_the_header_are_refused_with_the_numbers(tmp_path):
    text = need(SAFT).read_text(encoding="utf-8-sig").replace(
        "<n1:TotalDebit>9487049.35</n1:TotalDebit>", "<n1:TotalDebit>9487149.35</n1:TotalDebit>")
    bad = tmp_path / "totals.xml"
    bad.write_text(text, encoding="utf-8")
    problems = refused(bad, tmp_path / "out")
    assert problems == ["totals.xml line 1094 (AuditFile/GeneralLedgerEntries/TotalDebit) '9487149.35': says "
                        "9,487,149.35, but the lines' debits add up to 9,487,049.35 (difference 100.00): "
                        "the file is incomplete or altered"]


def test_a_value_the_schema_refuses_is_located(tmp_path):
    text = need(SAFT).read_text(encoding="utf-8-sig").replace("<n1:Amount>12500</n1:Amount>", "<n1:Amount>12,500</n1:Amount>", 1)
    bad = tmp_path / "amount.xml"
    bad.write_text(text, encoding="utf-8")
    problems = refused(bad, tmp_path / "out")
    assert problems[0].startswith("amount.xml line ") and "does not follow the schema" in problems[0]
    assert "'12,500'" in problems[0]


def test_an_account_no_rule_covers_is_named(tmp_path):
    src = tmp_path / "map.toml"
    src.write_text('match = ["standard"]\n[rules]\n"1" = { type = "asset", subtype = "other_asset" }\n'
                   '"2" = { type = "liability", subtype = "other_liability" }\n[tax_types]\nMVA = "vat"\n')
    problems = refused(need(SAFT), tmp_path / "out", map_path=src)
    assert any("(AuditFile/MasterFiles/GeneralLedgerAccounts/Account[14]) '3000': no rule of the account map "
               "map.toml covers this account (standard '30')" in p for p in problems)


# -- other layouts ----------------------------------------------------------------------

PT = """<?xml version="1.0" encoding="UTF-8"?>
<AuditFile xmlns="urn:OECD:StandardAuditFile-Tax:PT_1.04_01">
 <Header><AuditFileVersion>1.04_01</AuditFileVersion><CompanyID>500000000</CompanyID>
  <TaxRegistrationNumber>500000000</TaxRegistrationNumber><TaxAccountingBasis>C</TaxAccountingBasis>
  <CompanyName>Exemplo Lda</CompanyName><CompanyAddress><Country>PT</Country></CompanyAddress>
  <FiscalYear>2026</FiscalYear><StartDate>2026-05-01</StartDate><EndDate>2026-05-31</EndDate>
  <CurrencyCode>EUR</CurrencyCode></Header>
 <MasterFiles>
  <GeneralLedgerAccounts>
   <Account><AccountID>12</AccountID><AccountDescription>Depositos</AccountDescription>
    <OpeningDebitBalance>1000.00</OpeningDebitBalance><OpeningCreditBalance>0</OpeningCreditBalance>
    <ClosingDebitBalance>2230.00</ClosingDebitBalance><ClosingCreditBalance>0</ClosingCreditBalance>
    <GroupingCategory>GR</GroupingCategory></Account>
   <Account><AccountID>121</AccountID><AccountDescription>Banco</AccountDescription>
    <OpeningDebitBalance>1000.00</OpeningDebitBalance><OpeningCreditBalance>0</OpeningCreditBalance>
    <ClosingDebitBalance>2230.00</ClosingDebitBalance><ClosingCreditBalance>0</ClosingCreditBalance>
    <GroupingCategory>GM</GroupingCategory><GroupingCode>12</GroupingCode></Account>
   <Account><AccountID>2433</AccountID><AccountDescription>IVA liquidado</AccountDescription>
    <OpeningDebitBalance>0</OpeningDebitBalance><OpeningCreditBalance>0</OpeningCreditBalance>
    <ClosingDebitBalance>0</ClosingDebitBalance><ClosingCreditBalance>230.00</ClosingCreditBalance>
    <GroupingCategory>GM</GroupingCategory></Account>
   <Account><AccountID>51</AccountID><AccountDescription>Capital</AccountDescription>
    <OpeningDebitBalance>0</OpeningDebitBalance><OpeningCreditBalance>1000.00</OpeningCreditBalance>
    <ClosingDebitBalance>0</ClosingDebitBalance><ClosingCreditBalance>1000.00</ClosingCreditBalance>
    <GroupingCategory>GM</GroupingCategory></Account>
   <Account><AccountID>711</AccountID><AccountDescription>Vendas</AccountDescription>
    <OpeningDebitBalance>0</OpeningDebitBalance><OpeningCreditBalance>0</OpeningCreditBalance>
    <ClosingDebitBalance>0</ClosingDebitBalance><ClosingCreditBalance>1000.00</ClosingCreditBalance>
    <GroupingCategory>GM</GroupingCategory></Account>
  </GeneralLedgerAccounts>
  <Customers><Customer><CustomerID>C1</CustomerID><AccountID>211</AccountID><CustomerTaxID>123</CustomerTaxID>
   <CompanyName>Cliente SA</CompanyName><BillingAddress><Country>ES</Country></BillingAddress></Customer></Customers>
  <TaxTable>
   <TaxTableEntry><TaxType>IVA</TaxType><TaxCountryRegion>PT</TaxCountryRegion><TaxCode>NOR</TaxCode>
    <Description>Normal</Description><TaxPercentage>23</TaxPercentage></TaxTableEntry>
   <TaxTableEntry><TaxType>IVA</TaxType><TaxCountryRegion>PT-AC</TaxCountryRegion><TaxCode>NOR</TaxCode>
    <Description>Normal Acores</Description><TaxPercentage>16</TaxPercentage></TaxTableEntry>
   <TaxTableEntry><TaxType>IS</TaxType><TaxCountryRegion>PT</TaxCountryRegion><TaxCode>ISE</TaxCode>
    <Description>Selo</Description><TaxAmount>5.00</TaxAmount></TaxTableEntry>
  </TaxTable>
 </MasterFiles>
 <GeneralLedgerEntries><NumberOfEntries>1</NumberOfEntries><TotalDebit>1230.00</TotalDebit><TotalCredit>1230.00</TotalCredit>
  <Journal><JournalID>VND</JournalID><Description>Vendas</Description>
   <Transaction><TransactionID>2026-05-31 VND 1</TransactionID><Period>5</Period><TransactionDate>2026-05-31</TransactionDate>
    <SourceID>ana</SourceID><Description>Venda a dinheiro</Description><GLPostingDate>2026-05-31</GLPostingDate>
    <CustomerID>C1</CustomerID>
    <Lines>
     <DebitLine><RecordID>1</RecordID><AccountID>121</AccountID><SourceDocumentID>FR A/1</SourceDocumentID>
      <SystemEntryDate>2026-05-31T10:00:00</SystemEntryDate><Description>Recebido</Description><DebitAmount>1230.00</DebitAmount></DebitLine>
     <CreditLine><RecordID>2</RecordID><AccountID>711</AccountID><SourceDocumentID>FR A/1</SourceDocumentID>
      <SystemEntryDate>2026-05-31T10:00:00</SystemEntryDate><Description>Venda</Description><CreditAmount>1000.00</CreditAmount></CreditLine>
     <CreditLine><RecordID>3</RecordID><AccountID>2433</AccountID><SourceDocumentID>FR A/1</SourceDocumentID>
      <SystemEntryDate>2026-05-31T10:00:00</SystemEntryDate><Description>IVA</Description><CreditAmount>230.00</CreditAmount></CreditLine>
    </Lines></Transaction></Journal></GeneralLedgerEntries>
</AuditFile>
"""


def test_portuguese_layout(tmp_path):
    src = tmp_path / "pt.xml"
    src.write_text(PT, encoding="utf-8")
    summary = import_saft(src, tmp_path / "pt")
    pack = tmp_path / "pt"
    assert validate_pack(pack) == []
    assert (summary.layout, summary.entity_id, summary.currency) == ("PT", "PT500000000", "EUR")
    chart = {r["account_id"]: r["subtype"] for r in rows(pack, "accounts")}
    assert chart == {"121": "cash", "2433": "tax_payable", "51": "share_capital", "711": "revenue"}  # no aggregate 12
    lines = [r for r in rows(pack, "journal_lines") if r["je_id"] != "OPENING"]
    assert [(r["account_id"], r["debit"], r["credit"], r["doc_ref"]) for r in lines] == [
        ("121", "1230.00", "0.00", "ar_invoices:FR A/1"), ("711", "0.00", "1000.00", "ar_invoices:FR A/1"),
        ("2433", "0.00", "230.00", "ar_invoices:FR A/1")]
    assert lines[0]["counterparty"] == "C1" and lines[0]["created_at"] == "2026-05-31T10:00:00Z"
    assert {r["tax_code"]: r["rate"] for r in rows(pack, "tax_codes")} == {"NOR": "0.23", "NOR-PT-AC": "0.16"}
    assert rows(pack, "customers")[0]["country"] == "ES"


OECD = """<?xml version="1.0" encoding="UTF-8"?>
<AuditFile xmlns="urn:OECD:StandardAuditFile-Tax:2.00">
 <Header><AuditFileVersion>2.00</AuditFileVersion><AuditFileCountry>NO</AuditFileCountry>
  <AuditFileDateCreated>2026-06-02</AuditFileDateCreated><SoftwareCompanyName>X</SoftwareCompanyName>
  <SoftwareID>X</SoftwareID><SoftwareVersion>1</SoftwareVersion>
  <Company><RegistrationNumber>912345678</RegistrationNumber><Name>Fjord AS</Name></Company>
  <DefaultCurrencyCode>NOK</DefaultCurrencyCode>
  <SelectionCriteria><SelectionStartDate>2026-05-01</SelectionStartDate><SelectionEndDate>2026-05-31</SelectionEndDate></SelectionCriteria>
 </Header>
 <MasterFiles><GeneralLedgerAccounts>
  <Account><AccountID>1920</AccountID><AccountDescription>Bank</AccountDescription><StandardAccountID>19</StandardAccountID>
   <OpeningDebitBalance>100.00</OpeningDebitBalance><ClosingDebitBalance>150.00</ClosingDebitBalance></Account>
  <Account><AccountID>2000</AccountID><AccountDescription>Equity</AccountDescription><StandardAccountID>20</StandardAccountID>
   <OpeningCreditBalance>100.00</OpeningCreditBalance><ClosingCreditBalance>100.00</ClosingCreditBalance></Account>
  <Account><AccountID>3000</AccountID><AccountDescription>Sales</AccountDescription><StandardAccountID>30</StandardAccountID>
   <OpeningDebitBalance>0</OpeningDebitBalance><ClosingCreditBalance>50.00</ClosingCreditBalance></Account>
 </GeneralLedgerAccounts></MasterFiles>
 <GeneralLedgerEntries><NumberOfEntries>1</NumberOfEntries><TotalDebit>50.00</TotalDebit><TotalCredit>50.00</TotalCredit>
  <Journal><JournalID>GL</JournalID><Description>GL</Description><Type>GL</Type>
   <Transaction><TransactionID>7</TransactionID><Period>5</Period><PeriodYear>2026</PeriodYear>
    <TransactionDate>2026-05-20</TransactionDate><Description>Cash sale</Description>
    <SystemEntryDate>2026-05-21</SystemEntryDate><GLPostingDate>2026-05-21</GLPostingDate>
    <Line><RecordID>1</RecordID><AccountID>1920</AccountID><Description>in</Description>
     <DebitAmount><Amount>50.00</Amount><CurrencyCode>EUR</CurrencyCode><CurrencyAmount>4.40</CurrencyAmount></DebitAmount></Line>
    <Line><RecordID>2</RecordID><AccountID>3000</AccountID><Description>sale</Description>
     <CreditAmount><Amount>50.00</Amount></CreditAmount></Line>
   </Transaction></Journal></GeneralLedgerEntries>
</AuditFile>
"""


def test_oecd_layout(tmp_path):
    src = tmp_path / "oecd.xml"
    src.write_text(OECD, encoding="utf-8")
    summary = import_saft(src, tmp_path / "oecd")
    pack = tmp_path / "oecd"
    assert validate_pack(pack) == []
    assert (summary.layout, summary.entity_id, summary.transactions) == ("OECD", "NO912345678", 1)
    line = [r for r in rows(pack, "journal_lines") if r["je_id"] == "7"][0]
    assert (line["currency"], line["amount_txn"], line["created_at"]) == ("EUR", "4.40", "2026-05-21T00:00:00Z")
    stated = rows(pack, "account_balances")
    assert {(r["account_id"], r["period"], r["opening"], r["closing"]) for r in stated} >= {("1920", "2026-05", "100.00", "150.00")}

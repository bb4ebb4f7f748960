"""`close import saft`: a SAF-T Financial file becomes a ledger pack.

SAF-T (Standard Audit File for Tax) is what an accounting system hands the tax
authority: the chart with opening and closing balances, customers, suppliers, the tax
table and every journal line. close reads the OECD 2.0 layout and the national ones
derived from it that finance teams meet: Norway's (1.10 and 1.30, validated against the
shipped schemas) and Portugal's (1.04, debit and credit lines under `Lines`).

The header's totals are checked before anything is written: the number of entries and
the lines' debits and credits must equal `GeneralLedgerEntries`' own figures, or the
file is refused with both numbers. What the file says but close would only report
(an unbalanced transaction, stated balances that do not roll forward, a tax line that is
not base x rate) is imported as it is, so the close shows it.

Layout of the pack: one entity; the chart typed by the account map (saft_map); the
opening balances as one system entry the day before the file's first period; the stated
opening and closing balances in account_balances; journal lines with the tax the file
records per line and a doc_ref naming the source document where the line's customer or
supplier says which kind it is (a customer debit is an invoice, a credit a receipt).
"""
from __future__ import annotations

import calendar
import gzip
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from pathlib import Path

from lxml import etree

from close.pack.codes import country_codes, currency_codes

from .packwriter import PackToml, Table, write_pack
from .problems import ImportProblem, ImportRefused
from .saft_map import AccountMap, default_map_path, load_map
from .xml import Reader, first_error_lines, local, namespace, parse_xml

NO_NS = "urn:StandardAuditFile-Taxation-Financial:NO"
OECD_NS = "urn:OECD:StandardAuditFile-Tax:2."
PT_NS = "urn:OECD:StandardAuditFile-Tax:PT_"
XSD = Path(__file__).parent / "xsd"
ZERO = Decimal("0.00")


@dataclass
class SaftSummary:
    """What an import did, for the command line to print."""

    out: str
    layout: str
    entity_id: str
    name: str
    currency: str
    period_start: date
    period_end: date
    accounts: int = 0
    customers: int = 0
    vendors: int = 0
    tax_codes: int = 0
    transactions: int = 0
    lines: int = 0
    total_debit: Decimal = ZERO
    total_credit: Decimal = ZERO
    materiality: Decimal = ZERO
    map: str = ""
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {k: (format(v, "f") if isinstance(v, Decimal) else v.isoformat() if isinstance(v, date) else v)
                for k, v in self.__dict__.items()}


def detect_layout(root, label: str) -> str:
    ns = namespace(root)
    if local(root.tag) == "AuditFile":
        if ns == NO_NS:
            return "NO"
        if ns.startswith(PT_NS):
            return "PT"
        if ns.startswith(OECD_NS):
            return "OECD"
    raise ImportRefused([ImportProblem(
        label, f"is not a SAF-T Financial file close reads: its root is {local(root.tag)!r} in namespace "
               f"{ns or '(none)'!r}; expected AuditFile in {NO_NS} (Norway 1.10-1.30), "
               f"{PT_NS}1.04_01 (Portugal) or {OECD_NS}00 (OECD 2.0)", root.sourceline, local(root.tag))])


def check_schema(tree, version: str | None, label: str) -> None:
    """Validate a Norwegian file against the shipped schema of its version (1.3x -> 1.30,
    else 1.10); a file valid under either is accepted, since 1.10 files often say 1.0."""
    first = "1.30" if (version or "").startswith("1.3") else "1.10"
    errors = None
    for v in (first, "1.10" if first == "1.30" else "1.30"):
        with gzip.open(XSD / f"saft-no-{v}.xsd.gz") as fh:
            schema = etree.XMLSchema(etree.parse(fh))
        if schema.validate(tree):
            return
        errors = errors if errors is not None else schema.error_log
    raise ImportRefused(first_error_lines(errors, label))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


class SaftImport:
    """One file being read: the reader collects located problems as it goes."""

    def __init__(self, path, map_path=None, entity_id: str | None = None, schema_check: bool = True):
        self.path = Path(path)
        self.label = self.path.name
        self.tree = parse_xml(self.path, self.label)
        root = self.tree.getroot()
        self.layout = detect_layout(root, self.label)
        self.r = Reader(self.label, namespace(root))
        self.root = root
        self.version = self.r.text(root, "Header/AuditFileVersion")
        if schema_check and self.layout == "NO":
            check_schema(self.tree, self.version, self.label)
        self.header()
        map_file = Path(map_path) if map_path else default_map_path(self.country)
        if map_file is None:
            raise ImportRefused([ImportProblem(self.label, f"close ships no account map for country {self.country!r}: "
                                               "copy close/importers/maps/saft-no.toml, adapt it and pass it with --map")])
        self.map: AccountMap = load_map(map_file)
        self.entity_id = entity_id or f"{self.country}{self.registration}".replace(" ", "")
        self.warnings: list[str] = []

    # -- header ---------------------------------------------------------------------
    def header(self) -> None:
        r, h = self.r, self.r.find(self.root, "Header")
        if h is None:
            raise ImportRefused([ImportProblem(self.label, "has no Header", self.root.sourceline, "AuditFile")])
        if self.layout == "PT":
            self.name = r.required(h, "CompanyName") or ""
            self.registration = r.text(h, "TaxRegistrationNumber") or r.text(h, "CompanyID") or ""
            self.country = r.text(h, "CompanyAddress/Country") or "PT"
            self.currency = r.text(h, "CurrencyCode") or "EUR"
            self.start, self.end = r.date(h, "StartDate"), r.date(h, "EndDate")
            self.user = None
        else:
            self.name = r.required(h, "Company/Name") or ""
            self.registration = r.text(h, "Company/RegistrationNumber") or ""
            self.country = r.text(h, "AuditFileCountry") or r.text(h, "Company/Address/Country") or ""
            self.currency = r.required(h, "DefaultCurrencyCode") or ""
            self.user = r.text(h, "UserID")
            self.start, self.end = self._selection(h)
        if self.currency not in currency_codes():
            r.problem(h, "names no ISO 4217 currency", self.currency)
        if self.country not in country_codes():
            r.problem(h, "names no ISO 3166 country (AuditFileCountry)", self.country)
        self.raise_if_problems()

    def _selection(self, h):
        r = self.r
        sel = r.find(h, "SelectionCriteria")
        if sel is None:
            return None, None
        start, end = r.date(sel, "SelectionStartDate"), r.date(sel, "SelectionEndDate")
        try:
            if start is None and r.text(sel, "PeriodStartYear"):
                start = date(int(r.text(sel, "PeriodStartYear")), min(int(r.text(sel, "PeriodStart") or 1), 12), 1)
            if end is None and r.text(sel, "PeriodEndYear"):
                end = _month_end(int(r.text(sel, "PeriodEndYear")), min(int(r.text(sel, "PeriodEnd") or 12), 12))
        except ValueError:
            r.problem(sel, "has a period or year that is not a number")
        return start, end

    def raise_if_problems(self) -> None:
        if self.r.problems:
            raise ImportRefused(sorted(self.r.problems, key=lambda p: p.line or 0))

    # -- master files ---------------------------------------------------------------
    def accounts(self) -> None:
        r = self.r
        self.chart: dict[str, dict] = {}
        self.balances: list[dict] = []
        unmapped = []
        for acc in r.findall(self.root, "MasterFiles/GeneralLedgerAccounts/Account"):
            account_id = r.required(acc, "AccountID")
            if account_id is None:
                continue
            category = r.text(acc, "GroupingCategory")
            if self.layout == "PT" and category not in (None, "GM", "AM"):
                continue  # an aggregating account: its children carry the balances
            if account_id in self.chart:
                r.problem(acc, "repeats an AccountID", account_id)
                continue
            keys = {"standard": r.text(acc, "StandardAccountID"), "grouping": r.text(acc, "GroupingCode"),
                    "taxonomy": r.text(acc, "TaxonomyCode")}
            cls = self.map.classify(account_id, keys)
            if cls is None:
                unmapped.append((acc, account_id, keys))
                continue
            self.chart[account_id] = {
                "account_id": account_id, "name": r.text(acc, "AccountDescription") or account_id,
                "type": cls.type, "subtype": cls.subtype, "statement_line": cls.line or None, "active": True,
                "standard_account": keys["standard"] or keys["grouping"] or keys["taxonomy"],
            }
            opening = self._balance(acc, "Opening")
            closing = self._balance(acc, "Closing")
            self.balances.append({"account_id": account_id, "opening": opening, "closing": closing})
        for acc, account_id, keys in unmapped:
            shown = ", ".join(f"{k} {v!r}" for k, v in keys.items() if v) or "no standard account"
            r.problem(acc, f"no rule of the account map {self.map.path.name} covers this account ({shown}): "
                           "add one under [rules] or [accounts] and pass the map with --map", account_id)

    def _balance(self, acc, which: str) -> Decimal | None:
        debit = self.r.decimal(acc, f"{which}DebitBalance")
        credit = self.r.decimal(acc, f"{which}CreditBalance")
        if debit is None and credit is None:
            return None
        return (debit or ZERO) - (credit or ZERO)

    def parties(self) -> None:
        r = self.r
        self.customers: dict[str, dict] = {}
        self.vendors: dict[str, dict] = {}
        for kind, path, key in (("customer", "MasterFiles/Customers/Customer", "CustomerID"),
                                ("supplier", "MasterFiles/Suppliers/Supplier", "SupplierID")):
            target = self.customers if kind == "customer" else self.vendors
            for party in r.findall(self.root, path):
                party_id = r.required(party, key)
                if party_id is None:
                    continue
                if party_id in target:
                    r.problem(party, f"repeats a {key}", party_id)
                    continue
                name = r.text(party, "Name") or r.text(party, "CompanyName") or party_id
                country = self._party_country(party)
                if kind == "customer":
                    target[party_id] = {"customer_id": party_id, "name": name, "country": country,
                                        "region": r.text(party, "Address/Region"), "tax_exempt": False}
                else:
                    tax_id = r.text(party, "TaxRegistration/TaxRegistrationNumber") or r.text(party, "SupplierTaxID")
                    target[party_id] = {"vendor_id": party_id, "name": name, "country": country, "tax_id": tax_id,
                                        "is_1099": False, "withholding_rate": None}

    def _party_country(self, party) -> str:
        r = self.r
        for path in ("Address", "BillingAddress", "ShipToAddress"):
            for address in r.findall(party, path):
                country = r.text(address, "Country")
                if country in country_codes():
                    return country
        return self.country

    # -- tax table ------------------------------------------------------------------
    def tax_table(self) -> None:
        r = self.r
        entries = []
        for entry in r.findall(self.root, "MasterFiles/TaxTable/TaxTableEntry"):
            tax_type = r.text(entry, "TaxType") or ""
            details = r.findall(entry, "TaxCodeDetails") or [entry]  # PT keeps the details on the entry
            for d in details:
                code = r.required(d, "TaxCode")
                if code is None:
                    continue
                mapped = self.map.tax_types.get(tax_type)
                if mapped is None:
                    r.problem(d, f"TaxType {tax_type!r} is not in the map's [tax_types]: add it (vat, gst, sales_tax, ... or \"skip\")", tax_type)
                    continue
                if mapped == "skip":
                    continue
                pct = r.decimal(d, "TaxPercentage", places=None)
                if pct is None:
                    self.warnings.append(f"tax code {code} has no TaxPercentage (a flat amount): imported at rate 0")
                region = r.text(d, "Country") or r.text(entry, "TaxCountryRegion") or self.country
                if r.text(d, "Region"):
                    region += "-" + r.text(d, "Region")
                entries.append({
                    "tax_type_raw": tax_type, "code": code, "region": region, "element": d,
                    "tax_type": mapped, "rate": (pct or Decimal(0)) / 100,
                    "effective_from": r.date(d, "EffectiveDate"),
                    "effective_to": r.date(d, "ExpirationDate") or r.date(entry, "TaxExpirationDate"),
                    "standard": r.text(d, "StandardTaxCode"),
                })
        # ids: the code, or type and region too where codes collide; older versions @date
        by_code = defaultdict(set)
        for e in entries:
            by_code[e["code"]].add((e["tax_type_raw"], e["region"]))
        groups = defaultdict(list)
        for e in entries:
            base = e["code"]
            variants = by_code[e["code"]]
            if len({t for t, _ in variants}) > 1:
                base = f"{e['tax_type_raw']}-{base}"
            if len({g for _, g in variants}) > 1 and e["region"] != self.country:
                base = f"{base}-{e['region']}"
            groups[base].append(e)
        self.tax_codes: dict[str, dict] = {}
        self.tax_versions: dict[tuple[str, str], list[tuple[str, dict]]] = defaultdict(list)
        as_of = self.end or date.max
        for base, versions in groups.items():
            versions.sort(key=lambda e: e["effective_from"] or date.min)
            current = next((e for e in reversed(versions)
                            if (e["effective_from"] or date.min) <= as_of), versions[-1])
            for e in versions:
                tax_id = base if e is current else f"{base}@{(e['effective_from'] or date.min).isoformat()}"
                if tax_id in self.tax_codes:
                    r.problem(e["element"], "repeats a tax code with the same effective date", e["code"])
                    continue
                self.tax_codes[tax_id] = e
                self.tax_versions[(e["tax_type_raw"], e["code"])].append((tax_id, e))

    def tax_code_for(self, tax_type: str, code: str, on: date | None) -> str | None:
        versions = self.tax_versions.get((tax_type, code)) or [
            v for (t, c), vs in self.tax_versions.items() if c == code for v in vs]
        if not versions:
            return None
        for tax_id, e in versions:
            if (e["effective_from"] or date.min) <= (on or date.max) <= (e["effective_to"] or date.max):
                return tax_id
        return versions[-1][0]

    # -- journal ------------------------------------------------------------------------
    def entries(self) -> None:
        r = self.r
        gle = r.find(self.root, "GeneralLedgerEntries")
        self.gle = gle
        self.transactions: list[dict] = []
        if gle is None:
            return
        seen = Counter()
        for journal in r.findall(gle, "Journal"):
            journal_id = r.text(journal, "JournalID") or ""
            for tx in r.findall(journal, "Transaction"):
                tx_id = r.required(tx, "TransactionID") or ""
                seen[tx_id] += 1
                self.transactions.append({"journal_id": journal_id, "tx_id": tx_id, "element": tx,
                                          "lines": self._lines(tx)})
        prefix = any(n > 1 for n in seen.values())
        ids = set()
        for t in self.transactions:
            t["je_id"] = f"{t['journal_id']}-{t['tx_id']}" if prefix else t["tx_id"]
            if t["je_id"] in ids:
                r.problem(t["element"], "repeats a TransactionID within its journal", t["tx_id"])
            ids.add(t["je_id"])

    def _lines(self, tx) -> list[dict]:
        r = self.r
        if self.layout == "PT":
            raw = [(line, "debit") if local(line.tag) == "DebitLine" else (line, "credit")
                   for line in r.findall(tx, "Lines/*") if local(line.tag) in ("DebitLine", "CreditLine")]
        else:
            raw = [(line, None) for line in r.findall(tx, "Line")]
        lines = []
        for element, side in raw:
            if side is None:
                debit = r.decimal(element, "DebitAmount/Amount")
                credit = r.decimal(element, "CreditAmount/Amount")
                money = r.find(element, "DebitAmount") if debit is not None else r.find(element, "CreditAmount")
            else:
                amount = r.decimal(element, "DebitAmount" if side == "debit" else "CreditAmount")
                debit, credit = (amount, None) if side == "debit" else (None, amount)
                money = None
            if (debit is None) == (credit is None):
                r.problem(element, "must have exactly one of a debit or a credit amount")
                continue
            account_id = r.required(element, "AccountID")
            if account_id is not None and account_id not in self.chart:
                r.problem(r.find(element, "AccountID"), "is not an account of MasterFiles/GeneralLedgerAccounts"
                          + (" (PT: or it is an aggregating account)" if self.layout == "PT" else ""), account_id)
            line = {"element": element, "account_id": account_id, "debit": debit or ZERO, "credit": credit or ZERO,
                    "customer": r.text(element, "CustomerID"), "supplier": r.text(element, "SupplierID"),
                    "source_document": r.text(element, "SourceDocumentID"),
                    "reference_number": r.text(element, "ReferenceNumber"),
                    "description": r.text(element, "Description"),
                    "created_at": r.timestamp(element, "SystemEntryTime") or r.timestamp(element, "SystemEntryDate")}
            if money is not None and r.text(money, "CurrencyCode"):
                ccy, amount_txn = r.text(money, "CurrencyCode"), r.decimal(money, "CurrencyAmount")
                if ccy != self.currency and amount_txn is not None:
                    line["currency"] = ccy
                    line["amount_txn"] = amount_txn if debit is not None else -amount_txn
            line["department"] = self._department(element)
            tax = r.find(element, "TaxInformation")
            if tax is not None:
                line["tax"] = (r.text(tax, "TaxType") or "", r.text(tax, "TaxCode"),
                               r.decimal(tax, "TaxBase"), r.decimal(tax, "TaxAmount/Amount"), tax)
            lines.append(line)
        return lines

    def _department(self, element) -> str | None:
        r = self.r
        for analysis in r.findall(element, "Analysis"):
            if r.text(analysis, "AnalysisType") in self.map.department_analysis_types:
                return r.text(analysis, "AnalysisID")
        return None

    # -- checks -----------------------------------------------------------------------
    def check_totals(self) -> None:
        """The header's figures against the lines: entries, total debit, total credit."""
        r, gle = self.r, self.gle
        self.total_debit = sum((l["debit"] for t in self.transactions for l in t["lines"]), ZERO)
        self.total_credit = sum((l["credit"] for t in self.transactions for l in t["lines"]), ZERO)
        if gle is None:
            return
        for path, found in (("TotalDebit", self.total_debit), ("TotalCredit", self.total_credit)):
            stated = r.decimal(gle, path)
            if stated is not None and stated != found:
                r.problem(r.find(gle, path), f"says {stated:,.2f}, but the lines' {path[5:].lower()}s add up to "
                          f"{found:,.2f} (difference {stated - found:,.2f}): the file is incomplete or altered", format(stated, "f"))
        count = r.text(gle, "NumberOfEntries")
        if count is not None and count.isdigit() and int(count) != len(self.transactions):
            r.problem(r.find(gle, "NumberOfEntries"), f"says {int(count)} entries, but the file has "
                      f"{len(self.transactions)} transactions", count)

    # -- the pack ---------------------------------------------------------------------
    def build(self, materiality: Decimal | None) -> tuple[PackToml, list[Table], dict]:
        first = self.start or min((self._tx_date(t) for t in self.transactions if self._tx_date(t)), default=None)
        first = (first or date.today()).replace(day=1)
        opening_day = first - timedelta(days=1)
        journal = self._opening_entry(opening_day) + self._journal_lines()
        tax_rows = self._tax_rows(journal)
        balances = self._balance_rows(first)
        revenue = sum((l["credit"] - l["debit"] for l in journal
                       if self.chart.get(l["account_id"], {}).get("type") == "revenue"), ZERO)
        materiality = materiality if materiality is not None else default_materiality(abs(revenue) or self.total_debit)
        settings = PackToml(self.name, self.currency, materiality, comment=(
            f"Imported by `close import saft` from {self.label} ({self.layout} SAF-T, account map {self.map.path.name}).\n"
            "materiality: 0.5% of the file's revenue, rounded down to two significant figures; edit as needed."))
        entity = {"entity_id": self.entity_id, "name": self.name, "functional_currency": self.currency,
                  "country": self.country, "parent_id": None, "ownership_pct": None}
        tables = [
            Table("entities", [entity]),
            Table("accounts", list(self.chart.values()), extra=("standard_account",)),
            Table("fx_rates", []),
            Table("customers", list(self.customers.values())),
            Table("vendors", list(self.vendors.values())),
            Table("tax_codes", tax_rows),
            Table("journal_lines", journal, extra=("source_document", "reference_number")),
            Table("account_balances", balances),
        ]
        return settings, tables, {"materiality": materiality, "first": first}

    def _tx_date(self, t) -> date | None:
        return self.r.date(t["element"], "TransactionDate")

    def _opening_entry(self, day: date) -> list[dict]:
        lines = []
        for b in self.balances:
            if not b["opening"]:
                continue
            amount = b["opening"]
            lines.append({"entity_id": self.entity_id, "je_id": "OPENING", "line_no": len(lines) + 1,
                          "posting_date": day, "document_date": day, "account_id": b["account_id"],
                          "debit": amount if amount > 0 else ZERO, "credit": -amount if amount < 0 else ZERO,
                          "description": f"Opening balance from {self.label}", "source": "system",
                          "preparer": "close import saft", "created_at": f"{day.isoformat()}T00:00:00Z"})
        debit = sum((l["debit"] for l in lines), ZERO)
        credit = sum((l["credit"] for l in lines), ZERO)
        if debit != credit:
            self.warnings.append(
                f"the file's opening balances do not balance (debits {debit:,.2f}, credits {credit:,.2f}, "
                f"difference {debit - credit:,.2f}): imported as they are in entry OPENING, so the close reports it")
        return lines

    def _journal_lines(self) -> list[dict]:
        r = self.r
        rows = []
        unbalanced = 0
        for t in self.transactions:
            tx = t["element"]
            day = r.date(tx, "TransactionDate")
            created = (r.timestamp(tx, "SystemEntryDate") or (f"{day.isoformat()}T00:00:00Z" if day else None))
            tx_customer, tx_supplier = r.text(tx, "CustomerID"), r.text(tx, "SupplierID")
            kind = self._document_kind(t["lines"], tx_customer, tx_supplier)
            source = ("ar" if kind and kind.startswith("ar_") else "ap" if kind else self.map.default_source)
            if sum(l["debit"] for l in t["lines"]) != sum(l["credit"] for l in t["lines"]):
                unbalanced += 1
            for n, l in enumerate(t["lines"], start=1):
                counterparty = l["customer"] or l["supplier"] or tx_customer or tx_supplier
                if l["customer"] and l["customer"] not in self.customers:
                    r.problem(r.find(l["element"], "CustomerID"), "is not a customer of MasterFiles/Customers", l["customer"])
                if l["supplier"] and l["supplier"] not in self.vendors:
                    r.problem(r.find(l["element"], "SupplierID"), "is not a supplier of MasterFiles/Suppliers", l["supplier"])
                debit, credit = l["debit"], l["credit"]
                if debit < 0 or credit < 0:  # a negative amount is the other side (a correction)
                    debit, credit = (ZERO, -debit) if debit < 0 else (-credit, ZERO)
                row = {"entity_id": self.entity_id, "je_id": t["je_id"], "line_no": n, "posting_date": day,
                       "document_date": day, "account_id": l["account_id"], "debit": debit, "credit": credit,
                       "currency": l.get("currency"), "amount_txn": l.get("amount_txn"),
                       "description": l["description"] or r.text(tx, "Description"), "source": source,
                       "preparer": r.text(tx, "SourceID") or self.user or "unknown", "approver": None,
                       "counterparty": counterparty, "department": l["department"],
                       "created_at": l["created_at"] or created,
                       "doc_ref": f"{kind}:{l['source_document']}" if kind and l["source_document"] else None,
                       "source_document": l["source_document"], "reference_number": l["reference_number"]}
                if "tax" in l:
                    tax_type, code, base, amount, element = l["tax"]
                    if code is not None and self.map.tax_types.get(tax_type, "vat") != "skip":
                        tax_id = self.tax_code_for(tax_type, code, day)
                        if tax_id is None:
                            r.problem(element, "names a TaxCode that is not in MasterFiles/TaxTable", code)
                        row.update(tax_code=tax_id, tax_base=base, tax_amount=amount)
                rows.append(row)
        if unbalanced:
            self.warnings.append(f"{unbalanced} transaction(s) do not balance: imported as they are, so the close reports them")
        return rows

    @staticmethod
    def _document_kind(lines, tx_customer, tx_supplier) -> str | None:
        """Which document a transaction is, from its first customer or supplier line: a
        customer debited is invoiced, credited has paid; a supplier credited has billed,
        debited is paid."""
        for l in lines:
            if l["customer"]:
                return "ar_invoices" if l["debit"] > 0 else "ar_receipts"
            if l["supplier"]:
                return "ap_bills" if l["credit"] > 0 else "ap_payments"
        if tx_customer or tx_supplier:
            debit_side = any(l["debit"] > 0 for l in lines[:1])
            if tx_customer:
                return "ar_invoices" if debit_side else "ar_receipts"
            return "ap_bills" if not debit_side else "ap_payments"
        return None

    def _tax_rows(self, journal: list[dict]) -> list[dict]:
        """tax_codes rows; a code's GL account is the map's, else the tax account its lines'
        tax amount is posted to most often, else the first tax-payable account."""
        seen = Counter()
        by_je = defaultdict(list)
        for row in journal:
            by_je[row["je_id"]].append(row)
        for rows in by_je.values():
            for row in rows:
                if not row.get("tax_code") or not row.get("tax_amount"):
                    continue
                for other in rows:
                    cls = self.chart.get(other["account_id"], {})
                    if other is not row and cls.get("subtype") in ("tax_payable", "tax_receivable") \
                            and row["tax_amount"] in (other["debit"], other["credit"]):
                        seen[(row["tax_code"], other["account_id"])] += 1
        fallback = next((a for a, c in sorted(self.chart.items()) if c["subtype"] == "tax_payable"), None)
        rows = []
        for tax_id, e in self.tax_codes.items():
            inferred = sorted(((-n, acc) for (code, acc), n in seen.items() if code == tax_id))
            account = self.map.tax_accounts.get(e["code"]) or (inferred[0][1] if inferred else fallback)
            if account is None or account not in self.chart:
                self.r.problem(e["element"], "has no GL account: the journal does not show one and the chart has no "
                               "tax_payable account; add the code under [tax_accounts] in the map", e["code"])
                continue
            rows.append({"tax_code": tax_id, "jurisdiction": e["region"], "tax_type": e["tax_type"],
                         "rate": e["rate"], "effective_from": e["effective_from"] or self.start or date(1900, 1, 1),
                         "effective_to": e["effective_to"], "gl_account_id": account,
                         "reverse_charge": (e["standard"] or "") in self.map.reverse_charge_standard_codes})
        return rows

    def _balance_rows(self, first: date) -> list[dict]:
        """The stated balances: opening at the start of the first month, closing at the end
        of the last (one row when the file covers one month)."""
        last = self.end or first
        start_month, end_month = first.strftime("%Y-%m"), last.strftime("%Y-%m")
        rows = []
        for b in self.balances:
            if start_month == end_month:
                rows.append({"entity_id": self.entity_id, "account_id": b["account_id"], "period": start_month,
                             "opening": b["opening"], "closing": b["closing"]})
                continue
            if b["opening"] is not None:
                rows.append({"entity_id": self.entity_id, "account_id": b["account_id"], "period": start_month,
                             "opening": b["opening"], "closing": None})
            if b["closing"] is not None:
                rows.append({"entity_id": self.entity_id, "account_id": b["account_id"], "period": end_month,
                             "opening": None, "closing": b["closing"]})
        return rows


def default_materiality(base: Decimal) -> Decimal:
    """0.5% of the base, rounded down to two significant figures (at least 1.00)."""
    value = abs(base) * Decimal("0.005")
    if value < 1:
        return Decimal("1.00")
    digits = value.adjusted() - 1
    return value.scaleb(-digits).quantize(Decimal(1), rounding=ROUND_DOWN).scaleb(digits).quantize(Decimal("0.01"))


def import_saft(path, out, map_path=None, entity_id: str | None = None, materiality: Decimal | None = None,
                replace: bool = False, schema_check: bool = True) -> SaftSummary:
    """Read a SAF-T file and write its pack at `out`, or raise ImportRefused (nothing written)."""
    s = SaftImport(path, map_path, entity_id, schema_check)
    s.accounts()
    s.parties()
    s.tax_table()
    s.raise_if_problems()
    s.entries()
    s.check_totals()
    s.raise_if_problems()
    settings, tables, info = s.build(materiality)
    s.raise_if_problems()
    write_pack(out, settings, tables, s.label, replace=replace)
    journal = next(t for t in tables if t.name == "journal_lines")
    return SaftSummary(
        out=str(out), layout=s.layout, entity_id=s.entity_id, name=s.name, currency=s.currency,
        period_start=s.start or info["first"], period_end=s.end or info["first"], accounts=len(s.chart),
        customers=len(s.customers), vendors=len(s.vendors), tax_codes=len(s.tax_codes),
        transactions=len(s.transactions), lines=sum(len(t["lines"]) for t in s.transactions),
        total_debit=s.total_debit, total_credit=s.total_credit, materiality=info["materiality"],
        map=str(s.map.path), warnings=s.warnings + ([] if journal.rows else ["the file has no journal lines"]))

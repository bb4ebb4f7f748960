"""The ledger pack's tables, columns, types, keys and references, as data.

This is LEDGER-PACK.md in a form the validator, the loader, the demo generator and the
documentation can all read, so the contract is written once. A column's `kind` decides
both how its text is checked and which DuckDB type it is stored as.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# kind -> DuckDB type. Money is exact: DECIMAL(18,2) holds any amount below 10^16.
DUCKDB_TYPES = {
    "id": "VARCHAR",
    "text": "VARCHAR",
    "currency": "VARCHAR",
    "country": "VARCHAR",
    "month": "VARCHAR",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "money": "DECIMAL(18,2)",
    "rate": "DECIMAL(18,10)",
    "pct": "DECIMAL(9,4)",
    "int": "INTEGER",
    "bool": "BOOLEAN",
}

ACCOUNT_TYPES = ("asset", "liability", "equity", "revenue", "expense")
ACCOUNT_SUBTYPES = (
    "cash", "receivable", "allowance", "inventory", "prepaid", "fixed_asset",
    "accumulated_depreciation", "rou_asset", "intercompany_receivable", "tax_receivable",
    "other_asset", "payable", "accrued_liability", "deferred_revenue", "tax_payable",
    "payroll_liability", "debt", "lease_liability", "intercompany_payable", "other_liability",
    "share_capital", "retained_earnings", "cta", "other_equity", "revenue",
    "intercompany_revenue", "cogs", "opex", "payroll_expense", "depreciation_expense",
    "interest_expense", "interest_income", "fx_gain_loss", "intercompany_expense",
    "income_tax_expense", "other_income_expense", "suspense",
)
JOURNAL_SOURCES = ("manual", "ar", "ap", "payroll", "bank", "fixed_assets", "tax", "system")
TAX_TYPES = ("sales_tax", "vat", "gst", "withholding", "payroll", "income")


@dataclass(frozen=True)
class Column:
    """One column: its kind, whether a value is required, and what it must refer to.

    `ref` names a table whose key the value must be (or, for `counterparty`, one of
    several tables). `nonneg` forbids negative amounts; `choices` is a closed list.
    """

    name: str
    kind: str
    required: bool = True
    ref: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    nonneg: bool = False
    optional_column: bool = False  # the column itself may be absent from the file


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    required: bool = False
    # The key columns a finding's ref names, "<table>:<a>/<b>" (LEDGER-PACK.md).
    ref_key: tuple[str, ...] = ()
    notes: str = ""
    # The order rows are stored in. Skills read one entity's month (or its history to a
    # month end) at a time; rows kept together by entity and date let DuckDB skip the
    # row groups of every other entity and period instead of scanning the whole journal.
    # A total order, so the stored table does not depend on the order of the file.
    stored_order: tuple[str, ...] = ()

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _c(name, kind, required=True, ref=(), choices=(), nonneg=False, optional_column=False):
    if isinstance(ref, str):
        ref = (ref,)
    return Column(name, kind, required, tuple(ref), tuple(choices), nonneg, optional_column)


ENTITY = _c("entity_id", "id", ref="entities")

TABLES: tuple[Table, ...] = (
    Table("entities", (
        _c("entity_id", "id"), _c("name", "text"), _c("functional_currency", "currency"),
        _c("country", "country"), _c("parent_id", "id", required=False, ref="entities"),
        _c("ownership_pct", "pct", required=False),
    ), key=("entity_id",), required=True),
    Table("accounts", (
        _c("account_id", "id"), _c("name", "text"), _c("type", "text", choices=ACCOUNT_TYPES),
        _c("subtype", "text", choices=ACCOUNT_SUBTYPES),
        _c("statement_line", "text", required=False), _c("active", "bool"),
    ), key=("account_id",), required=True),
    Table("journal_lines", (
        ENTITY, _c("je_id", "id"), _c("line_no", "int"), _c("posting_date", "date"),
        _c("document_date", "date", required=False), _c("account_id", "id", ref="accounts"),
        _c("debit", "money", nonneg=True), _c("credit", "money", nonneg=True),
        _c("currency", "currency", required=False), _c("amount_txn", "money", required=False),
        _c("description", "text", required=False),
        _c("source", "text", choices=JOURNAL_SOURCES), _c("preparer", "text"),
        _c("approver", "text", required=False),
        _c("counterparty", "id", required=False, ref=("customers", "vendors", "entities")),
        _c("department", "text", required=False), _c("created_at", "timestamp"),
        _c("doc_ref", "text", required=False, optional_column=True),
        # Where the source system records tax per line (SAF-T does): the code, the base
        # it was charged on and the tax, as the system states them.
        _c("tax_code", "id", required=False, ref="tax_codes", optional_column=True),
        _c("tax_base", "money", required=False, optional_column=True),
        _c("tax_amount", "money", required=False, optional_column=True),
    ), key=("je_id", "line_no"), ref_key=("je_id",), required=True,
        stored_order=("entity_id", "posting_date", "je_id", "line_no")),
    Table("fx_rates", (
        _c("date", "date"), _c("from_currency", "currency"), _c("to_currency", "currency"),
        _c("rate_type", "text", choices=("closing", "average")), _c("rate", "rate", nonneg=True),
    ), key=("date", "from_currency", "to_currency", "rate_type"), required=True),
    Table("periods", (
        ENTITY, _c("period", "month"), _c("status", "text", choices=("open", "closed")),
        _c("closed_at", "timestamp", required=False),
    ), key=("entity_id", "period")),
    Table("budget", (
        ENTITY, _c("period", "month"), _c("account_id", "id", ref="accounts"),
        _c("amount", "money"),
        _c("department", "text", required=False, optional_column=True),
    ), key=("entity_id", "period", "account_id", "department")),
    Table("bank_accounts", (
        _c("bank_account_id", "id"), ENTITY, _c("gl_account_id", "id", ref="accounts"),
        _c("currency", "currency"), _c("bank_name", "text", required=False),
    ), key=("bank_account_id",)),
    Table("bank_transactions", (
        _c("bank_account_id", "id", ref="bank_accounts"), _c("txn_id", "id"),
        _c("booking_date", "date"), _c("value_date", "date", required=False),
        _c("amount", "money"), _c("description", "text", required=False),
        _c("reference", "text", required=False),
    ), key=("txn_id",)),
    Table("customers", (
        _c("customer_id", "id"), _c("name", "text"), _c("country", "country"),
        _c("region", "text", required=False), _c("tax_exempt", "bool"),
    ), key=("customer_id",)),
    Table("vendors", (
        _c("vendor_id", "id"), _c("name", "text"), _c("country", "country"),
        _c("tax_id", "text", required=False), _c("is_1099", "bool"),
        _c("withholding_rate", "rate", required=False, nonneg=True),
    ), key=("vendor_id",)),
    Table("tax_codes", (
        _c("tax_code", "id"), _c("jurisdiction", "text"),
        _c("tax_type", "text", choices=TAX_TYPES), _c("rate", "rate", nonneg=True),
        _c("effective_from", "date"), _c("effective_to", "date", required=False),
        _c("gl_account_id", "id", ref="accounts"), _c("reverse_charge", "bool"),
    ), key=("tax_code",)),
    Table("ar_invoices", (
        ENTITY, _c("invoice_id", "id"), _c("customer_id", "id", ref="customers"),
        _c("invoice_date", "date"), _c("due_date", "date"), _c("currency", "currency"),
        _c("net_amount", "money"), _c("tax_amount", "money"),
        _c("tax_code", "id", required=False, ref="tax_codes"),
    ), key=("invoice_id",)),
    Table("ar_receipts", (
        ENTITY, _c("receipt_id", "id"), _c("invoice_id", "id", ref="ar_invoices"),
        _c("date", "date"), _c("amount", "money"),
    ), key=("receipt_id",)),
    Table("ap_bills", (
        ENTITY, _c("bill_id", "id"), _c("vendor_id", "id", ref="vendors"),
        _c("bill_date", "date"), _c("due_date", "date"), _c("currency", "currency"),
        _c("net_amount", "money"), _c("tax_amount", "money"),
        _c("tax_code", "id", required=False, ref="tax_codes"),
        _c("expense_account_id", "id", ref="accounts"),
    ), key=("bill_id",)),
    Table("ap_payments", (
        ENTITY, _c("payment_id", "id"), _c("bill_id", "id", ref="ap_bills"),
        _c("date", "date"), _c("amount", "money"),
        _c("withholding_amount", "money", required=False, nonneg=True),
    ), key=("payment_id",)),
    Table("fixed_assets", (
        ENTITY, _c("asset_id", "id"), _c("asset_class", "text"),
        _c("description", "text", required=False), _c("in_service_date", "date"),
        _c("cost", "money", nonneg=True), _c("salvage_value", "money", nonneg=True),
        _c("useful_life_months", "int"), _c("method", "text", choices=("straight_line",)),
        _c("disposal_date", "date", required=False),
        _c("disposal_proceeds", "money", required=False),
        _c("cost_account_id", "id", ref="accounts"), _c("accum_account_id", "id", ref="accounts"),
    ), key=("asset_id",)),
    Table("payroll", (
        ENTITY, _c("period", "month"), _c("employee_id", "id"),
        _c("department", "text", required=False), _c("gross_pay", "money"),
        _c("employer_taxes", "money"), _c("benefits", "money"),
        _c("employee_withholding", "money"), _c("net_pay", "money"),
    ), key=("period", "employee_id")),
    Table("prepaids", (
        ENTITY, _c("prepaid_id", "id"), _c("vendor_id", "id", required=False, ref="vendors"),
        _c("account_id", "id", ref="accounts"), _c("expense_account_id", "id", ref="accounts"),
        _c("start_date", "date"), _c("end_date", "date"), _c("amount", "money"),
    ), key=("prepaid_id",)),
    Table("accruals", (
        ENTITY, _c("accrual_id", "id"), _c("vendor_id", "id", required=False, ref="vendors"),
        _c("account_id", "id", ref="accounts"), _c("period", "month"), _c("amount", "money"),
        _c("reversed_period", "month", required=False),
    ), key=("accrual_id",)),
    Table("deferred_revenue", (
        ENTITY, _c("contract_id", "id"), _c("customer_id", "id", ref="customers"),
        _c("account_id", "id", ref="accounts"), _c("start_date", "date"),
        _c("end_date", "date"), _c("amount", "money"),
    ), key=("contract_id",)),
    Table("loans", (
        ENTITY, _c("loan_id", "id"), _c("account_id", "id", ref="accounts"),
        _c("interest_account_id", "id", ref="accounts"), _c("principal", "money", nonneg=True),
        _c("annual_rate", "rate", nonneg=True), _c("start_date", "date"),
        _c("term_months", "int"),
    ), key=("loan_id",)),
    Table("leases", (
        ENTITY, _c("lease_id", "id"), _c("rou_account_id", "id", ref="accounts"),
        _c("liability_account_id", "id", ref="accounts"), _c("start_date", "date"),
        _c("term_months", "int"), _c("monthly_payment", "money", nonneg=True),
        _c("discount_rate", "rate", nonneg=True),
    ), key=("lease_id",)),
    # Balances as the source system states them (SAF-T's opening and closing per
    # account), signed debit positive: opening at the start of `period`, closing at its
    # end; either may be blank when the source states only one of them for that month.
    Table("account_balances", (
        ENTITY, _c("account_id", "id", ref="accounts"), _c("period", "month"),
        _c("opening", "money", required=False), _c("closing", "money", required=False),
    ), key=("entity_id", "account_id", "period")),
    Table("intercompany_agreements", (
        _c("agreement_id", "id"), _c("provider_entity_id", "id", ref="entities"),
        _c("recipient_entity_id", "id", ref="entities"), _c("service", "text"),
        _c("markup_pct", "pct"),
    ), key=("agreement_id",)),
)

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}
REQUIRED_TABLES = tuple(t.name for t in TABLES if t.required)


def table(name: str) -> Table:
    return TABLES_BY_NAME[name]

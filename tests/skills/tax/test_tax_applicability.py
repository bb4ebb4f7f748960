"""Issue 10, class 3: each tax skill decides from the data whether it applies, and a
0-decimal currency rounds tax to whole units. Skipped results state why."""
from decimal import Decimal

from tests.support.books import DEFAULT_ENTITY, account, build, line, run_skill
from skills.tax.economic_nexus import SKILL as NEXUS
from skills.tax.effective_rate import SKILL as ETR
from skills.tax.income_tax_provision import SKILL as PROVISION
from skills.tax.payroll_taxes import SKILL as PAYROLL
from skills.tax.sales_tax_liability import SKILL as SALES_LIABILITY
from skills.tax.sales_tax_rates import SKILL as RATES
from skills.tax.vat_return import SKILL as VAT_RETURN
from skills.tax.vat_reverse_charge import SKILL as REVERSE_CHARGE
from tests.support.vat_books import NL, vat_books

JP = dict(DEFAULT_ENTITY, country="JP", functional_currency="JPY")


# --- reverse charge: on the bill AND in the books ---------------------------------------

def test_reverse_charge_bill_posting_output_and_input_is_clean():
    con, pack = vat_books(reverse_charge="posted")
    result = run_skill(REVERSE_CHARGE, con, pack, "2026-05", "E1")
    assert result.status == "pass", result.findings
    assert result.metrics["bills_checked"] == 1


def test_reverse_charge_code_without_the_self_assessed_vat_in_the_gl_is_found():
    con, pack = vat_books(reverse_charge="missing")
    result = run_skill(REVERSE_CHARGE, con, pack, "2026-05", "E1")
    assert [(f.amount, f.refs[0]) for f in result.findings] == [(Decimal("84.00"), "ap_bills:RC1")]


# --- which skills apply -------------------------------------------------------------------

def test_a_vat_entity_has_no_sales_tax_liability_and_no_us_nexus():
    con, pack = vat_books()
    liability = run_skill(SALES_LIABILITY, con, pack, "2026-05", "E1")
    assert liability.status == "skipped" and "does not apply" in liability.summary
    nexus = run_skill(NEXUS, con, pack, "2026-05", "E1")
    assert nexus.status == "skipped" and "not the US" in nexus.summary
    assert run_skill(VAT_RETURN, con, pack, "2026-05", "E1").status == "pass"


def _payroll(codes):
    return build({
        "entities": [NL],
        "tax_codes": codes,
        "payroll": [{"entity_id": "E1", "period": "2026-05", "employee_id": "E-1", "department": "Ops",
                     "gross_pay": "4000.00", "employer_taxes": "740.00", "benefits": "0",
                     "employee_withholding": "0", "net_pay": "4000.00"}]})


def test_payroll_taxes_without_a_payroll_tax_code_are_skipped_not_flagged():
    con, pack = _payroll([])
    result = run_skill(PAYROLL, con, pack, "2026-05", "E1")
    assert result.status == "skipped" and not result.findings
    assert "payroll tax code" in result.summary


def test_payroll_taxes_with_a_code_are_checked():
    code = {"tax_code": "NL-WG", "jurisdiction": "NL", "tax_type": "payroll", "rate": "0.185",
            "effective_from": "2025-01-01", "effective_to": None, "gl_account_id": "2300",
            "reverse_charge": False}
    con, pack = _payroll([code])
    assert run_skill(PAYROLL, con, pack, "2026-05", "E1").status == "pass"


# --- whole yen ------------------------------------------------------------------------------

def _jpy_books(invoice_tax="124965", provision="382644"):
    """A JPY entity: a consumption-tax invoice (net 1,249,654 at 10% = 124,965.4, charged
    as 124,965 yen) and May's income tax provision at 30.62% of the same pre-tax income
    (382,644.0548, booked as 382,644 yen)."""
    code = {"tax_code": "JP-CT10", "jurisdiction": "JP", "tax_type": "vat", "rate": "0.10",
            "effective_from": "2019-10-01", "effective_to": None, "gl_account_id": "220000",
            "reverse_charge": False}
    cit = {"tax_code": "JP-HOJIN", "jurisdiction": "JP", "tax_type": "income", "rate": "0.3062",
           "effective_from": "2018-04-01", "effective_to": None, "gl_account_id": "225000",
           "reverse_charge": False}
    ref, net = "ar_invoices:SI-1", Decimal("1249654")
    lines = [line("S1", 1, "2026-05-12", "110000", debit=str(net + Decimal(invoice_tax)), doc_ref=ref,
                source="ar"),
             line("S1", 2, "2026-05-12", "400000", credit=str(net), doc_ref=ref, source="ar"),
             line("S1", 3, "2026-05-12", "220000", credit=invoice_tax, doc_ref=ref, source="ar"),
             line("T1", 1, "2026-05-31", "800000", debit=provision, source="tax"),
             line("T1", 2, "2026-05-31", "225000", credit=provision, source="tax")]
    return build({
        "entities": [JP],
        "fx_rates": [{"date": "2026-05-31", "from_currency": "EUR", "to_currency": "JPY",
                      "rate_type": rt, "rate": "170.1234"} for rt in ("closing", "average")],
        "accounts": [account("110000", "receivable"), account("400000", "revenue"),
                     account("220000", "tax_payable", type_="liability"),
                     account("225000", "tax_payable", type_="liability"),
                     account("800000", "income_tax_expense", type_="expense")],
        "tax_codes": [code, cit],
        "customers": [{"customer_id": "C1", "name": "Kabushiki", "country": "JP", "region": None,
                       "tax_exempt": False}],
        "ar_invoices": [{"entity_id": "E1", "invoice_id": "SI-1", "customer_id": "C1",
                         "invoice_date": "2026-05-12", "due_date": "2026-06-30", "currency": "JPY",
                         "net_amount": str(net), "tax_amount": invoice_tax, "tax_code": "JP-CT10"}],
        "ap_bills": [], "ap_payments": [], "journal_lines": lines}, reporting_currency="EUR")


def test_whole_yen_tax_is_clean_for_rates_vat_return_and_provision():
    con, pack = _jpy_books()
    for skill in (RATES, VAT_RETURN, PROVISION, ETR):
        result = run_skill(skill, con, pack, "2026-05", "E1")
        assert result.status == "pass", (skill.id, result.findings)
    provision = run_skill(PROVISION, con, pack, "2026-05", "E1")
    assert provision.metrics["current_tax_computed"] == Decimal("382644")


def test_whole_yen_differences_are_found_in_whole_yen():
    con, pack = _jpy_books(invoice_tax="124964", provision="382700")
    assert [f.amount for f in run_skill(RATES, con, pack, "2026-05", "E1").findings] == [Decimal("1")]
    # pre-tax income is the same; 382,700 booked against 382,644 due
    assert [f.amount for f in run_skill(PROVISION, con, pack, "2026-05", "E1").findings] == [Decimal("56")]


# --- doc_ref is optional: on the control line only, or nowhere ----------------------------

from skills.recon.tax_accounts import SKILL as TAX_ACCOUNTS  # noqa: E402


def test_tax_lines_without_doc_ref_are_clean_and_errors_still_found():
    for habit in ("control", "none"):
        con, pack = vat_books(reverse_charge="posted", doc_ref=habit)
        for skill in (TAX_ACCOUNTS, VAT_RETURN, REVERSE_CHARGE):
            result = run_skill(skill, con, pack, "2026-05", "E1")
            assert result.status == "pass", (habit, skill.id, result.findings)
        con, pack = vat_books(misposting_month="02", doc_ref=habit)
        for skill in (TAX_ACCOUNTS, VAT_RETURN):
            found = run_skill(skill, con, pack, "2026-05", "E1").findings
            assert [(f.amount, f.refs[0]) for f in found] == [(Decimal("50.00"), "accounts:2190")], habit
            assert "arose in 2026-02" in found[0].message


def test_missing_reverse_charge_found_from_the_entry_when_only_control_lines_name_the_bill():
    con, pack = vat_books(reverse_charge="missing", doc_ref="control")
    found = run_skill(REVERSE_CHARGE, con, pack, "2026-05", "E1").findings
    assert [(f.amount, f.refs[0]) for f in found] == [(Decimal("84.00"), "ap_bills:RC1")]
    found = run_skill(TAX_ACCOUNTS, con, pack, "2026-05", "E1").findings
    assert [(f.amount, f.refs[0]) for f in found] == [(Decimal("84.00"), "ap_bills:RC1")]

from decimal import Decimal

from tests.support.books import refs_of

RENT = [("6000", "1200.00", "0"), ("1000", "0", "1200.00")]


def test_same_day_same_amount_same_accounts_is_a_duplicate(books):
    books.entry("JE-1", "2026-05-04", RENT, description="May rent")
    books.entry("JE-2", "2026-05-04", RENT, description="Rent May",
                created_at="2026-05-04 15:00:00")
    result = books.run("je.duplicate_entries")
    assert refs_of(result) == [["journal_lines:JE-2", "journal_lines:JE-1"]]
    assert result.findings[0].amount == Decimal("1200.00")


def test_same_description_a_few_days_later_is_a_duplicate(books):
    books.entry("JE-1", "2026-05-04", RENT, description="May rent")
    books.entry("JE-2", "2026-05-09", RENT, description="May rent")
    result = books.run("je.duplicate_entries")
    assert refs_of(result) == [["journal_lines:JE-2", "journal_lines:JE-1"]]


def test_original_in_the_prior_month_within_the_window(books):
    books.entry("JE-1", "2026-04-29", RENT, description="May rent")
    books.entry("JE-2", "2026-05-02", RENT, description="May rent")
    assert refs_of(books.run("je.duplicate_entries")) == [["journal_lines:JE-2", "journal_lines:JE-1"]]
    assert books.run("je.duplicate_entries", window_days=2).status == "pass"


def test_monthly_recurring_entry_is_not_a_duplicate(books):
    books.entry("JE-1", "2026-04-01", RENT, description="Monthly rent")
    books.entry("JE-2", "2026-05-01", RENT, description="Monthly rent")
    assert books.run("je.duplicate_entries").status == "pass"


def test_different_amount_accounts_or_documents_are_not_duplicates(books):
    books.entry("JE-1", "2026-05-04", RENT)
    books.entry("JE-2", "2026-05-04", [("6000", "1200.01", "0"), ("1000", "0", "1200.01")])
    books.entry("JE-3", "2026-05-04", [("6100", "1200.00", "0"), ("1000", "0", "1200.00")])
    books.entry("JE-4", "2026-05-04", [("6000", "1200.00", "0"), ("2000", "0", "1200.00")],
                doc_ref="ap_bills:B-1")
    books.entry("JE-5", "2026-05-04", [("6000", "1200.00", "0"), ("2000", "0", "1200.00")],
                doc_ref="ap_bills:B-2")
    books.entry("JE-6", "2026-05-04", RENT, entity="UK01")
    assert books.run("je.duplicate_entries").status == "pass"


def test_three_copies_report_the_two_later_ones_against_the_first(books):
    for je, hour in (("JE-A", 9), ("JE-B", 10), ("JE-C", 11)):
        books.entry(je, "2026-05-04", RENT, created_at=f"2026-05-04 {hour:02d}:00:00")
    result = books.run("je.duplicate_entries")
    assert sorted(refs_of(result)) == [["journal_lines:JE-B", "journal_lines:JE-A"],
                                       ["journal_lines:JE-C", "journal_lines:JE-A"]]
    assert result.metrics["duplicated_amount"] == Decimal("2400.00")


def test_a_reversal_is_not_a_duplicate(books):
    books.entry("JE-1", "2026-05-04", RENT, description="Accrue rent")
    books.entry("JE-2", "2026-05-04", [("1000", "1200.00", "0"), ("6000", "0", "1200.00")],
                description="Accrue rent")
    assert books.run("je.duplicate_entries").status == "pass"


def test_postings_for_different_departments_or_counterparties_are_not_copies(books):
    """Payroll posted per department on the same day, and the same fee charged to two
    affiliates, agree in amount and accounts but are different postings."""
    for je, dept in (("PAY-SALES", "Sales"), ("PAY-OPS", "Operations")):
        books.entry(je, "2026-05-29", [("6100", "8000.00", "0"), ("1000", "0", "8000.00")],
                    source="payroll", description=f"Payroll May 2026 {dept}")
        for line in books.lines[-2:]:
            line["department"] = dept
    for je, affiliate in (("IC-UK", "UK01"), ("IC-DE", "DE01")):
        books.entry(je, "2026-05-31", [("1100", "5000.00", "0"), ("4000", "0", "5000.00")],
                    source="system", description="Group service fee May 2026", counterparty=affiliate)
    assert books.run("je.duplicate_entries").status == "pass"
    # the same department's payroll posted twice is still a copy
    books.entry("PAY-SALES-2", "2026-05-29", [("6100", "8000.00", "0"), ("1000", "0", "8000.00")],
                source="payroll", description="Payroll May 2026 Sales", created_at="2026-05-29 18:00:00")
    for line in books.lines[-2:]:
        line["department"] = "Sales"
    assert refs_of(books.run("je.duplicate_entries")) == [
        ["journal_lines:PAY-SALES-2", "journal_lines:PAY-SALES"]]


def test_duplicate_in_yen_and_description_case(books):
    books.entities.append(("JP01", "Acme KK", "JPY", "JP", "US01", "70"))
    yen = [("6000", "614910", "0"), ("1000", "0", "614910")]
    books.entry("JE-1", "2026-05-11", yen, entity="JP01", description="Office rent May")
    books.entry("JE-2", "2026-05-13", yen, entity="JP01", description="office rent may ")
    result = books.run("je.duplicate_entries", entity="JP01")
    assert refs_of(result) == [["journal_lines:JE-2", "journal_lines:JE-1"]]
    assert format(result.findings[0].amount, "f") == "614910"

from decimal import Decimal

from tests.support.books import refs_of


def big(amount):
    return [("6000", amount, "0"), ("2000", "0", amount)]


def test_late_and_early_documents_above_threshold(books):
    books.entry("JE-LATE", "2026-05-02", big("40000.00"), document_date="2026-04-28",
                source="ap", doc_ref="ap_bills:B-7")
    books.entry("JE-EARLY", "2026-05-30", big("26000.00"), document_date="2026-06-01")
    books.entry("JE-SAME", "2026-05-30", big("90000.00"), document_date="2026-05-01")
    result = books.run("je.cutoff")
    assert refs_of(result) == [["journal_lines:JE-LATE", "ap_bills:B-7"], ["journal_lines:JE-EARLY"]]
    assert [f.amount for f in result.findings] == [Decimal("40000.00"), Decimal("26000.00")]
    assert "booked late" in result.findings[0].message
    assert "booked early" in result.findings[1].message


def test_threshold_is_exclusive(books):
    books.entry("JE-1", "2026-05-02", big("25000.00"), document_date="2026-04-28")
    assert books.run("je.cutoff").status == "pass"
    assert books.run("je.cutoff", threshold="24999.99").status == "exceptions"


def test_other_entities_and_months_pass(books):
    books.entry("JE-1", "2026-04-02", big("90000.00"), document_date="2026-03-28")
    books.entry("JE-2", "2026-05-02", big("90000.00"), document_date="2026-04-28", entity="DE01")
    assert books.run("je.cutoff").status == "pass"


def test_reversal_of_last_months_accrual_is_not_a_cutoff_error(books):
    """The April accrual reversed on 1 May carries the accrual's date as its document
    date: it moves the figure out of May by design. A bill dated in April and booked in
    May is still a cut-off question, and so is a reversal with no April original."""
    books.entry("ACR-APR", "2026-04-30", [("6000", "41250.00", "0"), ("2100", "0", "41250.00")])
    books.entry("REV-MAY", "2026-05-01", [("2100", "41250.00", "0"), ("6000", "0", "41250.00")],
                document_date="2026-04-30")
    books.entry("REV-ODD", "2026-05-01", [("2100", "38000.00", "0"), ("6000", "0", "38000.00")],
                document_date="2026-04-30")
    books.entry("BILL", "2026-05-04", big("31472.90"), document_date="2026-04-28", source="ap")
    result = books.run("je.cutoff")
    assert refs_of(result) == [["journal_lines:REV-ODD"], ["journal_lines:BILL"]]
    assert result.metrics["reversals_left_out"] == 1

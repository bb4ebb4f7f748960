from decimal import Decimal

from je_books import refs_of


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

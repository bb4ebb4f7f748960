from decimal import Decimal

from tests.support.books import refs_of


def entry(books, je, amount, **kw):
    books.entry(je, "2026-05-12", [("6000", amount, "0"), ("2100", "0", amount)], **kw)


def test_round_manual_entries_at_or_above_threshold(books):
    entry(books, "JE-1", "25000.00")
    entry(books, "JE-2", "30000.00")
    entry(books, "JE-3", "30000.01")
    entry(books, "JE-4", "24000.00")
    entry(books, "JE-5", "30500.00")
    result = books.run("je.round_amounts")
    assert refs_of(result) == [["journal_lines:JE-2"], ["journal_lines:JE-1"]]
    assert [f.amount for f in result.findings] == [Decimal("30000.00"), Decimal("25000.00")]


def test_subledger_entries_and_other_months_are_not_tested(books):
    entry(books, "JE-1", "50000.00", source="ap")
    books.entry("JE-2", "2026-04-12", [("6000", "50000.00", "0"), ("2100", "0", "50000.00")])
    assert books.run("je.round_amounts").status == "pass"


def test_unit_and_threshold_are_parameters(books):
    entry(books, "JE-1", "30500.00")
    assert books.run("je.round_amounts", round_unit="500").status == "exceptions"
    entry(books, "JE-2", "3000.00")
    assert refs_of(books.run("je.round_amounts", threshold="1000")) == [["journal_lines:JE-2"]]


def test_round_amounts_in_yen_and_krona(books):
    """Round in the entity's own currency: 5,000,000 yen is round, 3,612,345 yen is not;
    the threshold is materiality in yen, written in whole yen."""
    books.reporting_currency, books.materiality = "EUR", "20000.00"
    books.entities.append(("JP01", "Acme KK", "JPY", "JP", "US01", "70"))
    books.fx_rates = [("2026-05-31", "EUR", "JPY", kind, "163.1234") for kind in ("closing", "average")]
    lines = lambda a: [("6000", a, "0"), ("2100", "0", a)]
    books.entry("JE-ROUND", "2026-05-12", lines("5000000"), entity="JP01")
    books.entry("JE-REAL", "2026-05-12", lines("3612345"), entity="JP01")
    result = books.run("je.round_amounts", entity="JP01")
    assert [list(f.refs) for f in result.findings] == [["journal_lines:JE-ROUND"]]
    assert format(result.findings[0].amount, "f") == "5000000"
    assert format(result.metrics["threshold"], "f") == "3262468"

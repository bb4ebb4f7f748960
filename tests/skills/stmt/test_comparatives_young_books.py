"""stmt.comparatives on young books (issue 10): books that open in April 2025 with an
opening entry have no May 2024 to compare May 2025 with; the column is stated as not
available (never a finding), and the fiscal year runs from April."""
from decimal import Decimal

from skills.stmt.comparatives import SKILL as COMPARATIVES
from tests.support.books import statement_books


def _books():
    b = statement_books(fiscal_year_start_month=4)
    b.entity("JP01", currency="JPY", country="JP")
    b.post("JP01", "2025-04-01", [("1000", "1000000"), ("3000", "-1000000")])
    b.post("JP01", "2025-04-20", [("1100", "30000"), ("4000", "-30000")])
    b.post("JP01", "2025-05-12", [("1100", "45000"), ("4000", "-45000")])
    return b


def test_prior_year_before_the_books_is_not_available():
    result = _books().result([COMPARATIVES], "stmt.comparatives", "2025-05", "JP01")
    assert result.status == "pass" and result.findings == []
    assert result.metrics["comparatives_available"] == {"prior": True, "prior_year": False}
    assert "no comparative for 2024-05" in result.summary and "n/a in 2024-05" in result.summary
    assert result.metrics["net_income"]["ytd"] == Decimal("75000")   # fiscal year from April
    assert ".00" not in result.summary


def test_comparatives_available_a_year_later():
    b = _books()
    b.post("JP01", "2026-05-12", [("1100", "50000"), ("4000", "-50000")])
    result = b.result([COMPARATIVES], "stmt.comparatives", "2026-05", "JP01")
    assert result.metrics["comparatives_available"] == {"prior": True, "prior_year": True}
    assert "not available" not in result.summary and "no comparative" not in result.summary
    assert result.metrics["net_income"]["prior_year_ytd"] == Decimal("75000")

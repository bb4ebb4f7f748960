"""stmt.fx_translation on hand-built books: closing, average, historical rates and CTA."""
from decimal import Decimal

import pytest

from skills.stmt.fx_translation import SKILL
from tests.support.books import statement_books


@pytest.fixture
def books():
    b = statement_books()
    b.entity("US01")
    b.entity("UK01", currency="GBP", country="GB", parent_id="US01", ownership_pct="100")
    b.post("UK01", "2026-01-01", [("1000", "1000.00"), ("3000", "-1000.00")])   # opening entry
    b.post("UK01", "2026-02-10", [("1000", "100.00"), ("4000", "-100.00")])
    b.post("US01", "2026-01-01", [("1000", "500.00"), ("3000", "-500.00")])
    b.rate("2025-12-31", "GBP", "USD", "closing", "1.20")
    b.rate("2026-01-31", "GBP", "USD", "average", "1.25")
    b.rate("2026-01-31", "GBP", "USD", "closing", "1.30")
    b.rate("2026-02-28", "GBP", "USD", "average", "1.40")
    b.rate("2026-02-28", "GBP", "USD", "closing", "1.50")
    return b


def line(result, name, key="lines"):
    hits = [ln for ln in result.metrics[key] if ln["line"] == name and ln["kind"] == "line"]
    assert len(hits) == 1, (name, result.metrics[key])
    return hits[0]["amount"]


def test_rates_by_kind_and_cta_plug(books):
    result = books.result([SKILL], "stmt.fx_translation", "2026-02", "UK01")
    assert result.status == "pass"
    assert line(result, "Cash and cash equivalents") == Decimal("1650.00")   # closing 1.50
    assert line(result, "Share capital") == Decimal("1200.00")               # historical 1.20
    assert line(result, "Current period profit") == Decimal("140.00")        # Feb average 1.40
    assert line(result, "Translation reserve") == Decimal("310.00")
    assert line(result, "Revenue", "income_statement") == Decimal("140.00")
    m = result.metrics
    assert (m["cta"], m["cta_prior"], m["cta_movement"]) == (
        Decimal("310.00"), Decimal("100.00"), Decimal("210.00"))
    assert m["difference"] == Decimal("0.00")
    assert m["total_assets"] == m["total_liabilities"] + m["total_equity"]


def test_later_equity_lines_use_their_months_average(books):
    books.post("UK01", "2026-02-15", [("1000", "10.00"), ("3000", "-10.00")])
    result = books.result([SKILL], "stmt.fx_translation", "2026-02", "UK01")
    assert line(result, "Share capital") == Decimal("1214.00")              # 1200 + 10 x 1.40
    assert result.metrics["difference"] == Decimal("0.00")


def test_reporting_currency_entity_has_no_cta(books):
    result = books.result([SKILL], "stmt.fx_translation", "2026-02", "US01")
    assert result.status == "pass" and result.metrics["cta"] == Decimal("0.00")


def test_missing_rate_is_a_finding_not_a_guess(books):
    books.post("UK01", "2026-03-03", [("1000", "5.00"), ("4000", "-5.00")])
    books.rate("2026-03-31", "GBP", "USD", "closing", "1.1")                 # no March average
    result = books.result([SKILL], "stmt.fx_translation", "2026-03", "UK01")
    assert result.status == "exceptions"
    assert any("average GBP->USD 2026-03-31" in f.message for f in result.findings)

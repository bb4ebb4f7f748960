"""The report's small parts: number formatting, column heads, tables from rows, the chart."""
from __future__ import annotations

from decimal import Decimal

from close.report.chart import bar_chart, series_points
from close.report.numbers import money, month_label, percent, to_decimal, whole
from close.report.tables import column_label, table_from_rows


def test_money_has_separators_and_parentheses_for_negatives():
    assert money("1234567.891") == "1,234,567.89"
    assert money(Decimal("-1234.5")) == "(1,234.50)"
    assert money("-0.00") == "0.00"
    assert money(None) == "" and money("n/a") == ""
    assert whole(-1234) == "(1,234)" and percent("12.34") == "12.3%" and percent("-18.4") == "(18.4%)"


def test_floats_are_not_taken_for_amounts():
    assert to_decimal(0.1) is None
    assert to_decimal("0.10") == Decimal("0.10")


def test_column_heads_name_the_months():
    assert column_label("amount", "2026-05") == "May 2026"
    assert column_label("prior", "2026-05") == "April 2026"
    assert column_label("prior_year", "2026-05") == "May 2025"
    assert column_label("ytd", "2026-05") == "YTD 2026"
    assert column_label("prior_year_ytd", "2026-05") == "YTD 2025"
    assert column_label("vs_prior_month", "2026-05") == "Change vs April 2026"
    assert column_label("vs_prior_year_pct", "2026-05") == "Change % vs May 2025"
    assert column_label("pct", "2026-05") == "Change %"
    assert month_label("2026-01") == "January 2026"


def test_table_keeps_every_figure_and_marks_totals_and_sections():
    rows = [
        {"line": "Sales", "section": "revenue", "kind": "line", "amount": "10.00", "ytd": "50.00", "prior": "8.00"},
        {"line": "Gross profit", "section": "gross_profit", "kind": "subtotal", "amount": "4.00", "ytd": "20.00", "prior": "3.00"},
        {"line": "Rent", "section": "operating_expenses", "kind": "line", "amount": "-1.00", "ytd": "-5.00", "prior": "-1.00",
         "accounts": ["6000"]},
    ]
    table = table_from_rows(rows, title="Income statement", period="2026-05")
    assert [c.key for c in table.columns][:4] == ["line", "amount", "prior", "ytd"]
    styles = [(r.style, r.cells["line"]) for r in table.rows]
    assert styles == [("heading", "Revenue"), ("", "Sales"), ("total", "Gross profit"),
                      ("heading", "Operating expenses"), ("", "Rent")]
    assert table.rows[-1].cells["amount"] == Decimal("-1.00")


def test_ids_that_look_like_numbers_stay_text():
    table = table_from_rows([{"key": "4000", "name": "Sales", "current": "1.00", "drivers": [
        {"je_id": "JE-1", "amount": "1.00"}]}], title="t", period="2026-05", labels={"key": "Account"})
    kinds = {c.key: (c.label, c.kind) for c in table.columns}
    assert kinds["key"] == ("Account", "text")
    assert table.rows[0].cells["drivers"] == "JE-1: 1.00"


def test_chart_draws_one_bar_per_month_and_leaves_out_missing_months():
    series = [{"month": "2026-03", "revenue": "100.00", "net_income": "-20.00"},
              {"month": "2026-04", "revenue": None, "net_income": None},
              {"month": "2026-05", "revenue": "150.00", "net_income": "30.00"}]
    points = series_points(series, "net_income")
    assert [p.month for p in points] == ["2026-03", "2026-05"]
    svg = bar_chart(points, title="t", label="Net income", currency="USD")
    assert svg.startswith("<svg") and svg.count("<rect") == 2
    assert "Mar 26 Net income: (20.00) USD" in svg and 'fill="#c0504d"' in svg  # a loss in red
    assert bar_chart([], title="t", label="a", currency="USD") == ""
    assert svg == bar_chart(points, title="t", label="Net income", currency="USD")


def test_a_column_repeating_another_is_shown_once():
    rows = [{"line": "Cash", "amount": "5.00", "current": "5.00", "comparison": "4.00", "name": "Cash"},
            {"line": "Debt", "amount": "-1.00", "current": "-1.00", "comparison": "0.00", "name": "Debt"}]
    table = table_from_rows(rows, title="t", period="2026-05")
    assert [c.key for c in table.columns] == ["line", "amount", "comparison"]

"""Percent rounding, written once: one decimal, half away from zero, None over zero."""
from decimal import Decimal as D

from skills.lib.percent import one_decimal, percent_change, percent_of, ratio


def test_one_decimal_rounds_half_away_from_zero():
    assert one_decimal(D("12.25")) == D("12.3")
    assert one_decimal(D("-12.25")) == D("-12.3")
    assert one_decimal(D("12.24")) == D("12.2")
    assert str(one_decimal(D("3"))) == "3.0"


def test_ratio_scales_rounds_and_has_no_value_over_zero():
    assert ratio(D("1"), D("3")) == D("33.3")
    assert ratio(D("2"), D("3")) == D("66.7")
    assert ratio(D("5"), D("2"), places="0.01", scale=1) == D("2.50")
    assert ratio(D("5"), D("0")) is None


def test_percent_of_a_whole():
    assert percent_of(D("125"), D("1000")) == D("12.5")
    assert percent_of(None, D("1000")) is None
    assert percent_of(D("1"), None) is None
    assert percent_of(D("1"), D("0")) is None


def test_percent_change_is_measured_from_the_size_of_the_base():
    assert percent_change(D("50"), D("200")) == D("25.0")
    assert percent_change(D("50"), D("-200")) == D("25.0")
    assert percent_change(D("-50"), D("-200")) == D("-25.0")
    assert percent_change(D("1"), D("0")) is None

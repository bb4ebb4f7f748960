"""pack.toml is checked as strictly as the tables."""
from decimal import Decimal

import pytest

from close.pack import PackError, read_pack_toml, validate_pack


def write(pack, text):
    (pack / "pack.toml").write_text(text)
    return pack


def test_reads_settings(good_pack):
    s = read_pack_toml(good_pack)
    assert (s.name, s.reporting_currency, s.fiscal_year_start_month, s.materiality) == (
        "Tiny Group", "USD", 1, Decimal("1000.00"))


def test_fiscal_year_defaults_to_january(good_pack):
    write(good_pack, 'name = "X"\nreporting_currency = "EUR"\nmateriality = "5"\n')
    assert read_pack_toml(good_pack).fiscal_year_start_month == 1


@pytest.mark.parametrize("text, problem", [
    ('reporting_currency = "USD"\nmateriality = "1.00"\n',
     "pack.toml, name is missing: give the pack a name"),
    ('name = "X"\nreporting_currency = "US"\nmateriality = "1.00"\n',
     "pack.toml line 2, reporting_currency 'US' is not an ISO 4217 currency code (like USD, EUR, GBP)"),
    ('name = "X"\nreporting_currency = "USD"\nfiscal_year_start_month = 0\nmateriality = "1.00"\n',
     "pack.toml line 3, fiscal_year_start_month '0' is not a month number from 1 to 12"),
    ('name = "X"\nreporting_currency = "USD"\nfiscal_year_start_month = "July"\nmateriality = "1.00"\n',
     "pack.toml line 3, fiscal_year_start_month 'July' is not a month number from 1 to 12"),
    ('name = "X"\nreporting_currency = "USD"\nmateriality = "25,000"\n',
     "pack.toml line 3, materiality '25,000' is not an exact decimal amount (write it as a string, like \"25000.00\")"),
    ('name = "X"\nreporting_currency = "USD"\nmateriality = 2.5e4\n',
     "pack.toml line 3, materiality '25000.0' is not an exact decimal amount (write it as a string, like \"25000.00\")"),
    ('name = "X"\nreporting_currency = "USD"\nmateriality = "-1.00"\n',
     "pack.toml line 3, materiality '-1.00' is negative (must be zero or more)"),
    ('name = "X"\nreporting_currency = "USD"\n',
     "pack.toml, materiality is missing: give the default finding threshold, like \"25000.00\""),
    ('name = "X\nreporting_currency = "USD"\n',
     "pack.toml line 1 is not valid TOML (Illegal character '\\n' (at line 1, column 10))"),
])
def test_bad_settings(good_pack, text, problem):
    write(good_pack, text)
    with pytest.raises(PackError) as err:
        read_pack_toml(good_pack)
    assert [str(p) for p in err.value.problems] == [problem]
    assert str(validate_pack(good_pack)[0]) == problem


def test_integer_materiality_is_exact(good_pack):
    write(good_pack, 'name = "X"\nreporting_currency = "JPY"\nmateriality = 3000000\n')
    assert read_pack_toml(good_pack).materiality == Decimal("3000000.00")


def test_missing_pack_toml(good_pack):
    (good_pack / "pack.toml").unlink()
    assert [str(p) for p in validate_pack(good_pack)] == [
        "pack.toml is missing: a pack needs its name and reporting currency"]

"""The code lists come from CLDR and hold only real currencies and countries."""
from close.pack.codes import country_codes, currency_codes


def test_country_codes_are_countries():
    countries = set(country_codes())
    assert {"US", "GB", "DE", "JP", "XK"} <= countries
    assert not {"EU", "UN", "ZZ", "001"} & countries
    assert {"USD", "EUR", "GBP", "JPY", "CHF"} <= set(currency_codes())

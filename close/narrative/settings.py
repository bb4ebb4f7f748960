"""Narrative settings: close.toml `[narrative]`, then CLOSE_MODEL, then `--model`.

    [narrative]
    model = "claude-sonnet-5-5"     # any id the Messages API accepts
    max_concurrency = 4             # section calls in flight at once
    max_tokens = 4000               # per section draft (thinking included)
    effort = "medium"               # output_config.effort; "" to leave it out
    max_retries = 2                 # the SDK's own retries (429, 5xx, 529, timeouts, connection)
    timeout_seconds = 120
    batch_poll_seconds = 10
    batch_wait_minutes = 60         # then the fallback drafts what the batch has not
    facts = "section"               # each call its section's facts; "all": every call all, cached

    [narrative.prices."claude-sonnet-5-5"]   # USD per million tokens
    input = "2.00"
    output = "10.00"
    cache_write = "2.50"
    cache_read = "0.10"

The API key is read from ANTHROPIC_API_KEY only, never from a file, so it cannot end up
in a pack, a report or results.json.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from close.config import Config, ConfigError

# Newest Sonnet the installed SDK lists (anthropic/types/model_param.py): fast, and
# priced for drafting six sections a month.
DEFAULT_MODEL = "claude-sonnet-5-5"

# USD per million tokens, from Anthropic's published price list; override in close.toml.
DEFAULT_PRICES = {
    "claude-sonnet-5-5": {"input": "2.00", "output": "10.00", "cache_write": "2.50", "cache_read": "0.10"},
    "claude-sonnet-5": {"input": "2.00", "output": "10.00", "cache_write": "2.50", "cache_read": "0.20"},
    "claude-opus-5-5": {"input": "4.00", "output": "20.00", "cache_write": "5.00", "cache_read": "0.20"},
    "claude-opus-5": {"input": "5.00", "output": "25.00", "cache_write": "6.25", "cache_read": "0.50"},
    "claude-opus-4-8": {"input": "5.00", "output": "25.00", "cache_write": "6.25", "cache_read": "0.50"},
    "claude-opus-4-7": {"input": "5.00", "output": "25.00", "cache_write": "6.25", "cache_read": "0.50"},
    "claude-opus-4-6": {"input": "5.00", "output": "25.00", "cache_write": "6.25", "cache_read": "0.50"},
    "claude-haiku-5-5": {"input": "0.10", "output": "0.50", "cache_write": "0.125", "cache_read": "0.01"},
    "claude-sonnet-4-6": {"input": "3.00", "output": "15.00", "cache_write": "3.75", "cache_read": "0.30"},
    "claude-sonnet-4-5": {"input": "3.00", "output": "15.00", "cache_write": "3.75", "cache_read": "0.30"},
    "claude-haiku-4-5": {"input": "1.00", "output": "5.00", "cache_write": "1.25", "cache_read": "0.10"},
}
BATCH_DISCOUNT = "0.50"         # the Message Batches API bills half of every rate
PRICE_KEYS = ("input", "output", "cache_write", "cache_read")


@dataclass(frozen=True)
class Settings:
    model: str = DEFAULT_MODEL
    batch: bool = False
    max_concurrency: int = 4
    max_tokens: int = 4000
    effort: str = "medium"
    max_retries: int = 2
    timeout_seconds: float = 120.0
    batch_poll_seconds: float = 10.0
    batch_wait_minutes: float = 60.0
    batch_discount: Decimal = Decimal(BATCH_DISCOUNT)
    prices: dict = field(default_factory=dict)
    facts: str = "section"

    def price(self) -> dict[str, Decimal] | None:
        """This model's rates, or None when the price table has no row for it."""
        return self.prices.get(self.model)


def _int(section: dict, key: str, default: int, where: str, minimum: int) -> int:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"{where}: [narrative] {key} must be a whole number >= {minimum}, not {value!r}")
    return value


def _number(section: dict, key: str, default: float, where: str) -> float:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ConfigError(f"{where}: [narrative] {key} must be a number >= 0, not {value!r}")
    return float(value)


def _rate(value, where: str, model: str, key: str) -> Decimal:
    if isinstance(value, float):
        raise ConfigError(f'{where}: [narrative.prices."{model}"] {key}: write prices as strings, e.g. "2.00"')
    try:
        rate = Decimal(str(value))
    except InvalidOperation:
        raise ConfigError(f'{where}: [narrative.prices."{model}"] {key} = {value!r} is not a decimal') from None
    if rate < 0:
        raise ConfigError(f'{where}: [narrative.prices."{model}"] {key} must not be negative')
    return rate


def _prices(section: dict, where: str) -> dict:
    table = {m: dict(rates) for m, rates in DEFAULT_PRICES.items()}
    for model, rates in (section.get("prices") or {}).items():
        if not isinstance(rates, dict):
            raise ConfigError(f'{where}: [narrative.prices."{model}"] must be a table of rates')
        unknown = set(rates) - set(PRICE_KEYS)
        if unknown:
            raise ConfigError(f'{where}: [narrative.prices."{model}"] has unknown rate {sorted(unknown)[0]!r};'
                              f" rates are {', '.join(PRICE_KEYS)}")
        table.setdefault(model, {}).update(rates)
    out = {}
    for model, rates in table.items():
        missing = [k for k in PRICE_KEYS if k not in rates]
        if missing:
            raise ConfigError(f'{where}: [narrative.prices."{model}"] lacks {missing[0]!r}')
        out[model] = {k: _rate(rates[k], where, model, k) for k in PRICE_KEYS}
    return out


def load_settings(config: Config | None, *, model: str | None = None, batch: bool = False,
                  environ=None) -> Settings:
    """Settings for one run. Precedence for the model: --model, CLOSE_MODEL, close.toml, default."""
    environ = os.environ if environ is None else environ
    config = config or Config()
    section = config.section("narrative")
    where = str(config.path or "close.toml")
    chosen = model or environ.get("CLOSE_MODEL") or section.get("model") or DEFAULT_MODEL
    if not isinstance(chosen, str) or not chosen.strip():
        raise ConfigError(f"{where}: [narrative] model must be a model id such as {DEFAULT_MODEL!r}")
    effort = section.get("effort", "medium")
    if effort not in ("", "low", "medium", "high", "xhigh", "max"):
        raise ConfigError(f"{where}: [narrative] effort must be low, medium, high, xhigh, max or \"\", not {effort!r}")
    facts = section.get("facts", "section")
    if facts not in ("section", "all"):
        raise ConfigError(f"{where}: [narrative] facts must be \"section\" or \"all\", not {facts!r}")
    try:
        discount = Decimal(str(section.get("batch_discount", BATCH_DISCOUNT)))
    except InvalidOperation:
        raise ConfigError(f"{where}: [narrative] batch_discount must be a decimal such as \"0.50\"") from None
    return Settings(
        model=chosen.strip(),
        batch=bool(batch),
        max_concurrency=_int(section, "max_concurrency", 4, where, 1),
        max_tokens=_int(section, "max_tokens", 4000, where, 256),
        effort=effort,
        max_retries=_int(section, "max_retries", 2, where, 0),
        timeout_seconds=_number(section, "timeout_seconds", 120.0, where),
        batch_poll_seconds=_number(section, "batch_poll_seconds", 10.0, where),
        batch_wait_minutes=_number(section, "batch_wait_minutes", 60.0, where),
        batch_discount=discount,
        prices=_prices(section, where),
        facts=facts,
    )


def api_key(environ=None) -> str | None:
    environ = os.environ if environ is None else environ
    key = environ.get("ANTHROPIC_API_KEY", "").strip()
    return key or None

"""What the narrative cost: calls, tokens by kind, and the estimated price in USD.

Token counts come from the API's own `usage` on each response: `input_tokens` is the
uncached input, `cache_creation_input_tokens` what was written to the prompt cache and
`cache_read_input_tokens` what was read from it. The cost is an estimate from the price
table in settings (USD per million tokens), halved for the Message Batches API.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

MILLION = Decimal(1_000_000)


@dataclass
class Usage:
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, usage) -> None:
        """Count one response's usage (an SDK Usage object or a plain dict)."""
        get = usage.get if isinstance(usage, dict) else (lambda k, d=None: getattr(usage, k, d))
        with self._lock:
            self.calls += 1
            self.input_tokens += int(get("input_tokens", 0) or 0)
            self.output_tokens += int(get("output_tokens", 0) or 0)
            self.cache_read_tokens += int(get("cache_read_input_tokens", 0) or 0)
            self.cache_write_tokens += int(get("cache_creation_input_tokens", 0) or 0)

    def cost(self, rates: dict[str, Decimal] | None, discount: Decimal | None = None) -> Decimal | None:
        if rates is None:
            return None
        total = (self.input_tokens * rates["input"] + self.output_tokens * rates["output"]
                 + self.cache_read_tokens * rates["cache_read"]
                 + self.cache_write_tokens * rates["cache_write"]) / MILLION
        if discount is not None:
            total *= discount
        return total.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)

    def to_dict(self, *, model: str | None, rates=None, batch: bool = False,
                discount: Decimal | None = None) -> dict:
        cost = self.cost(rates, discount if batch else None) if self.calls else Decimal("0")
        return {
            "calls": self.calls,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cache_read_tokens": self.cache_read_tokens,
            "cache_write_tokens": self.cache_write_tokens,
            "estimated_cost_usd": None if cost is None else format(cost.quantize(Decimal("0.0001")), "f"),
            "model": model,
            "batch": batch,
        }

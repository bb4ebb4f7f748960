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


def usage_line(usage: dict | None) -> str:
    """What the narrative cost, in one line for the reports and the console, from
    results.json's `usage`: calls, the four kinds of tokens, model, and the estimate.
    A run that made no calls says so, so a reader never mistakes it for a free draft."""
    if not isinstance(usage, dict):
        return ""
    calls = int(usage.get("calls") or 0)
    if not calls:
        return "Narrative: no Claude calls billed; the deterministic drafter wrote it (USD 0.00)."
    n = lambda key: f"{int(usage.get(key) or 0):,}"
    how = ", ".join(x for x in (usage.get("model"), "Message Batches" if usage.get("batch") else None) if x)
    cost = usage.get("estimated_cost_usd")
    return (f"Narrative: {calls:,} Claude call{'s' if calls != 1 else ''}{f' ({how})' if how else ''}: "
            f"{n('input_tokens')} uncached input, {n('cache_write_tokens')} cache write, "
            f"{n('cache_read_tokens')} cache read and {n('output_tokens')} output tokens; "
            + (f"estimated USD {cost}." if cost is not None else "no price for this model."))

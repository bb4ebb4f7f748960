"""Narrative drafting (Claude, with a deterministic fallback)."""


def draft(outcome, doc, config, *, model=None, batch=False) -> dict:
    """Return keys to merge into results.json: {"narrative": ..., "usage": ...}."""
    return {}

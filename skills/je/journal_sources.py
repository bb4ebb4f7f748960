"""Which journal sources a test covers, as a parameter a controller can write.

Several journal-entry tests are meant for entries people key by hand; subledger and
system postings follow fixed rules and calendars. Those skills take a `sources`
parameter: a comma-separated list of sources (`manual,system`) or `all`.
"""


def parse_sources(text: str) -> set[str] | None:
    """'manual, system' -> {'manual', 'system'}; 'all' or blank -> None (every source)."""
    names = {s.strip().lower() for s in text.split(",") if s.strip()}
    return None if not names or "all" in names else names

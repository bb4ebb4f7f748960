"""Domain code the skills share, one definition each: open items (what is still owed on
an invoice or bill), aging buckets, and percentages and ratios as the reports show them.

A helper lives here once two skill areas need it; code only one area uses stays in that
area (a module whose name starts with `_` is used inside its own package only).
"""

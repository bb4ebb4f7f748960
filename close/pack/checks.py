"""The structural checks, as SQL over the all-text staging tables.

Each check is a condition that is true on an offending row. A table's checks are first
counted together in one scan (a clean table costs one pass, however many checks it
has); only checks that found something are queried again for their first rows, so a
broken 10-million-line file reports MAX_PER_CHECK rows per check plus a count.
Values (closed lists, code lists) are bound parameters; identifiers come from schema.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .codes import country_codes, currency_codes
from .problems import Problem
from .schema import Column, table as schema_table
from .staging import STAGE, StagedTable

MAX_PER_CHECK = 1000

# kind -> (condition on the text {c} that makes it valid, message when it is not).
# A date must be its own ISO form (a cast and back, cheaper than a regex at ten
# million rows and exact: '2026-02-30' and '2026-5-31' both fail); the regexes are
# what refuse exponents, thousands separators, extra decimals and missing offsets.
FORMATS = {
    "date": ("CAST(TRY_CAST({c} AS DATE) AS VARCHAR) IS NOT DISTINCT FROM {c}",
             "is not a date (YYYY-MM-DD)"),
    "timestamp": (
        r"(regexp_full_match({c}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}[T ][0-9]{{2}}:[0-9]{{2}}(:[0-9]{{2}}(\.[0-9]{{1,6}})?)?"
        r"(Z|[+-][0-9]{{2}}(:?[0-9]{{2}})?)') AND TRY_CAST({c} AS TIMESTAMPTZ) IS NOT NULL)",
        "is not a timestamp (ISO 8601 with an offset or Z, like 2026-05-31T17:05:00Z)",
    ),
    "money": (r"regexp_full_match({c}, '-?[0-9]{{1,16}}(\.[0-9]{{1,2}})?')",
              "is not an exact decimal amount (like -1234.50: at most 2 decimals, no exponent, no thousands separators)"),
    "rate": (r"regexp_full_match({c}, '-?[0-9]{{1,8}}(\.[0-9]{{1,10}})?')",
             "is not an exact decimal rate (like 0.0825: at most 10 decimals, no exponent)"),
    "pct": (r"regexp_full_match({c}, '-?[0-9]{{1,5}}(\.[0-9]{{1,4}})?')",
            "is not an exact decimal percentage (like 12.5: at most 4 decimals, no exponent)"),
    "int": (r"(regexp_full_match({c}, '-?[0-9]{{1,10}}') AND TRY_CAST({c} AS INTEGER) IS NOT NULL)",
            "is not a whole number"),
    "month": (r"regexp_full_match({c}, '[0-9]{{4}}-(0[1-9]|1[0-2])')", "is not a month (YYYY-MM)"),
    "bool": ("{c} IN ('true', 'false')", "is not a boolean (true or false)"),
}
# C0 controls other than tab, newline and carriage return, DEL and the C1 controls: text
# that holds one passes every other check, then breaks the Excel writer (openpyxl's
# IllegalCharacterError) and the terminal a report is printed on. A character class is
# one cheap DFA pass over the bytes (see control_guard for the one-pass load).
CONTROL_CHARS = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x{9F}]"
CONTROL_KINDS = ("text", "id")
NUMERIC_TYPES = {"money": "DECIMAL(18,2)", "rate": "DECIMAL(18,10)", "pct": "DECIMAL(9,4)", "int": "INTEGER"}
REF_NOUNS = {
    "entities": "entity", "accounts": "account", "bank_accounts": "bank account", "customers": "customer",
    "vendors": "vendor", "tax_codes": "tax code", "ar_invoices": "AR invoice", "ap_bills": "AP bill",
}


@dataclass
class Check:
    column: str
    cls: str
    cond: str
    message: str  # may hold {extra}, filled from the `extra` SQL expression
    extra: str | None = None
    params: dict = field(default_factory=dict)
    # A cheaper condition for the one-pass load, which ORs every check of a row: it may
    # also be true where another check of the same row already is, never elsewhere.
    # "false" when another check's guard already covers this one (see control_guard).
    guard: str | None = None


def q(name: str) -> str:
    """Quote a schema identifier (only ever called with names from schema.py)."""
    return f'"{name}"'


def valid_sql(col: Column) -> str:
    """SQL that is true when the column's (non-null) text has the right form."""
    return FORMATS[col.kind][0].format(c=q(col.name)) if col.kind in FORMATS else "true"


def column_checks(staged: StagedTable, col: Column, n: int, tables: dict[str, StagedTable]) -> list[Check]:
    c = q(col.name)
    p = f"p{n}"
    checks = []
    if col.required:
        checks.append(Check(col.name, "blank", f"{c} IS NULL", "is blank (a value is required)"))
    if col.kind in FORMATS:
        checks.append(Check(col.name, "format", f"{c} IS NOT NULL AND NOT {valid_sql(col)}", FORMATS[col.kind][1]))
    elif col.kind == "currency":
        checks.append(Check(col.name, "currency", not_in_list(c, p),
                            "is not an ISO 4217 currency code (like USD, EUR, GBP)", params={p: list(currency_codes())}))
    elif col.kind == "country":
        checks.append(Check(col.name, "country", not_in_list(c, p),
                            "is not an ISO 3166 country code (like US, GB, DE)", params={p: list(country_codes())}))
    if col.nonneg and col.kind in NUMERIC_TYPES:
        negative = f"TRY_CAST({c} AS {NUMERIC_TYPES[col.kind]}) < 0"
        checks.append(Check(col.name, "negative", f"{valid_sql(col)} AND {negative}",
                            "is negative (it must be zero or more)", guard=negative))
    if col.kind in CONTROL_KINDS and not col.choices:  # a closed list already refuses them
        checks.append(control_check(col))
    if col.choices:
        checks.append(Check(col.name, "choice", not_in_list(c, f"{p}c"),
                            "is not one of: " + ", ".join(col.choices), params={f"{p}c": list(col.choices)}))
    if col.ref:
        check = ref_check(col, tables)
        if check is not None:
            checks.append(check)
    return checks


def control_check(col: Column) -> Check:
    c = q(col.name)
    return Check(col.name, "control", f"{c} IS NOT NULL AND regexp_matches({c}, '{CONTROL_CHARS}')",
                 "contains a control character ({extra}); remove it",
                 extra=f"printf('U+%04X', unicode(regexp_extract({c}, '{CONTROL_CHARS}')))")


def control_guard(checks: list[Check]) -> None:
    """Fold a table's control-character checks into one guard for the one-pass load:
    one regex over the row's text columns joined together costs about a third less than
    one per column (0.67 against 0.96 CPU seconds on a 1.5M-line journal's nine text
    columns), and a character class cannot match across the joins. The first check
    carries the joined guard; the others' guard is "false", as it covers them too."""
    controls = [ch for ch in checks if ch.cls == "control"]
    if len(controls) > 1:
        joined = ", ".join(q(ch.column) for ch in controls)
        controls[0].guard = f"regexp_matches(concat({joined}), '{CONTROL_CHARS}')"
        for ch in controls[1:]:
            ch.guard = "false"


def not_in_list(c: str, param: str) -> str:
    """Membership in a bound list, as a hashed semi-join: list_contains would scan the
    300 currency codes for each of ten million rows."""
    return f"{c} IS NOT NULL AND {c} NOT IN (SELECT unnest(${param}))"


def ref_check(col: Column, tables: dict[str, StagedTable]) -> Check | None:
    """Unknown references: the value must be a key of one of the referenced tables
    (counterparty may be a customer, a vendor or an entity). `tables` maps each table
    of the pack to its staged copy, or to None when it could not be read. Absent
    referenced tables are handled by `absent_ref_problems`; when a referenced table is
    unreadable, has unreadable lines or lacks its key column, that has its own problem
    and this check is skipped, rather than report rows as unknown that may not be."""
    keys = []
    for target in col.ref:
        if target not in tables:
            continue
        staged = tables[target]
        key = schema_table(target).key[0]
        if staged is None or key not in staged.present or staged.skipped_lines:
            return None  # the referenced file is (partly) unreadable: its own problems say so
        keys.append(f"SELECT {q(key)} FROM {staged.ref} WHERE {q(key)} IS NOT NULL")
    if not keys:
        return None
    nouns = [REF_NOUNS.get(t, t) for t in col.ref]
    noun = nouns[0] if len(nouns) == 1 else ", ".join(nouns[:-1]) + " or " + nouns[-1]
    files = ", ".join(tables[t].label for t in col.ref if t in tables)
    c = q(col.name)
    return Check(col.name, "ref", f"{c} IS NOT NULL AND {c} NOT IN ({' UNION ALL '.join(keys)})",
                 f"is not a known {noun} (not in {files})")


def table_checks(staged: StagedTable, tables: dict[str, StagedTable]) -> list[Check]:
    checks = []
    for n, col in enumerate(staged.spec.columns):
        if col.name in staged.present:
            checks.extend(column_checks(staged, col, n, tables))
    if staged.spec.name == "journal_lines" and {"debit", "credit"} <= set(staged.present):
        nonzero = {c: f"TRY_CAST({q(c)} AS DECIMAL(18,2)) <> 0" for c in ("debit", "credit")}
        both = " AND ".join(f"{valid_sql(staged.spec.column(c))} AND {nonzero[c]}" for c in nonzero)
        checks.append(Check("debit", "debit_credit", both,
                            "and credit '{extra}' are both non-zero: a line is either a debit or a credit",
                            extra=q("credit"), guard=" AND ".join(nonzero.values())))
    return checks


def run_checks(con, staged: StagedTable, tables: dict[str, StagedTable | None]) -> list[Problem]:
    """Every row problem of one staged table, capped per (column, check)."""
    checks = table_checks(staged, tables)
    if not checks:
        return []
    params = {k: v for ch in checks for k, v in ch.params.items()}
    counts = con.execute(
        "SELECT " + ", ".join(f"count(*) FILTER (WHERE {ch.cond})" for ch in checks) + f" FROM {staged.ref}",
        _used(params, " ".join(ch.cond for ch in checks)),
    ).fetchone()
    rows, more = [], []
    for check, count in zip(checks, counts):
        if not count:
            continue
        extra = f", {check.extra}" if check.extra else ", NULL"
        found = con.execute(
            f"SELECT rowid, {q(check.column)}{extra} FROM {staged.ref} WHERE {check.cond} ORDER BY rowid LIMIT {MAX_PER_CHECK}",
            _used(params, check.cond),
        ).fetchall()
        for rowid, value, extra_value in found:
            rows.append(Problem(staged.label, staged.line_of(rowid), check.column, value,
                                check.message.format(extra=extra_value)))
        if count > MAX_PER_CHECK:
            more.append(Problem(staged.label, None, check.column, None,
                                f"... and {count - MAX_PER_CHECK} more rows like the ones above ({check.message.format(extra='...')})"))
    return rows + more


def _used(params: dict, sql: str) -> dict:
    """DuckDB refuses named parameters a statement does not use."""
    return {k: v for k, v in params.items() if f"${k}" in sql}


def duplicate_keys(con, staged: StagedTable) -> list[Problem]:
    """Each row whose key repeats an earlier row's, naming the first line it repeats.
    Keys compare as their loaded values (line_no '01' equals '1'); a blank key part
    counts as a value, so two budget lines without a department do collide; rows with
    a blank required key part are already reported and left out here."""
    spec = staged.spec
    if not spec.key or not set(spec.key) <= set(staged.present):
        return []
    parts = []
    for name in spec.key:
        col = spec.column(name)
        parts.append(f"COALESCE(CAST(TRY_CAST({q(name)} AS INTEGER) AS VARCHAR), {q(name)})" if col.kind == "int" else q(name))
    keyed = ", ".join(f"{expr} AS k{i}" for i, expr in enumerate(parts))
    required = " AND ".join(f"{q(n)} IS NOT NULL" for n in spec.key if spec.column(n).required) or "true"
    same = " AND ".join(f"r.k{i} IS NOT DISTINCT FROM g.k{i}" for i in range(len(parts)))
    shown = " || '/' || ".join(f"COALESCE(r.k{i}, '')" for i in range(len(parts)))
    ks = ", ".join(f"k{i}" for i in range(len(parts)))
    sql = (
        f"WITH r AS (SELECT rowid AS rid, {keyed} FROM {staged.ref} WHERE {required}), "
        f"g AS (SELECT {ks}, min(rid) AS first_rid FROM r GROUP BY {ks} HAVING count(*) > 1) "
        f"SELECT r.rid, g.first_rid, {shown} FROM r JOIN g ON {same} WHERE r.rid <> g.first_rid"
    )
    total = con.execute(f"SELECT count(*) FROM ({sql})").fetchone()[0]
    if not total:
        return []
    column = "/".join(spec.key)
    problems = [
        Problem(staged.label, staged.line_of(rid), column, value, f"repeats the key of line {staged.line_of(first)}")
        for rid, first, value in con.execute(f"{sql} ORDER BY r.rid LIMIT {MAX_PER_CHECK}").fetchall()
    ]
    if total > MAX_PER_CHECK:
        problems.append(Problem(staged.label, None, column, None,
                                f"... and {total - MAX_PER_CHECK} more rows that repeat an earlier key"))
    return problems


def absent_ref_problems(staged: StagedTable, tables: dict[str, StagedTable | None], con) -> list[Problem]:
    """A column that refers to an optional table the pack does not have: one problem
    for the column (if it holds any value), not one per row."""
    problems = []
    for col in staged.spec.columns:
        if not col.ref or col.name not in staged.present or any(t in tables for t in col.ref):
            continue
        if any(schema_table(t).required for t in col.ref):
            continue  # the missing required file is already reported
        filled = con.execute(f"SELECT count({q(col.name)}) FROM {staged.ref}").fetchone()[0]
        if filled:
            names = " or ".join(col.ref)
            problems.append(Problem(staged.label, None, col.name, None,
                                    f"refers to {names}, but the pack has no {names} table "
                                    f"({filled} {'row holds' if filled == 1 else 'rows hold'} a value)"))
    return problems

"""Tables from whatever rows a skill puts in its metrics.

Statement skills put their lines in `metrics.lines` as dicts with at least a label and an
amount, and are free to add columns (prior month, YTD, change). The report must show
every figure a skill provides without knowing its keys in advance, so columns are read
off the rows: the label column, then every key that carries figures, in first-seen
order, headed with a readable name ("prior" becomes the prior month's name).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from close.report.numbers import is_amount_text, month_label, to_decimal

LABEL_KEYS = ("line", "label", "name", "caption", "description", "account_name", "account")
# Keys that hold layout or identity, not figures, even when their values look numeric.
LAYOUT_KEYS = {"level", "indent", "order", "sort", "position", "depth", "line_no", "row"}
# Keys that name things (accounts, entries): text even when they look like numbers.
ID_KEYS = {"key", "id", "account", "code", "ref", "refs", "accounts"}
# Preferred left-to-right order of figure columns: this month, comparatives, then the rest.
COLUMN_RANK = {"amount": 0, "current": 0, "mtd": 0, "balance": 0, "prior": 1, "comparison": 1,
               "prior_month": 1, "prior_year": 2, "ytd": 3, "prior_year_ytd": 4, "prior_ytd": 4,
               "variance": 5, "change": 5, "pct": 6, "change_pct": 6, "variance_pct": 6}
SECTION_KEYS = ("section", "group", "heading", "category")
STYLE_KEYS = ("kind", "type", "style", "role")
TOTAL_WORDS = ("total", "subtotal")
KEY_LINES = {
    "net income", "net profit", "net loss", "profit for the period", "gross profit",
    "operating income", "operating profit", "profit before tax", "income before tax",
    "total assets", "total liabilities", "total equity", "total liabilities and equity",
    "liabilities and equity", "net change in cash", "closing cash", "ebitda",
}


@dataclass
class Column:
    key: str
    label: str
    kind: str = "money"  # money | percent | count | text


@dataclass
class Row:
    cells: dict
    style: str = ""  # "" | "total" | "heading"
    level: int = 0


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    note: str = ""

    @property
    def label_column(self) -> Column:
        return self.columns[0]

    @property
    def figure_columns(self) -> list[Column]:
        return self.columns[1:]


def is_row_list(value) -> bool:
    """A list of dicts: something a skill meant as table rows."""
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _month_shift(period: str, months: int) -> str:
    try:
        year, month = (int(p) for p in period.split("-"))
    except (ValueError, AttributeError):
        return ""
    index = year * 12 + month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _is_id_key(key: str) -> bool:
    return key in ID_KEYS or key.endswith("_id") or key.endswith("_ids")


def column_label(key: str, period: str, overrides: dict | None = None) -> str:
    """Readable head for a figure key, naming months where the key implies one."""
    if overrides and key in overrides:
        return overrides[key]
    if key == "pct":
        return "Change %"
    tokens = key.lower().split("_")
    words = set(tokens)
    pct = bool(words & {"pct", "percent", "ratio"})
    suffix = " %" if pct else ""
    prior_year = ("prior" in words or "previous" in words or "py" in words) and (
        "year" in words or "py" in words or "ly" in words)
    prior = bool(words & {"prior", "previous", "prev", "last", "opening"}) and not prior_year
    if "vs" in words:  # "vs_prior_month", "vs_prior_year_ytd": a change against that column
        against = "_".join(t for t in tokens if t not in ("vs", "pct", "percent"))
        return f"Change{suffix} vs {column_label(against, period)}"
    if words & {"change", "variance", "delta", "movement", "diff"}:
        return ("Change" + (" vs prior year" if prior_year else "")) + suffix
    if "budget" in words:
        return "Budget" + suffix
    if "ytd" in words:
        if prior_year or prior:
            year = period[:4]
            return (f"YTD {int(year) - 1}" if year.isdigit() else "Prior YTD") + suffix
        return f"YTD {period[:4]}".strip() + suffix
    if prior_year:
        return month_label(_month_shift(period, -12)) + suffix
    if prior:
        return month_label(_month_shift(period, -1)) + suffix
    if key in ("amount", "current", "mtd", "balance", "value", "closing") or words & {"current", "mtd"}:
        return month_label(period) + suffix
    return key.replace("_", " ").capitalize()


def _label_key(rows: list[dict]) -> str | None:
    for key in LABEL_KEYS:
        if any(isinstance(r.get(key), str) for r in rows):
            return key
    for key in rows[0]:
        if all(isinstance(r.get(key), str) and not is_amount_text(r.get(key)) for r in rows):
            return key
    return None


def cell_text(value) -> str:
    """Text for a non-figure cell: lists of entries become "JE-1 (1,234.00); ..."."""
    from close.report.numbers import money

    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, dict):
                name = next((str(v) for k, v in item.items() if isinstance(v, str) and not is_amount_text(v)), "")
                amount = next((v for k, v in item.items() if is_amount_text(v) and not _is_id_key(k)), None)
                parts.append(f"{name}: {money(amount)}" if name and amount is not None else name or money(amount))
            else:
                parts.append(str(item))
        return "; ".join(p for p in parts if p)
    return str(value)


def _is_figure(value) -> bool:
    if isinstance(value, bool):
        return False
    return is_amount_text(value) or isinstance(value, int) or to_decimal(value) is not None


def _kind(key: str, values: list) -> str:
    words = set(key.lower().split("_"))
    if words & {"pct", "percent"}:
        return "percent"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values if v is not None):
        return "count"
    return "money"


def _style(row: dict, label: str) -> str:
    for key in STYLE_KEYS:
        if str(row.get(key, "")).lower() in TOTAL_WORDS:
            return "total"
    if row.get("is_total") is True or row.get("total") is True or row.get("bold") is True:
        return "total"
    text = label.strip().lower()
    if text.startswith("total") or text in KEY_LINES:
        return "total"
    return ""


def _without_repeats(columns: list[Column], rows: list[dict]) -> list[Column]:
    """Drop a column that repeats an earlier one in every row (a skill may carry the same
    figure under two keys, e.g. "amount" beside "current"): it adds width, not news."""
    kept: list[Column] = []
    for col in columns:
        values = [r.get(col.key) for r in rows]
        if kept and any(values == [r.get(k.key) for r in rows] for k in kept):
            continue
        kept.append(col)
    return kept


def table_from_rows(rows: list[dict], *, title: str, period: str, note: str = "",
                    labels: dict | None = None) -> Table:
    """A Table showing every figure of `rows`, label first, section headings kept.

    `labels` overrides column heads for keys whose meaning the caller knows (a flux
    skill's "comparison" is last month or last year depending on the skill)."""
    label_key = _label_key(rows)
    skip = {label_key, "is_total", "bold", *LAYOUT_KEYS, *STYLE_KEYS, *SECTION_KEYS}
    figure_keys: list[str] = []
    text_keys: list[str] = []
    for row in rows:
        for key, value in row.items():
            if key in skip or _is_id_key(key) or isinstance(value, (dict, list)):
                continue
            if _is_figure(value) and key not in figure_keys:
                figure_keys.append(key)
    figure_keys.sort(key=lambda k: COLUMN_RANK.get(k, 9))  # stable: first-seen order within a rank
    for row in rows:
        for key, value in row.items():
            if key in skip or key in figure_keys or key in text_keys or isinstance(value, dict):
                continue
            if isinstance(value, (str, bool)) or is_row_list(value):
                text_keys.append(key)
    if label_key:  # an id column that only repeats the label adds nothing
        text_keys = [k for k in text_keys
                     if not (_is_id_key(k) and all(r.get(k) == r.get(label_key) for r in rows))]
    id_first = [k for k in text_keys if _is_id_key(k)]
    text_keys = id_first + [k for k in text_keys if k not in id_first]
    section_key = next((k for k in SECTION_KEYS if any(k in r for r in rows)), None)
    columns = [Column(label_key or "line", "", "text")]
    for key in id_first:
        columns.append(Column(key, (labels or {}).get(key, key.replace("_", " ").capitalize()), "text"))
    for key in figure_keys:
        columns.append(Column(key, column_label(key, period, labels), _kind(key, [r.get(key) for r in rows])))
    for key in text_keys[len(id_first):]:
        columns.append(Column(key, (labels or {}).get(key, key.replace("_", " ").capitalize()), "text"))
    columns = _without_repeats(columns, rows)
    table = Table(title=title, columns=columns, note=note)
    current_section = None
    for row in rows:
        label = str(row.get(label_key, "")) if label_key else ""
        style = _style(row, label)
        if section_key is not None and not style:
            section = row.get(section_key)
            if section and section != current_section:
                table.rows.append(Row({columns[0].key: str(section).replace("_", " ").capitalize()}, "heading"))
                current_section = section
        level = row.get("level") if isinstance(row.get("level"), int) else row.get("indent")
        cells = {columns[0].key: label}
        for col in columns[1:]:
            value = row.get(col.key)
            if col.kind == "text":
                cells[col.key] = cell_text(value)
            else:
                cells[col.key] = value if (value is None or isinstance(value, int)) else to_decimal(value)
        table.rows.append(Row(cells, style, level if isinstance(level, int) else 0))
    return table


def scalar_metrics(metrics: dict) -> list[tuple[str, object]]:
    """(name, value) pairs of a result's plain metrics, tables left out."""
    return [(k, v) for k, v in metrics.items()
            if not isinstance(v, (dict, list)) and v is not None]

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


def column_label(key: str, period: str) -> str:
    """Readable head for a figure key, naming months where the key implies one."""
    tokens = key.lower().split("_")
    words = set(tokens)
    pct = bool(words & {"pct", "percent", "ratio"})
    suffix = " %" if pct else ""
    prior_year = ("prior" in words or "previous" in words or "py" in words) and (
        "year" in words or "py" in words or "ly" in words)
    prior = bool(words & {"prior", "previous", "prev", "last", "opening"}) and not prior_year
    if words & {"change", "variance", "delta", "movement", "diff"}:
        return ("Change" + (" vs prior year" if prior_year else "")) + suffix
    if "budget" in words:
        return "Budget" + suffix
    if "ytd" in words:
        if prior_year or prior:
            return "Prior YTD" + suffix
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


def table_from_rows(rows: list[dict], *, title: str, period: str, note: str = "") -> Table:
    """A Table showing every figure of `rows`, label first, section headings kept."""
    label_key = _label_key(rows)
    figure_keys: list[str] = []
    text_keys: list[str] = []
    for row in rows:
        for key, value in row.items():
            if key == label_key or key in LAYOUT_KEYS or key in STYLE_KEYS or key in SECTION_KEYS:
                continue
            if key in ("is_total", "bold") or isinstance(value, (dict, list)):
                continue
            if _is_figure(value):
                if key not in figure_keys:
                    figure_keys.append(key)
    for row in rows:
        for key, value in row.items():
            if (key not in figure_keys and key != label_key and isinstance(value, str)
                    and key not in SECTION_KEYS and key not in STYLE_KEYS and key not in text_keys):
                text_keys.append(key)
    section_key = next((k for k in SECTION_KEYS if any(k in r for r in rows)), None)
    columns = [Column(label_key or "line", "", "text")]
    for key in figure_keys:
        columns.append(Column(key, column_label(key, period), _kind(key, [r.get(key) for r in rows])))
    for key in text_keys:
        columns.append(Column(key, key.replace("_", " ").capitalize(), "text"))
    table = Table(title=title, columns=columns, note=note)
    current_section = None
    for row in rows:
        if section_key is not None:
            section = row.get(section_key)
            if section and section != current_section:
                table.rows.append(Row({columns[0].key: str(section).replace("_", " ").capitalize()}, "heading"))
                current_section = section
        label = str(row.get(label_key, "")) if label_key else ""
        level = row.get("level") if isinstance(row.get("level"), int) else row.get("indent")
        cells = {columns[0].key: label}
        for col in columns[1:]:
            value = row.get(col.key)
            cells[col.key] = value if (col.kind == "text" or value is None or isinstance(value, int)) else to_decimal(value)
        table.rows.append(Row(cells, _style(row, label), level if isinstance(level, int) else 0))
    return table


def scalar_metrics(metrics: dict) -> list[tuple[str, object]]:
    """(name, value) pairs of a result's plain metrics, tables left out."""
    return [(k, v) for k, v in metrics.items()
            if not isinstance(v, (dict, list)) and v is not None]

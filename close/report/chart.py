"""Inline SVG charts for the review: revenue bars with a net-income line, by month.

The report must be one file that opens anywhere without a network, so charts are drawn
here as plain SVG text rather than by a charting library or a script. Geometry is
computed in Decimal and written with one decimal place, so the same figures always give
the same bytes. The figures come from a skill's metrics (close.mfr), never from the
template: the chart only draws what code computed.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from html import escape

from babel.numbers import format_compact_decimal

from close.report.numbers import LOCALE, money, short_month_label, to_decimal

WIDTH, HEIGHT = Decimal(760), Decimal(300)
LEFT, RIGHT, TOP, BOTTOM = Decimal(64), Decimal(16), Decimal(36), Decimal(44)
BAR_COLOUR = "#9db6d3"
BAR_CURRENT = "#2f5d8c"
LINE_COLOUR = "#c2571a"
STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))


@dataclass(frozen=True)
class Point:
    month: str
    bar: Decimal
    line: Decimal


def _px(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.1")), "f")


def _nice_step(span: Decimal, ticks: int = 5) -> Decimal:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) covering span in ~ticks."""
    if span <= 0:
        return Decimal(1)
    raw = span / ticks
    power = Decimal(10) ** (raw.adjusted())
    for step in STEPS:
        if step * power >= raw:
            return step * power
    return 10 * power


def _axis_range(values: list[Decimal]) -> tuple[Decimal, Decimal, Decimal]:
    low = min([Decimal(0), *values])
    high = max([Decimal(0), *values])
    step = _nice_step(high - low)
    low = (low / step).to_integral_value(rounding=ROUND_FLOOR) * step
    high = (high / step).to_integral_value(rounding=ROUND_CEILING) * step
    if high == low:
        high = low + step
    return low, high, step


def _compact(value: Decimal) -> str:
    return format_compact_decimal(value, format_type="short", locale=LOCALE, fraction_digits=1)


def series_points(series: list[dict], bar_key: str = "revenue", line_key: str = "net_income") -> list[Point]:
    """Chart points from metric rows; rows missing a figure are left out, not zeroed."""
    points = []
    for row in series:
        bar, line = to_decimal(row.get(bar_key)), to_decimal(row.get(line_key))
        if bar is not None and line is not None and row.get("month"):
            points.append(Point(str(row["month"]), bar, line))
    return points


def bar_line_chart(points: list[Point], *, title: str, bar_label: str, line_label: str,
                   currency: str) -> str:
    """An SVG with one bar per month (the last one highlighted) and a line across them."""
    if not points:
        return ""
    low, high, step = _axis_range([v for p in points for v in (p.bar, p.line)])
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    slot = plot_w / len(points)
    bar_w = min(slot * Decimal("0.62"), Decimal(44))

    def y(value: Decimal) -> Decimal:
        return TOP + plot_h - (value - low) / (high - low) * plot_h

    parts = [
        f'<svg class="chart" viewBox="0 0 {_px(WIDTH)} {_px(HEIGHT)}" '
        f'role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    tick = low
    while tick <= high:
        ty = _px(y(tick))
        weight = ' class="zero"' if tick == 0 else ""
        parts.append(f'<line{weight} x1="{_px(LEFT)}" x2="{_px(WIDTH - RIGHT)}" y1="{ty}" y2="{ty}" '
                     f'stroke="{"#8a8f98" if tick == 0 else "#e3e6ea"}" stroke-width="1"/>')
        parts.append(f'<text x="{_px(LEFT - 8)}" y="{ty}" dy="4" text-anchor="end" font-size="11" '
                     f'fill="#5b6270">{escape(_compact(tick))}</text>')
        tick += step
    zero_y = y(Decimal(0))
    line_xy = []
    every = max(1, (len(points) + 11) // 12)
    for index, point in enumerate(points):
        centre = LEFT + slot * index + slot / 2
        top = min(y(point.bar), zero_y)
        height = abs(y(point.bar) - zero_y)
        colour = BAR_CURRENT if index == len(points) - 1 else BAR_COLOUR
        parts.append(
            f'<rect x="{_px(centre - bar_w / 2)}" y="{_px(top)}" width="{_px(bar_w)}" '
            f'height="{_px(height)}" fill="{colour}"><title>{escape(short_month_label(point.month))} '
            f'{escape(bar_label)}: {escape(money(point.bar))} {escape(currency)}</title></rect>')
        if index % every == 0 or index == len(points) - 1:
            parts.append(f'<text x="{_px(centre)}" y="{_px(HEIGHT - BOTTOM + 16)}" text-anchor="middle" '
                         f'font-size="11" fill="#5b6270">{escape(short_month_label(point.month))}</text>')
        line_xy.append((centre, y(point.line), point))
    path = " ".join(f"{_px(cx)},{_px(cy)}" for cx, cy, _ in line_xy)
    parts.append(f'<polyline points="{path}" fill="none" stroke="{LINE_COLOUR}" stroke-width="2.5" '
                 f'stroke-linejoin="round"/>')
    for cx, cy, point in line_xy:
        parts.append(f'<circle cx="{_px(cx)}" cy="{_px(cy)}" r="3.5" fill="{LINE_COLOUR}">'
                     f'<title>{escape(short_month_label(point.month))} {escape(line_label)}: '
                     f'{escape(money(point.line))} {escape(currency)}</title></circle>')
    legend_y = _px(TOP - 18)
    parts.append(f'<rect x="{_px(LEFT)}" y="{_px(TOP - 27)}" width="12" height="12" fill="{BAR_COLOUR}"/>')
    parts.append(f'<text x="{_px(LEFT + 18)}" y="{legend_y}" dy="4" font-size="12" fill="#1f2630">'
                 f'{escape(bar_label)} ({escape(currency)})</text>')
    legend_x = LEFT + 200
    parts.append(f'<line x1="{_px(legend_x)}" x2="{_px(legend_x + 18)}" y1="{legend_y}" y2="{legend_y}" '
                 f'stroke="{LINE_COLOUR}" stroke-width="2.5"/>')
    parts.append(f'<text x="{_px(legend_x + 24)}" y="{legend_y}" dy="4" font-size="12" fill="#1f2630">'
                 f'{escape(line_label)} ({escape(currency)})</text>')
    parts.append("</svg>")
    return "\n".join(parts)

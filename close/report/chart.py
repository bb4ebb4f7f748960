"""Inline SVG charts for the review: one bar per month, the current month highlighted.

The report must be one file that opens anywhere without a network, so charts are drawn
here as plain SVG text rather than by a charting library or a script. Geometry is
computed in Decimal and written with one decimal place, so the same figures always give
the same bytes. The figures come from a skill's metrics (close.mfr), never from the
template: a chart only draws what code computed. Revenue and net income get a chart
each, side by side, because on one axis a net income a tenth of revenue is a flat line.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from html import escape

from babel.numbers import format_compact_decimal

from close.report.numbers import LOCALE, money, short_month_label, to_decimal

WIDTH, HEIGHT = Decimal(520), Decimal(260)
LEFT, RIGHT, TOP, BOTTOM = Decimal(52), Decimal(12), Decimal(34), Decimal(30)
PAST, CURRENT, LOSS = "#9db6d3", "#1f4e79", "#c0504d"
STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))


@dataclass(frozen=True)
class Point:
    month: str
    value: Decimal


def _px(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.1")), "f")


def _nice_step(span: Decimal, ticks: int = 4) -> Decimal:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) covering span in ~ticks."""
    if span <= 0:
        return Decimal(1)
    raw = span / ticks
    power = Decimal(10) ** raw.adjusted()
    for step in STEPS:
        if step * power >= raw:
            return step * power
    return 10 * power


def _axis_range(values: list[Decimal]) -> tuple[Decimal, Decimal, Decimal]:
    low, high = min([Decimal(0), *values]), max([Decimal(0), *values])
    step = _nice_step(high - low)
    low = (low / step).to_integral_value(rounding=ROUND_FLOOR) * step
    high = (high / step).to_integral_value(rounding=ROUND_CEILING) * step
    if high == low:
        high = low + step
    return low, high, step


def _compact(value: Decimal) -> str:
    return format_compact_decimal(value, format_type="short", locale=LOCALE, fraction_digits=1)


def series_points(series: list[dict], key: str) -> list[Point]:
    """Chart points from metric rows; a month without the figure is left out, not zeroed."""
    points = []
    for row in series:
        value = to_decimal(row.get(key))
        if value is not None and row.get("month"):
            points.append(Point(str(row["month"]), value))
    return points


def bar_chart(points: list[Point], *, title: str, label: str, currency: str) -> str:
    """An SVG bar chart by month; the last month dark and labelled, losses in red."""
    if not points:
        return ""
    low, high, step = _axis_range([p.value for p in points])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(points)
    bar_w = min(slot * Decimal("0.66"), Decimal(40))

    def y(value: Decimal) -> Decimal:
        return TOP + plot_h - (value - low) / (high - low) * plot_h

    parts = [f'<svg class="chart" viewBox="0 0 {_px(WIDTH)} {_px(HEIGHT)}" role="img" '
             f'aria-label="{escape(title)}">',
             f"<title>{escape(title)}</title>",
             f'<text x="0" y="16" font-size="14" font-weight="600" fill="#1c2430">{escape(label)}'
             f'<tspan fill="#5b6270" font-weight="400"> ({escape(currency)})</tspan></text>']
    tick = low
    while tick <= high:
        ty = _px(y(tick))
        parts.append(f'<line x1="{_px(LEFT)}" x2="{_px(WIDTH - RIGHT)}" y1="{ty}" y2="{ty}" '
                     f'stroke="{"#8a8f98" if tick == 0 else "#e3e6ea"}" stroke-width="1"/>')
        parts.append(f'<text x="{_px(LEFT - 6)}" y="{ty}" dy="4" text-anchor="end" font-size="12" '
                     f'fill="#5b6270">{escape(_compact(tick))}</text>')
        tick += step
    zero = y(Decimal(0))
    every = max(1, (len(points) + 8) // 9)
    last = len(points) - 1
    for index, point in enumerate(points):
        centre = LEFT + slot * index + slot / 2
        top, height = min(y(point.value), zero), abs(y(point.value) - zero)
        colour = LOSS if point.value < 0 else (CURRENT if index == last else PAST)
        parts.append(
            f'<rect x="{_px(centre - bar_w / 2)}" y="{_px(top)}" width="{_px(bar_w)}" '
            f'height="{_px(height)}" fill="{colour}"><title>{escape(short_month_label(point.month))} '
            f'{escape(label)}: {escape(money(point.value))} {escape(currency)}</title></rect>')
        if (last - index) % every == 0:
            parts.append(f'<text x="{_px(centre)}" y="{_px(HEIGHT - BOTTOM + 15)}" text-anchor="middle" '
                         f'font-size="12" fill="#5b6270">{escape(short_month_label(point.month))}</text>')
        if index == last:
            label_y = top - 5 if point.value >= 0 else top + height + 12
            parts.append(f'<text x="{_px(centre)}" y="{_px(label_y)}" text-anchor="middle" font-size="11" '
                         f'font-weight="600" fill="#1c2430">{escape(_compact(point.value))}</text>')
    parts.append("</svg>")
    return "\n".join(parts)

"""Small SVG charts for the dossier: a line chart and a (grouped or stacked) bar chart, drawn as SVG text.

Drawn here rather than with a charting library: pygal, the library checked, writes an inline script, a random
chart id and the day's date into every chart, while a dossier must run no script, load nothing and be byte-identical
for the same input. Every chart has a ``<title>`` and a ``<desc>`` that states its data in words, so it reads
without the picture (screen readers, text search, a printout in grey).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

__all__ = ["PALETTE", "BarSeries", "LineSeries", "VerticalMarker", "bar_chart", "format_number", "line_chart"]

#: Okabe-Ito colours: told apart with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#6B6B6B", "#000000")

Marker = Literal["circle", "diamond", "square", "triangle"]

_FONT = 11
_INVALID_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_BIDI = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class LineSeries:
    """Points ``(x, y)`` drawn with a marker each, joined by a line when ``connect``."""

    name: str
    points: tuple[tuple[float, float], ...]
    color: int = 0
    marker: Marker = "circle"
    connect: bool = True
    dashed: bool = False


@dataclass(frozen=True)
class VerticalMarker:
    """A dashed vertical line at ``x`` with a label, e.g. the year from which only residual emissions remain."""

    x: float
    label: str
    color: int = 6


@dataclass(frozen=True)
class BarSeries:
    """One value per category (``None``: no bar)."""

    name: str
    values: tuple[float | None, ...]
    color: int = 0


def text(value: str) -> str:
    """Text for SVG/HTML: characters XML cannot hold dropped, markup characters escaped."""
    # The bidirectional controls are written as \uXXXX: raw, they reorder a chart's title on screen.
    shown = _BIDI.sub(lambda m: f"\\u{ord(m.group()):04x}", _INVALID_XML.sub("", value))
    return html.escape(shown, quote=True)


def format_number(value: float | Decimal) -> str:
    """``12450`` as ``12,450``, ``0.25`` as ``0.25``: thousands separated, no exponent, no trailing zeros."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite():
        return str(number)
    # to_integral_value, unlike quantize, cannot fail on a number with more digits than the context's precision.
    rounded = number.quantize(Decimal("0.01")) if abs(number) < 1000 else number.to_integral_value()
    shown = format(rounded, ",f")
    if "." in shown:
        shown = shown.rstrip("0").rstrip(".")
    return "0" if shown in ("-0", "") else shown


def nice_ticks(low: float, high: float, count: int = 5) -> tuple[float, ...]:
    """Round tick values covering ``low``..``high`` (1, 2, 2.5 or 5 times a power of ten apart)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError("tick range must be finite")
    if high < low:
        low, high = high, low
    span = high - low or abs(high) or 1.0
    raw = span / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    if first == last:
        last += 1
    return tuple(round(k * step, 10) + 0.0 for k in range(first, last + 1))


def _n(value: float) -> str:
    shown = f"{value:.1f}"
    return "0.0" if shown == "-0.0" else shown


def _width_of(label: str, size: int = _FONT) -> float:
    """A rough width of ``label`` in the page's sans-serif font, enough to lay out legends and avoid overlaps."""
    return len(label) * size * 0.58


def _open(chart_id: str, title: str, desc: str, width: int, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{text(chart_id)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{text(chart_id)}-title {text(chart_id)}-desc" font-family="sans-serif" font-size="{_FONT}">',
        f'<title id="{text(chart_id)}-title">{text(title)}</title>',
        f'<desc id="{text(chart_id)}-desc">{text(desc)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="{width / 2:.1f}" y="20" text-anchor="middle" font-size="14" font-weight="bold">{text(title)}</text>',
    ]


@dataclass(frozen=True)
class _Key:
    """One legend entry: a bar swatch, or a line sample (with the series' marker, if any)."""

    name: str
    color: int
    marker: Marker | None = None
    line: bool = False
    dashed: bool = False


def _legend(keys: Sequence[_Key], width: int) -> tuple[list[str], float]:
    """Legend rows, wrapped to ``width``; returns the SVG (placed from y = 0) and the height it takes."""
    parts: list[str] = []
    x, y = 10.0, 12.0
    for key in keys:
        item = 28 + _width_of(key.name)
        if x + item > width - 10 and x > 10:
            x, y = 10.0, y + 18
        fill = PALETTE[key.color % len(PALETTE)]
        if key.line:
            dash = ' stroke-dasharray="4 3"' if key.dashed else ""
            parts.append(
                f'<line x1="{_n(x)}" y1="{_n(y - 4)}" x2="{_n(x + 18)}" y2="{_n(y - 4)}" stroke="{fill}" '
                f'stroke-width="2"{dash}/>'
            )
        if key.marker is not None:
            parts.append(_marker(key.marker, x + 9, y - 4, fill))
        if not key.line and key.marker is None:
            parts.append(f'<rect x="{_n(x)}" y="{_n(y - 9)}" width="14" height="10" fill="{fill}"/>')
        parts.append(f'<text x="{_n(x + 22)}" y="{_n(y)}">{text(key.name)}</text>')
        x += item + 12
    return parts, y + 8


def _marker(kind: Marker, x: float, y: float, fill: str) -> str:
    if kind == "diamond":
        points = f"{_n(x)},{_n(y - 6)} {_n(x + 6)},{_n(y)} {_n(x)},{_n(y + 6)} {_n(x - 6)},{_n(y)}"
        return f'<polygon points="{points}" fill="{fill}" stroke="#ffffff"/>'
    if kind == "square":
        return f'<rect x="{_n(x - 4.5)}" y="{_n(y - 4.5)}" width="9" height="9" fill="{fill}" stroke="#ffffff"/>'
    if kind == "triangle":
        points = f"{_n(x)},{_n(y - 6)} {_n(x + 6)},{_n(y + 5)} {_n(x - 6)},{_n(y + 5)}"
        return f'<polygon points="{points}" fill="{fill}" stroke="#ffffff"/>'
    return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="4.5" fill="{fill}" stroke="#ffffff"/>'


@dataclass(frozen=True)
class _Frame:
    """The plot area and its value axis."""

    left: float
    top: float
    right: float
    bottom: float
    ticks: tuple[float, ...]

    def y(self, value: float) -> float:
        low, high = self.ticks[0], self.ticks[-1]
        return self.bottom - (value - low) / (high - low) * (self.bottom - self.top)

    def value_axis(self, title: str) -> list[str]:
        parts = []
        for tick in self.ticks:
            y = self.y(tick)
            parts.append(
                f'<line x1="{_n(self.left)}" y1="{_n(y)}" x2="{_n(self.right)}" y2="{_n(y)}" stroke="#dddddd"/>'
            )
            parts.append(
                f'<text x="{_n(self.left - 6)}" y="{_n(y + 4)}" text-anchor="end">{format_number(tick)}</text>'
            )
        middle = (self.top + self.bottom) / 2
        parts.append(
            f'<text x="14" y="{_n(middle)}" text-anchor="middle" transform="rotate(-90 14 {_n(middle)})">'
            f"{text(title)}</text>"
        )
        parts.append(
            f'<line x1="{_n(self.left)}" y1="{_n(self.bottom)}" x2="{_n(self.right)}" y2="{_n(self.bottom)}" '
            'stroke="#333333"/>'
        )
        return parts


def _value_ticks(values: Sequence[float]) -> tuple[float, ...]:
    low = min([0.0, *values])
    high = max([0.0, *values])
    if high == low:
        high = low + 1
    return nice_ticks(low, high * 1.08 if high > 0 else high)


def line_chart(
    chart_id: str,
    title: str,
    series: Sequence[LineSeries],
    *,
    markers: Sequence[VerticalMarker] = (),
    y_title: str = "t CO2e",
    width: int = 720,
    height: int = 360,
) -> str:
    """A line chart over whole-number x values (years); each point is labelled with its y value."""
    xs = [x for line in series for x, _ in line.points] + [marker.x for marker in markers]
    ys = [y for line in series for _, y in line.points]
    desc = "; ".join(
        # x is a year: written as one ("2024"), never grouped ("2,024").
        f"{line.name}: " + ", ".join(f"{int(x)}: {format_number(y)}" for x, y in line.points)
        for line in series
    )
    desc += "".join(f"; {marker.label}" for marker in markers)
    parts = _open(chart_id, title, desc or "no data", width, height)
    # The legend goes below the plot; it is laid out first so that the plot leaves room for it.
    legend, legend_height = _legend(
        [_Key(line.name, line.color, line.marker, line.connect, line.dashed) for line in series]
        + [_Key(marker.label, marker.color, None, True, True) for marker in markers],
        width,
    )
    frame = _Frame(left=70, top=40, right=width - 20, bottom=height - 36 - legend_height, ticks=_value_ticks(ys))
    parts.extend(frame.value_axis(y_title))
    if not xs:
        parts.append(f'<text x="{width / 2:.1f}" y="{_n(frame.bottom - 20)}" text-anchor="middle">no data</text>')
        parts.append("</svg>")
        return "\n".join(parts)
    low, high = math.floor(min(xs)), math.ceil(max(xs))
    span = max(high - low, 1)

    def x_of(value: float) -> float:
        return frame.left + 20 + (value - low) / span * (frame.right - frame.left - 40)

    # Ticks on round years (every 1, 2, 5, 10... years), at most a dozen of them.
    step = next(m * 10**e for e in range(0, 6) for m in (1, 2, 5) if span / (m * 10**e) <= 12)
    for year in range(math.ceil(low / step) * step, high + 1, step):
        x = x_of(year)
        parts.append(
            f'<line x1="{_n(x)}" y1="{_n(frame.bottom)}" x2="{_n(x)}" y2="{_n(frame.bottom + 4)}" stroke="#333333"/>'
        )
        parts.append(f'<text x="{_n(x)}" y="{_n(frame.bottom + 16)}" text-anchor="middle">{year}</text>')
    for marker in markers:
        x = x_of(marker.x)
        color = PALETTE[marker.color % len(PALETTE)]
        parts.append(
            f'<line x1="{_n(x)}" y1="{_n(frame.top)}" x2="{_n(x)}" y2="{_n(frame.bottom)}" stroke="{color}" '
            'stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
        anchor = "end" if x > (frame.left + frame.right) / 2 else "start"
        offset = -4 if anchor == "end" else 4
        parts.append(
            f'<text x="{_n(x + offset)}" y="{_n(frame.top + 10)}" text-anchor="{anchor}" fill="{color}">'
            f"{text(marker.label)}</text>"
        )
    for line in series:
        color = PALETTE[line.color % len(PALETTE)]
        points = sorted(line.points)
        coordinates = [(x_of(x), frame.y(y)) for x, y in points]
        if line.connect and len(coordinates) > 1:
            dash = ' stroke-dasharray="6 4"' if line.dashed else ""
            path = " ".join(f"{_n(x)},{_n(y)}" for x, y in coordinates)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"{dash}/>')
        for (x, y), (_, value) in zip(coordinates, points, strict=True):
            parts.append(_marker(line.marker, x, y, color))
            parts.append(f'<text x="{_n(x)}" y="{_n(y - 9)}" text-anchor="middle">{format_number(value)}</text>')
    parts.append(f'<g transform="translate(0 {_n(frame.bottom + 22)})">')
    parts.extend(legend)
    parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)


def bar_chart(
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[BarSeries],
    *,
    stacked: bool = False,
    notes: Sequence[str] = (),
    y_title: str = "t CO2e",
    width: int = 720,
    height: int = 360,
) -> str:
    """Bars per category, side by side (or stacked), each labelled with its value; ``notes`` are written under the
    category names (one per category)."""
    for bars in series:
        if len(bars.values) != len(categories):
            raise ValueError(f"series {bars.name!r} has {len(bars.values)} values for {len(categories)} categories")
    if stacked:
        totals = [sum(bars.values[i] or 0.0 for bars in series) for i in range(len(categories))]
        heights = [*totals, 0.0]
    else:
        heights = [value for bars in series for value in bars.values if value is not None]
    described = []
    for i, category in enumerate(categories):
        values = [(bars.name, bars.values[i]) for bars in series]
        shown = ", ".join(f"{name} {format_number(value)}" for name, value in values if value is not None)
        note = f" ({notes[i]})" if i < len(notes) and notes[i] else ""
        described.append(f"{category}: {shown}{note}")
    desc = "; ".join(described)
    parts = _open(chart_id, title, desc or "no data", width, height)
    legend, legend_height = _legend([_Key(bars.name, bars.color) for bars in series], width)
    extra = 14 if any(notes) else 0
    frame = _Frame(
        left=70, top=40, right=width - 20, bottom=height - 36 - extra - legend_height, ticks=_value_ticks(heights)
    )
    parts.extend(frame.value_axis(y_title))
    if not categories:
        parts.append(f'<text x="{width / 2:.1f}" y="{_n(frame.bottom - 20)}" text-anchor="middle">no data</text>')
    band = (frame.right - frame.left) / max(len(categories), 1)
    lanes = 1 if stacked else max(len(series), 1)
    bar_width = min(band * 0.7 / lanes, 80)
    zero = frame.y(0.0)
    for index, category in enumerate(categories):
        centre = frame.left + band * (index + 0.5)
        start = centre - bar_width * lanes / 2
        base = 0.0
        for lane, bars in enumerate(series):
            value = bars.values[index]
            if value is None:
                continue
            color = PALETTE[bars.color % len(PALETTE)]
            x = start if stacked else start + lane * bar_width
            low, high = (base, base + value) if stacked else (0.0, value)
            y_top, y_bottom = sorted((frame.y(high), frame.y(low)))
            parts.append(
                f'<rect x="{_n(x + 1)}" y="{_n(y_top)}" width="{_n(bar_width - 2)}" height="{_n(y_bottom - y_top)}" '
                f'fill="{color}"><title>{text(f"{bars.name}, {category}: {format_number(value)}")}</title></rect>'
            )
            label = format_number(value)
            if not stacked:
                parts.append(
                    f'<text x="{_n(x + bar_width / 2)}" y="{_n(y_top - 4)}" text-anchor="middle">{label}</text>'
                )
            elif y_bottom - y_top >= 14 and _width_of(label) < bar_width:
                parts.append(
                    f'<text x="{_n(x + bar_width / 2)}" y="{_n((y_top + y_bottom) / 2 + 4)}" text-anchor="middle" '
                    f'fill="#ffffff">{label}</text>'
                )
            base += value if stacked else 0.0
        if stacked:
            parts.append(
                f'<text x="{_n(centre)}" y="{_n(frame.y(base) - 4)}" text-anchor="middle" font-weight="bold">'
                f"{format_number(base)}</text>"
            )
        parts.append(f'<text x="{_n(centre)}" y="{_n(frame.bottom + 16)}" text-anchor="middle">{text(category)}</text>')
        if index < len(notes) and notes[index]:
            parts.append(
                f'<text x="{_n(centre)}" y="{_n(frame.bottom + 30)}" text-anchor="middle" fill="#444444">'
                f"{text(notes[index])}</text>"
            )
    if zero != frame.bottom:
        parts.append(
            f'<line x1="{_n(frame.left)}" y1="{_n(zero)}" x2="{_n(frame.right)}" y2="{_n(zero)}" stroke="#333333"/>'
        )
    parts.append(f'<g transform="translate(0 {_n(frame.bottom + 22 + extra)})">')
    parts.extend(legend)
    parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)
